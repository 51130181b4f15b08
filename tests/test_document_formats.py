"""HWP 5, HWPX and PDF readers: real HWP files, hand-built HWPX and PDF, and every refusal reason."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from samples import refusal_reason, write_file

from nlp.metadata import extract_tour_metadata
from nlp.readers import read_document
from nlp.splitting import split_into_suggestions

HWP_FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "hwp"
LETTERS = re.compile(r"[가-힣A-Za-z]")
MAX_BYTES = 5_000_000

HP = "http://www.hancom.co.kr/hwpml/2011/paragraph"
HS = "http://www.hancom.co.kr/hwpml/2011/section"

ITEMS = [
    "스마트공장 유지보수 비용 지원을 확대해 주시기 바랍니다",
    "제조 AI 전문인력 양성 과정을 지역에도 개설해 주십시오",
]
FORM = [
    ["번호", "제안자", "소속", "건의내용"],
    ["1", "김민수", "㈜대성정밀", "중소기업 AI 바우처 한도를 상향해 주십시오"],
    ["2", "이영희", "한빛테크", "데이터 표준화 교육을 지원해 주시기 바랍니다"],
]


_write = write_file


def _reason(path: Path) -> str:
    return refusal_reason(path, MAX_BYTES)


# --- HWPX -----------------------------------------------------------------------------------


def _p(text: str) -> str:
    return f'<hp:p><hp:run charPrIDRef="0"><hp:t>{text}</hp:t></hp:run></hp:p>'


def _tbl(rows: list[list[str]]) -> str:
    body = "".join(
        "<hp:tr>"
        + "".join(f"<hp:tc><hp:subList>{_p(cell)}</hp:subList></hp:tc>" for cell in row)
        + "</hp:tr>"
        for row in rows
    )
    return f'<hp:p><hp:run><hp:tbl rowCnt="{len(rows)}">{body}</hp:tbl></hp:run></hp:p>'


def hwpx_bytes(body: str, *, manifest: str | None = None) -> bytes:
    section = f'<?xml version="1.0" encoding="UTF-8"?><hs:sec xmlns:hs="{HS}" xmlns:hp="{HP}">{body}</hs:sec>'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/hwp+zip")  # stored, first
        archive.writestr("version.xml", '<?xml version="1.0"?><hv:HCFVersion xmlns:hv="x" major="5"/>')
        archive.writestr("Contents/content.hpf", '<?xml version="1.0"?><opf:package xmlns:opf="y"/>')
        archive.writestr("Contents/section0.xml", section, compress_type=zipfile.ZIP_DEFLATED)
        if manifest is not None:
            archive.writestr("META-INF/manifest.xml", manifest)
    return buffer.getvalue()


def _form_hwpx() -> bytes:
    body = (
        _p("2025년 제조AI 현장간담회 결과")
        + _p("일시: 2025년 3월 11일(화) 14:00")
        + _p("방문기업: ㈜대성정밀")
        + _p("건의사항")
        + "".join(_p(f"○ {item}") for item in ITEMS)
        + _p("참석자 건의 양식")
        + _tbl(FORM)
    )
    return hwpx_bytes(body)


def test_hwpx_paragraphs_and_table_in_reading_order(tmp_path: Path) -> None:
    document = read_document(_write(tmp_path, "간담회.hwpx", _form_hwpx()), max_bytes=MAX_BYTES)
    assert document.format == "hwpx"
    lines = document.text.splitlines()
    assert lines[0] == "2025년 제조AI 현장간담회 결과"
    assert (
        lines.index("건의사항")
        < lines.index(f"○ {ITEMS[0]}")
        < lines.index("번호 | 제안자 | 소속 | 건의내용")
    )
    assert [row.cells["건의내용"] for row in document.rows] == [FORM[1][3], FORM[2][3]]
    for row in document.rows:
        for column, (start, end) in row.spans.items():
            assert document.text[start:end] == row.cells[column]


def test_hwpx_end_to_end_items_and_rows_become_suggestions(tmp_path: Path) -> None:
    document = read_document(_write(tmp_path, "간담회.hwpx", _form_hwpx()), max_bytes=MAX_BYTES)
    suggestions = split_into_suggestions(document, extract_tour_metadata(document))
    texts = [s.text for s in suggestions]
    for expected in [*ITEMS, FORM[1][3], FORM[2][3]]:
        assert any(expected in text for text in texts), (expected, texts)
    for suggestion in suggestions:
        assert document.text[suggestion.span_start : suggestion.span_end] == suggestion.text
    by_text = {s.text: s for s in suggestions}
    assert by_text[FORM[1][3]].speaker == "김민수"


def test_truncated_hwpx_is_refused(tmp_path: Path) -> None:
    data = _form_hwpx()
    reason = _reason(_write(tmp_path, "잘림.hwpx", data[: len(data) // 2]))
    assert "HWPX" in reason


def test_hwpx_without_sections_is_refused(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/hwp+zip")
    assert "HWPX 파일을 열 수 없습니다" in _reason(_write(tmp_path, "빈.hwpx", buffer.getvalue()))


def test_encrypted_hwpx_is_refused_with_password_reason(tmp_path: Path) -> None:
    manifest = (
        '<?xml version="1.0"?><odf:manifest xmlns:odf="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<odf:file-entry odf:full-path="Contents/section0.xml"><odf:encryption-data odf:checksum="x"/>'
        "</odf:file-entry></odf:manifest>"
    )
    data = hwpx_bytes(_p("비밀"), manifest=manifest)
    assert "암호" in _reason(_write(tmp_path, "암호.hwpx", data))


def test_text_named_hwpx_does_not_match_extension(tmp_path: Path) -> None:
    reason = _reason(_write(tmp_path, "메모.hwpx", "건의사항\n○ 지원 확대".encode()))
    assert "확장자" in reason


# --- PDF ------------------------------------------------------------------------------------


def pdf_bytes(content: bytes | None) -> bytes:
    """A minimal one-page PDF, with a Helvetica text object when `content` is given."""
    resources = b"<< /Font << /F1 5 0 R >> >>" if content is not None else b"<< >>"
    stream = content or b""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources "
        + resources
        + b" /Contents 4 0 R >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def test_pdf_text_layer_is_read(tmp_path: Path) -> None:
    data = pdf_bytes(b"BT /F1 12 Tf 72 720 Td (Suggestion: AI training) Tj ET")
    document = read_document(_write(tmp_path, "보도자료.pdf", data), max_bytes=MAX_BYTES)
    assert document.format == "pdf"
    assert "Suggestion: AI training" in document.text


def test_pdf_without_text_layer_is_called_a_scan(tmp_path: Path) -> None:
    reason = _reason(_write(tmp_path, "스캔.pdf", pdf_bytes(None)))
    assert reason == "텍스트 레이어가 없는 PDF입니다 (스캔 문서로 보입니다)"


def test_encrypted_pdf_is_refused_with_password_reason(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes(b"BT /F1 12 Tf 72 720 Td (x) Tj ET"))))
    writer.encrypt(user_password="12345", owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    assert "암호" in _reason(_write(tmp_path, "암호.pdf", buffer.getvalue()))


def test_corrupt_pdf_is_refused(tmp_path: Path) -> None:
    data = b"%PDF-1.4\n" + bytes(range(256)) * 4
    assert "PDF" in _reason(_write(tmp_path, "손상.pdf", data))


def test_text_named_pdf_does_not_match_extension(tmp_path: Path) -> None:
    assert "확장자" in _reason(_write(tmp_path, "메모.pdf", "건의사항".encode()))


# --- HWP 5 ----------------------------------------------------------------------------------


def _hwp_fixture(name: str) -> Path:
    path = HWP_FIXTURES / name
    if not path.exists():
        pytest.skip(f"HWP fixture {path} is not available")
    return path


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("sample-5017.hwp", "한글 2005 예제 파일입니다."),
        ("lists.hwp", "글머리표"),
        ("footnote-endnote.hwp", "각주입니다."),
        ("textbox.hwp", "글상자"),
    ],
)
def test_real_hwp_files_give_text(name: str, expected: str) -> None:
    document = read_document(_hwp_fixture(name), max_bytes=MAX_BYTES)
    assert document.format == "hwp"
    assert LETTERS.search(document.text)
    assert expected in document.text
    assert not re.search(r"[\x00-\x08\x0b-\x1f]", document.text)  # no control characters leak


def test_hwp_table_cells_become_rows() -> None:
    document = read_document(_hwp_fixture("sample-5017.hwp"), max_bytes=MAX_BYTES)
    assert "A0 | B0" in document.text.splitlines()
    assert document.rows[0].cells == {"A0": "A1", "B0": "B10 B11"}


def test_hwp_with_only_an_empty_table_is_refused_as_textless() -> None:
    # table.hwp holds one table whose cells are all empty (its own preview text is "<><><>").
    assert "글자가 없습니다" in _reason(_hwp_fixture("table.hwp"))


def test_password_hwp_is_refused_with_password_reason() -> None:
    assert _reason(_hwp_fixture("password-12345.hwp")).startswith("암호가 걸린 HWP 문서입니다")


def test_plain_text_named_hwp_is_refused(tmp_path: Path) -> None:
    reason = _reason(_write(tmp_path, "회의록.hwp", "건의사항\n○ 스마트공장 지원 확대".encode()))
    assert "확장자" in reason


def test_ole_file_that_is_not_hwp_is_refused(tmp_path: Path) -> None:
    data = _hwp_fixture("textbox.hwp").read_bytes()
    assert "HWP" in _reason(_write(tmp_path, "잘림.hwp", data[:1024]))
