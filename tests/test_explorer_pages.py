"""Every explorer page through AppTest on the real flow's warehouse: filters, both searches,
navigation to a source, trends, tours, the briefing and its exports, masking and empty states."""

from __future__ import annotations

import io
import re

import docx
import pandas as pd
import pypdf
import pytest
from hwpx import HwpxDocument
from samples import SEED_NAME, open_page
from streamlit.testing.v1 import AppTest

from app import briefing
from app.text import plain
from nlp import surges
from warehouse import queries
from warehouse.connection import open_for_reading

UNMASKED_PHONE = re.compile(r"01[016789]-?\d{3,4}-?\d{4}")
UNMASKED_EMAIL = re.compile(r"[A-Za-z0-9]{2,}@")


pytestmark = pytest.mark.usefixtures("fresh_streamlit_cache")


@pytest.fixture(scope="module")
def stored(flow_run) -> dict[str, object]:
    with open_for_reading(flow_run["db_path"]) as con:
        return {
            "db": flow_run["db_path"],
            "suggestions": queries.all_suggestions(con),
            "overview": queries.theme_overview(con),
            "tours": queries.tour_list(con),
        }


_page = open_page


def _count(app: AppTest) -> int:
    caption = next(c.value for c in app.caption if c.value.startswith("건의 "))
    return int(re.search(r"건의 ([\d,]+)건", caption).group(1).replace(",", ""))


def _table(app: AppTest) -> pd.DataFrame:
    return app.dataframe[0].value


def _all_text(app: AppTest) -> str:
    parts = [m.value for m in app.markdown] + [c.value for c in app.caption] + [i.value for i in app.info]
    parts += [df.value.to_string() for df in app.dataframe] + [t.value.to_string() for t in app.table]
    return re.sub(r"\\(.)", r"\1", "\n".join(parts))  # document text is shown Markdown-escaped


# --- 건의 탐색 ----------------------------------------------------------------------------------


def test_suggestions_page_lists_every_current_suggestion(monkeypatch, stored) -> None:
    app = _page(monkeypatch, stored["db"], "views/suggestions.py")
    assert [t.value for t in app.title] == ["건의 탐색"]
    assert _count(app) == len(stored["suggestions"])
    assert set(_table(app)["건의"]) == set(stored["suggestions"]["text"])


def test_filters_by_theme_region_and_period(monkeypatch, stored) -> None:
    frame = stored["suggestions"]
    app = _page(monkeypatch, stored["db"], "views/suggestions.py")
    theme = frame["theme"].value_counts().index[0]
    app.multiselect(key="filter_themes").set_value([theme]).run()
    assert _count(app) == int((frame["theme"] == theme).sum())
    assert set(_table(app)["테마"]) == {theme}

    app.multiselect(key="filter_themes").set_value([]).run()
    region = frame["region"].dropna().iloc[0]
    app.multiselect(key="filter_regions").set_value([region]).run()
    assert _count(app) == int((frame["region"] == region).sum())

    app.multiselect(key="filter_regions").set_value([]).run()
    day = frame["raised_on"].dropna().min().date()
    app.date_input(key="filter_period").set_value((day, day)).run()
    assert _count(app) == int((frame["raised_on"].dt.date == day).sum())


def test_keyword_search_sees_through_particles_and_compounds(monkeypatch, stored) -> None:
    texts = stored["suggestions"]["text"]
    app = _page(monkeypatch, stored["db"], "views/suggestions.py")
    app.text_input(key="keyword").input("인력").run()
    found = set(_table(app)["건의"])
    assert "제조현장 경험을 갖춘 AI 전문인력 양성" in found  # 인력 finds 전문인력
    assert found == {t for t in texts if "인력" in t}

    app.text_input(key="keyword").input("데이터를").run()  # the particle is not in most texts
    found = set(_table(app)["건의"])
    assert found == {t for t in texts if "데이터" in t}
    assert any("데이터를" not in t for t in found)


def test_keyword_search_ignores_spacing_in_compounds(monkeypatch, stored) -> None:
    texts = stored["suggestions"]["text"]
    expected = {t for t in texts if "유지보수" in t.replace(" ", "")}
    assert expected, "the sample must hold 유지보수 so this test can fail"
    app = _page(monkeypatch, stored["db"], "views/suggestions.py")
    app.text_input(key="keyword").input("유지 보수").run()
    assert expected <= set(_table(app)["건의"])


