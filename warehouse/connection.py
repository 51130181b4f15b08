"""Open the warehouse: one door to DuckDB, with versioned migrations applied on the way in."""

from __future__ import annotations

import contextlib
import errno
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


class WarehouseNotWritable(WarehouseUnavailable):
    """The warehouse cannot be written at all: waiting for another process would not help."""


class WarehouseReadOnly(WarehouseNotWritable):
    """The file or its folder is read-only (permissions, a read-only mount)."""

    def __init__(self, db_path: Path) -> None:
        super().__init__(f"창고 파일을 쓸 수 없습니다 (읽기 전용): {db_path}")


class WarehouseDiskFull(WarehouseNotWritable):
    """A write ran out of disk space; the transaction was rolled back, so the warehouse is as it was."""

    def __init__(self, db_path: Path | str | None = None) -> None:
        where = f": {db_path}" if db_path else ""
        super().__init__(
            f"디스크 공간이 부족합니다{where}. 창고는 이전 상태 그대로입니다; 공간을 확보한 뒤 다시 실행하세요."
        )


_READ_ONLY_MESSAGES = ("read-only file system", "permission denied", "operation not permitted")
_DISK_FULL_MESSAGES = ("no space left on device", "disk is full", "out of disk space", "not enough space")


def is_disk_full(exc: BaseException) -> bool:
    """Whether `exc` (or what caused it) is the system's or DuckDB's out-of-space error."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, WarehouseDiskFull):
            return True
        if isinstance(current, OSError) and current.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if any(text in str(current).lower() for text in _DISK_FULL_MESSAGES):
            return True
        current = current.__cause__ or current.__context__
    return False


def _is_read_only(exc: BaseException) -> bool:
    if isinstance(exc, OSError) and exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return True
    return any(text in str(exc).lower() for text in _READ_ONLY_MESSAGES)


def _check_writable(db_path: Path) -> None:
    """Refuse at once a warehouse that cannot be written: DuckDB writes the file and, beside it, its
    write-ahead log, so both the file and its folder must be writable."""
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        if _is_read_only(exc):
            raise WarehouseReadOnly(db_path) from exc
        raise
    if not os.access(db_path.parent, os.W_OK) or (db_path.exists() and not os.access(db_path, os.W_OK)):
        raise WarehouseReadOnly(db_path)


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection, db_path: Path | str | None = None) -> Iterator[None]:
    """One all-or-nothing write: rolled back on any error, and a full disk said as such."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
        con.execute("COMMIT")
    except Exception as exc:
        with contextlib.suppress(duckdb.Error):  # a failed COMMIT has already rolled back
            con.execute("ROLLBACK")
        if is_disk_full(exc) and not isinstance(exc, WarehouseDiskFull):
            raise WarehouseDiskFull(db_path) from exc
        raise


def _connect_waiting(db_path: Path, read_only: bool, wait: float) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + wait
    delay = 0.05
    while True:
        try:
            return duckdb.connect(str(db_path), read_only=read_only)
        except duckdb.IOException as exc:
            if not read_only and _is_read_only(exc):  # no other process to wait for
                raise WarehouseReadOnly(db_path) from exc
            if not read_only and is_disk_full(exc):
                raise WarehouseDiskFull(db_path) from exc
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


WRITER_MEMORY_LIMIT = "256MB"  # the pipeline's DuckDB buffer pool (see open_for_writing)


@contextmanager
def open_for_writing(db_path: Path, wait: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """The pipeline's connection: creates the file and migrates it. Only the pipeline writes.

    Waits up to `wait` seconds for readers to let go of the file; a read-only file or folder is
    refused at once (`WarehouseReadOnly`), as waiting would not help.
    """
    _check_writable(db_path)
    con = _connect_waiting(db_path, read_only=False, wait=WRITE_WAIT_SECONDS if wait is None else wait)
    try:
        # DuckDB's default buffer pool is 80% of RAM, and a run's one write transaction filled it: at 100,000
        # suggestions the store took ~700 MB above the process's other memory. Bounded, DuckDB spills
        # to `<db>.tmp` instead. A write of 70,000 vectors and 100,000 suggestions peaked ~1,050 MB unbounded,
        # 850 MB at 512 MB and 630 MB at 256 MB in the same time (128 MB: 500 MB, 1.4x the seconds).
        con.execute(f"SET memory_limit = '{WRITER_MEMORY_LIMIT}'")
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
