"""Open the warehouse: one door to DuckDB, with versioned migrations applied on the way in."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import duckdb

# DuckDB lets one process write or several read, never both. Writers hold the file for a
# second or two per run, readers for a query, so each side waits briefly for the other.
WRITE_WAIT_SECONDS = 60.0
READ_WAIT_SECONDS = 8.0


class WarehouseUnavailable(RuntimeError):
    """The warehouse cannot be opened now: another process holds its lock (a run in progress)."""


class WarehouseMissing(WarehouseUnavailable):
    """No warehouse file yet: the pipeline has never run."""


def _connect_waiting(db_path: Path, read_only: bool, wait: float) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + wait
    delay = 0.05
    while True:
        try:
            return duckdb.connect(str(db_path), read_only=read_only)
        except duckdb.IOException as exc:
            if time.monotonic() >= deadline:
                who = "a pipeline run is writing it" if read_only else "another process is using it"
                raise WarehouseUnavailable(f"warehouse {db_path} is locked ({who}): {exc}") from exc
            time.sleep(delay)
            delay = min(delay * 2, 1.0)


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) of every migration shipped in `warehouse/migrations/`, in order."""
    folder = resources.files("warehouse").joinpath("migrations")
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            version, _, name = entry.name.removesuffix(".sql").partition("_")
            found.append((int(version), name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply pending migrations, each in its own transaction; return the versions applied."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    applied = {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}
    done = []
    for version, name, sql in migrations():
        if version in applied:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(sql)
            con.execute("INSERT INTO schema_migrations VALUES (?, ?, now())", [version, name])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        done.append(version)
    return done


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    rows = con.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchall()
    return int(rows[0][0]) if rows else 0


@contextmanager
def open_for_writing(db_path: Path, wait: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """The pipeline's connection: creates the file and migrates it. Only the pipeline writes.

    Waits up to `wait` seconds for readers to let go of the file.
    """
    db_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    con = _connect_waiting(db_path, read_only=False, wait=WRITE_WAIT_SECONDS if wait is None else wait)
    try:
        with contextlib.suppress(OSError):  # what people told a ministry: readable by its owner only
            os.chmod(db_path, 0o600)
        migrate(con)
        yield con
    finally:
        con.close()


@contextmanager
def open_for_reading(db_path: Path, wait: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection for the explorer and reports; waits up to `wait` seconds for a writer."""
    if not db_path.exists():
        raise WarehouseMissing(f"warehouse {db_path} does not exist yet: run `fieldvoice pipeline` first")
    con = _connect_waiting(db_path, read_only=True, wait=READ_WAIT_SECONDS if wait is None else wait)
    try:
        yield con
    finally:
        con.close()
