"""추이 분석: which demands recur across tours, how themes move over time, what is rising or new."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from app import auth, charts, data

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
    help="테마는 건의 대부분이 속한 분야에 묶입니다.",
)
if chosen_areas:  # a theme belongs to the area most of its members are filed under
    overview = overview[overview.area.isin(chosen_areas)]
    counts = counts[counts.theme_id.isin(overview.theme_id)]
themed = counts[counts.theme_id >= 0]

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
st.altair_chart(charts.timeline(timeline[timeline.theme_id >= 0]), width="stretch")

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

st.subheader("떠오르는 테마와 새 테마")
last_day = pd.to_datetime(counts.tour_date).max()
default_since = (last_day - pd.DateOffset(months=6)).date() if pd.notna(last_day) else dt.date.today()
since = st.date_input("기준일", default_since, key="trend_since")
change = data.theme_change_since(db, since)
change = change[~change.is_unassigned & change.theme_id.isin(overview.theme_id)].copy()
change["상태"] = [
    "새 테마" if before == 0 and after > 0 else ("증가" if after > before else "")
    for before, after in zip(change["before"], change["since"], strict=True)
]
flagged = change[change["상태"] != ""]
if flagged.empty:
    st.info("기준일 이후 새로 나타나거나 늘어난 테마가 없습니다.")
else:
    st.dataframe(
        flagged[["theme", "상태", "before", "since", "tours_since"]].rename(
            columns={
                "theme": "테마",
                "before": "기준일 전",
                "since": "기준일 후",
                "tours_since": "기준일 후 투어",
            }
        ),
        hide_index=True,
        width="stretch",
    )
