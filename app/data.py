"""Cached, read-only access to the warehouse for the pages.

Each call opens the DuckDB file read-only and closes it at once, so a pipeline run can take
the write lock between page loads; while it holds the lock, pages say the data is being
refreshed and try again on the next load.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from fieldvoice.config import load_settings
from warehouse import queries
from warehouse.connection import WarehouseUnavailable, open_for_reading


def db_path() -> Path:
    configured = os.environ.get("FIELDVOICE_DB")
    return Path(configured) if configured else load_settings().db_path


def _read(query: Callable[..., Any], *args: Any) -> Any:
    with open_for_reading(db_path()) as con:
        return query(con, *args)


@st.cache_data(ttl=30, show_spinner=False)
def summary(db: str) -> dict[str, object]:
    return _read(queries.warehouse_summary)


@st.cache_data(ttl=30, show_spinner=False)
def theme_overview(db: str) -> pd.DataFrame:
    return _read(queries.theme_overview)


@st.cache_data(ttl=30, show_spinner=False)
def theme_suggestions(db: str, theme_id: int, limit: int | None = None) -> pd.DataFrame:
    return _read(queries.theme_suggestions, theme_id, limit)


def available() -> str | None:
    """None when the warehouse can be read, else a Korean message saying why not."""
    try:
        summary(str(db_path()))
    except WarehouseUnavailable as exc:
        if "does not exist" in str(exc):
            return "아직 데이터가 없습니다. 먼저 `fieldvoice pipeline`으로 문서를 처리하세요."
        return "데이터를 갱신하는 중입니다. 잠시 후 새로고침하세요."
    return None


@st.cache_data(ttl=30, show_spinner=False)
def all_suggestions(db: str) -> pd.DataFrame:
    return _read(queries.all_suggestions)


@st.cache_data(ttl=30, show_spinner=False)
def suggestion_source(db: str, suggestion_id: str) -> dict[str, object] | None:
    return _read(queries.suggestion_source, suggestion_id)


@st.cache_data(ttl=30, show_spinner=False)
def theme_tour_counts(db: str) -> pd.DataFrame:
    return _read(queries.theme_tour_counts)


@st.cache_data(ttl=30, show_spinner=False)
def theme_timeline(db: str, period: str) -> pd.DataFrame:
    return _read(queries.theme_timeline, period)


@st.cache_data(ttl=30, show_spinner=False)
def theme_change_since(db: str, since: object) -> pd.DataFrame:
    return _read(queries.theme_change_since, since)


@st.cache_data(ttl=30, show_spinner=False)
def tour_list(db: str) -> pd.DataFrame:
    return _read(queries.tour_list)


@st.cache_data(ttl=30, show_spinner=False)
def tour_documents(db: str, tour_id: str) -> pd.DataFrame:
    return _read(queries.tour_documents, tour_id)


@st.cache_data(ttl=30, show_spinner=False)
def tour_suggestions(db: str, tour_id: str) -> pd.DataFrame:
    return _read(queries.tour_suggestions, tour_id)


@st.cache_resource(ttl=300, show_spinner="의미 검색 색인을 불러오는 중…")
def semantic_index(db: str, model: str) -> tuple[list[str], Any]:
    """Ids and vectors of every current suggestion for `model` (kept in memory: a matrix product per search)."""
    return _read(queries.suggestion_vectors, model)


@st.cache_data(ttl=30, show_spinner=False)
def embedding_models(db: str) -> list[str]:
    return _read(queries.embedding_models)
