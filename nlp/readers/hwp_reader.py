"""HWP 5.x (한글) documents: most ministry minutes and reports still arrive in this format.

An HWP 5 file is an OLE compound file. `FileHeader` says whether the body is compressed,
password-protected or a distribution document; `BodyText/Section0..N` hold a flat list of
records (raw deflate when compressed). Paragraph text is record HWPTAG_PARA_TEXT (UTF-16LE
with inline control characters); a table is a control record followed by one LIST_HEADER per
cell, each cell's paragraphs nested one level deeper. Footnotes and text boxes also arrive as
nested paragraphs, in reading order, and are kept as plain paragraphs.

We read the records ourselves with `olefile` (BSD, maintained, tiny) rather than use pyhwp:
pyhwp is AGPL, pins old dependencies and is a beta that has not been released in years, and we
need only the text and the table grid, not its full model. No pyhwp code is copied here; the
layout follows the published HWP 5.0 format specification.

Nothing in the file is trusted: body streams are inflated in chunks against one budget for the
document, records are counted as they are cut, and a table is built from the cells it has, so a
cell addressed at row 65 535 is one row, not a grid of 65 536 (`limits`).
"""

from __future__ import annotations

import io
import re
import struct
import zlib
from dataclasses import dataclass

from nlp.readers import limits
from nlp.readers.errors import DocumentError
from nlp.readers.tables import TableRenderer

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SIGNATURE = b"HWP Document File"
_COMPRESSED, _PASSWORD, _DISTRIBUTION = 0x1, 0x2, 0x4

HWPTAG_BEGIN = 16
TAG_PARA_TEXT = HWPTAG_BEGIN + 51  # 67
TAG_CTRL_HEADER = HWPTAG_BEGIN + 55  # 71
TAG_LIST_HEADER = HWPTAG_BEGIN + 56  # 72
TAG_TABLE = HWPTAG_BEGIN + 61  # 77
_TABLE_CTRL_ID = b" lbt"  # 'tbl ' stored as a little-endian DWORD

# Control characters that occupy 8 WCHARs (the char itself plus 7 of payload).
_WIDE_CONTROLS = frozenset({1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23})
_SECTION_NAME = re.compile(r"^Section(\d+)$")
_INFLATE_CHUNK = 1 << 20


@dataclass(frozen=True)
class _Record:
    tag: int
    level: int
    payload: bytes


def read_hwp(data: bytes) -> TableRenderer:
    import olefile

    if not data.startswith(OLE_MAGIC):
        raise DocumentError("HWP 문서가 아닙니다 (OLE 구조가 없음)")
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception as exc:  # olefile raises OSError and several parsing errors
        raise DocumentError(f"HWP 파일을 열 수 없습니다 (손상된 파일: {type(exc).__name__})") from exc
    try:
        renderer = TableRenderer()
        records_left = [limits.MAX_ELEMENTS]  # one count for all sections, decremented in place
        for payload in _sections(ole):
            _render(_records(payload, records_left), renderer)
    finally:
        ole.close()
    if not renderer.text.strip():
        raise DocumentError("HWP 파일에 글자가 없습니다")
    return renderer


def _sections(ole: object) -> list[bytes]:
    """The decompressed `BodyText/SectionN` streams, in section order."""
    try:
        header = ole.openstream("FileHeader").read()  # type: ignore[attr-defined]
    except Exception as exc:
        raise DocumentError("HWP 파일을 열 수 없습니다 (FileHeader 없음: HWP 5 문서가 아님)") from exc
    if not header.startswith(_SIGNATURE) or len(header) < 40:
        raise DocumentError("HWP 파일을 열 수 없습니다 (HWP 5 문서 서명이 없음)")
    (flags,) = struct.unpack_from("<I", header, 36)
    if flags & _PASSWORD:
        raise DocumentError("암호가 걸린 HWP 문서입니다 (암호를 풀어 다시 저장한 뒤 올려 주세요)")
    if flags & _DISTRIBUTION:
        raise DocumentError("배포용 HWP 문서는 지원하지 않습니다 (일반 문서로 저장한 뒤 올려 주세요)")
    numbered = []
    for entry in ole.listdir():  # type: ignore[attr-defined]
        if len(entry) == 2 and entry[0] == "BodyText" and (match := _SECTION_NAME.match(entry[1])):
            numbered.append((int(match.group(1)), "/".join(entry)))
    if not numbered:
        raise DocumentError("HWP 파일을 열 수 없습니다 (본문 구역이 없음)")
    sections = []
    left = limits.MAX_DECOMPRESSED_BYTES
    for _, name in sorted(numbered):
        raw = ole.openstream(name).read()  # type: ignore[attr-defined]
        if flags & _COMPRESSED:
            raw = _inflate(raw, name, left)
        left -= len(raw)
        if left < 0:
            raise _too_big()
        sections.append(raw)
    return sections


