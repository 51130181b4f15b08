"""`fieldvoice theme ...`: staff curation from the command line (the explorer's 테마 관리 page runs these too).

fieldvoice theme list [--all]                 current themes: id, size, name, where the name came from
fieldvoice theme history                      who changed what, and when
fieldvoice theme rename THEME "새 이름"       rename a theme (names stay unique)
fieldvoice theme merge THEME INTO             merge THEME into INTO
fieldvoice theme move SUGGESTION THEME        move one suggestion into THEME
fieldvoice theme hide|unhide THEME            hide a theme from overviews and briefings, or show it again
Every change takes --by NAME (default: $FIELDVOICE_USER or the login name) and an optional --note.
A change made while a pipeline run is in progress waits for the run (up to --wait SECONDS) and
applies on top of its result, so neither hides the other.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# How long a staff change waits for a pipeline run in progress (a run over many files takes minutes).
DEFAULT_WAIT_SECONDS = 1800.0


def default_actor() -> str:
    return os.environ.get("FIELDVOICE_USER") or getpass.getuser()


def add_theme_commands(commands: argparse._SubParsersAction) -> None:
    theme = commands.add_parser("theme", help="list, rename, merge, move, hide themes (staff curation)")
    theme.add_argument("--db", type=Path)
    actions = theme.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="current themes")
    listing.add_argument("--all", action="store_true", help="include hidden themes")
    listing.add_argument("--db", type=Path, default=argparse.SUPPRESS)  # --db after the action works too
    history = actions.add_parser("history", help="curation history: who, what, when")
    history.add_argument("--db", type=Path, default=argparse.SUPPRESS)
    for name, arguments, text in (
        ("rename", ("theme_id", "label"), "rename a theme"),
        ("merge", ("theme_id", "target_theme_id"), "merge a theme into another"),
        ("move", ("suggestion_id", "theme_id"), "move a suggestion into a theme"),
        ("hide", ("theme_id",), "hide a theme"),
        ("unhide", ("theme_id",), "show a hidden theme again"),
    ):
        action = actions.add_parser(name, help=text)
        for argument in arguments:
            action.add_argument(argument, type=int if argument.endswith("theme_id") else str)
        action.add_argument(
            "--by", default=None, help="who makes the change (default: $FIELDVOICE_USER or login)"
        )
        action.add_argument("--note", default=None, help="why (shown in the history)")
        add_wait_option(action)
        action.add_argument("--db", type=Path, default=argparse.SUPPRESS)


def add_wait_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--wait",
        type=float,
        default=DEFAULT_WAIT_SECONDS,
        metavar="SECONDS",
        help=f"how long to wait for a pipeline run in progress ({DEFAULT_WAIT_SECONDS:.0f})",
    )


@contextmanager
def after_pipeline_run(db_path: Path, wait: float) -> Iterator[None]:
    """Hold the warehouse's pipeline lock while a staff change is written; if a run holds it, say so and
    wait for it, so the change applies on top of the run's result instead of being lost under it."""
    from warehouse.locks import after_pipeline

    def waiting() -> None:
        print(
            f"fieldvoice: 파이프라인 실행이 끝나면 반영합니다 (최대 {wait:.0f}초 기다립니다).",
            file=sys.stderr,
            flush=True,
        )

    with after_pipeline(db_path, wait, waiting):
        yield


def run_theme_command(args: argparse.Namespace, db_path: Path) -> int:
    from nlp.curation import Curation, CurationError
    from warehouse.connection import WarehouseUnavailable, open_for_reading, open_for_writing

    try:
        if args.action in ("list", "history"):
            with open_for_reading(db_path) as con:
                _print_list(con, args.all) if args.action == "list" else _print_history(con)
            return 0
        from warehouse.curation import curate

        curation = Curation(
            action=args.action,
            theme_id=args.theme_id,
            target_theme_id=getattr(args, "target_theme_id", None),
            suggestion_id=getattr(args, "suggestion_id", None),
            label=getattr(args, "label", None),
        )
        actor = default_actor() if args.by is None else args.by  # an explicit empty name is refused
        with after_pipeline_run(db_path, args.wait), open_for_writing(db_path) as con:
            run_id = curate(con, curation, actor, args.note)
        print(f"반영했습니다 (실행 #{run_id}). `fieldvoice theme history`에서 기록을 볼 수 있습니다.")
        return 0
    except (CurationError, WarehouseUnavailable) as exc:  # refused, or the warehouse is missing or busy
        return refused(exc, db_path)


def refused(exc: Exception, db_path: Path) -> int:
    """Say in Korean why a staff command did not apply (exit code 2); anything else is a real error."""
    from nlp.curation import CurationError
    from warehouse.connection import WarehouseMissing, WarehouseNotWritable, WarehouseUnavailable
    from warehouse.locks import PipelineBusy

    if isinstance(exc, CurationError | PipelineBusy | WarehouseNotWritable):  # already said in Korean
        message = str(exc)
    elif isinstance(exc, WarehouseMissing):
        message = f"데이터베이스 {db_path}가 아직 없습니다: 먼저 `fieldvoice pipeline`을 실행하세요"
    elif isinstance(exc, WarehouseUnavailable):
        message = (
            f"다른 작업(파이프라인 실행)이 데이터베이스를 쓰고 있습니다. 잠시 후 다시 시도하세요. ({exc})"
        )
    else:
        raise exc
    print(f"fieldvoice: {message}", file=sys.stderr)
    return 2


def _print_list(con, include_hidden: bool) -> None:
    from nlp.labelling import LABEL_SOURCE_NAMES
    from warehouse.queries import theme_overview

    for row in theme_overview(con, include_hidden=include_hidden).itertuples():
        flags = " [숨김]" if row.is_hidden else ""
        source = (
            "" if row.is_unassigned else f" ({LABEL_SOURCE_NAMES.get(row.label_source, row.label_source)})"
        )
        print(f"{row.theme_id}\t{row.size}\t{row.label}{source}{flags}")


def _print_history(con) -> None:
    from warehouse.queries import curation_history

    for row in curation_history(con).itertuples():
        detail = {
            "rename": f"'{row.previous_label}' -> '{row.new_label}'",
            "merge": f"'{row.previous_label}' -> 테마 {row.target_theme_id} '{row.target_label}'",
            "move": f"건의 {row.suggestion_id} -> '{row.current_label}'",
        }.get(row.action, f"'{row.previous_label}'")
        note = f"  ({row.note})" if isinstance(row.note, str) and row.note else ""
        print(
            f"{row.created_at:%Y-%m-%d %H:%M}\t{row.actor}\t{row.action}\t테마 {row.theme_id}\t{detail}{note}"
        )
