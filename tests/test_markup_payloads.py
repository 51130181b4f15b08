"""Nothing from a document becomes markup: hostile text goes through the real pipeline and comes out
as text on every page and in every export (HTML, Markdown images and emphasis, spreadsheet formulas,
control characters)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import streamlit as st
from samples import FORM_HEADER, form_csv_text, open_page

from app import briefing, export
from warehouse import queries
from warehouse.connection import open_for_reading

PAYLOADS = [
    '<iframe srcdoc="<script>parent.document.title=1</script>"></iframe> 스마트공장 유지보수 비용 지원 확대',
    "![추적](http://127.0.0.1:9/pixel.png) 데이터 플랫폼 구축 비용 지원",
    '<meta http-equiv="refresh" content="0;url=http://127.0.0.1:9/"> 수출 바우처 한도 상향',
    "<style>body{display:none}</style> 외국인 근로자 고용 한도 확대",
    '=HYPERLINK("http://127.0.0.1:9/?leak","클릭") 정책자금 금리 인하',
    "연락처 010.1234.5678 로 *강조* 와 _밑줄_ 그대로\x0b보여야 하는 건의 지원",
]
# markup that would act if rendered: raw tags and Markdown images/links (escaped ones start with "\")
LIVE_MARKUP = re.compile(
    r"(?<!\\)<\s*(iframe|script|meta|style|img|link|object)\b|(?<!\\)!\[|(?<!\\)\]\(http", re.I
)


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory) -> Path:
    from flows.pipeline import pipeline

    base = tmp_path_factory.mktemp("hostile")
    data = base / "data"
    data.mkdir()
    rows = [
        [str(i), "2025-03-04", "홍길동", "<b>㈜공격</b>", "제조업", "서울", text]
        for i, text in enumerate(PAYLOADS, 1)
    ]
    (data / "<img src=x>_건의서.csv").write_text(form_csv_text(rows, FORM_HEADER), encoding="utf-8")
    db = base / "warehouse.duckdb"
    pipeline(data_dir=data, db_path=db)
    return db


@pytest.fixture(autouse=True)
def fresh_cache():
    st.cache_data.clear()
    yield
    st.cache_data.clear()


def test_the_payloads_are_stored_as_text_without_control_characters(hostile_db) -> None:
    with open_for_reading(hostile_db) as con:
        texts = queries.all_suggestions(con)["text"].tolist()
    assert len(texts) == len(PAYLOADS)
    assert any("<iframe" in t for t in texts)  # kept as the document wrote it ...
    assert not any("\x0b" in t for t in texts)  # ... but without control characters
    assert not any("1234.5678" in t for t in texts)  # and with the phone number masked


@pytest.mark.parametrize(
    "page", ["views/themes.py", "views/suggestions.py", "views/trends.py", "views/tours.py", "views/briefing.py",
             "views/admin.py", "views/errors.py"],
)  # fmt: skip
def test_no_page_renders_document_text_as_markup(monkeypatch, hostile_db, page) -> None:
    app = open_page(monkeypatch, hostile_db, page)
    sources = [m.value for m in app.markdown] + [c.value for c in app.caption]
    sources += [e.label for e in app.expander] + [s.value for s in app.subheader]
    sources += [x.value for x in app.success] + [x.value for x in app.info] + [x.value for x in app.error]
    for source in sources:
        if "fv-source" in source:  # the source panel: HTML built by app/source.py with every part escaped
            assert ("<iframe" not in source and "&lt;iframe" in source) or "iframe" not in source
            continue
        assert not LIVE_MARKUP.search(source), (page, source[:200])
        assert "*강조*" not in source and "_밑줄_" not in source, (page, source[:200])


def test_no_export_carries_live_markup_or_formulas(hostile_db) -> None:
    with open_for_reading(hostile_db) as con:
        frame = queries.all_suggestions(con)
        overview = queries.theme_overview(con)
    day = frame["raised_on"].min().date()
    brief = briefing.build_briefing(frame, {}, overview, day, day)
    markdown = briefing.to_markdown(brief)
    assert brief.suggestions == len(PAYLOADS)
    assert not LIVE_MARKUP.search(markdown), markdown[:500]
    csv_lines = export.to_csv(frame[["text"]]).decode("utf-8-sig").splitlines()[1:]
    assert not any(line.lstrip('"').startswith(("=", "+", "-", "@")) for line in csv_lines)


def test_the_source_panel_shows_a_bounded_window_of_a_one_line_document() -> None:
    from app.source import CONTEXT_CHARS, paragraph_around

    text = "가" * 1_000_000 + "스마트공장 유지보수 비용 지원" + "나" * 1_000_000
    start = 1_000_000
    before, span, after = paragraph_around(text, start, start + 16)
    assert span == "스마트공장 유지보수 비용 지원"
    assert before.startswith("…") and after.endswith("…")
    assert len(before) + len(after) <= 2 * CONTEXT_CHARS + 2
