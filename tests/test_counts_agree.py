"""One source of truth: every page and export gives the same counts of suggestions, tours,
documents and themes for the same filters (AppTest over the real flow's warehouse)."""

from __future__ import annotations

import re

import pytest
import streamlit as st
from samples import open_page

from app import briefing, export
from warehouse import queries
from warehouse.connection import open_for_reading


@pytest.fixture(autouse=True)
def fresh_cache():
    st.cache_data.clear()
    yield
    st.cache_data.clear()


@pytest.fixture(scope="module")
def truth(flow_run) -> dict[str, object]:
    with open_for_reading(flow_run["db_path"]) as con:
        return {
            "db": flow_run["db_path"],
            "summary": queries.warehouse_summary(con),
            "suggestions": queries.all_suggestions(con),
            "tours": queries.tour_list(con),
            "overview": queries.theme_overview(con),
            "areas": queries.area_overview(con),
        }


def _caption_count(app) -> int:
    caption = next(c.value for c in app.caption if c.value.startswith("건의 "))
    return int(re.search(r"건의 ([\d,]+)건", caption).group(1).replace(",", ""))


def _briefing_totals(app) -> tuple[int, int]:
    text = "\n".join(m.value for m in app.markdown)
    match = re.search(r"건의 (\d+)건.*?투어 (\d+)곳", text)
    assert match, text[:500]
    return int(match.group(1)), int(match.group(2))


def test_every_page_and_export_agree_on_the_whole_warehouse(monkeypatch, truth) -> None:
    frame, summary = truth["suggestions"], truth["summary"]
    assert frame["raised_on"].notna().all(), "every sample suggestion is dated, so the briefing sees them all"
    suggestions, tours = len(frame), frame["tour_id"].nunique()

    overview = open_page(monkeypatch, truth["db"], "views/themes.py")
    metrics = {m.label: int(m.value.replace(",", "")) for m in overview.metric}
    assert metrics["건의"] == summary["suggestions"] == suggestions
    assert metrics["투어"] == summary["tours"] == tours == len(truth["tours"])
    assert metrics["문서"] == summary["documents"] == int(truth["tours"]["documents"].sum())
    assert int(truth["tours"]["suggestions"].sum()) == suggestions
    areas = next(d.value for d in overview.dataframe if "정책 분야" in d.value.columns)
    assert int(areas["건의(주 분야)"].sum()) == suggestions
    themed = [e for e in overview.expander if not e.label.startswith("미분류")]
    assert metrics["테마"] == len(themed) == int((~truth["overview"].is_unassigned).sum())
    assert sum(int(re.search(r"건의 (\d+)건", e.label).group(1)) for e in overview.expander) == suggestions

    search = open_page(monkeypatch, truth["db"], "views/suggestions.py")
    assert _caption_count(search) == suggestions
    assert len(export.to_csv(frame).decode("utf-8-sig").strip().splitlines()) == suggestions + 1

    brief = open_page(monkeypatch, truth["db"], "views/briefing.py")
    first, last = frame["raised_on"].min().date(), frame["raised_on"].max().date()
    brief.date_input(key="briefing_period").set_value((first, last)).run()
    assert _briefing_totals(brief) == (suggestions, tours)
    built = briefing.build_briefing(frame, {}, truth["overview"], first, last)
    assert built.suggestions == suggestions and len(built.tours) == tours


def test_pages_agree_for_one_tour(monkeypatch, truth) -> None:
    frame, tours = truth["suggestions"], truth["tours"]
    tour = tours.sort_values("suggestions").iloc[len(tours) // 2]
    expected = int((frame["tour_id"] == tour.tour_id).sum())
    assert expected == int(tour.suggestions) > 0

    search = open_page(monkeypatch, truth["db"], "views/suggestions.py")
    search.multiselect(key="filter_tours").set_value([tour.tour_name]).run()
    assert _caption_count(search) == expected

    detail = open_page(monkeypatch, truth["db"], "views/tours.py")
    detail.selectbox(key="tour_choice").set_value(tour.tour_id).run()
    shown = "\n".join(m.value for m in detail.markdown)
    assert f"**건의** {expected}건" in shown

    brief = open_page(monkeypatch, truth["db"], "views/briefing.py")
    first, last = frame["raised_on"].min().date(), frame["raised_on"].max().date()
    brief.date_input(key="briefing_period").set_value((first, last)).run()
    brief.multiselect(key="briefing_tours").set_value([tour.tour_name]).run()
    assert _briefing_totals(brief) == (expected, 1)
