"""`fieldvoice`: run the pipeline, serve the explorer, list rejected files.

fieldvoice pipeline [--data DIR] [--db FILE] [--recluster]
fieldvoice serve [--data DIR] [--db FILE] [--every MINUTES] [--port N] [--debounce S]  (scheduled + on change)
fieldvoice app [--db FILE] [--port N]
fieldvoice errors [--db FILE]
fieldvoice theme list|history|rename|merge|move|hide|unhide ... [--by NAME]   (staff curation)
fieldvoice area list|history|set SUGGESTION AREA [--by NAME]                   (policy areas)
fieldvoice document list|purge PATH [--yes] [--by NAME]                        (stored documents)
"""

from __future__ import annotations

import argparse
import atexit
import gc
import math
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from fieldvoice.area_commands import add_area_commands, run_area_command
from fieldvoice.document_commands import add_document_commands, run_document_command
from fieldvoice.theme_commands import add_theme_commands, run_theme_command
from fieldvoice.user_commands import add_user_commands, run_user_command
from settings import PROJECT_ROOT, PrefectSettings, Settings, load_settings
from warehouse.locks import busy_message, pipeline_lock_file, take_run_lock

if TYPE_CHECKING:
    from flows.prefect_server import ServerStart

__all__ = [
    "main",
    "pipeline_lock_file",
]  # pipeline_lock_file: kept here for callers that import it from the CLI


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="fieldvoice", description="현장의 목소리: 정책현장투어 건의사항 분석"
    )
    parser.add_argument("--config", type=Path, help="configuration file (default: fieldvoice.toml)")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("pipeline", help="ingest documents, find themes, store them in DuckDB")
    run.add_argument("--data", type=Path, help="folder of input documents (default: data/raw)")
    run.add_argument("--db", type=Path, help="DuckDB file (default: .state/fieldvoice.duckdb)")
    run.add_argument(
        "--recluster",
        action="store_true",
        help="cluster every suggestion again (mapped onto the current themes) instead of adding to them",
    )

    serve = commands.add_parser(
        "serve", help="run the pipeline every few minutes as a Prefect deployment, with Prefect's UI"
    )
    serve.add_argument("--data", type=Path, help="folder of input documents (default: data/raw)")
    serve.add_argument("--db", type=Path, help="DuckDB file (default: .state/fieldvoice.duckdb)")
    serve.add_argument("--every", type=float, default=10, metavar="MINUTES", help="minutes between runs (10)")
    serve.add_argument(
        "--port",
        type=int,
        help="port of the shared Prefect server on 127.0.0.1 when it starts ([prefect] port)",
    )
    serve.add_argument(
        "--debounce",
        type=float,
        default=3.0,
        metavar="SECONDS",
        help="run this long after the data folder last changed (3)",
    )

    app = commands.add_parser("app", help="serve the explorer on 127.0.0.1")
    app.add_argument("--db", type=Path)
    app.add_argument("--port", type=int, default=8501)
    app.add_argument(
        "--address",
        default="127.0.0.1",
        help="interface to listen on (default 127.0.0.1; see README for a TLS proxy)",
    )
    app.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        help="a host name browsers may use to reach the app (repeatable; 127.0.0.1 and localhost always)",
    )

    errors = commands.add_parser("errors", help="list rejected files and why")
    errors.add_argument("--db", type=Path)

    add_theme_commands(commands)
    add_area_commands(commands)
    add_document_commands(commands)
    add_user_commands(commands)

    args = parser.parse_args(argv)
    os.umask(0o077)  # the warehouse, state and uploads hold what people told a ministry: owner only
    settings = load_settings(args.config)
    db_path = (args.db or settings.db_path).resolve()
    if args.command == "pipeline":
        return _pipeline(args.data or settings.data_dir, db_path, args.config, args.recluster, settings)
    if args.command == "serve":
        from fieldvoice.serve_command import serve as serve_pipeline

        if args.every <= 0:
            parser.error("--every must be more than 0 minutes")
        data_dir = args.data or settings.data_dir
        return serve_pipeline(
            data_dir,
            db_path,
            args.config,
            settings.state_dir,
            args.every,
            args.port or settings.prefect.port,
            settings.prefect,
            args.debounce,
        )
    if args.command == "app":
        return _app(db_path, args.port, args.config, args.address, args.allowed_host)
    if args.command == "theme":
        return run_theme_command(args, db_path)
    if args.command == "area":
        return run_area_command(args, db_path, settings.taxonomy)
    if args.command == "document":
        return run_document_command(args, db_path)
    if args.command == "user":
        return run_user_command(args, db_path)
    return _errors(db_path)


