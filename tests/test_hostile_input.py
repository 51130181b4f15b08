"""Hostile files: each built here, in tmp_path, to push one reader past one limit (issue 13).

Every one must end as a `DocumentError` with a Korean reason that names the problem (or, where
the file is merely odd, be read correctly and quickly); none may end the run.
"""

from __future__ import annotations

import io
import re
import struct
import time
import zipfile
import zlib
from pathlib import Path

import pytest
from samples import MINUTES, docx_bytes, refusal_reason, write_file, xlsx_bytes

from nlp.ingest import ingest_folder
from nlp.readers import limits, read_document
from nlp.readers.control_characters import replace_control_characters

MAX_BYTES = 20_000_000
HP = "http://www.hancom.co.kr/hwpml/2011/paragraph"
HS = "http://www.hancom.co.kr/hwpml/2011/section"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


_write = write_file


def _reason(path: Path) -> str:
    return refusal_reason(path, MAX_BYTES)


def _replace_member(package: bytes, name: str, blob: bytes) -> bytes:
    """The ZIP package with one member's content replaced (deflated, as Office writes it)."""
    source = zipfile.ZipFile(io.BytesIO(package))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, blob if info.filename == name else source.read(info))
    return buffer.getvalue()


# --- HWPX -------------------------------------------------------------------------------------


def _p(text: str) -> str:
    return f"<hp:p><hp:run><hp:t>{text}</hp:t></hp:run></hp:p>"


def _section(body: str, prolog: str = "") -> str:
    return f'<?xml version="1.0"?>{prolog}<hs:sec xmlns:hs="{HS}" xmlns:hp="{HP}">{body}</hs:sec>'


def hwpx_bytes(section: bytes, extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/hwp+zip")
        archive.writestr("Contents/section0.xml", section)
        for name, blob in (extra or {}).items():
            archive.writestr(name, blob)
    return buffer.getvalue()


def test_plain_hwpx_still_reads(tmp_path: Path) -> None:
    data = hwpx_bytes(_section(_p("스마트공장 지원을 확대해 주십시오")).encode())
    assert (
        read_document(_write(tmp_path, "정상.hwpx", data), MAX_BYTES).text
        == "스마트공장 지원을 확대해 주십시오\n"
    )


def test_deeply_nested_hwpx_is_refused_not_a_recursion_error(tmp_path: Path) -> None:
    depth = 20_000  # far past Python's recursion limit: the old tree walk died with RecursionError
    body = "<hp:p><hp:run>" * depth + "<hp:t>깊은 글</hp:t>" + "</hp:run></hp:p>" * depth
    reason = _reason(_write(tmp_path, "중첩.hwpx", hwpx_bytes(_section(body).encode())))
    assert "중첩이 너무 깊음" in reason and "section0.xml" in reason


ENTITY_PROLOG = '<!DOCTYPE hs:sec [<!ENTITY secret "내부엔티티값">]>'


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-16-le", "utf-16-be"])
def test_hwpx_dtd_is_refused_in_any_encoding_and_never_expanded(tmp_path: Path, encoding: str) -> None:
    declaration = f'<?xml version="1.0" encoding="{encoding.upper()[:6]}"?>'
    xml = _section(_p("&secret;"), prolog=ENTITY_PROLOG).replace('<?xml version="1.0"?>', declaration)
    blob = xml.encode(encoding)
    if encoding == "utf-16-le":
        blob = b"\xff\xfe" + blob
    elif encoding == "utf-16-be":
        blob = b"\xfe\xff" + blob
    reason = _reason(_write(tmp_path, "엔티티.hwpx", hwpx_bytes(blob)))
    assert "DTD" in reason and "내부엔티티값" not in reason


def test_hwpx_dtd_after_4096_bytes_of_comment_is_refused(tmp_path: Path) -> None:
    prolog = "<!--" + "x" * 10_000 + "-->" + ENTITY_PROLOG
    reason = _reason(_write(tmp_path, "긴주석.hwpx", hwpx_bytes(_section(_p("&secret;"), prolog).encode())))
    assert "DTD" in reason


def test_hwpx_entity_in_a_part_we_do_not_read_is_refused(tmp_path: Path) -> None:
    laughs = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "ㅋㅋㅋㅋㅋㅋㅋㅋ"><!ENTITY b "&a;&a;&a;&a;">]><x>&b;</x>'
    data = hwpx_bytes(_section(_p("본문")).encode(), {"Contents/header.xml": laughs.encode()})
    reason = _reason(_write(tmp_path, "헤더.hwpx", data))
    assert "DTD" in reason and "Contents/header.xml" in reason


