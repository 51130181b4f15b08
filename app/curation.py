"""Staff curation from the explorer: the 테마 관리 page runs `fieldvoice theme ...` and
`fieldvoice area set ...` in a subprocess.

The command line stays the only writer (the app opens the warehouse read-only); it checks every
change, logs it with who and when, and refuses with a Korean reason (exit code 2) what cannot apply.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

# The command waits up to WAIT_SECONDS for a pipeline run in progress to finish (then applies on top of
# its result), and briefly for readers to let go of the file: allow it that, and more.
WAIT_SECONDS = 90
TIMEOUT_SECONDS = 210
BUSY = "파이프라인이 지금 데이터를 쓰고 있어 반영하지 못했습니다. 실행이 끝난 뒤 다시 시도하세요."
NO_ACTOR = "담당자 이름을 적어 주세요 (누가 바꿨는지 기록에 남습니다)."
_PREFIX = "fieldvoice: "


@dataclass(frozen=True)
class CommandResult:
    ok: bool
    message: str


def theme_command(
    db_path: Path | str, args: Sequence[object], actor: str, note: str | None = None, group: str = "theme"
) -> list[str]:
    """The command line for `fieldvoice theme|area ACTION --by ACTOR [--note NOTE] -- OPERANDS...`.

    Options are written `--by=...` and the operands follow `--`, so a name or note that starts with
    '-' is taken as text, never as an option."""
    action, *operands = (str(arg) for arg in args)
    command = [
        sys.executable, "-m", "fieldvoice.cli", group, "--db", str(db_path), action, f"--by={actor}",
        f"--wait={WAIT_SECONDS}",
    ]  # fmt: skip
    if note:
        command.append(f"--note={note}")
    return [*command, "--", *operands]


def run_theme_command(
    db_path: Path | str,
    args: Sequence[object],
    actor: str,
    note: str | None = None,
    timeout: float = TIMEOUT_SECONDS,
    group: str = "theme",
) -> CommandResult:
    """Run one curation (`args`: the action and its operands, e.g. ["rename", 3, "새 이름"]).

    `ok` says whether it applied; `message` is the command's confirmation or, when refused or failed,
    the reason in Korean (never a traceback)."""
    actor = (actor or "").strip()
    if not actor:  # the command would fall back to the login name: the page must say who
        return CommandResult(False, NO_ACTOR)
    note = (note or "").strip() or None
    try:
        done = subprocess.run(
            theme_command(db_path, args, actor, note, group),
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=timeout,
            env={**os.environ, "PYTHONIOENCODING": "utf-8"},
            check=False,
        )
    except subprocess.TimeoutExpired:
        return CommandResult(False, f"{timeout:.0f}초 안에 끝나지 않아 중단했습니다. {BUSY}")
    except OSError as exc:
        return CommandResult(False, f"테마 관리 명령을 실행하지 못했습니다: {exc.strerror or exc}")
    if done.returncode == 0:
        lines = [line for line in done.stdout.splitlines() if line.strip()]
        return CommandResult(True, lines[-1] if lines else "반영했습니다.")
    return CommandResult(False, _reason(done.stderr, done.returncode))


def _reason(stderr: str, returncode: int) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    refusal = next((line for line in reversed(lines) if line.startswith(_PREFIX)), None)
    if refusal is not None:
        reason = refusal.removeprefix(_PREFIX)
        return BUSY if "is locked" in reason else reason  # WarehouseUnavailable speaks English
    last = lines[-1] if lines else ""
    if returncode == 2 and "error:" in last:  # argparse refused the arguments
        return f"명령을 처리하지 못했습니다: {last.split('error:', 1)[1].strip()}"
    detail = f": {last}" if last else ""
    return f"테마 관리 명령이 실패했습니다 (종료 코드 {returncode}){detail}"
