"""Entry point of the explorer: `fieldvoice app` serves this file with Streamlit."""

from __future__ import annotations

import streamlit as st

from app import models

st.set_page_config(page_title="현장의 목소리", page_icon=":material/record_voice_over:", layout="wide")
st.markdown(
    "<style>html, body, [class*='css'] {font-family: 'NanumGothic', 'Noto Sans KR', sans-serif;}"
    ".fv-source {padding: .75rem 1rem; border-left: 4px solid #f0b429; background: #fffbea; line-height: 1.7;}"
    "</style>",
    unsafe_allow_html=True,
)

pages = [
    st.Page("views/themes.py", title="테마 개요", icon=":material/hub:", default=True),
    st.Page("views/suggestions.py", title="건의 탐색", icon=":material/search:"),
    st.Page("views/trends.py", title="추이 분석", icon=":material/trending_up:"),
    st.Page("views/tours.py", title="투어 상세", icon=":material/factory:"),
    st.Page("views/briefing.py", title="브리핑", icon=":material/summarize:"),
    st.Page("views/admin.py", title="테마 관리", icon=":material/edit_note:"),
    st.Page("views/upload.py", title="문서 올리기", icon=":material/upload_file:"),
    st.Page("views/errors.py", title="거부된 파일", icon=":material/report:"),
]
models.warm_up_embedder(models.configured_model())  # in the background, once per server
st.navigation(pages).run()
