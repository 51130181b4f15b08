"""The per-warehouse pipeline lock: one pipeline run at a time, and staff changes after a run, never during it.

A run reads the warehouse when it starts and writes everything at the end; a curation or a purge
written in between would be lost under (or hide) what the run writes. So the pipeline holds an
exclusive `flock` on `<db>.pipeline.lock` for its whole run, and staff commands take the same lock
(waiting for a run to finish) while they write. The system releases the lock when its holder ends,
even when it is killed. The holder writes its kind into the file, so a pipeline that finds the lock
taken can tell a short staff change (wait for it) from another run (say so at once).

`fieldvoice serve` also marks the warehouse as served (`hold_serve_marker`): a second `serve` on it is
refused, and the explorer hands an upload's run to the served deployment instead of starting its own.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from warehouse.connection import WarehouseReadOnly, WarehouseUnavailable

PIPELINE = "pipeline"
STAFF = "staff"  # a curation, an area correction, a purge: seconds, not minutes
POLL_SECONDS = 0.2


class PipelineBusy(WarehouseUnavailable):
    """A pipeline run held the warehouse for longer than the caller would wait."""


def pipeline_lock_file(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".pipeline.lock")


def take_pipeline_lock(db_path: Path, holder: str = PIPELINE, wait: float = 0.0) -> int | None:
    """An exclusive lock on the warehouse's pipeline, held until the descriptor is closed or this process
    ends; None when another holder keeps it for `wait` seconds (0: answer at once). A folder that cannot
    be written is `WarehouseReadOnly`, said at once."""
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(pipeline_lock_file(db_path), os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise WarehouseReadOnly(db_path) from exc
        raise
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() >= deadline:
                os.close(descriptor)
                return None
            time.sleep(POLL_SECONDS)
    with contextlib.suppress(OSError):  # only a hint for others: the lock itself is what counts
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"{holder} {os.getpid()}\n".encode(), 0)
    return descriptor


def lock_holder(db_path: Path) -> str | None:
    """The kind of process that holds (or last held) the lock, as it wrote it; None if unknown."""
    try:
        words = pipeline_lock_file(db_path).read_text(encoding="utf-8").split()
    except OSError:
        return None
    return words[0] if words else None


@contextmanager
def after_pipeline(db_path: Path, wait: float, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the pipeline lock while a staff change is written, waiting up to `wait` seconds for a run
    in progress to finish (`on_wait` is called once if it has to wait). The change then applies on top
    of the run's result, and no run starts (reads the warehouse) until it is written."""
    descriptor = take_pipeline_lock(db_path, STAFF)
    if descriptor is None:
        if on_wait is not None:
            on_wait()
        descriptor = take_pipeline_lock(db_path, STAFF, wait=wait)
    if descriptor is None:
        raise PipelineBusy(
            f"파이프라인 실행이 {wait:.0f}초 안에 끝나지 않아 반영하지 못했습니다. 실행이 끝난 뒤 다시 시도하세요."
        )
    try:
        yield
    finally:
        os.close(descriptor)


# Staff changes (a curation, a purge) hold the pipeline lock for seconds: a run started meanwhile waits
# this long for them instead of being refused.
STAFF_CHANGE_WAIT_SECONDS = 120.0


def take_run_lock(db_path: Path, on_staff_wait: Callable[[], None] | None = None) -> int | None:
    """The lock for one pipeline run (the CLI's or a served one): at once, or after a staff change that
    holds it (`on_staff_wait` is called once then); None when another run holds it."""
    descriptor = take_pipeline_lock(db_path)
    if descriptor is None and lock_holder(db_path) == STAFF:
        if on_staff_wait is not None:
            on_staff_wait()
        descriptor = take_pipeline_lock(db_path, wait=STAFF_CHANGE_WAIT_SECONDS)
    return descriptor


def busy_message(db_path: Path) -> str:
    return f"다른 파이프라인이 이미 이 창고({db_path})를 처리하고 있습니다. 끝난 뒤 다시 실행하세요."


def serve_marker_file(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".serve")


def hold_serve_marker(db_path: Path) -> int | None:
    """Mark the warehouse as served by this process until the descriptor is closed or the process ends;
    None when another process serves it. `write_serve_marker` then says where its deployment is."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(serve_marker_file(db_path), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        return None
    os.ftruncate(descriptor, 0)
    return descriptor


def write_serve_marker(descriptor: int, info: dict[str, str]) -> None:
    """Where the serving process's Prefect server and deployment are (read by `serve_marker`)."""
    data = json.dumps({**info, "pid": os.getpid()}, ensure_ascii=False).encode()
    os.ftruncate(descriptor, 0)
    os.pwrite(descriptor, data, 0)


def serve_marker(db_path: Path) -> dict[str, str] | None:
    """What the process serving this warehouse wrote, while it runs; None when none does (the lock,
    not the file, says so: a killed `serve` leaves the file but not the lock)."""
    try:
        descriptor = os.open(serve_marker_file(db_path), os.O_RDONLY)
    except OSError:
        return None
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:  # held: served
            with contextlib.suppress(OSError, ValueError):
                info = json.loads(serve_marker_file(db_path).read_text(encoding="utf-8"))
                return info if isinstance(info, dict) else None
        return None
    finally:
        os.close(descriptor)