SMALL_RUN_FILES = 20  # fewer new files than this: a tour or a few, tagged in a fraction of a second


def start_tagging_early(data_dir: Path, db_path: Path, settings: Settings) -> None:
    """On the local runner, when the data folder looks new to the warehouse, start the konlpy tagger's
    child process now: its JVM loads (4-5 s) while Prefect imports and the run reads its files, instead
    of after them. For a few new files the child runs at a lower priority: the command's own imports and
    reads come first (adding a 20-suggestion form at 100k, 5 runs each, taking turns: median 10.7 s
    against 11.7 s for the command), while a large run keeps its full share for tagging beside the
    embedding. Not on a busy machine, though: there a niced child gets a tenth of a core against the
    other work and the run waited 23-30 s for the nouns of 20 suggestions (`bench.scale` at 10k beside a
    second bench); it keeps its full share unless a core is idle (`machine_is_quiet`). Unused, it ends
    with this process."""
    if settings.execution.runner != "local":
        return
    new_files = count_new_files(data_dir, db_path, SMALL_RUN_FILES)
    if new_files:
        from nlp.tagging import start_tagger_apart

        nice = 10 if new_files < SMALL_RUN_FILES and machine_is_quiet() else 0
        start_tagger_apart(settings.analysis.tagger, nice=nice)


def machine_is_quiet(loadavg: Path = Path("/proc/loadavg"), samples: int = 5) -> bool:
    """Whether a core is idle now besides this process's: fewer than `cores - 1` other runnable tasks,
    averaged over a few readings of the kernel's count of runnable tasks (the 4th field of
    /proc/loadavg, "running/total", this process included) 5 ms apart. Not the load average: it lags
    a minute and counts the previous run (5 adds in a row, each just after the last, kept it at 1.8-2.0
    on 2 cores, where every child then started un-niced). Without /proc: the 1-minute load average."""
    cores = os.cpu_count() or 1
    try:
        running = []
        for _ in range(samples):
            running.append(int(loadavg.read_text().split()[3].split("/")[0]))
            time.sleep(0.005)
        others = sum(running) / len(running) - 1
    except (OSError, ValueError, IndexError):
        try:
            others = os.getloadavg()[0]
        except OSError:  # no load figures on this system
            return False
    return others < cores - 1


def count_new_files(data_dir: Path, db_path: Path, up_to: int) -> int:
    """How many files in the data folder were modified after the warehouse last was (every run writes
    it), counting up to `up_to`: a guess at what the run will have to tag. A file copied with its old
    time is found new by the run all the same, only without the tagger's head start."""
    try:
        since = max(path.stat().st_mtime for path in (db_path, Path(f"{db_path}.wal")) if path.exists())
    except ValueError:
        since = float("-inf")  # no warehouse yet: every file is new
    found = 0
    for folder, _, names in os.walk(data_dir):
        for name in names:
            try:
                found += os.stat(os.path.join(folder, name)).st_mtime > since
            except OSError:
                continue
            if found >= up_to:
                return found
    return found


def _take_pipeline_lock(db_path: Path) -> int | None:
    """The warehouse's pipeline lock (see `warehouse.locks`), held until this process ends; None when
    another run holds it. A staff change holding it is waited for."""
    return take_run_lock(
        db_path,
        on_staff_wait=lambda: print(
            "fieldvoice: 담당자의 변경을 반영하는 중입니다. 끝나면 시작합니다.", file=sys.stderr, flush=True
        ),
    )


