"""A source document leaves what is current when its file leaves the data folder, comes back with the
file, and can be purged from history (`fieldvoice document purge`)."""

from __future__ import annotations

import shutil
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


# --- purge --------------------------------------------------------------------------------------

DOCUMENT_SNIPPET = "공급기업이 폐업하면서 MES"  # a sentence of the minutes that is no suggestion


def _columns_holding(db: Path, needle: str) -> list[str]:
    """Every text column (VARCHAR or a list of them) of every table that holds `needle` anywhere."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        columns = con.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'main' AND data_type LIKE 'VARCHAR%'"
        ).fetchall()
        return [
            f"{table}.{column}"
            for table, column in columns
            if con.execute(
                f'SELECT count(*) FROM "{table}" WHERE contains(CAST("{column}" AS VARCHAR), ?)', [needle]
            ).fetchone()[0]
        ]
    finally:
        con.close()


@pytest.fixture
def purge_copy(lifecycle, tmp_path: Path) -> Path:
    db = tmp_path / "warehouse.duckdb"
    shutil.copy(lifecycle["db"], db)
    return db


def _purge(db: Path, *extra: str) -> int:
    from fieldvoice.cli import main

    return main(["document", "purge", MINUTES_NAME, "--db", str(db), "--by", "박사무관", *extra])


def test_purge_asks_first_and_refuses_while_the_file_is_there(
    lifecycle, purge_copy, monkeypatch, capsys
) -> None:
    from samples import table_counts

    before = table_counts(purge_copy)
    monkeypatch.setattr("builtins.input", lambda prompt="": "n")
    assert _purge(purge_copy) == 1
    assert "영구히" in capsys.readouterr().out
    assert (lifecycle["data"] / MINUTES_NAME).exists()
    assert _purge(purge_copy, "--yes") == 2  # the next run would read it in again
    assert "파일이 아직 데이터 폴더에 있습니다" in capsys.readouterr().err
    assert table_counts(purge_copy) == before


def test_purge_removes_the_text_from_every_table_and_the_next_run_rethemes(
    lifecycle, purge_copy, capsys
) -> None:
    db = purge_copy
    needles = [DOCUMENT_SNIPPET, *MINUTES_TEXTS]
    assert all(_columns_holding(db, needle) for needle in needles)  # the search finds them before
    with open_for_reading(db) as con:
        purged_hashes = {
            h
            for (h,) in con.execute(
                "SELECT s.text_hash FROM suggestions s JOIN documents d ON d.content_hash = s.document_hash "
                "WHERE d.path = ?",
                [MINUTES_NAME],
            ).fetchall()
        }
    (lifecycle["data"] / MINUTES_NAME).unlink()

    assert _purge(db, "--yes", "--note", "삭제 요청") == 0
    assert "삭제했습니다" in capsys.readouterr().out
    for needle in needles:
        assert _columns_holding(db, needle) == [], needle
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM documents WHERE path = ?", [MINUTES_NAME]).fetchone()[0] == 0
        left = con.execute(
            "SELECT count(*) FROM embeddings WHERE list_contains(?, text_hash)", [list(purged_hashes)]
        )
        assert left.fetchone()[0] == 0  # none of these texts is shared with another suggestion
        record = con.execute(
            "SELECT path, versions, suggestions, actor, note FROM document_purges"
        ).fetchall()
        assert record == [(MINUTES_NAME, 1, len(MINUTES_SUGGESTIONS), "박사무관", "삭제 요청")]
        kind, fingerprint = con.execute(
            "SELECT kind, fingerprint FROM runs WHERE run_id = (SELECT max(run_id) FROM themes)"
        ).fetchone()
        assert (kind, fingerprint) == ("purge", None)
    finally:
        con.close()
    after = _current(db)
    assert not MINUTES_TEXTS & (after["texts"] | after["members"])
    assert after["theme_sizes"] == after["summary"]["suggestions"]
    assert MINUTES_NAME not in after["markers"]

    summary = _run(lifecycle["data"], db)  # the next run themes everything again, without the purged text
    assert summary["documents_new"] == 0 and summary["documents_withdrawn"] == 0
    assert summary["themes"] is not None
    for needle in needles:
        assert _columns_holding(db, needle) == [], needle