def test_semantic_search_ranks_within_the_filters(monkeypatch, stored) -> None:
    frame = stored["suggestions"]
    tour = frame["tour_name"].dropna().value_counts().index[-1]  # a small tour: few candidates
    app = _page(monkeypatch, stored["db"], "views/suggestions.py")
    app.multiselect(key="filter_tours").set_value([tour]).run()
    app.text_input(key="semantic").input("스마트공장 설비를 계속 쓰도록 도와 달라").run()
    table = _table(app)
    in_tour = set(frame.loc[frame["tour_name"] == tour, "text"])
    assert len(table) == min(20, len(in_tour)) and set(table["건의"]) <= in_tour


def test_a_search_with_no_hits_says_so(monkeypatch, stored) -> None:
    app = _page(monkeypatch, stored["db"], "views/suggestions.py")
    app.text_input(key="keyword").input("우주정거장").run()
    assert not app.exception
    assert any("조건에 맞는 건의가 없습니다" in i.value for i in app.info)
    assert not app.dataframe


def test_semantic_search_ranks_by_meaning(monkeypatch, stored) -> None:
    app = _page(monkeypatch, stored["db"], "views/suggestions.py")
    app.text_input(key="semantic").input("현장 경험이 있는 인공지능 인재를 길러 주세요").run()
    table = _table(app)
    assert 0 < len(table) <= 20
    similarities = table["유사도"].tolist()
    assert similarities == sorted(similarities, reverse=True)
    assert "제조현장 경험을 갖춘 AI 전문인력 양성" in table["건의"].head(3).tolist()


def test_a_suggestion_opens_its_source_sentence(monkeypatch, stored) -> None:
    frame = stored["suggestions"]
    seed_row = frame[frame["document"] == SEED_NAME].iloc[0]
    app = _page(monkeypatch, stored["db"], "views/suggestions.py")
    app.selectbox(key="source_choice").set_value(seed_row["suggestion_id"]).run()
    page = _all_text(app)
    assert f"<mark>{seed_row['text']}</mark>" in page
    assert SEED_NAME in page
    assert "2025-08-14" in page and "㈜아이디모드" in page


def test_the_theme_page_opens_its_suggestions(monkeypatch, stored) -> None:
    overview = stored["overview"]
    theme = overview[~overview.is_unassigned].iloc[0]
    app = _page(monkeypatch, stored["db"], "views/themes.py")
    app.button(key=f"open_theme_{theme.theme_id}").click().run()
    assert [t.value for t in app.title] == ["건의 탐색"]
    assert _count(app) == theme["size"]


# --- 추이 분석, 투어 상세 ----------------------------------------------------------------------------


def test_trends_flag_recurring_demands(monkeypatch, stored) -> None:
    overview = stored["overview"]
    themed = overview[~overview.is_unassigned]
    app = _page(monkeypatch, stored["db"], "views/trends.py")
    assert len(app.get("vega_lite_chart")) >= 2  # heatmap and timeline
    app.slider(key="recurring_min_tours").set_value(1).run()
    recurring = app.dataframe[0].value
    assert set(recurring["테마"]) == set(themed["label"])
    most = int(themed["tours"].max())
    app.slider(key="recurring_min_tours").set_value(most).run()
    assert set(app.dataframe[0].value["테마"]) == set(themed[themed["tours"] >= most]["label"])


def test_tour_page_shows_one_tour_and_what_recurs(monkeypatch, stored) -> None:
    tours = stored["tours"]
    seed = tours[tours["company"] == "㈜아이디모드"].iloc[0]
    app = _page(monkeypatch, stored["db"], "views/tours.py")
    app.selectbox(key="tour_choice").set_value(seed["tour_id"]).run()
    assert not app.exception
    page = _all_text(app)
    assert "편직의류 가공업" in page and "서울 금천구" in page
    assert SEED_NAME in page
    assert "제조현장 경험을 갖춘 AI 전문인력 양성" in page
    assert "이전 투어" in page  # the seed (2025) repeats themes raised on the 2024 tours


# --- 브리핑 -------------------------------------------------------------------------------------


def _brief(db, start, end, **filters) -> briefing.Briefing:
    with open_for_reading(db) as con:
        ids, matrix = queries.suggestion_vectors(con, queries.embedding_models(con)[0])
        return briefing.build_briefing(
            queries.all_suggestions(con),
            dict(zip(ids, matrix, strict=True)),
            queries.theme_overview(con),
            start,
            end,
            **filters,
        )


