"""`fieldvoice serve`: the pipeline as a Prefect deployment, run by this long-lived process on a schedule
and whenever the data folder changes.

- Runs go to the state folder's shared local Prefect server (`flows.prefect_server`: one per state
  folder, also used by `fieldvoice pipeline`; its history in `<state>/prefect/prefect.db`), which this
  process leases while it runs; or to PREFECT_API_URL's server when that is set.
- Each served run is `flows.served.served_pipeline`: the pipeline under the warehouse's pipeline lock,
  so a served run and a hand-started `fieldvoice pipeline` never run at once on one warehouse (the
  second says so at once). Runs of this process never overlap either (limit 1).
- A new, changed or removed file under the data folder asks for a run once the folder has been quiet
  for `debounce` seconds (watchdog: inotify on Linux), unless a run that will read the folder after the
  change is already waiting or running (an upload handed by the explorer, a scheduled run due now).
- The warehouse is marked as served (`warehouse.locks.hold_serve_marker`) with the server's URL, so the
  explorer hands an upload's run to this deployment instead of starting its own, and a second `serve`
  on the same warehouse is refused.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flows.handoff import DEPLOYMENT
from settings import PROJECT_ROOT, PrefectSettings

DEBOUNCE_SECONDS = 3.0
RUNNER_POLL_SECONDS = "3"  # how soon a run asked for (a change, an upload, the Run button) starts
RETRY_SECONDS = 5.0  # a run asked for after a change that failed (server busy, deployment not yet known)
RETRY_LIMIT_SECONDS = 300.0  # then the next change or the schedule runs it
ANNOUNCE_LIMIT_SECONDS = 600.0
_IGNORED_PREFIXES = (".", "~$", "~")
_IGNORED_SUFFIXES = (".tmp", ".partial", ".swp", "~")


def serve(
    data_dir: Path,
    db_path: Path,
    config: Path | None,
    state_dir: Path,
    every_minutes: float,
    port: int,
    prefect: PrefectSettings,
    debounce: float = DEBOUNCE_SECONDS,
) -> int:
    from flows.prefect_env import configure_prefect
    from warehouse.locks import hold_serve_marker

    data_dir, db_path = data_dir.resolve(), db_path.resolve()
    marker = hold_serve_marker(db_path)  # before anything slow: a second `serve` is refused at once
    if marker is None:
        print(
            f"fieldvoice: 이 창고({db_path})는 이미 다른 `fieldvoice serve`가 처리하고 있습니다.",
            file=sys.stderr,
        )
        return 3
    os.environ.setdefault("PREFECT_RUNNER_POLL_FREQUENCY", RUNNER_POLL_SECONDS)
    # served runs start in a fresh process (and Dask workers in theirs): they must import this checkout
    os.environ["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(PROJECT_ROOT), os.environ.get("PYTHONPATH")) if p
    )
    if config:
        os.environ["FIELDVOICE_CONFIG"] = str(config.resolve())
    api_url = os.environ.get("PREFECT_API_URL")
    shared = not api_url
    if api_url:
        from flows.prefect_server import healthy

        configure_prefect(state_dir)
        if not _wait(lambda: healthy(api_url), 30):
            print(f"fieldvoice: PREFECT_API_URL의 서버({api_url})가 응답하지 않습니다.", file=sys.stderr)
            return 1
    else:
        from flows.prefect_server import begin_server, hold_lease, log_file

        hold_lease(state_dir)  # the server stays up while this process runs
        start = begin_server(state_dir, port, prefect.idle_minutes * 60)
        if start.found is None:
            print(
                f"Prefect 서버 시작 중 (기록: {state_dir / 'prefect' / 'prefect.db'}, 로그: {log_file(state_dir)}) ...",
                flush=True,
            )
        try:
            api_url = start.wait().api_url
        except RuntimeError as exc:
            print(f"fieldvoice: {exc}", file=sys.stderr)
            return 1
        configure_prefect(state_dir, api_url)
    os.environ["PREFECT_LOGGING_TO_API_ENABLED"] = "true"  # the run's log in Prefect's UI

    from prefect.types.entrypoint import EntrypointType

    from flows.served import served_pipeline

    name = f"{served_pipeline.name}/{DEPLOYMENT}"
    # the explorer hands uploads to the deployment only once `serve` below has registered it
    threading.Thread(
        target=_announce_when_deployed,
        args=(api_url, name, marker, {"data_dir": str(data_dir), "db_path": str(db_path)}),
        name="fieldvoice-announce",
        daemon=True,
    ).start()
    data_dir.mkdir(parents=True, exist_ok=True)
    watch = FolderWatch(data_dir, lambda since: _ask_for_run(api_url, name, since), debounce)
    ui_url = api_url.removesuffix("/").removesuffix("/api")
    print(
        f"Prefect UI: {ui_url}  (runs, logs and failures of '{name}')\n"
        f"파이프라인: {every_minutes:g}분마다, 그리고 {data_dir}의 파일이 바뀌면 {debounce:g}초 뒤에 -> {db_path}  (Ctrl-C로 종료)\n"
        f"지금 한 번 실행: PREFECT_API_URL={api_url} prefect deployment run '{name}' (또는 UI의 Run 버튼)",
        flush=True,
    )
    parameters = {"data_dir": str(data_dir), "db_path": str(db_path)}
    if config:
        parameters["config_file"] = str(config.resolve())
    watch.start()
    try:
        served_pipeline.serve(
            name=DEPLOYMENT,
            interval=every_minutes * 60,
            parameters=parameters,
            limit=1,  # one run at a time in this process (the pipeline lock also keeps out other runs)
            global_limit=1,  # nor two serving processes at once
            tags=["fieldvoice"],
            entrypoint_type=EntrypointType.MODULE_PATH,  # flows.served.served_pipeline, from PYTHONPATH
            print_starting_message=False,
        )
    finally:
        watch.stop()
        os.close(marker)
        if shared:
            print(
                f"Prefect 서버({ui_url})는 {prefect.idle_minutes:g}분 동안 쓰이지 않으면 저절로 멈춥니다.",
                flush=True,
            )
    return 0


def _wait(ready: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            return False
        time.sleep(1)
    return True


def _deployment_exists(api_url: str, name: str) -> bool:
    """Whether the server knows the deployment; False while it is starting, busy or without it."""
    from prefect.client.orchestration import SyncPrefectClient

    try:
        with SyncPrefectClient(api_url) as client:
            client.read_deployment_by_name(name)
    except Exception:  # ObjectNotFound, or the server not answering yet
        return False
    return True


def _announce_when_deployed(api_url: str, name: str, marker: int, where: dict[str, str]) -> None:
    """Write the serve marker once the deployment exists. Written earlier, an upload handed in the
    seconds `serve` takes to register it (longer on a loaded machine) would ask for a run of a
    deployment the server does not know yet; until then the explorer runs its own pipeline."""
    from warehouse.locks import write_serve_marker

    if _wait(lambda: _deployment_exists(api_url, name), ANNOUNCE_LIMIT_SECONDS):
        write_serve_marker(marker, {"api_url": api_url, "deployment": name, **where})
        return
    print(
        f"fieldvoice: {ANNOUNCE_LIMIT_SECONDS / 60:g}분 안에 배포 '{name}'가 등록되지 않아 탐색기의 업로드는 "
        "이 serve에 맡기지 않고 따로 실행됩니다.",
        file=sys.stderr,
        flush=True,
    )


def _ignored(path: str) -> bool:
    name = os.path.basename(path)
    return not name or name.startswith(_IGNORED_PREFIXES) or name.endswith(_IGNORED_SUFFIXES)


class FolderWatch:
    """Calls `on_change(first_change_time)` once the data folder has been quiet for `debounce` seconds
    after a change (files added, changed, removed or renamed; hidden, temporary and office lock files
    ignored). Runs in its own threads. A failed `on_change` (the server busy or restarting, the
    deployment not registered yet) is printed once and retried every `retry` seconds for `retry_limit`
    seconds; after that the next change or the schedule runs the pipeline."""

    def __init__(
        self,
        folder: Path,
        on_change: Callable[[datetime], None],
        debounce: float,
        retry: float = RETRY_SECONDS,
        retry_limit: float = RETRY_LIMIT_SECONDS,
    ) -> None:
        from watchdog.events import FileSystemEvent, FileSystemEventHandler
        from watchdog.observers import Observer

        self.folder = folder
        self.on_change = on_change
        self.debounce = debounce
        self.retry = retry
        self.retry_limit = retry_limit
        self._lock = threading.Lock()
        self._first: datetime | None = None
        self._last = 0.0
        self._failing_since: float | None = None  # monotonic time of the first failure of this request
        self._stopped = threading.Event()
        watch = self

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event: FileSystemEvent) -> None:
                if event.is_directory and event.event_type in ("modified", "opened", "closed_no_write"):
                    return
                if event.event_type in ("opened", "closed_no_write"):
                    return
                paths = [str(event.src_path), str(getattr(event, "dest_path", "") or "")]
                if all(_ignored(p) for p in paths if p):
                    return
                watch.changed()

        self._observer = Observer()
        self._observer.schedule(Handler(), str(folder), recursive=True)
        self._thread = threading.Thread(target=self._loop, name="fieldvoice-folder-watch", daemon=True)

    def changed(self) -> None:
        with self._lock:
            if self._first is None:
                self._first = datetime.now(UTC)
            self._last = time.monotonic()

    def start(self) -> None:
        self._observer.start()
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        self._observer.stop()
        self._observer.join(timeout=5)

    def _loop(self) -> None:
        while not self._stopped.wait(0.5):
            with self._lock:
                due = self._first is not None and time.monotonic() - self._last >= self.debounce
                since, self._first = (self._first, None) if due else (None, self._first)
            if since is not None:
                self._ask(since)

    def _ask(self, since: datetime) -> None:
        try:
            self.on_change(since)
        except Exception as exc:
            now = time.monotonic()
            first_failure = self._failing_since is None
            if first_failure:
                self._failing_since = now
            giving_up = now - self._failing_since >= self.retry_limit
            if first_failure or giving_up:
                then = (
                    "다음 변경이나 일정에 실행됩니다."
                    if giving_up
                    else f"{self.retry:g}초마다 다시 요청합니다."
                )
                print(
                    f"fieldvoice: 폴더 변경 후 실행 요청 실패: {type(exc).__name__}: {exc} ({then})",
                    file=sys.stderr,
                    flush=True,
                )
            if giving_up:
                self._failing_since = None
                return
            with self._lock:  # ask again later for the earliest change not yet asked for
                self._first = since if self._first is None else min(since, self._first)
                self._last = max(self._last, now + self.retry - self.debounce)
        else:
            self._failing_since = None


def _ask_for_run(api_url: str, name: str, since: datetime) -> None:
    """A run of the deployment now, unless one that reads the folder after `since` is already running,
    starting, or due: created after the change, or scheduled to start within seconds."""
    from prefect.client.orchestration import SyncPrefectClient
    from prefect.client.schemas.filters import (
        DeploymentFilter,
        DeploymentFilterId,
        FlowRunFilter,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType

    with SyncPrefectClient(api_url) as client:
        deployment = client.read_deployment_by_name(name)
        waiting = client.read_flow_runs(
            deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment.id])),
            flow_run_filter=FlowRunFilter(
                state=FlowRunFilterState(
                    type=FlowRunFilterStateType(
                        any_=[StateType.SCHEDULED, StateType.PENDING, StateType.RUNNING]
                    )
                )
            ),
            limit=50,
        )
        soon = datetime.now(UTC) + timedelta(seconds=10)
        for run in waiting:
            state = run.state_type
            if state in (StateType.PENDING, StateType.RUNNING) and run.created and run.created >= since:
                return  # already started after the change: it reads the folder as it is now
            if state == StateType.SCHEDULED and run.expected_start_time and run.expected_start_time <= soon:
                return  # due now (an upload handed by the explorer, the schedule, the Run button)
        run = client.create_flow_run_from_deployment(deployment.id, tags=["fieldvoice", "folder-change"])
    print(f"데이터 폴더가 바뀌어 실행을 요청했습니다: {run.name}", flush=True)
