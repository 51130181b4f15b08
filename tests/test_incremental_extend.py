"""An incremental run reads only what its new suggestions touch, and writes what a full read would.

Two copies of one real warehouse get the same new tour: one run extends the themes from the stored
geometry (`nlp.extending`), the other is made to take the path that reads every vector and text
(its snapshot's geometry removed). Themes, representatives, keywords, links and policy areas must be
identical; the first run must not have read every stored suggestion.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from samples import form_csv_text

from nlp.areas import load_areas
from settings import load_settings
from warehouse import queries
from warehouse.connection import open_for_writing
from warehouse.curation import correct_area

NEW_TOPIC = [
    "양식장 수온 상승에 대비한 냉각 설비 지원을 늘려 주십시오",
    "연근해 어선의 노후 기관 교체 비용을 지원해 주시기 바랍니다",
    "수산물 산지 위판장의 저온 저장 시설을 확충해 주십시오",
    "어촌 청년 어업인의 정착 지원금을 늘려 주시기 바랍니다",
    "양식 어가의 적조 피해 보상 기준을 현실화해 주십시오",
    "수산물 가공 공장의 위생 설비 개선 자금을 지원해 주십시오",
    "어선 안전 장비 구입비 지원 대상을 넓혀 주시기 바랍니다",
    "양식장 사료 가격 안정을 위한 지원을 마련해 주십시오",
    "어촌 마을 공동 작업장 신축을 지원해 주시기 바랍니다",
    "연안 어업인의 어구 교체 비용을 지원해 주십시오",
    "수산물 수출 물류비 지원을 확대해 주시기 바랍니다",
    "양식 어가의 재해 보험료 부담을 덜어 주십시오",
]
KNOWN_TOPIC = [
    "스마트공장 시스템의 유지보수 비용 지원 기간을 늘려 주시기 바랍니다",
    "현장 경험이 있는 제조 AI 인재를 키우는 교육 과정을 늘려 주십시오",
]


def _latest(db: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(db), read_only=True) as con:
        run = con.execute("SELECT max(run_id) FROM runs").fetchall()[0][0]

        def rows(sql: str) -> list[tuple]:
            return sorted(con.execute(sql, [run]).fetchall(), key=repr)

        return {
            "mode": rows("SELECT theming_mode, status, suggestions_new FROM runs WHERE run_id = ?"),
            "themes": rows(
                "SELECT theme_id, label, keywords, size, is_unassigned, label_source, is_hidden FROM themes WHERE run_id = ?"
            ),
            "members": rows(
                "SELECT suggestion_id, theme_id, representative_rank FROM suggestion_themes WHERE run_id = ?"
            ),
            "links": rows("SELECT theme_id, parent_id, relation, shared FROM theme_links WHERE run_id = ?"),
            "areas": rows(
                "SELECT suggestion_id, area, round(score, 4), rank, source FROM suggestion_areas WHERE run_id = ?"
            ),
            "geometry": rows(
                "SELECT theme_id, round(radius, 5), list_transform(centroid, lambda x: round(x, 5)) FROM theme_geometry WHERE run_id = ?"
            ),
        }


@pytest.fixture
def corrected_copy(flow_run, tmp_path: Path) -> tuple[Path, Path, str]:
    """A copy of the session's warehouse with one staff area correction, applied by a run."""
    from flows.pipeline import pipeline

    data_dir = tmp_path / "data"
    shutil.copytree(flow_run["data_dir"], data_dir)
    db = tmp_path / "warehouse.duckdb"
    shutil.copy(flow_run["db_path"], db)
    with open_for_writing(db) as con:
        sid, text = con.execute(
            "SELECT suggestion_id, text FROM suggestions ORDER BY suggestion_id LIMIT 1"
        ).fetchall()[0]
        areas = [a.name for a in load_areas(load_settings().taxonomy)]
        current = queries.primary_area(con, sid)
        correct_area(con, sid, next(a for a in areas if a != current), actor="김주무관", known_areas=areas)
    assert pipeline(data_dir=data_dir, db_path=db)["suggestions_new"] == 0  # replays the correction
    return data_dir, db, text


def test_extending_the_themes_equals_reading_everything(corrected_copy, tmp_path: Path, monkeypatch) -> None:
    from flows.pipeline import pipeline

    data_dir, db, corrected_text = corrected_copy
    # a near-duplicate of the corrected suggestion: the staff vote and its neighbourhood check apply
    rows = [
        ["1", "2024-12-02", "", "㈜바다수산", "수산업", "전남 완도군", text]
        for text in (*NEW_TOPIC, *KNOWN_TOPIC)
    ]
    rows.append(["2", "2024-12-02", "", "㈜바다수산", "수산업", "전남 완도군", corrected_text])
    (data_dir / "2024-12-02_수산현장_완도.csv").write_text(form_csv_text(rows), encoding="utf-8")

    full_dir, full_db = tmp_path / "full" / "data", tmp_path / "full" / "warehouse.duckdb"
    shutil.copytree(data_dir, full_dir)
    shutil.copy(db, full_db)
    with duckdb.connect(str(full_db)) as con:  # no stored geometry: this run reads every vector
        con.execute("DELETE FROM theme_geometry WHERE run_id = (SELECT max(run_id) FROM themes)")

    read_sizes: list[int] = []
    real = queries.suggestion_texts

    def spy(con, suggestion_ids):
        read_sizes.append(len(suggestion_ids))
        return real(con, suggestion_ids)

    monkeypatch.setattr(queries, "suggestion_texts", spy)
    extended = pipeline(data_dir=data_dir, db_path=db)
    with duckdb.connect(str(db), read_only=True) as con:
        stored = con.execute("SELECT count(*) FROM suggestions").fetchall()[0][0]
    assert extended["theming_mode"] == "incremental" and extended["suggestions_new"] == len(rows)
    assert read_sizes and max(read_sizes) < stored - len(rows), (
        "the extending run read every stored suggestion"
    )

    read_sizes.clear()
    rebuilt = pipeline(data_dir=full_dir, db_path=full_db)
    assert max(read_sizes) == rebuilt["suggestions_total"] - len(rows)  # this one did read them all
    assert rebuilt["theming_mode"] == "incremental"

    fast, slow = _latest(db), _latest(full_db)
    for part in fast:
        assert fast[part] == slow[part], part
    assert any(relation == "continued" for _, _, relation, _ in fast["links"])
