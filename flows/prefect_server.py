"""One local Prefect server per state folder, shared by `fieldvoice pipeline`, `fieldvoice serve` and the
explorer: started by the first that needs it, reused by the next, and gone by itself once idle.

Why not Prefect's own choices:
- Prefect 3 has no server-less mode: every flow run talks to an API. With no PREFECT_API_URL it starts a
  temporary server in a subprocess for each run (~10 s of a warm run, and SIGKILL of the run leaves it
  running: nothing stops it), writing the same SQLite file as any other server of the state folder.
- Using only `fieldvoice serve`'s server when one runs would keep the 10 s and the orphan everywhere else.

So a run leases the shared server instead of owning one:
- `<state>/prefect/server.json` says where it is (API URL, port, pids); it exists only while it answers.
- Every user holds a shared `flock` on `<state>/prefect/server.lease` while it uses the server (a
  pipeline run for its whole life, `serve` until it stops). The kernel drops a lock when its holder
  ends, SIGKILL included, so a killed run can never keep the server alive.
- The server runs under a small supervisor (`python -m flows.prefect_server`, its own session, so a
  Ctrl-C or a kill of the run's process group does not reach it) that starts `prefect server start`
  (UI and services: `serve`'s schedule needs the scheduler) as its child, tied to it with
  PR_SET_PDEATHSIG. Once a second it tries to take the lease exclusively; when it could for
  `idle` seconds in a row (nobody leased it), it removes server.json, stops the server and exits. It
  holds the lease exclusively while it shuts down, so a run arriving then waits and starts a new one.
- `server.start.lock` serialises starting, so runs starting together share one server.

A warm `fieldvoice pipeline` pays the server's start once per idle period instead of once per run, and
every run (hand-started or served) lands in one history, one UI, one database writer.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import fcntl
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from flows.prefect_env import prefect_defaults

START_TIMEOUT_S = 180.0
CHECK_EVERY_S = 1.0
PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class LocalServer:
    api_url: str
    port: int
    pid: int  # the supervisor
    server_pid: int  # `prefect server start`

    @property
    def ui_url(self) -> str:
        return self.api_url.removesuffix("/api")


def home(state_dir: Path) -> Path:
    return state_dir / "prefect"


def state_file(state_dir: Path) -> Path:
    return home(state_dir) / "server.json"


def log_file(state_dir: Path) -> Path:
    return home(state_dir) / "server.log"


def healthy(api_url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url.rstrip('/')}/health", timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False


def _is_supervisor(pid: int) -> bool:
    """Whether `pid` is a running supervisor (not a stale record whose pid was reused)."""
    try:
        return b"flows.prefect_server" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        try:
            os.kill(pid, 0)  # no /proc: trust the pid
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True


def recorded_server(state_dir: Path) -> LocalServer | None:
    """The server server.json names, if its supervisor still runs (it may be busy for a moment)."""
    try:
        info = json.loads(state_file(state_dir).read_text(encoding="utf-8"))
        server = LocalServer(info["api_url"], int(info["port"]), int(info["pid"]), int(info["server_pid"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return server if _is_supervisor(server.pid) else None


def running_server(state_dir: Path) -> LocalServer | None:
    """The state folder's server when it is up and answers; None otherwise. Starts nothing."""
    server = recorded_server(state_dir)
    return server if server is not None and healthy(server.api_url) else None


def hold_lease(state_dir: Path) -> int:
    """A shared lease on the state folder's server, kept until the descriptor is closed or this process
    ends (however it ends). Waits while the server is being shut down for idleness."""
    home(state_dir).mkdir(parents=True, exist_ok=True)
    descriptor = os.open(home(state_dir) / "server.lease", os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(descriptor, fcntl.LOCK_SH)
    return descriptor


class ServerStart:
    """A server being made ready: `wait()` returns it. Lets a caller import the flow meanwhile, so the
    server's start overlaps the run's own imports."""

    def __init__(
        self, state_dir: Path, api_url: str, found: LocalServer | None, process: subprocess.Popen | None
    ) -> None:
        self.state_dir = state_dir
        self.api_url = api_url  # known before the server answers: Prefect reads it when first imported
        self.found = found
        self.process = process
        self.start_lock: int | None = None

    def wait(self, timeout: float = START_TIMEOUT_S) -> LocalServer:
        try:
            if self.found is not None:
                return self.found
            deadline = time.monotonic() + timeout
            while True:
                server = running_server(self.state_dir)
                if server is not None:
                    return server
                if self.process is not None and self.process.poll() is not None:
                    raise RuntimeError(
                        f"Prefect 서버가 시작하자마자 멈췄습니다 (종료 코드 {self.process.returncode}). "
                        f"로그: {log_file(self.state_dir)}"
                    )
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"Prefect 서버가 {timeout:.0f}초 안에 응답하지 않았습니다. 로그: {log_file(self.state_dir)}"
                    )
                time.sleep(0.1)
        finally:
            if self.start_lock is not None:
                os.close(self.start_lock)
                self.start_lock = None


