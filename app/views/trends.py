"""추이 분석: which demands recur across tours, how themes move over time, what is rising or new."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from app import auth, briefing, charts, data
from nlp import surges
from nlp.areas import OTHER_AREA

CHART_THEMES = 40


@st.cache_data(ttl=30, show_spinner=False)
def _surge_tables(
    db: str, start: dt.date, end: dt.date, first: dt.date, areas: tuple[str, ...]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(themes, policy areas) judged by `nlp.surges` for one period: half a second at 70,000
    suggestions, so computed once per choice rather than on every run of the page."""
    overview = data.theme_overview(db)
    if areas:
        overview = overview[overview.area.isin(areas)]
    dated = data.all_suggestions(db).dropna(subset=["raised_on"])
    themed = dated[dated.theme_id.notna() & dated.theme_id.isin(overview.theme_id) & (dated.theme_id >= 0)]
    themed = themed.assign(theme_key=themed.theme_id.astype(int).astype(str))
    area_rows = dated.assign(area=dated.area.fillna(OTHER_AREA))
    if areas:
        area_rows = area_rows[area_rows.area.isin(areas)]
    return (
        briefing.surge_table(themed, "theme_key", "theme", start, end, first),
        briefing.surge_table(area_rows, "area", "area", start, end, first),
    )


auth.require("viewer")
st.title("추이 분석")
db = data.require_warehouse()
counts = data.theme_tour_counts(db)
overview = data.theme_overview(db)
if counts.empty:
    st.info("아직 테마가 없습니다. 문서를 추가하고 `fieldvoice pipeline`을 실행하세요.")
    st.stop()
area_names = sorted(overview.area.dropna().unique().tolist())
chosen_areas = st.multiselect(
    "정책 분야 (비우면 전체)",
    area_names,
    key="trends_areas",
    placeholder="전체",
    help="테마는 건의 대부분이 속한 분야에 묶입니다.",
)
if chosen_areas:  # a theme belongs to the area most of its members are filed under
    overview = overview[overview.area.isin(chosen_areas)]
    counts = counts[counts.theme_id.isin(overview.theme_id)]
themed = counts[counts.theme_id >= 0]
# The largest themes only: at 70,000 suggestions (hundreds of themes over hundreds of tours) the full
# grid takes seconds to draw on every run and cannot be read anyway; the table below lists them all.
largest = themed.groupby("theme_id")["suggestions"].sum().nlargest(CHART_THEMES).index
if themed.theme_id.nunique() > CHART_THEMES:
    st.caption(f"차트에는 건의가 많은 테마 {CHART_THEMES}개만 보여 줍니다.")
themed = themed[themed.theme_id.isin(largest)]

st.subheader("테마 × 투어")
st.altair_chart(
    charts.heatmap(themed, "tour", "theme", "suggestions", "투어 (날짜순)", "테마"), width="stretch"
)

st.subheader("시기별 테마")
period = st.radio(
    "단위", ["month", "quarter"], format_func={"month": "월", "quarter": "분기"}.get, horizontal=True
)
timeline = data.theme_timeline(db, period)
timeline = timeline[timeline.theme_id.isin(overview.theme_id)]
st.altair_chart(charts.timeline(timeline[timeline.theme_id.isin(largest)]), width="stretch")

st.subheader("반복 제기된 요구")
most_tours = int(overview.tours.max()) if not overview.empty else 1
minimum = st.slider("최소 투어 수", 1, max(2, most_tours), min(3, most_tours), key="recurring_min_tours")
recurring = overview[(~overview.is_unassigned) & (overview.tours >= minimum)]
if recurring.empty:
    st.info(f"{minimum}개 이상의 투어에서 제기된 테마가 없습니다.")
else:
    st.dataframe(
        recurring[["label", "tours", "size", "first_seen", "last_seen"]].rename(
            columns={
                "label": "테마",
                "tours": "투어 수",
                "size": "건의 수",
                "first_seen": "처음",
                "last_seen": "최근",
            }
        ),
        hide_index=True,
        width="stretch",
        column_config={
            "처음": st.column_config.DateColumn(format="YYYY-MM-DD"),
            "최근": st.column_config.DateColumn(format="YYYY-MM-DD"),
        },
    )

st.subheader("떠오르는 테마와 새 테마 (민원예보)")
st.caption(surges.RULE)
rows = data.all_suggestions(db)
dated = rows["raised_on"].dropna()  # the dates only: no copy of every row on each run
if dated.empty:
    st.info("날짜가 있는 건의가 없어 추이를 판단할 수 없습니다.")
    st.stop()
first = dated.min().date()
recent = st.date_input(
    "최근 기간",
    briefing.default_period(dated),
    min_value=first,
    max_value=dated.max().date(),
    key="trend_period",
    help="이 기간의 건수를 그 이전 전체 기간(같은 길이로 환산)과 비교합니다.",
)
if not (isinstance(recent, tuple) and len(recent) == 2):
    st.info("최근 기간의 시작일과 종료일을 모두 고르세요.")
    st.stop()
start, end = recent
days = (end - start).days + 1
history_days = (start - first).days
st.caption(
    f"최근 기간 {start:%Y-%m-%d}~{end:%Y-%m-%d}({days}일)을 그 이전 {first:%Y-%m-%d}~"
    f"{start - dt.timedelta(days=1):%Y-%m-%d}({history_days}일, 같은 길이 기간 {history_days / days:.1f}개)과 비교"
)
theme_table, area_table = _surge_tables(db, start, end, first, tuple(chosen_areas))
COLUMNS = {
    "status": "상태",
    "recent": "최근 기간",
    "expected": "기대 건수",
    "p_value": "p값",
    "certainty": "근거",
}
for title, table in (
    ("테마", theme_table),
    ("정책 분야", area_table),
):
    flagged = table[table.status.isin([surges.NEW, surges.RISING])]
    if history_days < days:
        st.info(
            f"최근 기간 이전의 자료가 같은 길이 기간 하나에 못 미쳐 {title}의 신규·급증을 판단할 수 없습니다."
        )
        break
    if flagged.empty:
        st.info(f"최근 기간에 통계적으로 두드러지게 늘거나 새로 나타난 {title}이(가) 없습니다.")
        continue
    st.dataframe(
        flagged[["name", *COLUMNS]].rename(columns={"name": title, **COLUMNS}),
        hide_index=True,
        width="stretch",
        column_config={
            "기대 건수": st.column_config.NumberColumn(format="%.1f"),
            "p값": st.column_config.NumberColumn(format="%.4f"),
        },
    )
