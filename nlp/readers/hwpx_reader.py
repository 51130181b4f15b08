"""HWPX (한글 2014+ OWPML) documents: the format newer 한글 versions save by default.

An HWPX file is a ZIP of XML parts; the body is `Contents/section0.xml`, `section1.xml` ...
Paragraphs are `<hp:p>` with their text in `<hp:t>`; tables are `<hp:tbl>` of rows `<hp:tr>` and
cells `<hp:tc>` that hold paragraphs. Elements are matched on local names so that namespace
versions (2011, 2016 ...) all read the same. Paragraphs and tables go to the renderer in
reading order, so suggestion-form tables become rows exactly like DOCX tables.
"""

from __future__ import annotations

import re
from xml.etree import ElementTree as ET

from nlp.readers.errors import DocumentError
from nlp.readers.package import read_package
from nlp.readers.safe_xml import ElementBudget, check_xml, looks_like_xml, parse_xml
from nlp.readers.tables import TableRenderer

_SECTION_NAME = re.compile(r"^Contents/section(\d+)\.xml$", re.IGNORECASE)
_MANIFEST = "META-INF/manifest.xml"


def read_hwpx(data: bytes) -> TableRenderer:
    """Sections in order; every XML part is parsed by `safe_xml` (no DTD, bounded count and depth)."""
    members = read_package(data, "HWPX")
    if b"encryption-data" in members.get(_MANIFEST, b""):  # ODF-style mark of password-protected parts
        raise DocumentError("암호가 걸린 HWPX 문서입니다 (암호를 풀어 다시 저장한 뒤 올려 주세요)")
    sections = sorted((int(match.group(1)), name) for name in members if (match := _SECTION_NAME.match(name)))
    if not sections:
        raise DocumentError("HWPX 파일을 열 수 없습니다 (본문 구역 Contents/section0.xml 이 없음)")
    budget = ElementBudget("HWPX")
    section_names = {name for _, name in sections}
    for name, blob in members.items():  # the parts we do not read are still checked: no part is trusted
        if name not in section_names and looks_like_xml(blob):
            check_xml(blob, name, budget)
    renderer = TableRenderer()
    for _, name in sections:
        _walk(parse_xml(members[name], name, budget), renderer)
    if not renderer.text.strip():
        raise DocumentError("HWPX 파일에 글자가 없습니다")
    return renderer


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
