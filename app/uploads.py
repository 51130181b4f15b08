"""Documents uploaded in the explorer: checked by content, stored under a safe name in the data
folder, then processed by a `fieldvoice pipeline` run (the pipeline stays the only writer)."""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from nlp.readers import SUPPORTED_SUFFIXES, DocumentError, read_document

_UNSAFE = re.compile(r"[\\/:*?\"<>|\x00-\x1f\x7f]+")


@dataclass(frozen=True)
class StoredUpload:
    original: str
    stored_as: str | None
    problem: str | None = None


def safe_file_name(name: str) -> str:
    """A file name without folders, control characters or characters Windows refuses; Hangul kept."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").split("/")[-1]
    stem, dot, suffix = _UNSAFE.sub("_", name).strip(" ._").rpartition(".")
    stem = stem.strip(" ._") or "문서"
    return f"{stem[:120]}{dot}{suffix.lower()}" if dot else stem[:120]


def store_upload(name: str, data: bytes, data_dir: Path, max_bytes: int) -> StoredUpload:
    """Check one uploaded file by reading it as the pipeline would; store it only if it reads."""
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
        try:
            read_document(probe, max_bytes=max_bytes)
        except DocumentError as exc:
            return StoredUpload(name, None, exc.reason)
    data_dir.mkdir(parents=True, exist_ok=True)
    target = data_dir / safe
    if target.exists() and target.read_bytes() == data:
        return StoredUpload(name, safe, "이미 같은 파일이 있습니다")
    target.write_bytes(data)  # same name, new bytes: the pipeline records a new version
    return StoredUpload(name, safe)


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
