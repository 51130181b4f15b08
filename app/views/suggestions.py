"""건의 탐색: filter, search (by keyword or by meaning) and open any suggestion's source."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import auth, data, export, models, search
from app.source import show_source
from fieldvoice import accounts

auth.require("analyst")
st.title("건의 탐색")
db = data.require_warehouse()
frame = data.all_suggestions(db)
if frame.empty:
    st.info("아직 건의가 없습니다. 문서를 추가하고 `fieldvoice pipeline`을 실행하세요.")
    st.stop()


options = data.filter_options(db)
MAX_ROWS = 1000


with st.sidebar:
    st.header("필터")
    preset_theme = st.session_state.pop("theme_filter", None)
    if preset_theme is not None:
        st.session_state["filter_themes"] = [preset_theme]
    areas = st.multiselect("정책 분야", options["area"], key="filter_areas", placeholder="전체")
    themes = st.multiselect("테마", options["theme"], key="filter_themes", placeholder="전체")
    tours = st.multiselect("투어", options["tour_name"], key="filter_tours", placeholder="전체")
    organisations = st.multiselect(
        "소속", options["organisation"], key="filter_organisations", placeholder="전체"
    )
    industries = st.multiselect("업종", options["industry"], key="filter_industries", placeholder="전체")
    regions = st.multiselect("지역", options["region"], key="filter_regions", placeholder="전체")
    dates = frame["raised_on"].dropna()
    period = None
    if not dates.empty:
        first, last = dates.min().date(), dates.max().date()
        period = st.date_input("기간", (first, last), min_value=first, max_value=last, key="filter_period")

selected = pd.Series(True, index=frame.index)
for column, chosen in (
    ("area", areas),
    ("theme", themes),
    ("tour_name", tours),
    ("organisation", organisations),
    ("industry", industries),
    ("region", regions),
):
    if chosen:
        selected &= frame[column].isin(chosen)
if isinstance(period, tuple) and len(period) == 2:
    # compared as timestamps: `.dt.date` makes 70,000 Python dates on every run
    raised = frame["raised_on"]
    selected &= (raised >= pd.Timestamp(period[0])) & (
        raised < pd.Timestamp(period[1]) + pd.Timedelta(days=1)
    )

keyword_tab, meaning_tab = st.tabs(["키워드 검색", "의미 검색"])
with keyword_tab:
    keyword = st.text_input("키워드", placeholder="예: 인력, 데이터 수집, 유지보수", key="keyword")
    if keyword.strip():
        selected &= search.keyword_mask(frame, keyword, models.query_nouns(keyword))
with meaning_tab:
    sentence = st.text_input(
        "문장으로 찾기", placeholder="예: 스마트공장 설비를 계속 쓰도록 도와 달라", key="semantic"
    )

results = frame[selected]
similarity = None
if sentence.strip():
    model = models.configured_model()
    ids, matrix = data.semantic_index(db, model)
    if not ids:
        st.warning(f"'{model}' 모델로 만든 임베딩이 없습니다. 파이프라인을 다시 실행하세요.")
    else:
        query = models.embed_query(sentence, model)
        among = None if selected.all() else results["suggestion_id"]  # unfiltered: no 1M-id set to build
        ranked = search.most_similar(ids, matrix, query, top=20, among=among)
        results = ranked.merge(results, on="suggestion_id", how="inner")
        similarity = "similarity"

if results.empty:
    st.info("조건에 맞는 건의가 없습니다. 필터나 검색어를 바꿔 보세요.")
    st.stop()

st.caption(
    f"건의 {len(results):,}건"
    + (" (의미가 가까운 순)" if similarity else "")
    + (
        f" · 최근 {MAX_ROWS:,}건만 표로 보여 줍니다. 필터나 검색으로 좁혀 보세요."
        if len(results) > MAX_ROWS
        else ""
    )
)
columns = ["text", "area", "theme", "raised_on", "tour_name", "organisation", "industry", "region"]
labels = {"text": "건의", "area": "정책 분야", "theme": "테마", "raised_on": "일자", "tour_name": "투어", "organisation": "소속",
          "industry": "업종", "region": "지역", "similarity": "유사도"}  # fmt: skip
shown = results.head(MAX_ROWS)[([similarity] if similarity else []) + columns].rename(columns=labels)


def _csv_file(rows: pd.DataFrame, who: str):
    """The CSV of `rows`, made when the button is clicked: 70,000 rows take about a second, which no
    page run should wait for. Streamlit calls it outside the page's run, so the user is read here."""
    table = rows[([similarity] if similarity else []) + columns + ["document"]]
    db_path = data.db_path()

    def make() -> bytes:
        content = export.to_csv(table.rename(columns={**labels, "document": "문서"}))
        accounts.record(db_path, who, "내려받기", f"건의 CSV {len(table)}건")
        return content

    return make


reader = auth.current_user()
st.download_button(
    f"CSV 내려받기 (Excel용, 건의 {len(results):,}건)",
    _csv_file(results, reader.name if reader else "-"),
    file_name="fieldvoice-suggestions.csv",
    mime="text/csv",
    key="suggestions_csv",
    on_click="ignore",
)
picked = st.dataframe(
    shown.fillna({c: "-" for c in shown.columns if shown[c].dtype == object}),  # never None/nan
    hide_index=True,
    width="stretch",
    column_config={
        "일자": st.column_config.DateColumn(format="YYYY-MM-DD"),
        "유사도": st.column_config.NumberColumn(format="%.3f"),
    },
    on_select="rerun",
    selection_mode="single-row",
    key="suggestions_table",
)

st.subheader("출처 보기")
st.caption("표에서 행을 누르거나 아래에서 건의를 고르면 원문에서 해당 문장을 보여 줍니다.")
top = results.head(200)
choices = top["suggestion_id"].tolist()
texts = dict(zip(top["suggestion_id"], top["text"], strict=True))
rows = picked.selection.rows if picked is not None and hasattr(picked, "selection") else []
if rows and rows[0] < len(shown):
    clicked = results.iloc[rows[0]]["suggestion_id"]
    if clicked not in texts:
        choices.insert(0, clicked)
        texts[clicked] = results.iloc[rows[0]]["text"]
    st.session_state["source_choice"] = clicked
chosen = st.selectbox(
    "건의를 고르면 원문에서 해당 문장을 보여 줍니다",
    choices,
    format_func=lambda i: texts[i][:80],
    key="source_choice",
)
if chosen:
    show_source(data.suggestion_source(db, chosen))
