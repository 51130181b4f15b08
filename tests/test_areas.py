"""Policy areas: each suggestion gets a primary area (and secondary ones), 기타 when none fits; staff
corrections are kept, replayed on every run and teach the next assignment.

The suggestions are spans of published articles (sources in comments); the taxonomy is the
repository's own `taxonomy.toml`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import duckdb
import numpy as np
import pytest
from samples import REPO, form_csv_text

from nlp.areas import OTHER_AREA, StaffExamples, area_prototypes, assign_areas, assign_for_run, load_areas
from nlp.embedding import embed_texts

TAXONOMY = REPO / "taxonomy.toml"
FIELDVOICE = REPO / ".venv" / "bin" / "fieldvoice"


@pytest.fixture(scope="module")
def model():
    from settings import load_settings

    name = load_settings().embedding.model
    areas = load_areas(TAXONOMY)
    return {
        "name": name,
        "areas": areas,
        "prototypes": area_prototypes(areas, lambda texts: embed_texts(texts, name)),
        "embed": lambda texts: embed_texts(texts, name),
    }


def _assign(model, texts: list[str], staff: StaffExamples | None = None):
    return assign_areas(texts, model["embed"](texts), model["areas"], model["prototypes"], staff)


def test_the_taxonomy_lists_the_ten_areas_with_keywords() -> None:
    areas = load_areas(TAXONOMY)
    assert len(areas) == 10 and all(a.keywords for a in areas)
    assert OTHER_AREA not in {a.name for a in areas}  # 기타 is what fits none, never an entry


@pytest.mark.parametrize(
    ("suggestion", "area"),
    [
        ("원활한 자금 지원", "자금·금융·세제"),  # https://www.hankookilbo.com/News/Read/200008010011898057
        ("정보통신인력 양성", "AI·디지털 인재"),  # same article
        ("해외시장 개척", "판로·수출·글로벌"),  # same article
        (
            "업종과 규모별 최저임금 구분적용",
            "인력·고용·노동",
        ),  # https://www.hankyung.com/article/2019072192411
        ("안전 경영 컨설팅", "산업안전·재해예방"),  # https://wideo.ovh/video/x7yty9b/ (YTN, 2021-01-21)
        ("사룟값 인하", "에너지·원자재·비용"),  # http://hanwoonews.kr/mobile/article.html?no=25608
        ("기술개발·표준화 등 정부 지원 확대", "기술개발·R&D"),  # https://m.ajunews.com/view/20160629104417716
        (
            "수산 통계 보강",
            "데이터 수집·활용",
        ),  # http://fisheriesnews.co.kr/news/articleView.html?idxno=24961
    ],
)
def test_each_area_on_real_suggestions(model, suggestion: str, area: str) -> None:
    [assigned] = _assign(model, [suggestion])
    assert assigned[0].area == area and assigned[0].rank == 1


def test_a_suggestion_in_two_areas_gets_a_secondary_one(model) -> None:
    # https://www.mbn.co.kr/news/politics/397295
    [assigned] = _assign(model, ["중소기업을 위한 은행의 대출 규제 완화"])
    assert [(a.area, a.rank) for a in assigned] == [("자금·금융·세제", 1), ("규제·제도 개선", 2)]
    assert assigned[0].score > assigned[1].score


def test_what_fits_no_area_is_other_and_never_dropped(model) -> None:
    # http://piece.bcci.or.kr/html/EcoBrief/ecobrief02.php?idx=570&mode=view&pg=46
    texts = ["신항~북항연결 항만배후도로 조속 건설", "국립 부산해양박물관 건립 지원"]
    assigned = _assign(model, texts)
    assert [rows[0].area for rows in assigned] == [OTHER_AREA, OTHER_AREA]


def test_corrections_are_replayed_and_teach_their_near_duplicates(model) -> None:
    texts = [
        "가공 부산물 재활용 설비 지원 등 자원순환·탄소중립 전환 지원",
        "가공 부산물 재활용 설비 지원 등 자원순환 및 탄소중립 전환 지원",  # the same ask, reworded
        "해외시장 개척",
    ]
    ids = ["a", "b", "c"]
    vectors = model["embed"](texts)
    before = assign_for_run(ids, texts, vectors, model["areas"], model["name"], {})
    assert before["a"][0].area != "에너지·원자재·비용"
    after = assign_for_run(ids, texts, vectors, model["areas"], model["name"], {"a": "에너지·원자재·비용"})
    assert [(s.area, s.score) for s in after["a"]] == [("에너지·원자재·비용", 1.0)]  # replayed as set
    assert after["b"][0].area == "에너지·원자재·비용"  # learned from it
    assert after["c"][0].area == before["c"][0].area == "판로·수출·글로벌"  # far away: unchanged


def test_a_correction_to_other_counts_against_every_area(model) -> None:
    texts = ["국립 해양박물관 건립 지원", "국립 해양박물관을 건립하도록 지원"]
    vectors = model["embed"](texts)
    staff = StaffExamples(vectors[:1], (OTHER_AREA,))
    assigned = assign_areas(texts, vectors, model["areas"], model["prototypes"], staff)
    assert assigned[1][0].area == OTHER_AREA


# --- through the warehouse and the real flow ----------------------------------------------------------


def _areas(db: Path) -> dict[str, tuple[str, str]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        from warehouse.queries import current_areas

        frame = current_areas(con)
    finally:
        con.close()
    primary = frame[frame["rank"] == 1]
    return {r.suggestion_id: (r.area, r.source) for r in primary.itertuples()}


def test_every_suggestion_has_one_primary_area_after_a_run(flow_run) -> None:
    db = flow_run["db_path"]
    con = duckdb.connect(str(db), read_only=True)
    try:
        suggestions = {r[0] for r in con.execute("SELECT suggestion_id FROM suggestions").fetchall()}
        ranks = con.execute(
            "SELECT count(*) FILTER (WHERE rank = 1), count(DISTINCT suggestion_id) FROM suggestion_areas"
        ).fetchall()[0]
    finally:
        con.close()
    areas = _areas(db)
    assert set(areas) == suggestions and ranks[0] == ranks[1] == len(suggestions)
    names = {a.name for a in load_areas(TAXONOMY)} | {OTHER_AREA}
    assert {area for area, _ in areas.values()} <= names
    assert len({area for area, _ in areas.values()}) >= 4  # the sample topics are spread over areas


def test_staff_corrections_through_the_cli_survive_the_next_runs(flow_run, tmp_path: Path) -> None:
    from flows.pipeline import pipeline

    data_dir = tmp_path / "data"
    shutil.copytree(flow_run["data_dir"], data_dir)
    db = tmp_path / "warehouse.duckdb"
    shutil.copy(flow_run["db_path"], db)
    before = _areas(db)
    target, (area_before, _) = sorted(before.items())[0]
    new_area = "에너지·원자재·비용" if area_before != "에너지·원자재·비용" else "기술개발·R&D"

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(FIELDVOICE), "area", *args, "--db", str(db)],
            capture_output=True, text=True, cwd=REPO, env=dict(os.environ), timeout=300,
        )  # fmt: skip

    refused = cli("set", target, "탄소중립", "--by", "김주무관")
    assert refused.returncode == 2 and "분류표에 없는 분야" in refused.stderr
    done = cli("set", target, new_area, "--by", "김주무관", "--note", "연료비 부담")
    assert done.returncode == 0, done.stderr
    assert _areas(db)[target] == (new_area, "staff")  # shown at once, before any run
    again = cli("set", target, new_area, "--by", "김주무관")
    assert again.returncode == 2 and "이미" in again.stderr  # a no-op is refused, not logged
    history = cli("history")
    assert "김주무관" in history.stdout and new_area in history.stdout
    listing = cli("list")
    assert listing.returncode == 0 and new_area in listing.stdout

    # the next run (nothing new) assigns areas again because staff corrected one: replayed
    summary = pipeline(data_dir=data_dir, db_path=db)
    assert summary["suggestions_new"] == 0
    assert _areas(db)[target] == (new_area, "staff")
    # an incremental run with a new tour: the correction stays, the new suggestions get areas
    rows = [
        [
            "1",
            "2024-11-20",
            "한지민",
            "㈜청주정밀",
            "금속가공업",
            "충북 청주시",
            "원자재 가격 상승분의 납품대금 연동",
        ]
    ]
    (data_dir / "2024-11-20_제조혁신_청주.csv").write_text(form_csv_text(rows), encoding="utf-8")
    summary = pipeline(data_dir=data_dir, db_path=db)
    after = _areas(db)
    assert summary["suggestions_new"] == 1 and len(after) == len(before) + 1
    assert after[target] == (new_area, "staff")
    new_id = next(sid for sid in after if sid not in before)
    assert after[new_id] == ("에너지·원자재·비용", "model")


def test_areas_are_not_reassigned_when_nothing_changed(flow_run, tmp_path: Path) -> None:
    from flows.pipeline import pipeline

    data_dir = tmp_path / "data"
    shutil.copytree(flow_run["data_dir"], data_dir)
    db = tmp_path / "warehouse.duckdb"
    shutil.copy(flow_run["db_path"], db)
    pipeline(data_dir=data_dir, db_path=db)
    con = duckdb.connect(str(db), read_only=True)
    try:
        runs = [r[0] for r in con.execute("SELECT DISTINCT run_id FROM suggestion_areas").fetchall()]
    finally:
        con.close()
    assert len(runs) == 1  # only the first run assigned areas


def test_vectors_are_unit_length_for_the_assigner(model) -> None:
    vectors = model["embed"](["원활한 자금 지원"])
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
