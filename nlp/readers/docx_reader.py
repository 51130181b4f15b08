"""DOCX minutes and forms: paragraphs and tables in the order they appear in the body.

The package is read and checked by `package` first (bounded size, no DTD, bounded element
count and depth), so python-docx only ever parses parts we have already seen to be sane.
"""

from __future__ import annotations

from nlp.readers.errors import DocumentError
from nlp.readers.package import check_xml_parts, read_package, repack
from nlp.readers.tables import TableRenderer


def read_docx(data: bytes) -> TableRenderer:
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    members = read_package(data, "DOCX")
    check_xml_parts(members, "DOCX")
    try:
        document = Document(repack(members))
    except Exception as exc:  # python-docx raises several types for corrupt packages
        raise DocumentError(f"DOCX 파일을 열 수 없습니다 (손상된 파일: {type(exc).__name__})") from exc
    renderer = TableRenderer()
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            renderer.add_text(block.text.strip())
        elif isinstance(block, Table):
            renderer.add_table([cell.text for cell in row.cells] for row in block.rows)
    if not renderer.text.strip():
        raise DocumentError("DOCX 파일에 글자가 없습니다")
    return renderer
