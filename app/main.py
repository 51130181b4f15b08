"""Entry point of the explorer: `fieldvoice app` serves this file with Streamlit."""

from __future__ import annotations

import streamlit as st

from app import auth, models
from settings import load_settings

st.set_page_config(page_title="현장의 목소리", page_icon=":material/record_voice_over:", layout="wide")
st.markdown(
    "<style>html, body, [class*='css'] {font-family: 'NanumGothic', 'Noto Sans KR', sans-serif;}"
    ".fv-source {padding: .75rem 1rem; border-left: 4px solid #f0b429; background: #fffbea; line-height: 1.7;}"
    "</style>",
    unsafe_allow_html=True,
)

# (page, title, icon, the least role that may open it); every page checks the role again itself
PAGES = [
    ("views/themes.py", "테마 개요", ":material/hub:", "viewer"),
    ("views/suggestions.py", "건의 탐색", ":material/search:", "analyst"),
    ("views/trends.py", "추이 분석", ":material/trending_up:", "viewer"),
    ("views/tours.py", "투어 상세", ":material/factory:", "analyst"),
    ("views/briefing.py", "브리핑", ":material/summarize:", "viewer"),
    ("views/admin.py", "테마 관리", ":material/edit_note:", "admin"),
    ("views/upload.py", "문서 올리기", ":material/upload_file:", "admin"),
    ("views/errors.py", "거부된 파일", ":material/report:", "admin"),
    ("views/users.py", "사용자·감사 기록", ":material/manage_accounts:", "admin"),
]

models.warm_up(models.configured_model(), load_settings().analysis.tagger)  # background, once per server
user = auth.current_user()
if user is None:
    auth.sign_in_form()
    st.stop()
auth.sign_out_button()
allowed = [
    st.Page(page, title=title, icon=icon, default=page == "views/themes.py")
    for page, title, icon, role in PAGES
    if user.may(role)
]
st.navigation(allowed).run()
