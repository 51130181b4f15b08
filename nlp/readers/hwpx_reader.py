"""HWPX (한글 2014+ OWPML) documents: the format newer 한글 versions save by default.

An HWPX file is a ZIP of XML parts; the body is `Contents/section0.xml`, `section1.xml` ...
Paragraphs are `<hp:p>` with their text in `<hp:t>`; tables are `<hp:tbl>` of rows `<hp:tr>` and
cells `<hp:tc>` that hold paragraphs. Elements are matched on local names so that namespace
versions (2011, 2016 ...) all read the same. Paragraphs and tables go to the renderer in
reading order, so suggestion-form tables become rows exactly like DOCX tables.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from xml.etree import ElementTree as ET

from nlp.readers.errors import DocumentError
from nlp.readers.tables import TableRenderer

_SECTION_NAME = re.compile(r"^Contents/section(\d+)\.xml$", re.IGNORECASE)
_MAX_XML_BYTES = 200_000_000  # uncompressed body parts; a larger total is treated as a zip bomb


def read_hwpx(data: bytes) -> TableRenderer:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError) as exc:
        raise DocumentError("HWPX 파일을 열 수 없습니다 (ZIP 구조가 없거나 잘린 파일)") from exc
    with archive:
        if _is_encrypted(archive):
            raise DocumentError("암호가 걸린 HWPX 문서입니다 (암호를 풀어 다시 저장한 뒤 올려 주세요)")
        names = sorted(
            (int(match.group(1)), name) for name in archive.namelist() if (match := _SECTION_NAME.match(name))
        )
        if not names:
            raise DocumentError("HWPX 파일을 열 수 없습니다 (본문 구역 Contents/section0.xml 이 없음)")
        if sum(archive.getinfo(name).file_size for _, name in names) > _MAX_XML_BYTES:
            raise DocumentError("HWPX 파일을 열 수 없습니다 (본문이 비정상적으로 큼)")
        renderer = TableRenderer()
        for _, name in names:
            _walk(_parse(archive, name), renderer)
    if not renderer.text.strip():
        raise DocumentError("HWPX 파일에 글자가 없습니다")
    return renderer


def _is_encrypted(archive: zipfile.ZipFile) -> bool:
    """ODF-style manifest entries with `encryption-data` mark password-protected parts."""
    if any(info.flag_bits & 0x1 for info in archive.infolist()):
        return True
    try:
        manifest = archive.read("META-INF/manifest.xml")
    except KeyError:
        return False
    except (zipfile.BadZipFile, zlib.error, OSError) as exc:
        raise DocumentError("HWPX 파일을 열 수 없습니다 (손상된 manifest)") from exc
    return b"encryption-data" in manifest


def _parse(archive: zipfile.ZipFile, name: str) -> ET.Element:
    try:
        raw = archive.read(name)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
        raise DocumentError(f"HWPX 파일을 열 수 없습니다 (손상된 본문: {name})") from exc
    if b"<!DOCTYPE" in raw[:4096]:
        raise DocumentError(f"HWPX 파일을 열 수 없습니다 (허용되지 않는 DTD: {name})")
    try:
        return ET.fromstring(raw)
    except ET.ParseError as exc:
        raise DocumentError(f"HWPX 파일을 열 수 없습니다 (XML 오류: {name})") from exc


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _walk(element: ET.Element, renderer: TableRenderer) -> None:
    for child in element:
        name = _local(child.tag)
        if name == "p":
            _paragraph(child, renderer)
        elif name == "tbl":
            _table(child, renderer)
        else:
            _walk(child, renderer)


def _paragraph(paragraph: ET.Element, renderer: TableRenderer) -> None:
    """The paragraph's own text, then any table or nested paragraph (text box) it anchors."""
    parts: list[str] = []

    def flush() -> None:
        renderer.add_text("".join(parts).strip())
        parts.clear()

    def visit(element: ET.Element) -> None:
        for child in element:
            name = _local(child.tag)
            if name == "t":
                parts.append(_run_text(child))
            elif name == "tbl":
                flush()
                _table(child, renderer)
            elif name == "p":
                flush()
                _paragraph(child, renderer)
            else:
                visit(child)

    visit(paragraph)
    flush()


def _table(table: ET.Element, renderer: TableRenderer) -> None:
    rows = [
        [_cell_text(cell) for cell in row if _local(cell.tag) == "tc"]
        for row in table
        if _local(row.tag) == "tr"
    ]
    renderer.add_table(rows)


def _cell_text(cell: ET.Element) -> str:
    """All text of a cell, nested tables included, its paragraphs joined by spaces."""
    paragraphs = []
    for element in cell.iter():
        if _local(element.tag) == "p":
            text = "".join(_run_text(t) for t in _own_elements(element, "t")).strip()
            if text:
                paragraphs.append(text)
    return " ".join(paragraphs)


def _own_elements(paragraph: ET.Element, name: str) -> list[ET.Element]:
    """Descendants named `name` that belong to this paragraph, not to a nested one."""
    found: list[ET.Element] = []
    for child in paragraph:
        local = _local(child.tag)
        if local == name:
            found.append(child)
        elif local not in {"p", "tbl"}:
            found.extend(_own_elements(child, name))
    return found


def _run_text(element: ET.Element) -> str:
    """Text of one `<hp:t>`: tabs become spaces, line breaks newlines, other markers vanish."""
    out = [element.text or ""]
    for child in element:
        name = _local(child.tag)
        if name == "tab":
            out.append(" ")
        elif name == "lineBreak":
            out.append("\n")
        out.append(child.tail or "")
    return "".join(out)