def test_briefing_page_and_exports_carry_the_same_content(monkeypatch, stored, flow_run) -> None:
    app = _page(monkeypatch, stored["db"], "views/briefing.py")
    period = app.date_input(key="briefing_period").value
    # the default is the last 6 months of data, compared with the 6 months before
    last = stored["suggestions"]["raised_on"].max().date()
    assert period[1] == last and 180 <= (period[1] - period[0]).days <= 184
    shown = "\n".join(m.value for m in app.markdown)
    brief = _brief(flow_run["db_path"], *period)
    markdown = briefing.to_markdown(brief)
    assert markdown.strip() in shown
    assert len(app.image) == 1  # the chart the exports carry
    assert "nan" not in markdown  # a missing tour name or organisation is left out, not printed
    assert brief.themes and all(len(t.quotes) >= 2 or t.count < 2 for t in brief.themes)
    assert plain(f"{period[0]:%Y-%m-%d}~{period[1]:%Y-%m-%d}") in markdown
    assert plain("과 직전 같은 길이의 기간(") in markdown

    document = docx.Document(io.BytesIO(briefing.to_docx(brief)))
    text = "\n".join(p.text for p in document.paragraphs)
    for theme in brief.themes:
        assert theme.label in text and plain(theme.label) in markdown
        for quote in theme.quotes:
            assert quote.text in text and quote.source in text and plain(quote.source) in markdown
    assert document.styles["Normal"].element.rPr.rFonts.get(docx.oxml.ns.qn("w:eastAsia")) == "NanumGothic"
    # every suggestion of the period counts once, 미분류 included, and the areas add up to it
    in_period = _suggestions_between(flow_run["db_path"], *period)
    assert brief.suggestions == len(in_period) == sum(a.count for a in brief.areas)
    assert f"| {plain(brief.areas[0].area)} | {brief.areas[0].count} |" in markdown


def test_briefing_page_offers_four_downloads(monkeypatch, stored) -> None:
    app = _page(monkeypatch, stored["db"], "views/briefing.py")
    labels = [b.label for b in app.get("download_button")]
    assert labels == ["마크다운(MD) 내려받기", "워드(DOCX) 내려받기", "PDF 내려받기", "한글(HWPX) 내려받기"]
    assert not app.error  # NanumGothic is installed here: no export is missing


def test_briefing_appendix_lists_every_theme_of_the_period(stored, flow_run) -> None:
    rows = stored["suggestions"]
    first, last = rows["raised_on"].min().date(), rows["raised_on"].max().date()
    brief = _brief(flow_run["db_path"], first, last)
    themed = rows[rows["theme_id"].notna() & (rows["theme_id"] >= 0)]
    counts = themed["theme"].value_counts()
    assert {t.label: t.count for t in brief.themes} == counts.to_dict()  # every theme, none left out
    assert [t.count for t in brief.themes] == sorted(counts, reverse=True)  # largest first
    markdown = briefing.to_markdown(brief)
    appendix = markdown.split(plain("부록:"))[1]
    for rank, theme in enumerate(brief.themes, 1):
        assert f"## {rank}\\. {plain(theme.label)}" in appendix
        ids = {i for source in theme.sources for i in source.suggestion_ids}
        assert ids == set(themed.loc[themed["theme"] == theme.label, "suggestion_id"])
        for source in theme.sources:
            assert plain(source.document) in appendix and source.date in appendix.replace("\\", "")
    assert brief.unthemed == len(rows) - len(themed)
    # the whole range has nothing before it: no comparison, and no theme is called new
    assert not brief.comparable
    assert plain("에는 자료가 없어 직전 기간과는 비교할 수 없습니다") in markdown
    assert "신규" not in markdown.split(plain("판단 기준"))[0] and "[신규]" not in markdown
    assert all(t.previous_count is None and not t.status for t in brief.themes)


