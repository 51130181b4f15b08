"""The real Prefect flow over a folder of real-shaped documents: each report of a meeting is its own
tour, its requests are split one per measure, and a report with no request is listed with the reason.

The documents are short reports written the way ministries and newspapers write them, each built
around one or two published sentences (sources in comments); when `../shared/bench/meeting_gold_dev`
is present, three of its articles are added as they are.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from samples import query_rows

GOLD_DOCS = Path(__file__).resolve().parents[2] / "shared" / "bench" / "meeting_gold_dev" / "docs"

# https://www.hankookilbo.com/News/Read/200008010011898057
PROSE_REPORT = (
    "안병엽 정보통신부장관은 31일 저녁 인터넷기업 최고경영자 20여명과 간담회를 갖고 의견을 나눴다.\n"
    "기업 대표들은 이 자리에서 원활한 자금 지원과 정보통신인력 양성, 해외시장 개척 등을 위해 정부가 보다 "
    "적극적으로 나서줄 것을 건의했다.\n"
    "이희정기자 jaylee@hk.co.kr\n"
)
# https://m.newspic.kr/view.html?cp=w3Hru72p&nid=2025070717530242519&pn=495
BULLET_REPORT = (
    "국정기획위원회, 농업인단체 간담회\n\n"
    "입력 2025-07-07 17:53\n\n"
    "구체적으로는 △식량안보 강화 및 국가 농정예산 확대 △유통구조 개선 및 농협 혁신 등이 제시됐다.\n"
)
# https://m.wowtv.co.kr/NewsCenter/AMP/Read?articleId=AKR20190130166800002
OFFICIAL_ONLY = (
    '김 청장은 "경제 활력 제고를 위해 기업이 체감할 수 있는 지원 체제를 마련해 수출 중소·중견기업을 총력 '
    '지원할 것"이라고 말했다.\n'
)


_rows = query_rows


@pytest.fixture(scope="module")
def real_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    from flows.pipeline import pipeline

    base = tmp_path_factory.mktemp("real")
    data = base / "data"
    data.mkdir()
    (data / "정보통신부_간담회.txt").write_text(PROSE_REPORT, encoding="utf-8")
    (data / "국정위_농업인단체.txt").write_text(BULLET_REPORT, encoding="utf-8")
    (data / "관세청장_발언.txt").write_text(OFFICIAL_ONLY, encoding="utf-8")
    copied = []
    if GOLD_DOCS.is_dir():
        for name in ("104.txt", "114.txt", "133.txt"):  # ▲ list, official bullets, quotes and △ list
            shutil.copy(GOLD_DOCS / name, data / f"gold_{name}")
            copied.append(f"gold_{name}")
    db = base / "warehouse.duckdb"
    summary = pipeline(data_dir=data, db_path=db)
    return {"db": db, "summary": summary, "copied": copied}


def test_each_report_is_its_own_tour(real_run) -> None:
    db = real_run["db"]
    tours = _rows(db, "SELECT count(DISTINCT tour_id) FROM documents WHERE tour_id IS NOT NULL")[0][0]
    assert tours == 2 + len(real_run["copied"])  # the official's statement makes no tour


def test_requests_are_split_one_per_measure(real_run) -> None:
    texts = {t for (t,) in _rows(real_run["db"], "SELECT text FROM suggestions")}
    assert {"원활한 자금 지원", "정보통신인력 양성", "해외시장 개척"} <= texts
    assert {"식량안보 강화", "국가 농정예산 확대", "유통구조 개선", "농협 혁신"} <= texts
    assert not any("총력" in t or "건의했다" in t for t in texts)
    if real_run["copied"]:
        assert "북항재개발사업 지원" in texts  # gold 104: the first of six ▲ items
        assert not any("빈곤화" in t for t in texts)  # gold 114: the prime minister's own △ list


def test_a_report_without_requests_is_listed_with_the_reason(real_run) -> None:
    from warehouse import queries
    from warehouse.connection import open_for_reading

    with open_for_reading(real_run["db"]) as con:
        listed = queries.rejected_files(con)
    rejected = dict(zip(listed.path, listed.reason, strict=True))
    assert rejected.get("관세청장_발언.txt") == "건의사항을 찾지 못했습니다"
    assert "정보통신부_간담회.txt" not in rejected


def test_stored_suggestions_are_masked_and_point_into_their_document(real_run) -> None:
    rows = _rows(
        real_run["db"],
        "SELECT s.text, substr(d.text, s.span_start + 1, s.span_end - s.span_start) "
        "FROM suggestions s JOIN documents d ON d.content_hash = s.document_hash",
    )
    assert rows and all(text == span for text, span in rows)
    documents = [t for (t,) in _rows(real_run["db"], "SELECT text FROM documents")]
    assert not any("jaylee@" in t for t in documents)
