"""브리핑: a one-page summary for leadership over a chosen period and set of tours, with exports."""

from __future__ import annotations

import streamlit as st

from app import auth, briefing, data, models

auth.require("viewer")
st.title("브리핑")
db = data.require_warehouse()
suggestions = data.all_suggestions(db)
dates = suggestions["raised_on"].dropna()
if dates.empty:
    st.info("아직 날짜가 있는 건의가 없습니다. 문서를 추가하고 `fieldvoice pipeline`을 실행하세요.")
    st.stop()

first, last = dates.min().date(), dates.max().date()
period = st.date_input("기간", (first, last), min_value=first, max_value=last, key="briefing_period")
options = data.filter_options(db)
tours = st.multiselect("투어 (비우면 전체)", options["tour_name"], key="briefing_tours")
areas = st.multiselect("정책 분야 (비우면 전체)", data.policy_area_names(), key="briefing_areas")
if not (isinstance(period, tuple) and len(period) == 2):
    st.info("기간의 시작일과 종료일을 모두 고르세요.")
    st.stop()


@st.cache_data(ttl=30, show_spinner="브리핑을 만드는 중…")
def _briefing(
    db: str, start: object, end: object, tours: tuple[str, ...], areas: tuple[str, ...], model: str
) -> tuple[str, bytes, bool]:
    """(Markdown, DOCX bytes, has themes) for one choice of period and tours; both exports share one build."""
    ids, matrix = data.semantic_index(db, model)
    vectors = dict(zip(ids, matrix, strict=True)) if ids else {}
    brief = briefing.build_briefing(
        data.all_suggestions(db), vectors, data.theme_overview(db), start, end, list(tours), list(areas)
    )
    return briefing.to_markdown(brief), briefing.to_docx(brief), bool(brief.themes)


markdown, docx_bytes, has_themes = _briefing(
    db, period[0], period[1], tuple(tours), tuple(areas), models.configured_model()
)
left, right = st.columns(2)
left.download_button("Markdown 내려받기", markdown, file_name="fieldvoice-briefing.md", mime="text/markdown")
right.download_button(
    "DOCX 내려받기",
    docx_bytes,
    file_name="fieldvoice-briefing.docx",
    mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)
if not has_themes:
    st.info("선택한 기간과 투어에 건의가 없습니다. 기간이나 투어를 바꿔 보세요.")
else:
    st.markdown(markdown)
