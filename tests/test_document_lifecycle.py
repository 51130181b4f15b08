"""A source document leaves what is current when its file leaves the data folder, comes back with the
file, and can be purged from history (`fieldvoice document purge`)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from samples import (
    MINUTES_NAME,
    MINUTES_SUGGESTIONS,
    form_csv_text,
    write_minutes,
    write_seed,
)

from warehouse import queries
from warehouse.connection import open_for_reading
from warehouse.store import WITHDRAWN

OTHER_FORM = "2024-07-02_식품가공_익산.csv"
OTHER_ROWS = [
    ["1", "2024-07-02", "윤서준", "㈜익산푸드", "식품가공업", "전북 익산시", "냉동 창고 온도 데이터를 자동으로 기록하는 장비 도입 지원"],
    ["2", "2024-07-02", "한지우", "㈜호남식품", "식품가공업", "전북 익산시", "식품 포장 공정 자동화 설비 구입 자금의 금리 인하"],
]  # fmt: skip
MINUTES_TEXTS = {text for text, _, _ in MINUTES_SUGGESTIONS}


def _run(data: Path, db: Path) -> dict[str, object]:
    from flows.pipeline import pipeline

    return pipeline(data_dir=data, db_path=db)


def _current(db: Path) -> dict[str, object]:
    """What the pages show: counts, current suggestion texts, the latest themes' members, areas."""
    with open_for_reading(db) as con:
        latest = con.execute("SELECT max(run_id) FROM themes").fetchall()[0][0]
        members = {
            text
            for (text,) in con.execute(
                "SELECT s.text FROM suggestion_themes st JOIN suggestions s USING (suggestion_id) "
                "WHERE st.run_id = ?",
                [latest],
            ).fetchall()
        }
        return {
            "summary": queries.warehouse_summary(con),
            "texts": set(queries.all_suggestions(con).text),
            "members": members,
            "theme_sizes": int(queries.theme_overview(con, include_hidden=True)["size"].sum()),
            "area_ids": set(queries.current_areas(con).suggestion_id),
            "area_total": int(queries.area_overview(con)["primary_count"].sum()),
            "per_document": queries.suggestions_per_document(con),
            "markers": dict(con.execute("SELECT path, superseded_by FROM documents").fetchall()),
        }


@pytest.fixture(scope="module")
def lifecycle(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Four real runs: the first; the minutes deleted; a run over another folder; the minutes put back."""
    base = tmp_path_factory.mktemp("lifecycle")
    data, other, db = base / "data", base / "other", base / "warehouse.duckdb"
    data.mkdir()
    other.mkdir()
    write_seed(data)
    write_minutes(data)
    kept = (data / MINUTES_NAME).read_bytes()
    steps: dict[str, object] = {}
    steps["first"] = (_run(data, db), _current(db))
    (data / MINUTES_NAME).unlink()
    steps["deleted"] = (_run(data, db), _current(db))
    (other / OTHER_FORM).write_text(form_csv_text(OTHER_ROWS), encoding="utf-8")
    steps["other"] = (_run(other, db), _current(db))
    (data / MINUTES_NAME).write_bytes(kept)
    steps["back"] = (_run(data, db), _current(db))
    steps["db"], steps["data"] = db, data
    return steps


def test_a_deleted_file_withdraws_its_document_from_every_page(lifecycle) -> None:
    (_, before), (summary, after) = lifecycle["first"], lifecycle["deleted"]
    assert summary["documents_withdrawn"] == 1
    assert summary["documents_new"] == 0
    assert after["markers"][MINUTES_NAME] == WITHDRAWN  # kept in history, not current
    assert after["summary"]["documents"] == before["summary"]["documents"] - 1
    dropped = before["summary"]["suggestions"] - after["summary"]["suggestions"]
    assert dropped == len(MINUTES_SUGGESTIONS)
    assert before["texts"] >= MINUTES_TEXTS and not MINUTES_TEXTS & after["texts"]
    # theming ran again over the smaller set: the minutes' suggestions left the themes ...
    assert summary["themes"] is not None
    assert before["members"] >= MINUTES_TEXTS and not MINUTES_TEXTS & after["members"]
    assert after["theme_sizes"] == after["summary"]["suggestions"] == summary["suggestions_total"]
    # ... and the policy areas
    assert after["area_total"] == after["summary"]["suggestions"] == len(after["area_ids"])
    assert MINUTES_NAME in before["per_document"] and MINUTES_NAME not in after["per_document"]


def test_a_run_over_another_folder_withdraws_nothing_of_the_first(lifecycle) -> None:
    (_, before), (summary, after) = lifecycle["deleted"], lifecycle["other"]
    assert summary["documents_withdrawn"] == 0
    assert summary["documents_new"] == 1
    assert after["summary"]["documents"] == before["summary"]["documents"] + 1
    assert before["texts"] < after["texts"]


def test_putting_the_file_back_restores_the_document(lifecycle) -> None:
    (_, first), (summary, after) = lifecycle["first"], lifecycle["back"]
    assert summary["documents_withdrawn"] == 0 and summary["documents_new"] == 0
    assert after["markers"][MINUTES_NAME] is None
    assert after["texts"] >= MINUTES_TEXTS and after["members"] >= MINUTES_TEXTS
    assert after["summary"]["suggestions"] == first["summary"]["suggestions"] + len(OTHER_ROWS)
    con = duckdb.connect(str(lifecycle["db"]), read_only=True)
    try:
        withdrawn = con.execute("SELECT documents_withdrawn FROM runs ORDER BY run_id").fetchall()
    finally:
        con.close()
    assert [n for (n,) in withdrawn] == [0, 1, 0, 0]
