"""테마 개요: policy areas first (counts, change, top themes), then the themes of each area, then suggestions."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import auth, charts, data
from app.text import day, plain

EXAMPLES_PER_THEME = 5
ALL_AREAS = "전체 분야"
NO_AREA = "분야 미정"  # themes whose members have no area yet (areas are assigned after theming)

reader = auth.require("viewer")
st.title("테마 개요")
st.caption(
    "정책현장투어에서 나온 건의사항을 정책 분야와 주제(테마)별로 묶었습니다. 연락처와 이메일은 가려져 있습니다."
)

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
    window = areas.iloc[0]
    st.caption(
        f"건의마다 주 분야 하나(근거가 있으면 부 분야도)를 정했습니다. '최근 6개월'은 "
        f"{day(window.recent_from)} 다음 날부터 {day(window.recent_to)}까지, '직전 6개월'은 그 앞 같은 "
        "길이의 기간입니다. 분야가 맞지 않는 건의는 테마 관리에서 고칠 수 있습니다."
    )
    table = pd.DataFrame(
        {
            "정책 분야": areas.area,
            "건의(주 분야)": areas.primary_count,
            "부 분야": areas.secondary_count,
            "투어": areas.tours,
            "최근 6개월": areas.recent,
            "직전 6개월": areas.before,
            "변화": [f"{r - b:+d}" for r, b in zip(areas.recent, areas.before, strict=True)],
            "주요 테마": [", ".join(list(t)[:3]) if len(t) else "-" for t in areas.top_themes],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch")

themes = data.theme_overview(db)
if themes.empty:
    st.info("아직 테마가 없습니다. 문서를 추가하고 `fieldvoice pipeline`을 실행하세요.")
    st.stop()

themes = themes.assign(area=themes.area.fillna(NO_AREA))
area_order = [a for a in areas.area.tolist() if a in set(themes.area)] if not areas.empty else []
area_order += sorted(set(themes[~themes.is_unassigned].area) - set(area_order))
chosen_area = st.selectbox("정책 분야", [ALL_AREAS, *area_order], key="themes_area")
if chosen_area != ALL_AREAS:
    themes = themes[(themes.area == chosen_area) & ~themes.is_unassigned]

sized = themes[~themes.is_unassigned]
shown_count = len(themes)
if len(themes) > 30:
    shown_count = st.slider("표시할 테마 수 (큰 테마부터)", 10, len(themes), 30, step=10, key="themes_shown")
shown = themes.head(shown_count)
if shown_count < len(themes):
    st.caption(f"테마 {len(themes):,}개 중 큰 순서로 {shown_count:,}개를 보여 줍니다.")
chart_rows = sized.head(min(shown_count, 40))
if not chart_rows.empty:
    st.altair_chart(
        charts.sizes(chart_rows).properties(height=max(200, 24 * len(chart_rows))), width="stretch"
    )

examples = data.theme_examples(db, EXAMPLES_PER_THEME)
examples_by_theme = {theme_id: group for theme_id, group in examples.groupby("theme_id")}


def _show_theme(theme, expanded: bool) -> None:
    title = f"{plain(theme.label)} · 건의 {theme.size}건 · 투어 {theme.tours}곳"
    with st.expander(title, expanded=expanded):
        if not theme.is_unassigned and theme.area != NO_AREA and pd.notna(theme.area_members):
            st.markdown(
                f"**정책 분야** {plain(theme.area)} (건의 {theme.size}건 중 {int(theme.area_members)}건)"
            )
        if theme.keywords is not None and len(theme.keywords):
            st.markdown("**키워드** " + plain(", ".join(theme.keywords)))
        st.markdown(f"**처음 제기** {day(theme.first_seen)} · **최근 제기** {day(theme.last_seen)}")
        group = examples_by_theme.get(theme.theme_id, examples.iloc[0:0])
        for example in group.itertuples():
            parts = (day(example.raised_on), example.tour_name, example.company, example.organisation)
            source = " · ".join(plain(part) for part in parts if plain(part) and part != "-")
            st.markdown(f"- {plain(example.text)}")
            st.caption(f"{source} · {plain(example.document)}")
        if reader.may("analyst") and st.button(
            "이 테마의 건의 모두 보기", key=f"open_theme_{theme.theme_id}"
        ):
            st.session_state["theme_filter"] = theme.label
            st.switch_page("views/suggestions.py")


opened = 0
for area in area_order if chosen_area == ALL_AREAS else [chosen_area]:
    in_area = shown[(shown.area == area) & ~shown.is_unassigned]
    if in_area.empty:
        continue
    st.subheader(f"{plain(area)} · 테마 {len(in_area)}개 · 건의 {int(in_area['size'].sum()):,}건")
    for theme in in_area.itertuples():
        _show_theme(theme, expanded=opened < 3)
        opened += 1
unassigned = shown[shown.is_unassigned]
if not unassigned.empty:
    st.subheader("미분류")
    st.caption("어느 테마에도 가깝지 않은 건의입니다. 테마 관리에서 테마로 옮길 수 있습니다.")
    for theme in unassigned.itertuples():
        _show_theme(theme, expanded=False)