def test_undeclared_entity_is_an_xml_error_not_text(tmp_path: Path) -> None:
    reason = _reason(_write(tmp_path, "미선언.hwpx", hwpx_bytes(_section(_p("&secret;")).encode())))
    assert "XML 오류" in reason


def test_hwpx_zip_bomb_is_refused_by_decompressed_size(tmp_path: Path) -> None:
    zeros = b" " * (limits.MAX_DECOMPRESSED_BYTES + 1_000_000)
    section = _section(_p("본문")).encode().replace(b"</hs:sec>", zeros + b"</hs:sec>")
    reason = _reason(_write(tmp_path, "폭탄.hwpx", hwpx_bytes(section)))
    assert "압축을 풀면 너무 큼" in reason


def test_hwpx_with_too_many_elements_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_ELEMENTS", 1_000)
    data = hwpx_bytes(_section(_p("문단") * 500).encode())  # 4 elements a paragraph
    assert "XML 요소가 너무 많음" in _reason(_write(tmp_path, "요소.hwpx", data))


# --- DOCX -------------------------------------------------------------------------------------


def test_docx_of_a_million_empty_paragraphs_is_refused(tmp_path: Path) -> None:
    n = limits.MAX_ELEMENTS + 10
    document = f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}"><w:body>'
    document += "<w:p/>" * n + "</w:body></w:document>"
    data = _replace_member(docx_bytes(["회의록"]), "word/document.xml", document.encode())
    assert len(data) < 200_000  # a small upload ...
    reason = _reason(_write(tmp_path, "빈문단.docx", data))
    assert "XML 요소가 너무 많음" in reason and "word/document.xml" in reason  # ... refused while parsed


def test_docx_internal_entity_is_refused(tmp_path: Path) -> None:
    original = zipfile.ZipFile(io.BytesIO(docx_bytes(["회의록"]))).read("word/document.xml").decode()
    xml = original.replace("?>", '?><!DOCTYPE w:document [<!ENTITY e "엔티티">]>', 1).replace("회의록", "&e;")
    data = _replace_member(docx_bytes(["회의록"]), "word/document.xml", xml.encode())
    assert "DTD" in _reason(_write(tmp_path, "엔티티.docx", data))


# --- XLSX -------------------------------------------------------------------------------------


def _with_dimension(data: bytes, ref: str) -> bytes:
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    sheet = re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}"/>', sheet)
    assert ref in sheet
    return _replace_member(data, "xl/worksheets/sheet1.xml", sheet.encode())


def test_xlsx_claiming_the_whole_sheet_is_read_as_what_it_holds(tmp_path: Path) -> None:
    rows = [["번호", "건의내용"], [1, "스마트공장 유지보수 지원"], [2, "AI 인재 양성"]]
    data = _with_dimension(xlsx_bytes(rows), "A1:XFD1048576")
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    last = '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>끝</t></is></c></row>'
    data = _replace_member(
        data, "xl/worksheets/sheet1.xml", sheet.replace("</sheetData>", last + "</sheetData>").encode()
    )
    started = time.monotonic()
    document = read_document(_write(tmp_path, "차원.xlsx", data), MAX_BYTES)
    assert time.monotonic() - started < 20  # padding to the claim would take hours
    assert [row.cells for row in document.rows] == [
        {"번호": "1", "건의내용": "스마트공장 유지보수 지원"},
        {"번호": "2", "건의내용": "AI 인재 양성"},
        {"번호": "끝"},  # the last row Excel allows, a million empty rows below the others
    ]


def test_xlsx_cell_in_the_last_column_is_refused(tmp_path: Path) -> None:
    data = xlsx_bytes([["번호", "건의내용"], [1, "지원 확대"]])
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    sheet = sheet.replace(
        "</row></sheetData>", '<c r="XFD2" t="inlineStr"><is><t>끝</t></is></c></row></sheetData>'
    )
    data = _replace_member(data, "xl/worksheets/sheet1.xml", sheet.encode())
    assert "열이 너무 많습니다" in _reason(_write(tmp_path, "끝열.xlsx", data))