def _inflate(raw: bytes, name: str, left: int) -> bytes:
    """Raw-deflate `raw`, a chunk at a time, refusing once the output passes `left` bytes.

    `zlib.decompress` would inflate a few MB of zeros into gigabytes before we could look.
    """
    inflater = zlib.decompressobj(-15)
    chunks: list[bytes] = []
    pending = raw
    try:
        while True:
            chunk = inflater.decompress(pending, _INFLATE_CHUNK)
            left -= len(chunk)
            if left < 0:
                raise _too_big()
            chunks.append(chunk)
            pending = inflater.unconsumed_tail
            if inflater.eof or not (pending or chunk):
                break
    except zlib.error as exc:
        raise DocumentError(f"HWP 파일을 열 수 없습니다 (손상된 본문: {name})") from exc
    if not inflater.eof:
        raise DocumentError(f"HWP 파일을 열 수 없습니다 (본문이 잘림: {name})")
    return b"".join(chunks)


def _too_big() -> DocumentError:
    return DocumentError(
        f"HWP 파일을 열 수 없습니다 (압축을 푼 본문이 너무 큼, 한도 {limits.MAX_DECOMPRESSED_BYTES / 1e6:,.0f} MB)"
    )


def _records(data: bytes, records_left: list[int]) -> list[_Record]:
    """Cut one section into records; `records_left[0]` is how many the document may still have."""
    records = []
    offset = 0
    while offset + 4 <= len(data):
        records_left[0] -= 1
        if records_left[0] < 0:
            raise DocumentError(
                f"HWP 파일을 열 수 없습니다 (본문 레코드가 너무 많음, 한도 {limits.MAX_ELEMENTS:,}개)"
            )
        (header,) = struct.unpack_from("<I", data, offset)
        offset += 4
        size = header >> 20
        if size == 0xFFF:
            if offset + 4 > len(data):
                break
            (size,) = struct.unpack_from("<I", data, offset)
            offset += 4
        if offset + size > len(data):
            raise DocumentError("HWP 파일을 열 수 없습니다 (본문 레코드가 잘림)")
        records.append(_Record(header & 0x3FF, (header >> 10) & 0x3FF, data[offset : offset + size]))
        offset += size
    return records


def _render(records: list[_Record], renderer: TableRenderer) -> None:
    index = 0
    while index < len(records):
        record = records[index]
        if record.tag == TAG_PARA_TEXT:
            renderer.add_text(_para_text(record.payload).strip())
        elif record.tag == TAG_CTRL_HEADER and record.payload[:4] == _TABLE_CTRL_ID:
            index = _render_table(records, index, renderer)
            continue
        index += 1


def _render_table(records: list[_Record], start: int, renderer: TableRenderer) -> int:
    """Group the cells of the table control at `start` into rows; return the index after it.

    Each cell is a LIST_HEADER one level below the control (column at byte 8, row at byte 10);
    all paragraph text below it, nested tables and text boxes included, is the cell's text.
    """
    level = records[start].level
    cells: dict[tuple[int, int], list[str]] = {}
    current: list[str] | None = None
    index = start + 1
    while index < len(records) and records[index].level > level:
        record = records[index]
        if record.tag == TAG_LIST_HEADER and record.level == level + 1 and len(record.payload) >= 12:
            column, row = struct.unpack_from("<HH", record.payload, 8)
            current = cells.setdefault((row, column), [])
        elif record.tag == TAG_PARA_TEXT and current is not None:
            current.append(_para_text(record.payload).strip())
        index += 1
    if cells:
        n_columns = max(c for _, c in cells) + 1
        if n_columns > limits.MAX_TABLE_COLUMNS:
            raise DocumentError(
                f"HWP 표의 열이 너무 많습니다 ({n_columns:,}열, 한도 {limits.MAX_TABLE_COLUMNS:,}열)"
            )
        rows = sorted({r for r, _ in cells})  # only rows with cells: empty rows would be skipped anyway
        renderer.add_table(
            [" ".join(filter(None, cells.get((r, c), []))) for c in range(n_columns)] for r in rows
        )
    return index


def _para_text(payload: bytes) -> str:
    """Visible text of one PARA_TEXT record: inline controls dropped, tabs as spaces."""
    units = struct.unpack_from(f"<{len(payload) // 2}H", payload)
    out: list[str] = []
    index = 0
    while index < len(units):
        code = units[index]
        index += 1
        if code >= 32:
            out.append(chr(code))
        elif code in _WIDE_CONTROLS:
            index += 7
            if code == 9:
                out.append(" ")
        elif code == 10:
            out.append("\n")
        elif code == 13:
            break
        elif code == 24:
            out.append("-")
        elif code in (30, 31):
            out.append(" ")
    text = "".join(out)
    # Surrogate pairs arrive as two units; recombine them.
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
