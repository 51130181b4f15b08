"""`fieldvoice document ...`: the stored source documents, and purging one from history.

fieldvoice document list                        every stored path: versions, current/withdrawn, suggestions
fieldvoice document purge PATH [--yes]          remove every version of PATH and its suggestions for good

A document whose file is deleted from the data folder is only withdrawn by the next pipeline run (it
stays in history and comes back with the file); a purge removes its text, suggestions and cached vectors
from the warehouse itself, cannot be undone, and is recorded (who, which path, when; never the text).
It asks before it deletes unless --yes, and refuses while the file is still in the data folder.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fieldvoice.theme_commands import add_wait_option, after_pipeline_run, default_actor, refused


def add_document_commands(commands: argparse._SubParsersAction) -> None:
    document = commands.add_parser("document", help="list stored documents, purge one from history")
    document.add_argument("--db", type=Path)
    actions = document.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="stored documents: versions, status, suggestions")
    listing.add_argument("--db", type=Path, default=argparse.SUPPRESS)
    purge = actions.add_parser("purge", help="remove every version of a document and its suggestions")
    purge.add_argument("path", help="the document's path in the data folder, as `document list` shows it")
    purge.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    purge.add_argument("--by", default=None, help="who purges (default: $FIELDVOICE_USER or login)")
    purge.add_argument("--note", default=None, help="why (kept in the purge record)")
    add_wait_option(purge)
    purge.add_argument("--db", type=Path, default=argparse.SUPPRESS)


def run_document_command(args: argparse.Namespace, db_path: Path) -> int:
    from nlp.curation import CurationError
    from warehouse.connection import WarehouseUnavailable, open_for_reading, open_for_writing

    try:
        if args.action == "list":
            from warehouse.queries import document_list

            with open_for_reading(db_path) as con:
                frame = document_list(con)
            names = {"current": "현재", "withdrawn": "철회(파일 없음)", "superseded": "이전 버전"}
            for row in frame.itertuples():
                print(
                    f"{row.path}\t{names.get(row.status, row.status)}\t버전 {row.versions}\t건의 {row.suggestions}"
                )
            return 0
        from warehouse.purge import plan_purge, purge_document

        actor = default_actor() if args.by is None else args.by
        with open_for_reading(db_path) as con:  # ask with the warehouse closed: readers keep reading
            plan = plan_purge(con, args.path)
        if not args.yes and not _confirmed(plan):
            print("취소했습니다. 아무것도 지우지 않았습니다.")
            return 1
        with after_pipeline_run(db_path, args.wait), open_for_writing(db_path) as con:
            done = purge_document(con, args.path, actor, args.note)
        print(
            f"삭제했습니다: '{done.path}' 버전 {done.versions}개, 건의 {done.suggestions}건, "
            f"임베딩 {done.embeddings}개, 투어 {done.tours}건."
            + (" 테마는 다음 파이프라인 실행에서 다시 만듭니다." if done.run_id is not None else "")
        )
        return 0
    except (CurationError, WarehouseUnavailable) as exc:
        return refused(exc, db_path)


def _confirmed(plan) -> bool:
    state = "현재 탐색기에 보이는 문서입니다. " if plan.current else ""
    print(
        f"'{plan.path}': 버전 {plan.versions}개와 건의 {plan.suggestions}건을 창고에서 영구히 지웁니다. "
        f"{state}되돌릴 수 없습니다.",
        flush=True,
    )
    try:
        answer = input("계속할까요? [y/N] ")
    except EOFError:  # no one to ask (a script): only --yes deletes
        print(file=sys.stderr)
        return False
    return answer.strip().lower() in ("y", "yes", "예", "네")