def begin_server(state_dir: Path, port: int, idle_seconds: float) -> ServerStart:
    """Find the state folder's server, or start it detached. The caller must hold a lease
    (`hold_lease`) first, so the server cannot go idle between here and its first use."""
    found = running_server(state_dir)
    if found is not None:
        return ServerStart(state_dir, found.api_url, found, None)
    start_lock = os.open(home(state_dir) / "server.start.lock", os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(start_lock, fcntl.LOCK_EX)  # another starter: wait for it, then use its server
    recorded = recorded_server(state_dir)
    if recorded is not None:  # up, but slow to answer (a busy machine): wait for it
        started = ServerStart(state_dir, recorded.api_url, None, None)
        started.start_lock = start_lock
        return started
    with contextlib.suppress(FileNotFoundError):
        state_file(state_dir).unlink()  # left by a supervisor killed with SIGKILL
    port = port if _port_free(port) else _any_free_port()  # chosen here: the URL is known at once
    env = {**prefect_defaults(state_dir), **os.environ}
    env.pop("PREFECT_API_URL", None)
    root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    home(state_dir).mkdir(parents=True, exist_ok=True)
    with log_file(state_dir).open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "flows.prefect_server", "--state", str(state_dir),
             "--port", str(port), "--idle", str(idle_seconds)],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            env=env, cwd=root, start_new_session=True, close_fds=True,
        )  # fmt: skip
    started = ServerStart(state_dir, f"http://127.0.0.1:{port}/api", None, process)
    started.start_lock = start_lock
    return started


def ensure_server(state_dir: Path, port: int, idle_seconds: float) -> LocalServer:
    """The state folder's server, started if needed (the caller holds a lease)."""
    return begin_server(state_dir, port, idle_seconds).wait()


# --- the supervisor: `python -m flows.prefect_server --state DIR --port N --idle SECONDS` -------------


def _port_free(port: int) -> bool:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds: TIME_WAIT is free
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _any_free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _die_with_parent() -> None:
    """In the server's process: SIGTERM when the supervisor dies, even by SIGKILL (Linux)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _say(message: str, out: IO[str] = sys.stdout) -> None:
    print(
        f"{time.strftime('%Y-%m-%d %H:%M:%S')} fieldvoice.prefect_server[{os.getpid()}]: {message}",
        file=out,
        flush=True,
    )


def supervise(state_dir: Path, port: int, idle_seconds: float) -> int:
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGHUP, stop)
    api_url = f"http://127.0.0.1:{port}/api"
    server = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        stdin=subprocess.DEVNULL,
        preexec_fn=_die_with_parent,
    )
    _say(f"starting Prefect server {server.pid} on {api_url} (idle limit {idle_seconds:g} s)")
    deadline = time.monotonic() + START_TIMEOUT_S
    while not healthy(api_url):
        if stopping or server.poll() is not None or time.monotonic() > deadline:
            _say("the server did not start")
            _stop(server)
            return 1
        time.sleep(0.2)
    record = {"api_url": api_url, "port": port, "pid": os.getpid(), "server_pid": server.pid}
    partial = state_file(state_dir).with_suffix(".json.partial")
    partial.write_text(json.dumps(record), encoding="utf-8")
    partial.replace(state_file(state_dir))
    _say("ready")
    lease = os.open(home(state_dir) / "server.lease", os.O_RDWR | os.O_CREAT, 0o600)
    idle_since: float | None = None
    try:
        while not stopping and server.poll() is None:
            try:
                fcntl.flock(lease, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                idle_since = None  # someone uses the server
            else:
                now = time.monotonic()
                idle_since = now if idle_since is None else idle_since
                if now - idle_since >= idle_seconds:
                    _say(f"nobody used the server for {idle_seconds:g} s: stopping")
                    break  # the exclusive lease stays held until the server is gone
                fcntl.flock(lease, fcntl.LOCK_UN)
            time.sleep(CHECK_EVERY_S)
        with contextlib.suppress(FileNotFoundError):
            state_file(state_dir).unlink()
        _stop(server)
    finally:
        os.close(lease)
    _say("stopped")
    return 0


def _stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="fieldvoice's shared local Prefect server (see module doc)")
    parser.add_argument("--state", type=Path, required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--idle", type=float, required=True, help="seconds without a lease before it stops")
    args = parser.parse_args(argv)
    return supervise(args.state, args.port, args.idle)


if __name__ == "__main__":
    sys.exit(main())
