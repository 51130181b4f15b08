"""XML parts of uploaded documents, parsed without trusting them.

A DOCX, XLSX or HWPX is a ZIP of XML written by whoever made the file. The standard library
parser expands internal entities (`<!ENTITY x "...">` then `&x;`) into text and recurses as
deep as the nesting goes; we parse with expat directly and refuse any DTD at its first
declaration, whatever the part's encoding (UTF-8 or UTF-16, BOM or not), and count elements
and depth as they arrive, so a hostile part is refused while it is being read, not after it
has filled memory. Without a DTD an entity reference other than the five predefined ones is
an expat error, so nothing is ever expanded. (defusedxml does the same DTD refusal, but it
bounds neither count nor depth, so it would not spare this module.)
"""

from __future__ import annotations

from xml.etree import ElementTree as ET
from xml.parsers import expat

from nlp.readers import limits
from nlp.readers.errors import DocumentError

_UTF16_STARTS = (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")


class ElementBudget:
    """Elements one document may still have; all its XML parts draw on the same budget."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.left = limits.MAX_ELEMENTS

    def take(self, part: str) -> None:
        self.left -= 1
        if self.left < 0:
            raise DocumentError(
                f"{self.label} 파일을 열 수 없습니다 (XML 요소가 너무 많음: {part}, "
                f"한도 {limits.MAX_ELEMENTS:,}개)"
            )


def looks_like_xml(blob: bytes) -> bool:
    """Whether a package part is XML by its content (a part's name and content type can lie)."""
    head = blob[:64]
    if head.startswith(_UTF16_STARTS):
        return True
    return head.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"<")


def parse_xml(blob: bytes, part: str, budget: ElementBudget) -> ET.Element:
    """One part as an ElementTree element; tags keep ElementTree's `{namespace}local` form.

    Raises `DocumentError` naming the part for a DTD or entity declaration, too many elements,
    too deep nesting, or malformed XML.
    """
    builder = ET.TreeBuilder()
    _parse(blob, part, budget, builder)
    return builder.close()


def check_xml(blob: bytes, part: str, budget: ElementBudget) -> None:
    """The checks of `parse_xml` without building a tree (for parts a library parses itself)."""
    _parse(blob, part, budget, None)


def _parse(blob: bytes, part: str, budget: ElementBudget, builder: ET.TreeBuilder | None) -> None:
    label = budget.label
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    depth = 0

    def refuse(why: str) -> None:
        raise DocumentError(f"{label} 파일을 열 수 없습니다 ({why}: {part})")

    def start(tag: str, attributes: dict[str, str]) -> None:
        nonlocal depth
        depth += 1
        if depth > limits.MAX_XML_DEPTH:
            refuse(f"XML 중첩이 너무 깊음, 한도 {limits.MAX_XML_DEPTH}단계")
        budget.take(part)
        if builder is not None:
            builder.start(_clark(tag), {_clark(k): v for k, v in attributes.items()})

    def end(tag: str) -> None:
        nonlocal depth
        depth -= 1
        if builder is not None:
            builder.end(_clark(tag))

    def doctype(*_: object) -> None:
        refuse("허용되지 않는 DTD 선언")

    def entity(*_: object) -> None:
        refuse("허용되지 않는 엔티티 선언")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    if builder is not None:
        parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity
    parser.UnparsedEntityDeclHandler = entity
    parser.ExternalEntityRefHandler = entity  # type: ignore[assignment]
    try:
        parser.Parse(blob, True)
    except expat.ExpatError as exc:
        refuse(f"XML 오류 {exc.lineno}행: {expat.ErrorString(exc.code)}")


def _clark(name: str) -> str:
    """expat's `uri}local` as ElementTree's `{uri}local`."""
    return "{" + name if "}" in name else name
