"""Models the explorer needs for its own queries: the tagger and embedder the pipeline used."""

from __future__ import annotations

import threading

import numpy as np
import streamlit as st

from settings import load_settings


@st.cache_resource(show_spinner="형태소 분석기를 불러오는 중…")
def _tagger(name: str):
    from nlp.tagging import load_tagger

    return load_tagger(name)


def query_nouns(query: str) -> list[str]:
    """Nouns of a search query, by the configured tagger."""
    return _tagger(load_settings().analysis.tagger).nouns(query) if query.strip() else []


@st.cache_resource(show_spinner="임베딩 모델을 불러오는 중…")
def _embedder(model: str):
    from nlp.embedding import load_embedder

    return load_embedder(model)


def embed_query(query: str, model: str) -> np.ndarray:
    vector = _embedder(model).encode([query], normalize_embeddings=True, convert_to_numpy=True)
    return np.asarray(vector[0], dtype=np.float32)


@st.cache_resource(show_spinner=False)
def warm_up(model: str, tagger: str) -> threading.Thread:
    """Load the tagger (konlpy starts a JVM: seconds) and the embedding model in the background, once
    per server, so no page waits for them: the first keyword or semantic search finds them loaded.
    First the libraries every page needs (pandas, DuckDB, Altair): the sign-in form does without
    them, and the first page after it finds them imported."""

    def load() -> None:
        import altair  # noqa: F401

        from app import data  # noqa: F401
        from nlp.embedding import load_embedder
        from nlp.tagging import load_tagger

        load_tagger(tagger).nouns("준비")
        load_embedder(model).encode(["준비"], normalize_embeddings=True)  # a first call may build graphs

    thread = threading.Thread(target=load, name="fieldvoice-warm-up", daemon=True)
    thread.start()
    return thread


def configured_model() -> str:
    return load_settings().embedding.model