def test_xlsx_with_too_many_rows_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_TABLE_ROWS", 10)
    data = xlsx_bytes([["번호", "건의내용"]] + [[i, f"건의 {i}"] for i in range(20)])
    assert "행이 너무 많습니다" in _reason(_write(tmp_path, "행.xlsx", data))


# --- HWP 5 ------------------------------------------------------------------------------------

ENDOFCHAIN, FREESECT, FATSECT = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD


def _ole_entry(name: str, kind: int, left: int, right: int, child: int, start: int, size: int) -> bytes:
    encoded = (name + "\0").encode("utf-16-le") if name else b""
    return (
        encoded.ljust(64, b"\0")
        + struct.pack("<HBB3I", len(encoded), kind, 1, left, right, child)
        + b"\0" * 36
        + struct.pack("<IQ", start, size)
    )


def ole_bytes(file_header: bytes, section: bytes) -> bytes:
    """A minimal OLE compound file holding `FileHeader` and `BodyText/Section0`.

    Both streams are padded to 4 096 bytes or more so they live in regular sectors (no mini
    stream to build); the HWP reader ignores what follows the header and the deflate stream.
    """
    streams = [s.ljust(4096, b"\0") for s in (file_header, section)]
    counts = [-(-len(s) // 512) for s in streams]
    n_fat = 1
    while n_fat * 128 < n_fat + 1 + sum(counts):
        n_fat += 1
    assert n_fat <= 109
    fat = [FATSECT] * n_fat + [ENDOFCHAIN]  # FAT sectors, then the one directory sector
    starts = []
    for count in counts:
        starts.append(len(fat))
        fat += [*range(len(fat) + 1, len(fat) + count), ENDOFCHAIN]
    fat += [FREESECT] * (n_fat * 128 - len(fat))
    none = FREESECT
    directory = (
        _ole_entry("Root Entry", 5, none, none, 1, ENDOFCHAIN, 0)
        + _ole_entry("FileHeader", 2, 2, none, none, starts[0], len(streams[0]))
        + _ole_entry("BodyText", 1, none, none, 3, 0, 0)
        + _ole_entry("Section0", 2, none, none, none, starts[1], len(streams[1]))
    )
    difat = list(range(n_fat)) + [FREESECT] * (109 - n_fat)
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, n_fat, n_fat, 0, 4096, ENDOFCHAIN, 0, ENDOFCHAIN, 0)
        + struct.pack("<109I", *difat)
    )
    body = struct.pack(f"<{len(fat)}I", *fat) + directory
    for stream, count in zip(streams, counts, strict=True):
        body += stream.ljust(count * 512, b"\0")
    return header + body


def _hwp_header(compressed: bool = True) -> bytes:
    return b"HWP Document File".ljust(32, b"\0") + struct.pack("<II", 0x05000300, int(compressed))


def _record(tag: int, level: int, payload: bytes) -> bytes:
    return struct.pack("<I", tag | level << 10 | len(payload) << 20) + payload


def _para(text: str, level: int = 0) -> bytes:
    return _record(67, level, (text + "\r").encode("utf-16-le"))


def _cell(row: int, column: int, text: str) -> bytes:
    return _record(72, 1, struct.pack("<IIHH", 1, 0, column, row)) + _para(text, level=2)


def _deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def _hwp(tmp_path: Path, name: str, body: bytes) -> Path:
    return _write(tmp_path, name, ole_bytes(_hwp_header(), _deflate(body)))


def test_hand_built_hwp_reads(tmp_path: Path) -> None:
    path = _hwp(tmp_path, "정상.hwp", _para("스마트공장 지원을 확대해 주십시오"))
    assert read_document(path, MAX_BYTES).text == "스마트공장 지원을 확대해 주십시오\n"


