"""브리핑: a one-page summary for leadership over a chosen period and set of tours, an appendix with
every theme, and four exports (Markdown, DOCX, PDF, HWPX) with the same content."""

from __future__ import annotations

import streamlit as st

from app import auth, briefing, data, models
from fieldvoice import accounts

auth.require("viewer")
st.title("브리핑")
db = data.require_warehouse()
suggestions = data.all_suggestions(db)
dates = suggestions["raised_on"].dropna()
if dates.empty:
    st.info("아직 날짜가 있는 건의가 없습니다. 문서를 추가하고 `fieldvoice pipeline`을 실행하세요.")
    st.stop()

first, last = dates.min().date(), dates.max().date()
period = st.date_input(
    "기간",
    briefing.default_period(dates),
    min_value=first,
    max_value=last,
    key="briefing_period",
    help=f"처음에는 자료의 마지막 {briefing.DEFAULT_MONTHS}개월입니다. 직전 같은 길이의 기간과 비교합니다.",
)
options = data.filter_options(db)
tours = st.multiselect("투어 (비우면 전체)", options["tour_name"], key="briefing_tours", placeholder="전체")
areas = st.multiselect(
    "정책 분야 (비우면 전체)", data.policy_area_names(), key="briefing_areas", placeholder="전체"
)
if not (isinstance(period, tuple) and len(period) == 2):
    st.info("기간의 시작일과 종료일을 모두 고르세요.")
    st.stop()


@st.cache_data(ttl=30, show_spinner="브리핑을 만드는 중…")
def _briefing(
    db: str, start: object, end: object, tours: tuple[str, ...], areas: tuple[str, ...], model: str
) -> tuple[briefing.Briefing, str, bytes | None, str]:
    """(briefing, Markdown, chart PNG, why the chart and three exports are missing) for one choice of
    period, tours and areas. The exports are made only when asked for (a PDF or HWPX of a long
    appendix takes far longer than the page), each from this one build."""
    ids, matrix = data.semantic_index(db, model)
    vectors = dict(zip(ids, matrix, strict=True)) if ids else {}
    brief = briefing.build_briefing(
        data.all_suggestions(db), vectors, data.theme_overview(db), start, end, list(tours), list(areas)
    )
    try:
        briefing.korean_font()
        chart = briefing.chart_png(brief) if brief.suggestions else None
        problem = ""
    except briefing.FontMissing as missing:  # Markdown needs no font; the others say why they are absent
        chart, problem = None, str(missing)
    return brief, briefing.to_markdown(brief), chart, problem


brief, markdown, chart, problem = _briefing(
    db, period[0], period[1], tuple(tours), tuple(areas), models.configured_model()
)
DOWNLOADS = (
    ("md", "마크다운(MD) 내려받기", "text/markdown"),
    (
        "docx",
        "워드(DOCX) 내려받기",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("pdf", "PDF 내려받기", "application/pdf"),
    ("hwpx", "한글(HWPX) 내려받기", "application/hwp+zip"),
)
RENDERERS = {"docx": briefing.to_docx, "pdf": briefing.to_pdf, "hwpx": briefing.to_hwpx}
reader = auth.current_user()


def _export(extension: str):
    """The file for one button, made when it is clicked (Streamlit calls this outside the page's run,
    so it records the download under the user read here, not through the session)."""
    db_path, who, span = data.db_path(), reader.name if reader else "-", f"{period[0]}~{period[1]}"

    def make() -> bytes:
        content = markdown.encode("utf-8") if extension == "md" else RENDERERS[extension](brief, chart)
        accounts.record(db_path, who, "내려받기", f"브리핑 {extension.upper()} {span}")
        return content

    return make


for column, (extension, label, mime) in zip(st.columns(len(DOWNLOADS)), DOWNLOADS, strict=True):
    if extension == "md" or not problem:
        column.download_button(
            label,
            _export(extension),
            file_name=f"fieldvoice-briefing-{period[0]:%Y%m%d}-{period[1]:%Y%m%d}.{extension}",
            mime=mime,
            key=f"briefing_download_{extension}",
            on_click="ignore",
        )
if problem:
    st.error(problem)
if not brief.suggestions:
    st.info("선택한 기간과 투어에 건의가 없습니다. 기간이나 투어를 바꿔 보세요.")
    st.stop()
if chart:
    st.image(chart, caption="상위 정책 분야와 테마: 이번 기간(주황)과 직전 같은 기간(회색)")
st.markdown(markdown)
