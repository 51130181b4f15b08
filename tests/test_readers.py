"""nlp.readers: every encoding staff's PCs write, every way a file can be unusable, and exact cell spans."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from samples import (
    FORM_HEADER,
    FORM_ROWS,
    binary_bytes,
    docx_bytes,
    form_csv_text,
    truncated,
    xlsx_bytes,
)

from nlp.readers import DocumentError, read_document

TEXT = "일시: 2024년 5월 21일(화) 14:00~15:30\n방문기업: ㈜대성정밀\n스마트공장 유지보수 비용 지원을 요청합니다.\n"
HANGUL = re.compile(r"[가-힣]")


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("cp949"), "cp949"),
        (TEXT.encode("utf-16"), "utf-16"),  # with its byte-order mark, as Windows Notepad writes it
        (TEXT.replace("\n", "\r\n").encode("cp949"), "cp949"),
    ],
    ids=["utf-8", "utf-8-bom", "cp949", "utf-16", "cp949-crlf"],
)
def test_text_files_decode_to_the_same_korean_text(tmp_path: Path, data: bytes, encoding: str) -> None:
    document = read_document(_write(tmp_path, "회의록.txt", data), max_bytes=1_000_000)
    assert document.text == TEXT
    assert document.encoding == encoding
    assert document.format == "txt"
    assert not document.text.startswith("\ufeff")


def test_same_text_in_different_encodings_has_different_content_hashes(tmp_path: Path) -> None:
    utf8 = read_document(_write(tmp_path, "a.txt", TEXT.encode("utf-8")), max_bytes=1_000_000)
    cp949 = read_document(_write(tmp_path, "b.txt", TEXT.encode("cp949")), max_bytes=1_000_000)
    assert utf8.text == cp949.text
    assert utf8.content_hash != cp949.content_hash  # identity is the bytes on disk


def _reason(tmp_path: Path, name: str, data: bytes, max_bytes: int = 1_000_000) -> str:
    with pytest.raises(DocumentError) as caught:
        read_document(_write(tmp_path, name, data), max_bytes=max_bytes)
    reason = caught.value.reason
    assert reason and HANGUL.search(reason), f"reason must be a Korean sentence: {reason!r}"
    assert str(caught.value) == reason
    return reason


def test_empty_file_is_refused(tmp_path: Path) -> None:
    assert "빈 파일" in _reason(tmp_path, "empty.txt", b"")


def test_whitespace_only_file_is_refused(tmp_path: Path) -> None:
    assert "빈 파일" in _reason(tmp_path, "blank.md", b" \r\n\t\n")


def test_binary_bytes_named_txt_are_refused(tmp_path: Path) -> None:
    assert "바이너리" in _reason(tmp_path, "사진.txt", binary_bytes())


@pytest.mark.parametrize("name", ["발표자료.ppt", "사진.jpg", "확장자없음"])
def test_unknown_extension_is_refused_as_unsupported_format(tmp_path: Path, name: str) -> None:
    reason = _reason(tmp_path, name, TEXT.encode("utf-8"))
    assert "지원하지 않는 형식" in reason
    suffix = Path(name).suffix
    assert (suffix or "확장자 없음") in reason


def test_truncated_xlsx_is_refused(tmp_path: Path) -> None:
    reason = _reason(tmp_path, "양식.xlsx", truncated(xlsx_bytes([FORM_HEADER, *FORM_ROWS])))
    assert "XLSX" in reason


def test_truncated_docx_is_refused(tmp_path: Path) -> None:
    reason = _reason(
        tmp_path, "회의록.docx", truncated(docx_bytes(["회의록", "스마트공장 유지보수 지원을 요청합니다."]))
    )
    assert "DOCX" in reason


def test_docx_renamed_xlsx_is_refused_not_crashed(tmp_path: Path) -> None:
    # A valid ZIP that is not a workbook: the reader must explain, not raise a library error.
    reason = _reason(tmp_path, "양식.xlsx", docx_bytes(["회의록"]))
    assert "XLSX" in reason


def test_oversize_file_is_refused_before_reading(tmp_path: Path) -> None:
    data = TEXT.encode("utf-8")
    reason = _reason(tmp_path, "큰파일.txt", data, max_bytes=len(data) - 1)
    assert "너무 큽니다" in reason
    # exactly at the limit is fine
    assert read_document(tmp_path / "큰파일.txt", max_bytes=len(data)).text == TEXT


def test_form_without_data_rows_is_refused(tmp_path: Path) -> None:
    assert "행" in _reason(tmp_path, "양식.csv", form_csv_text(rows=[]).encode("utf-8"))


def _assert_spans_exact(document, expected_rows: list[list[str]]) -> None:
    assert len(document.rows) == len(expected_rows)
    for row, expected in zip(document.rows, expected_rows, strict=True):
        assert set(row.spans) == set(row.cells)
        for column, (start, end) in row.spans.items():
            assert document.text[start:end] == row.cells[column]
        assert row.cells == dict(zip(FORM_HEADER, expected, strict=True))


def test_csv_rows_point_at_their_cells(tmp_path: Path) -> None:
    document = read_document(
        _write(tmp_path, "양식.csv", form_csv_text().encode("cp949")), max_bytes=1_000_000
    )
    assert document.encoding == "cp949"
    assert document.format == "csv"
    _assert_spans_exact(document, FORM_ROWS)
    # the quoted cell with a comma stays one cell
    assert document.rows[0].cells["건의내용"] == FORM_ROWS[0][6]


def test_xlsx_rows_point_at_their_cells(tmp_path: Path) -> None:
    document = read_document(
        _write(tmp_path, "양식.xlsx", xlsx_bytes([FORM_HEADER, *FORM_ROWS])), max_bytes=1_000_000
    )
    assert document.format == "xlsx"
    assert document.encoding is None
    _assert_spans_exact(document, FORM_ROWS)


def test_xlsx_skips_empty_rows_and_numeric_cells_become_text(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        [None] * 7,
        FORM_HEADER,
        [1, *FORM_ROWS[0][1:]],
        [None] * 7,
        [2, *FORM_ROWS[1][1:]],
    ]
    document = read_document(_write(tmp_path, "양식.xlsx", xlsx_bytes(rows)), max_bytes=1_000_000)
    _assert_spans_exact(document, FORM_ROWS[:2])


def test_docx_paragraphs_and_table_rows(tmp_path: Path) -> None:
    table = [["번호", "제안자", "소속", "건의내용"], ["1", "김민수", "㈜대성정밀", "AI 전문인력 양성 과정 개설"],
             ["2", "박지영", "㈜한빛오토", "품질 데이터 표준 양식 마련"]]  # fmt: skip
    data = docx_bytes(["2025년 현장간담회 회의록", "일시: 2025년 1월 14일(화)"], table=table)
    document = read_document(_write(tmp_path, "회의록.docx", data), max_bytes=1_000_000)
    assert document.format == "docx"
    assert document.text.startswith("2025년 현장간담회 회의록\n일시: 2025년 1월 14일(화)\n")
    assert len(document.rows) == 2
    for row, expected in zip(document.rows, table[1:], strict=True):
        assert row.cells == dict(zip(table[0], expected, strict=True))
        for column, (start, end) in row.spans.items():
            assert document.text[start:end] == row.cells[column]


def test_sidecar_is_read_and_broken_sidecar_is_a_document_error(tmp_path: Path) -> None:
    path = _write(tmp_path, "회의록.txt", TEXT.encode("utf-8"))
    (tmp_path / "회의록.txt.meta.toml").write_text(
        'company = "㈜대성정밀"\ntour_number = 3\n', encoding="utf-8"
    )
    assert read_document(path, max_bytes=1_000_000).sidecar == {"company": "㈜대성정밀", "tour_number": 3}
    (tmp_path / "회의록.txt.meta.toml").write_text("company = 따옴표없음\n", encoding="utf-8")
    with pytest.raises(DocumentError) as caught:
        read_document(path, max_bytes=1_000_000)
    assert "회의록.txt.meta.toml" in caught.value.reason
