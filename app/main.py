"""Entry point of the explorer: `fieldvoice app` serves this file with Streamlit."""

from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="현장의 목소리", page_icon="🗣️", layout="wide")

pages = [st.Page("pages/themes.py", title="테마 개요", icon="🧭", default=True)]
st.navigation(pages).run()