def test_hwp_body_inflating_to_huge_zeros_is_refused(tmp_path: Path) -> None:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = b"\0" * 1_000_000
    body = compressor.compress(_para("본문"))
    for _ in range(limits.MAX_DECOMPRESSED_BYTES // len(chunk) + 2):
        body += compressor.compress(chunk)
    body += compressor.flush()
    assert len(body) < 1_000_000
    path = _write(tmp_path, "폭탄.hwp", ole_bytes(_hwp_header(), body))
    assert "압축을 푼 본문이 너무 큼" in _reason(path)


def test_hwp_table_cell_at_row_65535_is_one_row_not_a_grid(tmp_path: Path) -> None:
    table = _record(71, 0, b" lbt" + b"\0" * 4)
    cells = (
        _cell(0, 0, "번호") + _cell(0, 1, "건의내용") + _cell(65535, 0, "1") + _cell(65535, 1, "지원 확대")
    )
    document = read_document(_hwp(tmp_path, "표.hwp", _para("건의 양식") + table + cells), MAX_BYTES)
    assert [row.cells for row in document.rows] == [{"번호": "1", "건의내용": "지원 확대"}]


def test_hwp_table_cell_at_column_65535_is_refused(tmp_path: Path) -> None:
    table = _record(71, 0, b" lbt" + b"\0" * 4) + _cell(0, 0, "번호") + _cell(0, 65535, "끝")
    assert "열이 너무 많습니다" in _reason(_hwp(tmp_path, "열.hwp", _para("양식") + table))


def test_hwp_with_too_many_records_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_ELEMENTS", 100)
    assert "레코드가 너무 많음" in _reason(_hwp(tmp_path, "레코드.hwp", _para("문단") * 200))


def test_hwp_truncated_body_is_refused(tmp_path: Path) -> None:
    body = _deflate(_para("스마트공장 지원 확대" * 50))
    path = _write(tmp_path, "잘림.hwp", ole_bytes(_hwp_header(), body[: len(body) // 2]))
    assert "본문" in _reason(path)


# --- text files -------------------------------------------------------------------------------


def test_utf16_bom_with_broken_data_is_refused_with_the_file_named(tmp_path: Path) -> None:
    broken = b"\xff\xfe" + "건의사항".encode("utf-16-le") + b"\x00\xd8" + "끝".encode("utf-16-le")
    _write(tmp_path, "깨진.txt", broken)
    (tmp_path / "회의록.txt").write_text(MINUTES, encoding="utf-8")
    result = ingest_folder(tmp_path, stored={}, current_paths={}, max_bytes=MAX_BYTES)
    assert [d.path for d in result.documents] == ["회의록.txt"]
    ((name, reason),) = [(r.path, r.reason) for r in result.rejections]
    assert name == "깨진.txt" and "UTF-16" in reason


def test_text_over_the_character_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_TEXT_CHARS", 1_000)
    assert "글자가 너무 많습니다" in _reason(_write(tmp_path, "긴글.txt", ("건의사항 " * 500).encode()))


# --- any other failure ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "error",
    [RecursionError("maximum recursion depth"), MemoryError(), struct.error("unpack"), KeyError("x")],
    ids=["recursion", "memory", "struct", "other"],
)
def test_any_reader_failure_is_a_document_error_and_the_run_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: BaseException
) -> None:
    import nlp.readers as readers

    def explode(data: bytes) -> None:
        raise error

    monkeypatch.setitem(readers._BINARY_READERS, ".docx", explode)
    _write(tmp_path, "폭발.docx", docx_bytes(["회의록"]))
    (tmp_path / "회의록.txt").write_text(MINUTES, encoding="utf-8")
    result = ingest_folder(tmp_path, stored={}, current_paths={}, max_bytes=MAX_BYTES)
    assert [d.path for d in result.documents] == ["회의록.txt"]
    assert [r.path for r in result.rejections] == ["폭발.docx"]
    assert result.rejections[0].reason


# --- control characters -----------------------------------------------------------------------

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def test_control_characters_leave_text_files(tmp_path: Path) -> None:
    text = "건의사항\x0b스마트공장\x0c지원\x01확대\x85요청\x7f합니다\t끝\n"
    document = read_document(_write(tmp_path, "제어.txt", text.encode()), MAX_BYTES)
    assert not CONTROL.search(document.text)
    assert len(document.text) == len(text)
    assert document.text == "건의사항\n스마트공장\n지원 확대\n요청 합니다\t끝\n"


def test_control_characters_leave_cells_and_spans_stay_valid(tmp_path: Path) -> None:
    csv_text = '번호,건의내용\n1,"교육\x01과정\x1f개설\x0b요청"\n'
    document = read_document(_write(tmp_path, "제어.csv", csv_text.encode()), MAX_BYTES)
    (row,) = document.rows
    assert not CONTROL.search(document.text) and not CONTROL.search(row.cells["건의내용"])
    start, end = row.spans["건의내용"]
    assert document.text[start:end] == row.cells["건의내용"] == "교육 과정 개설 요청"


def test_control_characters_leave_hwp_text(tmp_path: Path) -> None:
    path = _hwp(tmp_path, "제어.hwp", _para("건의\x7f사항\u0085확인"))
    assert not CONTROL.search(read_document(path, MAX_BYTES).text)


def test_replacing_control_characters_keeps_length() -> None:
    text = "".join(chr(code) for code in range(0x00, 0xA0)) + "가\ud800나\ufffe"
    assert len(replace_control_characters(text)) == len(text)
    assert not CONTROL.search(replace_control_characters(text))


# --- sidecars ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ('tour_number = "제3회"', "tour_number"),
        ("participants = 5", "participants"),
        ('participants = "홍길동, 김영희"', "participants"),
        ('date = "다음 주 화요일"', "date"),
        ("date = 20240521", "date"),
        ("host = 3", "host"),
        ("year = 24", "year"),
        ("tour_number = true", "tour_number"),
    ],
)
def test_wrong_sidecar_value_refuses_the_document_naming_file_and_key(
    tmp_path: Path, line: str, key: str
) -> None:
    (tmp_path / "회의록.txt").write_text(MINUTES, encoding="utf-8")
    (tmp_path / "회의록.txt.meta.toml").write_text(line + "\n", encoding="utf-8")
    (tmp_path / "다른회의록.txt").write_text(MINUTES + "\n추가 건의사항", encoding="utf-8")
    result = ingest_folder(tmp_path, stored={}, current_paths={}, max_bytes=MAX_BYTES)
    assert [d.path for d in result.documents] == ["다른회의록.txt"]
    ((name, reason),) = [(r.path, r.reason) for r in result.rejections]
    assert name == "회의록.txt"
    assert "회의록.txt.meta.toml" in reason and f"{key} 값이 올바르지 않습니다" in reason


