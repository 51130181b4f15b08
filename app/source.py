"""Show where a suggestion comes from: its paragraph with the sentence highlighted, and its tour."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from app.text import plain

CONTEXT_CHARS = 600  # at most this much of the paragraph on each side: a one-line document stays readable


def paragraph_around(text: str, start: int, end: int) -> tuple[str, str, str]:
    """(before, the span, after) within the line holding the span, at most CONTEXT_CHARS on each side
    (cut with "…"), so a document written as one 2-million-character line never goes to the browser."""
    left = max(text.rfind("\n", 0, start) + 1, start - CONTEXT_CHARS)
    right = text.find("\n", end)
    right = min(len(text) if right == -1 else right, end + CONTEXT_CHARS)
    before = ("…" if left > 0 and text[left - 1] != "\n" else "") + text[left:start]
    after = text[end:right] + ("…" if right < len(text) and text[right] != "\n" else "")
    return before, text[start:end], after


def _value(row: dict[str, object], key: str) -> str:
    value = row.get(key)
    if hasattr(value, "tolist") and not isinstance(value, str | pd.Timestamp):
        value = value.tolist()  # numpy arrays (participants)
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value)) or "없음"
    if value is None or pd.isna(value):
        return "없음"
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return str(value)


def show_source(source: dict[str, object] | None) -> None:
    """The source panel for one suggestion (document, highlighted sentence, tour metadata)."""
    if source is None:
        st.warning("이 건의의 출처를 찾을 수 없습니다.")
        return
    before, span, after = paragraph_around(
        str(source["document_text"]), int(source["span_start"]), int(source["span_end"])
    )
    encoding = f", {source['encoding']}" if source.get("encoding") else ""
    st.markdown(f"**문서** {plain(source['path'])} ({plain(source['format'])}{plain(encoding)})")
    st.markdown(
        "<div class='fv-source'>"
        + html.escape(before)
        + "<mark>"
        + html.escape(span)
        + "</mark>"
        + html.escape(after)
        + "</div>",
        unsafe_allow_html=True,
    )
    fields = [
        ("투어", "tour_name"),
        ("일자", "tour_date"),
        ("기업", "company"),
        ("업종", "industry"),
        ("지역", "region"),
        ("장소", "place"),
        ("주관", "host"),
        ("참석자", "participants"),
        ("발언자", "speaker"),
        ("소속", "organisation"),
    ]
    st.table(
        pd.DataFrame(
            {"항목": [k for k, _ in fields], "내용": [_value(source, f) for _, f in fields]}
        ).set_index("항목")
    )
