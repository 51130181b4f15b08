"""Who may use the explorer: user accounts with roles, and the audit log of what they did.

Accounts live in `users.json` beside the warehouse (readable by its owner only), each with a
bcrypt hash of the password, never the password itself. Three roles, each including the one
before: viewer (leadership: overview, trends, briefing), analyst (every reading page, search,
exports) and admin (upload, theme and area management, rejected files, users).

Every sign-in, export, upload and change is appended to `audit.jsonl` beside the warehouse, one
JSON object per line, so admins can read who did what and when.

Why not streamlit-authenticator: it keeps its session in a browser cookie through a custom
component that Streamlit's AppTest cannot run, and it reads users from a YAML file it rewrites;
a bcrypt-hashed file and Streamlit's own session state do the same with less machinery.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

import bcrypt

ROLES = ("viewer", "analyst", "admin")
ROLE_NAMES = {"viewer": "열람자", "analyst": "분석가", "admin": "관리자"}
FIRST_ADMIN = "admin"
_NAME = re.compile(r"^[0-9A-Za-z가-힣._\-]{2,32}$")
MIN_PASSWORD = 8


class AccountError(ValueError):
    """A request about accounts that cannot be done, said in Korean."""


@dataclass(frozen=True)
class User:
    name: str
    role: str

    def may(self, role: str) -> bool:
        """Does this user hold `role` or a higher one?"""
        return ROLES.index(self.role) >= ROLES.index(role)


def accounts_file(db_path: Path) -> Path:
    return db_path.with_name("users.json")


def audit_file(db_path: Path) -> Path:
    return db_path.with_name("audit.jsonl")


def _load(path: Path) -> dict[str, dict[str, str]]:
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def _save(path: Path, accounts: dict[str, dict[str, str]]) -> None:
    """Write the whole file at once (a temporary file renamed over it), readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as fh:
        json.dump(accounts, fh, ensure_ascii=False, indent=1)
    os.replace(temporary, path)


def add_user(path: Path, name: str, role: str, password: str) -> User:
    """A new account (an existing name is refused: use `set_password` or remove it first)."""
    name = name.strip()
    if not _NAME.match(name):
        raise AccountError(f"사용자 이름은 한글·영문·숫자 2-32자로 적어 주세요: {name!r}")
    if role not in ROLES:
        raise AccountError(f"역할은 {', '.join(ROLES)} 중 하나입니다: {role!r}")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"비밀번호는 {MIN_PASSWORD}자 이상이어야 합니다")
    accounts = _load(path)
    if name in accounts:
        raise AccountError(f"'{name}' 사용자가 이미 있습니다")
    accounts[name] = {"role": role, "hash": _hash(password), "created": _now()}
    _save(path, accounts)
    return User(name, role)


def set_password(path: Path, name: str, password: str) -> None:
    accounts = _load(path)
    if name not in accounts:
        raise AccountError(f"'{name}' 사용자가 없습니다")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"비밀번호는 {MIN_PASSWORD}자 이상이어야 합니다")
    accounts[name]["hash"] = _hash(password)
    _save(path, accounts)


def remove_user(path: Path, name: str) -> None:
    accounts = _load(path)
    if name not in accounts:
        raise AccountError(f"'{name}' 사용자가 없습니다")
    remaining_admins = [n for n, a in accounts.items() if a["role"] == "admin" and n != name]
    if accounts[name]["role"] == "admin" and not remaining_admins:
        raise AccountError("마지막 관리자는 지울 수 없습니다")
    del accounts[name]
    _save(path, accounts)


def users(path: Path) -> list[User]:
    return [User(name, a["role"]) for name, a in sorted(_load(path).items())]


def verify(path: Path, name: str, password: str) -> User | None:
    """The user when the password is right; None otherwise (and for unknown names, after the same work)."""
    account = _load(path).get(name.strip())
    stored = account["hash"].encode() if account else _dummy_hash()
    matches = bcrypt.checkpw(password.encode("utf-8")[:72], stored)
    return User(name.strip(), account["role"]) if account and matches else None


def ensure_first_admin(path: Path) -> str | None:
    """On a fresh install, create the `admin` account with a random password and return it (once)."""
    if _load(path):
        return None
    password = secrets.token_urlsafe(12)
    add_user(path, FIRST_ADMIN, "admin", password)
    return password


def record(db_path: Path, actor: str, action: str, detail: str = "") -> None:
    """Append one line to the audit log: who did what, when."""
    path = audit_file(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps({"at": _now(), "actor": actor, "action": action, "detail": detail}, ensure_ascii=False)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(descriptor, "a", encoding="utf-8") as fh:
        fh.write(line + "\n")


def audit_log(db_path: Path, limit: int = 500) -> list[dict[str, str]]:
    """The latest `limit` audit entries, newest first."""
    path = audit_file(db_path)
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()[-limit:]
    return [json.loads(line) for line in reversed(lines) if line.strip()]


def _hash(password: str) -> str:
    return bcrypt.hashpw(password.encode("utf-8")[:72], bcrypt.gensalt()).decode()


def _now() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


@functools.cache
def _dummy_hash() -> bytes:
    """A hash to check unknown names against, so they take as long as known ones."""
    return bcrypt.hashpw(b"not a password", bcrypt.gensalt())
