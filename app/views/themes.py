"""테마 개요: every theme with its size, keywords, reach across tours, and representative suggestions."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import charts, data

EXAMPLES_PER_THEME = 5

st.title("테마 개요")
st.caption("정책현장투어에서 나온 건의사항을 주제별로 묶었습니다. 연락처와 이메일은 가려져 있습니다.")

db = data.require_warehouse()
summary = data.summary(db)
columns = st.columns(4)
for column, (label, key) in zip(
    columns,
    [("투어", "tours"), ("문서", "documents"), ("건의", "suggestions"), ("테마", "themes")],
    strict=True,
):
    column.metric(label, f"{summary[key]:,}")

areas = data.area_overview(db)
if not areas.empty:
    st.subheader("정책 분야")
    st.caption(
        "건의마다 주 분야 하나(필요하면 부 분야)를 정했습니다. 맞지 않는 분야는 테마 관리에서 고칠 수 있습니다."
    )
    st.dataframe(
        areas.rename(
            columns={
                "area": "정책 분야",
                "primary_count": "건의(주 분야)",
                "secondary_count": "부 분야",
                "tours": "투어",
            }
        ),
        hide_index=True,
        width="stretch",
    )

themes = data.theme_overview(db)
if themes.empty:
    st.info("아직 테마가 없습니다. 문서를 추가하고 `fieldvoice pipeline`을 실행하세요.")
    st.stop()


def _day(value: object) -> str:
    return "-" if pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


sized = themes[~themes.is_unassigned]
shown_count = len(themes)
if len(themes) > 30:
    shown_count = st.slider("표시할 테마 수 (큰 테마부터)", 10, len(themes), 30, step=10, key="themes_shown")
shown = themes.head(shown_count)
chart_rows = sized.head(min(shown_count, 40))
st.altair_chart(charts.sizes(chart_rows).properties(height=max(200, 24 * len(chart_rows))), width="stretch")

examples = data.theme_examples(db, EXAMPLES_PER_THEME)
examples_by_theme = {theme_id: group for theme_id, group in examples.groupby("theme_id")}
for theme in shown.itertuples():
    title = f"{theme.label} · 건의 {theme.size}건 · 투어 {theme.tours}곳"
    with st.expander(title, expanded=theme.Index < 3 and not theme.is_unassigned):
        if theme.keywords is not None and len(theme.keywords):
            st.markdown("**키워드** " + ", ".join(theme.keywords))
        st.markdown(f"**처음 제기** {_day(theme.first_seen)} · **최근 제기** {_day(theme.last_seen)}")
        group = examples_by_theme.get(theme.theme_id, examples.iloc[0:0])
        for example in group.itertuples():
            source = " · ".join(
                str(part)
                for part in (
                    _day(example.raised_on),
                    example.tour_name,
                    example.company,
                    example.organisation,
                )
                if part is not None and not pd.isna(part)
            )
            st.markdown(
                f"- {example.text}  \n  <small>{source} · `{example.document}`</small>",
                unsafe_allow_html=True,
            )
        if st.button("이 테마의 건의 모두 보기", key=f"open_theme_{theme.theme_id}"):
            st.session_state["theme_filter"] = theme.label
            st.switch_page("views/suggestions.py")
