"""Staff changes and the pipeline lock, and a warehouse that cannot be written (read-only, disk full),
on small warehouses written directly (no flow run)."""

from __future__ import annotations

import errno
import os
import threading
import time
from pathlib import Path

import duckdb
import numpy as np
import pytest
from samples import table_counts, write_minutes, write_seed

from fieldvoice.cli import main
from nlp.extraction import extract_tours_and_suggestions
from nlp.hashing import short_hash
from nlp.ingest import mask_document
from nlp.readers import read_document
from nlp.records import Theme
from warehouse import store
from warehouse.connection import open_for_writing
from warehouse.locks import PIPELINE, STAFF, lock_holder, take_pipeline_lock


def run_output(*paths: Path, fingerprint: str = "first") -> store.RunOutput:
    """What the pipeline would write for these documents: theme 0 holds every suggestion (vectors are stand-ins)."""
    documents = [mask_document(read_document(p, max_bytes=10_000_000, display_path=p.name)) for p in paths]
    tours, document_tours, suggestions = extract_tours_and_suggestions(documents)
    rng = np.random.default_rng(0)
    ids = tuple(s.suggestion_id for s in suggestions)
    return store.RunOutput(
        documents=documents,
        document_tours=document_tours,
        tours=tours,
        suggestions=suggestions,
        nouns={s.suggestion_id: [] for s in suggestions},
        embedding_model="stand-in",
        new_embeddings={short_hash(s.text): rng.standard_normal(8).astype(np.float32) for s in suggestions},
        themes=[Theme(0, "스마트공장 사후관리", ("스마트", "공장"), ids, ids[:1])],
        fingerprint=fingerprint,
    )


def write_pipeline_run(db: Path, data: Path, out: store.RunOutput) -> int:
    with open_for_writing(db) as con:
        run_id = store.start_run(con, str(data), {})
        store.write_run(con, run_id, out)
    return run_id


@pytest.fixture
def small_warehouse(tmp_path: Path) -> tuple[Path, Path]:
    data = tmp_path / "data"
    data.mkdir()
    db = tmp_path / "warehouse.duckdb"
    write_pipeline_run(db, data, run_output(write_minutes(data)))
    return db, data