def test_briefing_flags_what_rose_with_its_p_value(stored, flow_run) -> None:
    # the sample's September 2024 tour raised a dozen suggestions per theme; before it, one to three
    start, end = pd.Timestamp("2024-09-01").date(), pd.Timestamp("2024-09-30").date()
    brief = _brief(flow_run["db_path"], start, end)
    rising = [t for t in brief.themes if t.status == surges.RISING]
    assert rising, "the sample's September spike must be flagged"
    markdown = briefing.to_markdown(brief)
    page_one, appendix = markdown.split("\n---\n")
    for theme in rising:
        assert theme.surge.p_value < surges.ALPHA and theme.surge.recent >= surges.MIN_COUNT
        assert plain(f"{surges.RISING} ({theme.surge.certainty})") in appendix
    listed = [f"[{s.status}] {kind} '{name}'" for kind, name, s in brief.flagged]
    assert len(listed) >= len(rising)
    for line in listed[: briefing.FLAGGED_ON_PAGE]:
        assert plain(line) in page_one
    if len(listed) > briefing.FLAGGED_ON_PAGE:  # the rest are named as left to the appendix
        assert plain(f"외 {len(listed) - briefing.FLAGGED_ON_PAGE}개는 부록에 있습니다") in page_one
    assert plain(surges.RULE) in markdown
    # quotes: three to five, each its own block, attribution on the line after its text
    assert briefing.QUOTES_MIN <= len(brief.quotes) <= briefing.QUOTES_MAX
    for quote in brief.quotes:
        block = f"> {plain(f'“{quote.text}”')}  \n> {plain(f'— {quote.source} ({quote.theme})')}\n\n"
        assert block in page_one + "\n"  # a blank line (or the page end) after every attribution


def _suggestions_between(db, start, end):
    with open_for_reading(db) as con:
        frame = queries.all_suggestions(con)
    return frame[frame.raised_on.dt.date.between(start, end)]


def test_briefing_filters_by_policy_area(monkeypatch, stored) -> None:
    app = _page(monkeypatch, stored["db"], "views/briefing.py")
    area = stored["suggestions"]["area"].value_counts().index[0]
    app.multiselect(key="briefing_areas").set_value([area]).run()
    assert not app.exception
    shown = "\n".join(m.value for m in app.markdown)
    rows = stored["suggestions"]
    start, end = app.date_input(key="briefing_period").value
    expected = int(((rows["area"] == area) & rows["raised_on"].dt.date.between(start, end)).sum())
    assert expected, "the chosen area has suggestions in the default period"
    assert f"- 건의 {expected}건," in shown
    assert f"| {plain(area)} | {expected} |" in shown


def test_briefing_for_a_period_without_suggestions_says_so(monkeypatch, stored) -> None:
    app = _page(monkeypatch, stored["db"], "views/briefing.py")
    first = app.date_input(key="briefing_period").value[0]
    app.date_input(key="briefing_period").set_value((first, first)).run()
    tours = stored["tours"].dropna(subset=["tour_name"])
    latest = tours.sort_values("tour_date").iloc[-1]
    assert latest["tour_date"].date() != first, "the chosen tour did not happen on the chosen day"
    app.multiselect(key="briefing_tours").set_value([latest["tour_name"]]).run()
    assert not app.exception
    assert any("건의가 없습니다" in i.value for i in app.info)
    assert not any("## 1." in m.value for m in app.markdown)


# --- personal data and empty states ----------------------------------------------------------------


def test_no_page_or_export_shows_a_phone_number_or_email(monkeypatch, stored) -> None:
    raw = "\n".join(stored["suggestions"]["text"])
    assert "010-****-****" in raw, "the sample holds a masked phone number, so this test can fail"
    for page in (
        "views/themes.py",
        "views/suggestions.py",
        "views/trends.py",
        "views/tours.py",
        "views/briefing.py",
    ):
        app = _page(monkeypatch, stored["db"], page)
        if page == "views/suggestions.py":
            masked = stored["suggestions"][
                stored["suggestions"]["text"].str.contains(r"\*\*\*\*", regex=True)
            ]
            app.selectbox(key="source_choice").set_value(masked["suggestion_id"].iloc[0]).run()
        text = _all_text(app)
        assert not UNMASKED_PHONE.search(text), page
        assert not UNMASKED_EMAIL.search(text), page
    brief = briefing.build_briefing(
        stored["suggestions"],
        {},
        stored["overview"],
        pd.Timestamp("2000-01-01").date(),
        pd.Timestamp("2100-01-01").date(),
    )
    files = briefing.exports(brief)
    exported = "\n".join(
        [
            files["md"].decode("utf-8"),
            *(p.text for p in docx.Document(io.BytesIO(files["docx"])).paragraphs),
            *(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(files["pdf"])).pages),
            HwpxDocument.open(io.BytesIO(files["hwpx"])).text.plain(),
        ]
    )
    assert brief.quotes[0].text.split()[0] in exported  # the text was read back, so this test can fail
    assert not UNMASKED_PHONE.search(exported) and not UNMASKED_EMAIL.search(exported)


