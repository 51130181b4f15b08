"""`fieldvoice user ...`: explorer accounts from the command line.

fieldvoice user add NAME --role viewer|analyst|admin    password asked twice (or one line on
                                                       standard input with --password-stdin)
fieldvoice user list                                   accounts and roles
fieldvoice user remove NAME                            (the last admin cannot be removed)
fieldvoice user password NAME                          set a new password
fieldvoice user audit                                  who signed in, exported, uploaded, changed what
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from fieldvoice import accounts
from fieldvoice.accounts import ROLE_NAMES, ROLES, AccountError


def add_user_commands(commands: argparse._SubParsersAction) -> None:
    user = commands.add_parser("user", help="explorer accounts and roles; the audit log")
    user.add_argument("--db", type=Path)
    actions = user.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="add an account")
    listing = actions.add_parser("list", help="accounts and roles")
    remove = actions.add_parser("remove", help="remove an account")
    password = actions.add_parser("password", help="set a new password")
    audit = actions.add_parser("audit", help="the audit log, newest first")
    for action in (add, listing, remove, password, audit):  # --db after the action works too
        action.add_argument("--db", type=Path, default=argparse.SUPPRESS)
    for action in (add, remove, password):
        action.add_argument("name")
    add.add_argument("--role", choices=ROLES, required=True)
    for action in (add, password):
        action.add_argument(
            "--password-stdin", action="store_true", help="read the password from standard input"
        )


def run_user_command(args: argparse.Namespace, db_path: Path) -> int:
    users_file = accounts.accounts_file(db_path)
    try:
        if args.action == "list":
            for user in accounts.users(users_file):
                print(f"{user.name}\t{user.role}\t{ROLE_NAMES[user.role]}")
            return 0
        if args.action == "audit":
            for entry in accounts.audit_log(db_path):
                print(f"{entry['at']}\t{entry['actor']}\t{entry['action']}\t{entry.get('detail', '')}")
            return 0
        if args.action == "remove":
            accounts.remove_user(users_file, args.name)
            accounts.record(db_path, getpass.getuser(), "사용자 삭제", args.name)
            print(f"'{args.name}' 사용자를 지웠습니다")
            return 0
        secret = _read_password(args.password_stdin)
        if args.action == "add":
            user = accounts.add_user(users_file, args.name, args.role, secret)
            accounts.record(db_path, getpass.getuser(), "사용자 추가", f"{user.name} ({user.role})")
            print(f"'{user.name}'({ROLE_NAMES[user.role]}) 사용자를 추가했습니다: {users_file}")
        else:
            accounts.set_password(users_file, args.name, secret)
            accounts.record(db_path, getpass.getuser(), "비밀번호 변경", args.name)
            print(f"'{args.name}'의 비밀번호를 바꿨습니다")
        return 0
    except AccountError as exc:
        print(f"fieldvoice: {exc}", file=sys.stderr)
        return 2


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("비밀번호: ")
    if first != getpass.getpass("비밀번호 확인: "):
        raise AccountError("두 비밀번호가 다릅니다")
    return first
