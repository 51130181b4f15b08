"""`fieldvoice area ...`: policy areas from the command line (the explorer's 테마 관리 page runs these too).

fieldvoice area list                          suggestions per policy area (primary, secondary) and tours
fieldvoice area history                       who set which suggestion's area, and when
fieldvoice area set SUGGESTION "분야"         file a suggestion under another area (a staff correction:
                                              kept, replayed on every run, and learned from)
`set` takes --by NAME (default: $FIELDVOICE_USER or the login name) and an optional --note.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from fieldvoice.theme_commands import add_wait_option, after_pipeline_run, default_actor, refused


def add_area_commands(commands: argparse._SubParsersAction) -> None:
    area = commands.add_parser("area", help="policy areas: list, history, set (staff correction)")
    area.add_argument("--db", type=Path)
    actions = area.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="suggestions per policy area")
    history = actions.add_parser("history", help="staff corrections: who, what, when")
    correct = actions.add_parser("set", help="file a suggestion under another policy area")
    for action in (listing, history, correct):  # --db after the action works too
        action.add_argument("--db", type=Path, default=argparse.SUPPRESS)
    correct.add_argument("suggestion_id")
    correct.add_argument("area")
    correct.add_argument(
        "--by", default=None, help="who makes the change (default: $FIELDVOICE_USER or login)"
    )
    correct.add_argument("--note", default=None, help="why (shown in the history)")
    add_wait_option(correct)


def run_area_command(args: argparse.Namespace, db_path: Path, taxonomy: Path) -> int:
    from nlp.areas import OTHER_AREA, load_areas
    from nlp.curation import CurationError
    from warehouse.connection import WarehouseUnavailable, open_for_reading, open_for_writing

    try:
        if args.action == "list":
            from warehouse.queries import area_overview

            with open_for_reading(db_path) as con:
                for row in area_overview(con).itertuples():
                    print(f"{row.area}\t{row.primary_count}\t{row.secondary_count}\t투어 {row.tours}")
            return 0
        if args.action == "history":
            from warehouse.queries import area_correction_history

            with open_for_reading(db_path) as con:
                for row in area_correction_history(con).itertuples():
                    note = f"  ({row.note})" if isinstance(row.note, str) and row.note else ""
                    print(
                        f"{row.created_at:%Y-%m-%d %H:%M}\t{row.actor}\t건의 {row.suggestion_id}\t"
                        f"'{row.previous_area or '-'}' -> '{row.area}'{note}"
                    )
            return 0
        from warehouse.curation import correct_area

        known = [a.name for a in load_areas(taxonomy)] + [OTHER_AREA]
        actor = default_actor() if args.by is None else args.by  # an explicit empty name is refused
        with after_pipeline_run(db_path, args.wait), open_for_writing(db_path) as con:
            previous = correct_area(con, args.suggestion_id, args.area, actor, known, args.note)
        print(
            f"반영했습니다: 건의 {args.suggestion_id} '{previous or '-'}' -> '{args.area}'. "
            "다음 파이프라인 실행부터 다른 건의의 분야 배정에도 쓰입니다."
        )
        return 0
    except (CurationError, WarehouseUnavailable) as exc:  # refused, or the warehouse is missing or busy
        return refused(exc, db_path)