def use_prefect_server(state_dir: Path, prefect: PrefectSettings) -> ServerStart | None:
    """Point this run at a Prefect server before Prefect is imported: PREFECT_API_URL's when set, else
    the state folder's shared local server (`flows.prefect_server`), leased for as long as this process
    lives and started detached if none runs (`.wait()` on what is returned). Never Prefect's temporary
    per-run server: it costs ~10 s a run and outlives a run killed with SIGKILL."""
    from flows.prefect_env import configure_prefect

    if os.environ.get("PREFECT_API_URL"):
        configure_prefect(state_dir)
        return None
    from flows.prefect_server import begin_server, hold_lease

    hold_lease(state_dir)  # released when this process ends, however it ends
    start = begin_server(state_dir, prefect.port, prefect.idle_minutes * 60)
    if start.found is None:
        print("Prefect 서버 시작 중 (다음 실행들도 함께 씁니다) ...", flush=True)
    configure_prefect(state_dir, start.api_url)
    return start


def pipeline_on_shared_server():  # -> flows.pipeline.pipeline
    """The pipeline flow, pointed at the state folder's shared Prefect server the way `fieldvoice
    pipeline` does it (the server starting while the flow's modules import), for scripts and
    benchmarks that call the flow in their own process."""
    settings = load_settings()
    server = use_prefect_server(settings.state_dir, settings.prefect)
    from flows.pipeline import pipeline

    if server is not None:
        server.wait()
    return pipeline


def _pipeline(
    data_dir: Path,
    db_path: Path,
    config: Path | None,
    recluster: bool,
    settings: Settings,
) -> int:
    from warehouse.connection import WarehouseNotWritable, is_disk_full

    try:
        held = _take_pipeline_lock(db_path)
    except WarehouseNotWritable as exc:  # a read-only folder: said at once, not after a minute of waiting
        print(f"fieldvoice: {exc}", file=sys.stderr)
        return 1
    if held is None:  # one run at a time per warehouse, said at once
        print(f"fieldvoice: {busy_message(db_path)}", file=sys.stderr)
        return 3
    start_tagging_early(data_dir, db_path, settings)  # once the run is ours: a busy warehouse starts no JVM
    try:
        server = use_prefect_server(settings.state_dir, settings.prefect)
        from flows.pipeline import pipeline  # imported while the server starts, when it has to

        if server is not None:
            print(f"Prefect UI: {server.wait().ui_url}  (이 실행의 기록과 로그)", flush=True)
    except RuntimeError as exc:  # the server did not start: said, with where its log is
        print(f"fieldvoice: {exc}", file=sys.stderr)
        return 1

    try:
        summary = pipeline(
            data_dir=data_dir.resolve(), db_path=db_path, config_file=config, recluster=recluster
        )
        gc.collect()  # release DuckDB objects held in cycles before interpreter teardown
    except Exception as exc:
        if isinstance(exc, WarehouseNotWritable):  # read-only, or the disk filled up (rolled back)
            print(f"fieldvoice: {exc}", file=sys.stderr)
        elif is_disk_full(exc):
            print(
                f"fieldvoice: 디스크 공간이 부족합니다 ({exc}). 공간을 확보한 뒤 다시 실행하세요.",
                file=sys.stderr,
            )
        else:
            print(f"fieldvoice: 파이프라인 실패: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(
        f"\n실행 #{summary['run_id']}: 새 문서 {summary['documents_new']}건, 변경 없음 {summary['documents_unchanged']}건, "
        f"철회 {summary['documents_withdrawn']}건(데이터 폴더에서 사라짐), "
        f"새 건의 {summary['suggestions_new']}건 (전체 {summary['suggestions_total']}건), "
        + (f"테마 {summary['themes']}개" if summary["themes"] is not None else "테마 변경 없음")
    )
    if summary["rejections"]:
        print(f"거부된 파일 {len(summary['rejections'])}건:")
        for path, reason in summary["rejections"]:
            print(f"  - {path}: {reason}")
    print(f"DuckDB: {db_path}")
    return 0