@pytest.mark.parametrize(
    "page", ["views/suggestions.py", "views/trends.py", "views/tours.py", "views/briefing.py"]
)
def test_every_page_explains_a_missing_warehouse(monkeypatch, tmp_path, page) -> None:
    app = _page(monkeypatch, tmp_path / "none.duckdb", page)
    assert any("pipeline" in i.value for i in app.info)


def test_trends_filter_by_policy_area(monkeypatch, stored) -> None:
    app = _page(monkeypatch, stored["db"], "views/trends.py")
    overview = stored["overview"]
    area = overview.dropna(subset=["area"]).area.value_counts().index[0]
    app.slider(key="recurring_min_tours").set_value(1).run()
    app.multiselect(key="trends_areas").set_value([area]).run()
    assert not app.exception
    listed = set(app.dataframe[0].value["테마"])
    assert listed and listed <= set(overview[overview.area == area].label)


def test_trends_flag_surges_by_the_stated_rule(monkeypatch, stored) -> None:
    rows = stored["suggestions"].dropna(subset=["raised_on"])
    themed = rows[rows["theme_id"].notna() & (rows["theme_id"] >= 0)]
    start, end = pd.Timestamp("2024-09-01").date(), pd.Timestamp("2024-09-30").date()
    first = rows["raised_on"].min().date()
    raised = themed["raised_on"].dt.date
    expected = set()
    for theme, dates in raised.groupby(themed["theme"]):
        surge = surges.assess(
            int(dates.between(start, end).sum()), int((dates < start).sum()), 30, (start - first).days
        )
        if surge.flagged:
            expected.add(theme)
    assert expected, "the sample's September 2024 spike must be flagged, so this test can fail"

    app = _page(monkeypatch, stored["db"], "views/trends.py")
    assert any(c.value == surges.RULE for c in app.caption)
    app.date_input(key="trend_period").set_value((start, end)).run()
    assert not app.exception
    flagged = next(
        df.value for df in app.dataframe if "테마" in df.value.columns and "p값" in df.value.columns
    )
    assert set(flagged["테마"]) == expected
    assert set(flagged["상태"]) <= {surges.NEW, surges.RISING}
    assert (flagged["p값"].dropna() < surges.ALPHA).all()
    # the whole range has nothing before it to compare with: nothing is flagged, and the page says why
    app.date_input(key="trend_period").set_value((first, rows["raised_on"].max().date())).run()
    assert any("판단할 수 없습니다" in i.value for i in app.info)
    assert not any("p값" in df.value.columns for df in app.dataframe)


def test_clicking_a_table_row_opens_its_source(monkeypatch, stored) -> None:
    app = _page(monkeypatch, stored["db"], "views/suggestions.py")
    table = _table(app)
    assert "None" not in table.to_string() and "nan" not in table.to_string()
    first, third = table.iloc[0]["건의"], table.iloc[2]["건의"]
    assert first != third
    marked = lambda: "\n".join(m.value for m in app.markdown if "<mark>" in m.value)  # noqa: E731
    assert f"<mark>{first}</mark>" in marked()  # before a click: the first row's source
    app.session_state["suggestions_table"] = {"selection": {"rows": [2], "columns": []}}
    app.run()
    assert not app.exception
    assert f"<mark>{third}</mark>" in marked()


def test_most_similar_ranks_only_the_allowed_rows_as_a_full_sort_does() -> None:
    """Scores every row and drops the filtered ones (no 2 GB copy of the matrix at a million): the
    result must be what sorting the allowed rows by cosine gives."""
    import numpy as np

    from app.search import most_similar

    rng = np.random.default_rng(7)
    matrix = rng.normal(size=(500, 16)).astype(np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    ids = [f"건의-{i:03d}" for i in range(500)]
    query = matrix[3] + 0.1 * matrix[9]
    allowed = ids[::3]
    ranked = most_similar(ids, matrix, query, top=12, among=pd.Series(allowed))
    scores = {sid: float(matrix[i] @ query) for i, sid in enumerate(ids) if sid in set(allowed)}
    assert ranked.suggestion_id.tolist() == sorted(scores, key=scores.get, reverse=True)[:12]
    assert ranked.similarity.tolist() == pytest.approx([scores[s] for s in ranked.suggestion_id])
    assert most_similar(ids, matrix, query, top=3).suggestion_id.tolist()[0] == "건의-003"
    assert most_similar(ids, matrix, query, among=[]).empty
    assert most_similar([], np.zeros((0, 16), np.float32), query).empty
    assert len(most_similar(ids, matrix, query, top=50, among=ids[:4])) == 4
