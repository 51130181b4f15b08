"""투어 상세: one tour's metadata, documents, and suggestions by theme, with what was raised before."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import auth, data
from app.source import show_source
from app.text import plain

auth.require("analyst")
st.title("투어 상세")
db = data.require_warehouse()
tours = data.tour_list(db)
if tours.empty:
    st.info("아직 투어가 없습니다. 문서를 추가하고 `fieldvoice pipeline`을 실행하세요.")
    st.stop()


def _name(row: pd.Series) -> str:
    day = "-" if pd.isna(row.tour_date) else pd.Timestamp(row.tour_date).strftime("%Y-%m-%d")
    where = row.company if isinstance(row.company, str) else row.place if isinstance(row.place, str) else ""
    return f"{day} · {row.tour_name} · {where}".rstrip(" ·")


names = {row.tour_id: _name(row) for row in tours.itertuples()}
tour_id = st.selectbox("투어", list(names), format_func=names.get, key="tour_choice")
tour = tours[tours.tour_id == tour_id].iloc[0]

left, right = st.columns(2)
with left:
    st.markdown(f"**일자** {names[tour_id].split(' · ')[0]}")
    st.markdown(
        f"**기업** {plain(tour.company) or '-'}  \n**업종** {plain(tour.industry) or '-'}  \n"
        f"**지역** {plain(tour.region) or '-'}"
    )
    st.markdown(f"**장소** {plain(tour.place) or '-'}  \n**주관** {plain(tour.host) or '-'}")
with right:
    participants = list(tour.participants) if tour.participants is not None else []
    st.markdown("**참석자** " + (plain(", ".join(participants)) if participants else "-"))
    st.markdown(f"**문서** {tour.documents}건 · **건의** {tour.suggestions}건")

st.subheader("문서")
st.dataframe(
    data.tour_documents(db, tour_id).rename(
        columns={"path": "파일", "format": "형식", "encoding": "인코딩", "ingested_at": "수집 시각"}
    ),
    hide_index=True,
    width="stretch",
)

st.subheader("테마별 건의")
suggestions = data.tour_suggestions(db, tour_id)
if suggestions.empty:
    st.info("이 투어에서 추출된 건의가 없습니다.")
    st.stop()
for theme, group in suggestions.groupby(suggestions.theme.fillna("미분류"), sort=False):
    earlier = int(group.earlier_tours.iloc[0])
    note = f"이전 투어 {earlier}곳에서도 제기됨" if earlier else "이 투어에서 처음 제기됨"
    st.markdown(f"**{plain(theme)}** · {len(group)}건 · {note}")
    for text in group.text:
        st.markdown(f"- {plain(text)}")

st.subheader("출처 보기")
texts = dict(zip(suggestions.suggestion_id, suggestions.text, strict=True))
chosen = st.selectbox("건의", list(texts), format_func=lambda i: texts[i][:80], key="tour_source_choice")
if chosen:
    show_source(data.suggestion_source(db, chosen))
