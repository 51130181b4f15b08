"""Open the warehouse: one door to DuckDB, with versioned migrations applied on the way in."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import duckdb


class WarehouseUnavailable(RuntimeError):
    """The warehouse file is missing, or another process holds its write lock (a run in progress)."""


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
    row = con.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()
    return int(row[0]) if row else 0


@contextmanager
def open_for_writing(db_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The pipeline's connection: creates the file and migrates it. Only the pipeline writes."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(db_path))
    except duckdb.IOException as exc:
        raise WarehouseUnavailable(f"warehouse {db_path} is locked by another process: {exc}") from exc
    try:
        migrate(con)
        yield con
    finally:
        con.close()


@contextmanager
def open_for_reading(db_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection for the explorer and reports."""
    if not db_path.exists():
        raise WarehouseUnavailable(f"warehouse {db_path} does not exist yet: run `fieldvoice pipeline` first")
    try:
        con = duckdb.connect(str(db_path), read_only=True)
    except duckdb.IOException as exc:
        raise WarehouseUnavailable(f"warehouse {db_path} is being written by a pipeline run: {exc}") from exc
    try:
        yield con
    finally:
        con.close()
