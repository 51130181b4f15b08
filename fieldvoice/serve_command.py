"""`fieldvoice serve`: the pipeline as a Prefect deployment, run on a schedule by this long-lived process.

Runs, task runs, logs and failures go to a Prefect server that keeps them: a server at PREFECT_API_URL when
one is set, else `prefect server start` on 127.0.0.1 (started here, stopped with this command) whose database
lives in the state folder (`<state>/prefect/prefect.db`), so the history survives restarts. Runs never overlap
(one run at a time: the flow is the warehouse's only writer).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from settings import PROJECT_ROOT

DEPLOYMENT = "fieldvoice"


def serve(
    data_dir: Path,
    db_path: Path,
    config: Path | None,
    state_dir: Path,
    every_minutes: float,
    port: int,
) -> int:
    from flows.prefect_env import configure_prefect

    configure_prefect(state_dir)
    os.environ["PREFECT_LOGGING_TO_API_ENABLED"] = "true"  # the run's log in Prefect's UI
    # served runs start in a fresh process (and Dask workers in theirs): they must import this checkout
    os.environ["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(PROJECT_ROOT), os.environ.get("PYTHONPATH")) if p
    )
    if config:
        os.environ["FIELDVOICE_CONFIG"] = str(config.resolve())
    with prefect_server(port, state_dir) as api_url:
        ui_url = api_url.removesuffix("/").removesuffix("/api")
        from prefect.types.entrypoint import EntrypointType

        from flows.pipeline import pipeline

        print(
            f"Prefect UI: {ui_url}  (runs, logs and failures of '{pipeline.name}/{DEPLOYMENT}')\n"
            f"파이프라인: {every_minutes:g}분마다 {data_dir} -> {db_path}  (Ctrl-C로 종료)\n"
            f"지금 한 번 실행: PREFECT_API_URL={api_url} prefect deployment run '{pipeline.name}/{DEPLOYMENT}' "
            "(또는 UI의 Run 버튼)",
            flush=True,
        )
        parameters = {"data_dir": str(data_dir.resolve()), "db_path": str(db_path.resolve())}
        if config:
            parameters["config_file"] = str(config.resolve())
        pipeline.serve(
            name=DEPLOYMENT,
            interval=every_minutes * 60,
            parameters=parameters,
            limit=1,  # one run at a time in this process: the flow is the warehouse's only writer
            global_limit=1,  # nor two serving processes at once
            tags=["fieldvoice"],
            entrypoint_type=EntrypointType.MODULE_PATH,  # flows.pipeline.pipeline, from PYTHONPATH above
            print_starting_message=False,
        )
    return 0


@contextmanager
def prefect_server(port: int, state_dir: Path) -> Iterator[str]:
    """The API URL of a Prefect server that persists: PREFECT_API_URL's if set, else one started here."""
    configured = os.environ.get("PREFECT_API_URL")
    if configured:
        _wait_healthy(configured, timeout=30)
        yield configured
        return
    api_url = f"http://127.0.0.1:{port}/api"
    if _healthy(api_url):  # a server left from before (or started by hand) on that port
        os.environ["PREFECT_API_URL"] = api_url
        yield api_url
        return
    log_path = state_dir / "prefect" / "server.log"
    print(
        f"Prefect 서버 시작 중 (기록: {state_dir / 'prefect' / 'prefect.db'}, 로그: {log_path}) ...",
        flush=True,
    )
    with log_path.open("ab") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=dict(os.environ, PREFECT_SERVER_ANALYTICS_ENABLED="false"),
        )
    try:
        _wait_healthy(api_url, timeout=180, process=server)
        os.environ["PREFECT_API_URL"] = api_url
        yield api_url
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def _healthy(api_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url.rstrip('/')}/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _wait_healthy(api_url: str, timeout: float, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while not _healthy(api_url):
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"Prefect server stopped at start (exit {process.returncode}); see server.log")
        if time.monotonic() > deadline:
            raise RuntimeError(f"Prefect server at {api_url} did not answer within {timeout:.0f} s")
        time.sleep(1)