def _app(db_path: Path, port: int, config: Path | None, address: str, allowed_hosts: list[str]) -> int:
    env = dict(os.environ, FIELDVOICE_DB=str(db_path))
    if config:
        env["FIELDVOICE_CONFIG"] = str(config.resolve())
    upload_mb = max(
        1, math.ceil(load_settings(config).ingest.max_file_mb)
    )  # the uploader states the true limit
    command = [
        sys.executable, "-m", "streamlit", "run", str(PROJECT_ROOT / "app" / "main.py"),
        "--server.address", address, "--server.port", str(port), "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--client.toolbarMode", "minimal",
        "--server.maxUploadSize", str(upload_mb),
        # errors: a short message in the page, the details only in the server's log
        "--client.showErrorDetails", "none",
    ]  # fmt: skip
    # the websocket answers only these Host names: a DNS-rebinding page cannot drive the app
    for host in dict.fromkeys(["127.0.0.1", "localhost", address, *allowed_hosts]):
        if host not in ("0.0.0.0", "::"):
            command += ["--server.allowedHosts", host]
    _announce_first_admin(db_path)
    if not db_path.exists():
        print(
            f"알림: 창고 파일 {db_path}이(가) 아직 없습니다. `fieldvoice pipeline --db {db_path}`로 만드세요.",
            flush=True,
        )
    print(f"탐색기: http://{address}:{port}  (Ctrl-C로 종료)", flush=True)
    # Become the Streamlit server (no child process): stopping `fieldvoice app` stops the server.
    os.execve(sys.executable, command, env)


def _announce_first_admin(db_path: Path) -> None:
    """On a fresh install, create the first admin and say once how to sign in."""
    from fieldvoice import accounts

    password = accounts.ensure_first_admin(accounts.accounts_file(db_path))
    if password is None:
        return
    note = db_path.with_name("first-admin-password.txt")
    descriptor = os.open(note, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as fh:
        fh.write(f"사용자 이름: {accounts.FIRST_ADMIN}\n비밀번호: {password}\n")
    print(
        f"첫 관리자 계정을 만들었습니다. 사용자 이름 '{accounts.FIRST_ADMIN}', 비밀번호 '{password}' "
        f"(같은 내용: {note}). 로그인한 뒤 '사용자·감사 기록' 페이지나 "
        "`fieldvoice user add 이름 --role viewer|analyst|admin`으로 다른 사용자를 추가하세요.",
        flush=True,
    )


def _errors(db_path: Path) -> int:
    from warehouse.connection import WarehouseUnavailable, open_for_reading
    from warehouse.queries import rejected_files

    try:
        with open_for_reading(db_path) as con:
            frame = rejected_files(con)
    except WarehouseUnavailable as exc:
        print(f"fieldvoice: {exc}", file=sys.stderr)
        return 1
    for row in frame.itertuples():
        print(f"{row.path}\t{row.reason}")
    return 0


def run() -> None:
    """The `fieldvoice` command: `main`, then an exit without the interpreter's teardown.

    Everything a run must finish has finished by then: Prefect's log and event workers drain in
    threading's shutdown hooks and the other exit handlers (an unused tagger child killed, temporary
    folders removed) run first, since this one is registered before any of them and exit handlers run
    last-registered first; the warehouse's connections are closed by the code that opened them. What
    is left is freeing every module and object one by one: 0.7-0.9 s of a 10 s `fieldvoice pipeline`
    that adds a tour to 100,000 suggestions, 3 runs each."""
    code = [1]  # an exception escaping main: its traceback is printed, and the command fails

    def leave() -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code[0])

    atexit.register(leave)
    try:
        code[0] = main()
    except SystemExit as exc:  # argparse's errors (2) and --help (0)
        code[0] = 0 if exc.code is None else exc.code if isinstance(exc.code, int) else 1
        raise
    except KeyboardInterrupt:
        code[0] = 130
        raise
    sys.exit(code[0])


if __name__ == "__main__":
    run()
