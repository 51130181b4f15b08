"""The briefing's four exports read back: Markdown, DOCX (python-docx), PDF (pypdf) and HWPX
(python-hwpx) each carry the period, the totals, every theme and the first page's quotes."""

from __future__ import annotations

import io
import re
import zipfile

import docx
import pandas as pd
import pypdf
import pytest
from docx.shared import Mm
from hwpx import HwpxDocument

from app import briefing
from warehouse import queries
from warehouse.connection import open_for_reading


@pytest.fixture(scope="module")
def brief(flow_run) -> briefing.Briefing:
    """The sample's last six months, compared with the six before (which hold the 2024-09 tour)."""
    with open_for_reading(flow_run["db_path"]) as con:
        rows = queries.all_suggestions(con)
        ids, matrix = queries.suggestion_vectors(con, queries.embedding_models(con)[0])
        overview = queries.theme_overview(con)
    start, end = briefing.default_period(rows["raised_on"].dropna())
    built = briefing.build_briefing(rows, dict(zip(ids, matrix, strict=True)), overview, start, end)
    assert built.comparable and built.themes and built.quotes
    return built


@pytest.fixture(scope="module")
def exported(brief) -> dict[str, bytes]:
    return briefing.exports(brief)


def _squeeze(text: str) -> str:
    """Text without whitespace: PDF lines wrap and justify wherever the page needs."""
    return re.sub(r"\s+", "", text)


def _expected(brief: briefing.Briefing) -> list[str]:
    return [
        f"{brief.start:%Y-%m-%d}~{brief.end:%Y-%m-%d}({brief.days}일)",
        f"직전 같은 길이의 기간({brief.previous_start:%Y-%m-%d}~{brief.previous_end:%Y-%m-%d})",
        f"건의 {brief.suggestions}건, 직전 같은 기간 {brief.previous_suggestions}건",
        *(t.label for t in brief.themes),
        *(q.text for q in brief.quotes),
        *(q.source for q in brief.quotes),
        *(s.document for t in brief.themes for s in t.sources),
    ]


def _docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    cells = [c.text for table in document.tables for row in table.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_markdown_reads_back(brief, exported) -> None:
    text = exported["md"].decode("utf-8").replace("\\", "")  # escapes removed: the characters remain
    for expected in _expected(brief):
        assert expected in text, expected


def test_docx_reads_back_with_a4_headings_chart_and_korean_font(brief, exported) -> None:
    text = _docx_text(exported["docx"])
    for expected in _expected(brief):
        assert expected in text, expected
    document = docx.Document(io.BytesIO(exported["docx"]))
    section = document.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(1) and abs(section.page_height - Mm(297)) < Mm(1)
    assert abs(section.left_margin - Mm(20)) < Mm(0.1)
    styles = {p.style.name for p in document.paragraphs}
    assert {"Heading 1", "Heading 2"} <= styles
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert all(any(t.label in h for h in headings) for t in brief.themes)
    assert len(document.inline_shapes) == 1  # the chart
    with zipfile.ZipFile(io.BytesIO(exported["docx"])) as archive:
        assert any(n.startswith("word/media/") and n.endswith(".png") for n in archive.namelist())
    font = document.styles["Normal"].element.rPr.rFonts
    assert font.get(docx.oxml.ns.qn("w:eastAsia")) == "NanumGothic"
    # a quote and its attribution are two paragraphs: the attribution never runs into the next quote
    paragraphs = [p.text for p in document.paragraphs]
    for quote in brief.quotes:
        at = paragraphs.index(f"“{quote.text}”")
        assert paragraphs[at + 1] == f"— {quote.source} ({quote.theme})"


def test_pdf_reads_back_one_a4_page_first_with_the_korean_font_embedded(brief, exported) -> None:
    reader = pypdf.PdfReader(io.BytesIO(exported["pdf"]))
    page = reader.pages[0]
    assert round(float(page.mediabox.width)) == 595 and round(float(page.mediabox.height)) == 842  # A4
    first = _squeeze(page.extract_text())
    rest = _squeeze("".join(p.extract_text() for p in reader.pages[1:]))
    for quote in brief.quotes:  # the whole first page fits on page one ...
        assert _squeeze(quote.text) in first and _squeeze(quote.source) in first
    assert _squeeze(brief.period_sentence) in first
    assert rest.startswith(
        _squeeze(f"부록: 이 기간의 모든 테마 {len(brief.themes)}개")
    )  # ... the appendix follows
    everything = first + rest
    for expected in _expected(brief):
        assert _squeeze(expected) in everything, expected
    fonts = {
        str(f["/BaseFont"])
        for p in reader.pages
        for f in (p["/Resources"]["/Font"].get_object().values() if "/Font" in p["/Resources"] else [])
        for f in [f.get_object()]
    }
    assert any("NanumGothic" in name for name in fonts), fonts


def test_pdf_without_the_font_says_what_to_install(brief, monkeypatch) -> None:
    monkeypatch.setattr(briefing, "FONT_DIRS", ())
    monkeypatch.delenv("FIELDVOICE_KOREAN_FONT_DIR", raising=False)
    with pytest.raises(briefing.FontMissing, match="fonts-nanum"):
        briefing.to_pdf(brief)


def test_hwpx_reads_back(brief, exported) -> None:
    document = HwpxDocument.open(io.BytesIO(exported["hwpx"]))
    text = document.text.plain()
    for expected in _expected(brief):
        assert expected in text, expected
    size = document.page.size()
    assert abs(size.width - 59528) < 60 and abs(size.height - 84186) < 60  # A4 in HWPUNIT
    with zipfile.ZipFile(io.BytesIO(exported["hwpx"])) as archive:
        names = archive.namelist()
        assert any(n.startswith("BinData/") and n.endswith(".png") for n in names)  # the chart
        section = archive.read("Contents/section0.xml").decode("utf-8")
    assert 'pageBreak="1"' in section  # the appendix starts a page
    lines = text.splitlines()
    for quote in brief.quotes:
        at = lines.index(f"“{quote.text}”")
        assert lines[at + 1] == f"— {quote.source} ({quote.theme})"


def test_an_empty_period_still_exports(flow_run) -> None:
    with open_for_reading(flow_run["db_path"]) as con:
        rows = queries.all_suggestions(con)
    day = pd.Timestamp("2000-01-01").date()
    empty = briefing.build_briefing(
        rows, {}, pd.DataFrame(columns=["theme_id", "keywords", "area"]), day, day
    )
    files = briefing.exports(empty)
    assert "건의가 없습니다" in files["md"].decode("utf-8")
    assert "건의가 없습니다" in _docx_text(files["docx"])
    assert "건의가없습니다" in _squeeze(pypdf.PdfReader(io.BytesIO(files["pdf"])).pages[0].extract_text())
    assert "건의가 없습니다" in HwpxDocument.open(io.BytesIO(files["hwpx"])).text.plain()