def _latest_themes(db: Path) -> tuple[list[tuple], set[str]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        latest = con.execute("SELECT max(run_id) FROM themes").fetchone()[0]
        themes = con.execute("SELECT theme_id, label FROM themes WHERE run_id = ?", [latest]).fetchall()
        members = {
            r[0]
            for r in con.execute(
                "SELECT suggestion_id FROM suggestion_themes WHERE run_id = ?", [latest]
            ).fetchall()
        }
        return themes, members
    finally:
        con.close()


# --- a curation made while a run is writing ------------------------------------------------------


def test_a_curation_during_a_run_waits_and_applies_on_top_of_it(small_warehouse, capsys) -> None:
    db, data = small_warehouse
    run_lock = take_pipeline_lock(db)  # a pipeline run in progress ...
    assert run_lock is not None and lock_holder(db) == PIPELINE
    seed = write_seed(data)
    both = run_output(write_minutes(data), seed, fingerprint="second")  # themes over old and new suggestions
    both.documents = [d for d in both.documents if d.path == seed.name]  # the minutes are stored already
    both.suggestions = [s for s in both.suggestions if s.document_hash == both.documents[0].content_hash]
    new_ids = {s.suggestion_id for s in both.suggestions}
    assert new_ids

    def finish_run() -> None:  # ... that writes its result and ends about 2 s later
        time.sleep(2)
        write_pipeline_run(db, data, both)
        os.close(run_lock)

    finisher = threading.Thread(target=finish_run)
    started = time.monotonic()
    finisher.start()
    try:
        code = main(["theme", "rename", "0", "사후관리 지원", "--db", str(db), "--by", "박사무관"])
    finally:
        finisher.join()
    waited = time.monotonic() - started
    printed = capsys.readouterr()
    assert code == 0, printed.err
    assert "파이프라인 실행이 끝나면 반영합니다" in printed.err
    assert waited >= 1.9
    themes, members = _latest_themes(db)
    assert themes == [(0, "사후관리 지원")]  # the curation applied ...
    assert new_ids <= members  # ... on top of the run's result: its new suggestions stay in the themes


def test_a_curation_that_waits_too_long_is_refused_and_changes_nothing(small_warehouse, capsys) -> None:
    db, _ = small_warehouse
    before = table_counts(db)
    run_lock = take_pipeline_lock(db)
    try:
        code = main(["theme", "hide", "0", "--db", str(db), "--by", "박사무관", "--wait", "0.5"])
    finally:
        os.close(run_lock)
    err = capsys.readouterr().err
    assert code == 2
    assert "파이프라인 실행이 끝나면 반영합니다" in err and "끝나지 않아 반영하지 못했습니다" in err
    assert table_counts(db) == before


def test_a_run_started_during_a_staff_change_waits_for_it(tmp_path: Path) -> None:
    from fieldvoice.cli import _take_pipeline_lock

    db = tmp_path / "warehouse.duckdb"
    staff = take_pipeline_lock(db, STAFF)
    assert staff is not None and lock_holder(db) == STAFF
    threading.Timer(1.0, os.close, [staff]).start()
    run = _take_pipeline_lock(db)
    assert run is not None and lock_holder(db) == PIPELINE
    try:  # another run holding it is said at once
        started = time.monotonic()
        assert _take_pipeline_lock(db) is None
        assert time.monotonic() - started < 1
    finally:
        os.close(run)


def test_document_list_shows_each_path_with_its_status(small_warehouse, capsys) -> None:
    from samples import MINUTES_NAME, MINUTES_SUGGESTIONS

    db, _ = small_warehouse
    assert main(["document", "list", "--db", str(db)]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert line.split("\t") == [MINUTES_NAME, "현재", "버전 1", f"건의 {len(MINUTES_SUGGESTIONS)}"]


# --- a warehouse that cannot be written -----------------------------------------------------------


def _pipeline_cli(data: Path, db: Path) -> int:
    return main(["pipeline", "--data", str(data), "--db", str(db)])


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through chmod: see the simulated case below")
def test_a_read_only_folder_is_said_at_once(small_warehouse, capsys) -> None:
    db, data = small_warehouse
    os.chmod(db.parent, 0o500)
    try:
        started = time.monotonic()
        assert _pipeline_cli(data, db) == 1
        assert time.monotonic() - started < 10  # not the minute a locked warehouse is waited for
    finally:
        os.chmod(db.parent, 0o700)
    assert f"창고 파일을 쓸 수 없습니다 (읽기 전용): {db}" in capsys.readouterr().err


def test_duckdbs_read_only_error_is_said_at_once(small_warehouse, monkeypatch, capsys) -> None:
    """What DuckDB says on a read-only mount (or, for a user other than root, a read-only file)."""
    import flows.pipeline
    import warehouse.connection as connection
    from warehouse.connection import WRITE_WAIT_SECONDS, WarehouseReadOnly

    db, data = small_warehouse

    def read_only_mount(path: str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
        raise duckdb.IOException(f'IO Error: Cannot open file "{path}": Read-only file system')

    with monkeypatch.context() as patch:
        patch.setattr(connection.duckdb, "connect", read_only_mount)
        started = time.monotonic()
        with pytest.raises(WarehouseReadOnly) as refused, connection.open_for_writing(db):
            pass
        assert time.monotonic() - started < WRITE_WAIT_SECONDS / 10  # not waited for as a lock
    assert str(refused.value) == f"창고 파일을 쓸 수 없습니다 (읽기 전용): {db}"

    def run_refused(**kwargs: object) -> None:  # the flow's first task opens the warehouse like this
        connection.open_for_writing(db).__enter__()

    monkeypatch.setattr(connection.duckdb, "connect", read_only_mount)
    monkeypatch.setattr(flows.pipeline, "pipeline", run_refused)
    assert _pipeline_cli(data, db) == 1
    err = capsys.readouterr().err
    assert f"창고 파일을 쓸 수 없습니다 (읽기 전용): {db}" in err and "locked" not in err


def test_a_full_disk_rolls_the_run_back_and_says_so(small_warehouse, monkeypatch) -> None:
    from warehouse.connection import WarehouseDiskFull

    db, data = small_warehouse
    before = table_counts(db)
    out = run_output(write_seed(data), fingerprint="second")

    def no_space(*args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store, "_write_suggestions", no_space)
    with pytest.raises(WarehouseDiskFull, match="디스크 공간이 부족합니다"):
        write_pipeline_run(db, data, out)
    after = table_counts(db)
    assert after.pop("runs") == before.pop("runs") + 1  # the run's `running` row, marked abandoned next time
    assert after == before  # documents, tours, embeddings, themes: as they were


def test_a_full_disk_is_said_by_the_pipeline_command(small_warehouse, monkeypatch, capsys) -> None:
    import flows.pipeline
    from warehouse.connection import is_disk_full

    db, data = small_warehouse
    assert is_disk_full(duckdb.IOException('IO Error: Could not write file "x.wal": No space left on device'))
    assert not is_disk_full(duckdb.IOException('IO Error: Could not set lock on file "x": Conflicting lock'))

    def no_space(**kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(flows.pipeline, "pipeline", no_space)
    assert _pipeline_cli(data, db) == 1
    assert "디스크 공간이 부족합니다" in capsys.readouterr().err
