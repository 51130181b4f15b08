"""The Streamlit explorer, run headless with AppTest against the warehouse of the real flow run."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import streamlit as st
from samples import REPO, sign_in, table_counts
from streamlit.testing.v1 import AppTest

from app.text import plain
from warehouse import queries
from warehouse.connection import open_for_reading

MAIN = str(REPO / "app" / "main.py")


@pytest.fixture(autouse=True)
def fresh_cache():
    st.cache_data.clear()  # app/data.py caches reads for 30 s, keyed by the DB path
    yield
    st.cache_data.clear()


def _run(monkeypatch: pytest.MonkeyPatch, db: Path) -> AppTest:
    monkeypatch.setenv("FIELDVOICE_DB", str(db))
    app = AppTest.from_file(MAIN, default_timeout=60)
    sign_in(app)
    app.run()
    return app


@pytest.fixture(scope="module")
def warehouse(flow_run) -> dict[str, object]:
    with open_for_reading(flow_run["db_path"]) as con:
        overview = queries.theme_overview(con)
        examples = {int(t): queries.theme_suggestions(con, int(t), 5) for t in overview.theme_id}
        return {
            "db": flow_run["db_path"],
            "summary": queries.warehouse_summary(con),
            "overview": overview,
            "areas": queries.area_overview(con),
            "examples": examples,
        }


def test_overview_page_shows_the_warehouse(monkeypatch: pytest.MonkeyPatch, warehouse) -> None:
    app = _run(monkeypatch, warehouse["db"])
    assert not app.exception
    assert [t.value for t in app.title] == ["테마 개요"]
    assert not app.info


def test_metrics_show_the_counts_from_the_db(monkeypatch: pytest.MonkeyPatch, warehouse) -> None:
    app = _run(monkeypatch, warehouse["db"])
    summary = warehouse["summary"]
    metrics = {m.label: m.value for m in app.metric}
    assert metrics == {
        "투어": f"{summary['tours']:,}",
        "문서": f"{summary['documents']:,}",
        "건의": f"{summary['suggestions']:,}",
        "테마": f"{summary['themes']:,}",
    }
    counts = table_counts(warehouse["db"])  # the first run supersedes nothing: every row is current
    assert [int(metrics[k].replace(",", "")) for k in ("투어", "문서", "건의")] == [
        counts["tours"],
        counts["documents"],
        counts["suggestions"],
    ]
    assert int(metrics["건의"]) == int(warehouse["overview"]["size"].sum())
    assert int(metrics["테마"]) == int((~warehouse["overview"].is_unassigned).sum()) >= 3


def _shown_order(warehouse) -> list:
    """Themes as the page lists them: under their areas (largest area first), then 미분류."""
    overview, areas = warehouse["overview"], warehouse["areas"]
    ordered = [
        t for area in areas.area for t in overview.itertuples() if t.area == area and not t.is_unassigned
    ]
    return ordered + [t for t in overview.itertuples() if t.is_unassigned]


def _source_text(expander) -> str:
    """What the expander says, with Markdown escapes removed (document text is shown escaped)."""
    parts = [m.value for m in expander.markdown] + [c.value for c in expander.caption]
    return re.sub(r"\\(.)", r"\1", "\n".join(parts))


def test_one_expander_per_theme_with_its_label(monkeypatch: pytest.MonkeyPatch, warehouse) -> None:
    app = _run(monkeypatch, warehouse["db"])
    overview = _shown_order(warehouse)
    expanders = app.expander
    assert len(expanders) == len(overview) == len(warehouse["overview"])
    for expander, theme in zip(expanders, overview, strict=True):
        assert expander.label == f"{plain(theme.label)} · 건의 {theme.size}건 · 투어 {theme.tours}곳"


def test_expanders_show_keywords_and_example_suggestions(monkeypatch: pytest.MonkeyPatch, warehouse) -> None:
    app = _run(monkeypatch, warehouse["db"])
    for expander, theme in zip(app.expander, _shown_order(warehouse), strict=True):
        text = _source_text(expander)
        for keyword in theme.keywords:
            assert keyword in text
        examples = warehouse["examples"][int(theme.theme_id)]
        assert 1 <= len(examples) <= 5
        for example in examples.itertuples():
            assert example.text in text
            assert example.document in text
        if not theme.is_unassigned:
            assert f"정책 분야** {theme.area} (" in text


def test_areas_open_the_page_with_counts_change_and_top_themes(monkeypatch, warehouse) -> None:
    app = _run(monkeypatch, warehouse["db"])
    table = app.dataframe[0].value
    areas = warehouse["areas"]
    assert table["정책 분야"].tolist() == areas.area.tolist()
    assert int(table["건의(주 분야)"].sum()) == int(warehouse["summary"]["suggestions"])
    assert [s.value.split(" · ")[0] for s in app.subheader][:2] == ["정책 분야", plain(areas.area[0])]
    named = 0
    for _, row in table.iterrows():
        for name in row["주요 테마"].split(", ") if row["주요 테마"] != "-" else []:
            theme = warehouse["overview"][warehouse["overview"].label == name].iloc[0]
            assert theme.area == row["정책 분야"]
            named += 1
    assert named >= 3


def test_missing_warehouse_shows_an_info_message(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    app = _run(monkeypatch, tmp_path / "never-created.duckdb")
    assert not app.exception
    assert [t.value for t in app.title] == ["테마 개요"]
    assert len(app.info) == 1 and "fieldvoice pipeline" in app.info[0].value
    assert not app.metric and not app.expander
    assert not (tmp_path / "never-created.duckdb").exists()


def test_empty_warehouse_says_there_are_no_themes(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from warehouse.connection import open_for_writing

    db = tmp_path / "empty.duckdb"
    with open_for_writing(db):
        pass
    app = _run(monkeypatch, db)
    assert not app.exception
    assert [m.value for m in app.metric] == ["0", "0", "0", "0"]
    assert len(app.info) == 1 and "테마가 없습니다" in app.info[0].value
    assert not app.expander
