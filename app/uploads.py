"""Documents uploaded in the explorer: checked by content, stored under a safe name in the data
folder, then processed by a pipeline run (the pipeline stays the only writer): handed to the deployment
of a `fieldvoice serve` that serves this warehouse from this data folder when one runs (`served_run`),
else a `fieldvoice pipeline` started here (`run_pipeline`)."""

from __future__ import annotations

import re
import resource
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from flows.handoff import HandedRun, flow_run_state, hand_to_served, served_deployment
from nlp.readers import SUPPORTED_SUFFIXES

_UNSAFE = re.compile(r"[\\/:*?\"<>|\x00-\x1f\x7f]+")


@dataclass(frozen=True)
class StoredUpload:
    original: str
    stored_as: str | None  # the name in the data folder; None when refused
    problem: str | None = None  # why it was refused, or a note on how it was stored
    is_new: bool = False  # new bytes in the data folder: a pipeline run has something to do


MAX_NAME_BYTES = 200  # file systems allow 255 bytes; Hangul takes 3 bytes a character in UTF-8
CHECK_SECONDS = 120
CHECK_MEMORY_BYTES = 2 * 1024**3
# Read a file as the pipeline would, in a child process with a memory cap: a hostile file (a zip
# bomb, a padded sheet) costs that process, never the explorer's server and its other users.
_CHECK = """
import sys
from pathlib import Path
from nlp.readers import DocumentError, read_document
try:
    read_document(Path(sys.argv[1]), max_bytes=int(sys.argv[2]))
except DocumentError as exc:
    print(exc.reason)
    sys.exit(3)
"""


def safe_file_name(name: str) -> str:
    """A file name without folders, control characters or characters Windows refuses; Hangul kept,
    at most MAX_NAME_BYTES bytes (cut at a character, never inside one)."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").split("/")[-1]
    stem, dot, suffix = _UNSAFE.sub("_", name).strip(" ._").rpartition(".")
    stem = stem.strip(" ._") or "문서"
    if not dot:
        return _cut_bytes(stem, MAX_NAME_BYTES)
    return f"{_cut_bytes(stem, MAX_NAME_BYTES - len(suffix.encode()) - 1)}.{suffix.lower()}"


def _cut_bytes(text: str, limit: int) -> str:
    return text.encode("utf-8")[:limit].decode("utf-8", errors="ignore").rstrip(" ._") or "문서"


def check_document(path: Path, max_bytes: int) -> str | None:
    """Why the pipeline would refuse the file at `path`, or None when it reads (see `_CHECK`)."""

    def cap_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (CHECK_MEMORY_BYTES, CHECK_MEMORY_BYTES))

    try:
        checked = subprocess.run(
            [sys.executable, "-c", _CHECK, str(path), str(max_bytes)],
            capture_output=True,
            text=True,
            timeout=CHECK_SECONDS,
            preexec_fn=cap_memory,
            cwd=Path(__file__).resolve().parent.parent,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"파일을 확인하는 데 {CHECK_SECONDS}초가 넘게 걸려 받지 않았습니다"
    if checked.returncode == 0:
        return None
    if checked.returncode == 3 and checked.stdout.strip():
        return checked.stdout.strip().splitlines()[-1]
    return "파일을 읽는 데 너무 많은 메모리가 들거나 읽다가 멈춰 받지 않았습니다"


def store_upload(
    name: str, data: bytes, data_dir: Path, max_bytes: int, replace_existing: bool = False
) -> StoredUpload:
    """Check one uploaded file by reading it as the pipeline would; store it only if it reads.

    Another file of the same name is never replaced silently: unless `replace_existing` (an
    admin's explicit choice: the pipeline then records a new version), the upload is stored
    under a free name such as "회의록 (2).txt"."""
    safe = safe_file_name(name)
    suffix = Path(safe).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        return StoredUpload(name, None, f"지원하지 않는 형식입니다 ({suffix or '확장자 없음'})")
    if len(data) > max_bytes:
        return StoredUpload(
            name, None, f"파일이 너무 큽니다 ({len(data) / 1e6:.1f} MB, 한도 {max_bytes / 1e6:.0f} MB)"
        )
    with tempfile.TemporaryDirectory() as folder:
        probe = Path(folder) / safe
        probe.write_bytes(data)
        problem = check_document(probe, max_bytes)
    if problem:
        return StoredUpload(name, None, problem)
    data_dir.mkdir(parents=True, exist_ok=True)
    target = data_dir / safe
    note = None
    if target.exists():
        if target.read_bytes() == data:
            return StoredUpload(name, safe, "이미 같은 파일이 있습니다")
        if replace_existing:
            note = "같은 이름의 파일을 새 버전으로 바꿨습니다"
        else:
            target = _free_name(target)
            note = f"같은 이름의 다른 파일이 있어 '{target.name}'(으)로 저장했습니다"
    target.write_bytes(data)
    return StoredUpload(name, target.name, note, is_new=True)


def _free_name(target: Path) -> Path:
    for number in range(2, 10_000):
        candidate = target.with_name(f"{target.stem} ({number}){target.suffix}")
        if not candidate.exists():
            return candidate
    raise OSError(f"{target.name}: 같은 이름의 파일이 너무 많습니다")


def run_pipeline(data_dir: Path, db_path: Path) -> Iterator[str]:
    """Run `fieldvoice pipeline` and yield its output lines as they come (for a progress view)."""
    command = [
        sys.executable,
        "-m",
        "fieldvoice.cli",
        "pipeline",
        "--data",
        str(data_dir),
        "--db",
        str(db_path),
    ]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
    ) as run:
        assert run.stdout is not None
        for line in run.stdout:
            yield line.rstrip("\n")
    if run.returncode:
        raise RuntimeError(f"파이프라인이 실패했습니다 (종료 코드 {run.returncode})")


FOLLOW_SECONDS = 2.0


def served_run(data_dir: Path, db_path: Path, state_dir: Path) -> HandedRun | None:
    """A run asked of the served deployment when `fieldvoice serve` serves this warehouse from this data
    folder; None when none does or its server does not take the request (then `run_pipeline`)."""
    served = served_deployment(db_path, data_dir)
    if served is None:
        return None
    try:
        return hand_to_served(served, state_dir)
    except Exception:  # the server stopping, the deployment not registered yet: run it here instead
        return None


def follow_served_run(run: HandedRun, timeout: float = 3600.0) -> Iterator[tuple[str, str | None, bool]]:
    """The handed run's state (name, message, over?) every few seconds until it is over."""
    deadline = time.monotonic() + timeout
    while True:
        name, message, over = flow_run_state(run.served, run.flow_run_id)
        yield name, message, over
        if over or time.monotonic() > deadline:
            return
        time.sleep(FOLLOW_SECONDS)