def test_good_sidecar_values_are_read_and_a_date_string_becomes_a_date(tmp_path: Path) -> None:
    from datetime import date

    path = _write(tmp_path, "회의록.txt", MINUTES.encode())
    (tmp_path / "회의록.txt.meta.toml").write_text(
        'date = "2024-05-22"\ntour_number = 3\nparticipants = ["김민수"]\ntour_id = 7\nnote = "자유"\n',
        encoding="utf-8",
    )
    assert read_document(path, MAX_BYTES).sidecar == {
        "date": date(2024, 5, 22),
        "tour_number": 3,
        "participants": ["김민수"],
        "tour_id": 7,
        "note": "자유",  # keys no step reads are kept as written
    }


def test_sidecar_people_are_masked_like_the_text(tmp_path: Path) -> None:
    from nlp.metadata import extract_tour_metadata

    (tmp_path / "회의록.txt").write_text(MINUTES, encoding="utf-8")
    (tmp_path / "회의록.txt.meta.toml").write_text(
        'participants = ["김민수 대표 010-1234-5678", "minsu@example.com"]\n'
        'host = "제조혁신과 (044-204-7260)"\ntour_id = "2024-03"\n',
        encoding="utf-8",
    )
    (document,) = ingest_folder(tmp_path, stored={}, current_paths={}, max_bytes=MAX_BYTES).documents
    tour = extract_tour_metadata(document)
    assert tour.participants == ("김민수 대표 010-****-****", "m****@example.com")
    assert tour.host == "제조혁신과 (044-***-****)"
    assert document.sidecar["tour_id"] == "2024-03"


def test_zip_member_lying_about_its_size_is_refused(tmp_path: Path) -> None:
    """A member whose central directory claims 100 bytes but inflates to 10 MB: zipfile stops at
    the claim, the checksum no longer matches, and the package is refused as broken."""
    data = bytearray(hwpx_bytes(_section(_p("본문") + " " * 10_000_000).encode()))
    entry = data.rindex(b"Contents/section0.xml") - 46  # its central directory entry
    assert data[entry : entry + 4] == b"PK\x01\x02"
    data[entry + 24 : entry + 28] = struct.pack("<I", 100)
    reason = _reason(_write(tmp_path, "거짓크기.hwpx", bytes(data)))
    assert "손상된 부분: Contents/section0.xml" in reason
