"""Cached, read-only access to the warehouse for the pages.

Each query opens the DuckDB file read-only and closes it at once, so a pipeline run can take
the write lock between page loads. While a run holds the lock, a query waits a few seconds for
it; if the lock is still held, the page says the data is being refreshed (it never shows a
traceback) and the next load reads the new data. Results are cached for 30 seconds.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
import streamlit as st

from nlp.areas import OTHER_AREA, load_areas
from settings import load_settings
from warehouse import queries
from warehouse.connection import WarehouseMissing, WarehouseUnavailable, open_for_reading

NO_DATA = (
    "아직 데이터가 없습니다: 창고 파일 `{path}`이(가) 없습니다. "
    "`fieldvoice pipeline --db {path}`로 문서를 처리하면 만들어집니다."
)
REFRESHING = "데이터를 갱신하는 중입니다. 잠시 후 새로고침하면 최신 결과가 보입니다."

F = TypeVar("F", bound=Callable[..., Any])

_SHARED_CACHES: list[Any] = []  # the st.cache_resource readers, which st.cache_data.clear() leaves alone


def db_path() -> Path:
    configured = os.environ.get("FIELDVOICE_DB")
    return Path(configured) if configured else load_settings().db_path


def _read(query: Callable[..., Any], *args: Any) -> Any:
    with open_for_reading(db_path()) as con:
        return query(con, *args)


def _cached(fn: F, shared: bool = False, ttl: int = 30) -> F:
    """st.cache_data, and a clear message instead of a traceback when the warehouse is busy.

    `shared` results (large frames) come from st.cache_resource instead: one object for every
    session, not a copy per call, so callers must not modify them.
    """
    cache = st.cache_resource if shared else st.cache_data
    cached = cache(ttl=ttl, show_spinner=False)(fn)
    if shared:
        _SHARED_CACHES.append(cached)

    @functools.wraps(fn)
    def page_safe(*args: Any) -> Any:
        try:
            return cached(*args)
        except WarehouseMissing:
            st.info(NO_DATA.format(path=db_path()))
            st.stop()
        except WarehouseUnavailable:
            st.info(REFRESHING)
            st.stop()

    return page_safe  # type: ignore[return-value]


@_cached
def summary(db: str) -> dict[str, object]:
    return _read(queries.warehouse_summary)


@_cached
def theme_overview(db: str) -> pd.DataFrame:
    return _read(queries.theme_overview)


@_cached
def area_overview(db: str) -> pd.DataFrame:
    return _read(queries.area_overview)


def policy_area_names() -> list[str]:
    """The areas of the taxonomy file, then 기타: what staff may file a suggestion under."""
    return [a.name for a in load_areas(load_settings().taxonomy)] + [OTHER_AREA]


@_cached
def theme_suggestions(db: str, theme_id: int, limit: int | None = None) -> pd.DataFrame:
    return _read(queries.theme_suggestions, theme_id, limit)


def _all_suggestions(db: str) -> pd.DataFrame:
    return _read(queries.all_suggestions)


all_suggestions = _cached(_all_suggestions, shared=True)  # 70,000 rows: shared, never copied


@_cached
def suggestion_source(db: str, suggestion_id: str) -> dict[str, object] | None:
    return _read(queries.suggestion_source, suggestion_id)


@_cached
def theme_tour_counts(db: str) -> pd.DataFrame:
    return _read(queries.theme_tour_counts)


@_cached
def theme_timeline(db: str, period: str) -> pd.DataFrame:
    return _read(queries.theme_timeline, period)


@_cached
def tour_list(db: str) -> pd.DataFrame:
    return _read(queries.tour_list)


@_cached
def tour_documents(db: str, tour_id: str) -> pd.DataFrame:
    return _read(queries.tour_documents, tour_id)


@_cached
def tour_suggestions(db: str, tour_id: str) -> pd.DataFrame:
    return _read(queries.tour_suggestions, tour_id)


def _semantic_index(db: str, model: str) -> tuple[list[str], Any]:
    return _read(queries.suggestion_vectors, model)


# Ids and vectors of every current suggestion for a model, kept in memory: one matrix product per search.
semantic_index = _cached(_semantic_index, shared=True, ttl=300)


@_cached
def theme_examples(db: str, per_theme: int) -> pd.DataFrame:
    return _read(queries.theme_examples, per_theme)


@_cached
def filter_options(db: str) -> dict[str, list[str]]:
    """Distinct values of each filterable column: tours by date (oldest first), the rest in 가나다 order."""
    frame = all_suggestions(db)
    options = {
        column: sorted(frame[column].dropna().unique().tolist())
        for column in ("area", "theme", "organisation", "industry", "region")
    }
    tours = frame.dropna(subset=["tour_name"]).groupby("tour_name")["tour_date"].min()
    options["tour_name"] = sorted(tours.index, key=lambda name: (pd.isna(tours[name]), tours[name], name))
    return options


def require_warehouse() -> str:
    """The warehouse path for a page; when it cannot be read, the page says why and stops."""
    db = str(db_path())
    summary(db)
    return db


@_cached
def suggestions_per_document(db: str) -> dict[str, int]:
    return _read(queries.suggestions_per_document)


@_cached
def rejected_files(db: str) -> pd.DataFrame:
    return _read(queries.rejected_files)


# --- 테마 관리 (admin page) -----------------------------------------------------------------------


@_cached
def theme_admin(db: str) -> pd.DataFrame:
    """Every current theme, hidden ones included."""
    return _read(queries.theme_overview, True)


@_cached
def curation_history(db: str) -> pd.DataFrame:
    return _read(queries.curation_history)


@_cached
def theme_lineage(db: str) -> pd.DataFrame:
    return _read(queries.theme_lineage)


def clear_caches() -> None:
    """Forget every cached warehouse read, for every page and session (after a curation changed the themes).

    Models and other cached resources stay loaded."""
    st.cache_data.clear()
    for cached in _SHARED_CACHES:
        cached.clear()
