"""Sign-in and roles: accounts with bcrypt hashes, the role every page checks, the CLI, the audit log."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

import pytest
import streamlit as st
from samples import REPO, sign_in
from streamlit.testing.v1 import AppTest

from fieldvoice import accounts
from fieldvoice.accounts import AccountError

MAIN = str(REPO / "app" / "main.py")


@pytest.fixture(autouse=True)
def fresh_cache():
    st.cache_data.clear()
    yield
    st.cache_data.clear()


def test_passwords_are_kept_only_as_hashes_in_an_owner_only_file(tmp_path: Path) -> None:
    users = tmp_path / "users.json"
    accounts.add_user(users, "김주무관", "analyst", "정책-현장-1234")
    assert "정책-현장-1234" not in users.read_text(encoding="utf-8")
    assert stat.S_IMODE(users.stat().st_mode) == 0o600
    assert accounts.verify(users, "김주무관", "정책-현장-1234") == accounts.User("김주무관", "analyst")
    assert accounts.verify(users, "김주무관", "틀린-비밀번호") is None
    assert accounts.verify(users, "없는사람", "정책-현장-1234") is None


@pytest.mark.parametrize(
    ("name", "role", "password", "reason"),
    [
        ("김", "viewer", "long-enough-1", "2-32자"),
        ("박사무관", "minister", "long-enough-1", "역할은"),
        ("박사무관", "viewer", "short", "8자 이상"),
    ],
)
def test_bad_accounts_are_refused_in_korean(tmp_path, name, role, password, reason) -> None:
    with pytest.raises(AccountError, match=reason):
        accounts.add_user(tmp_path / "users.json", name, role, password)


def test_the_last_admin_stays_and_roles_nest(tmp_path: Path) -> None:
    users = tmp_path / "users.json"
    assert accounts.ensure_first_admin(users)  # a fresh install gets one admin with a random password
    assert accounts.ensure_first_admin(users) is None  # and only once
    with pytest.raises(AccountError, match="마지막 관리자"):
        accounts.remove_user(users, accounts.FIRST_ADMIN)
    viewer = accounts.User("열람", "viewer")
    assert viewer.may("viewer") and not viewer.may("analyst") and not viewer.may("admin")
    assert accounts.User("관리", "admin").may("analyst")


def test_the_cli_adds_a_user_from_standard_input_and_logs_it(tmp_path: Path) -> None:
    db = tmp_path / "warehouse.duckdb"
    added = subprocess.run(
        [sys.executable, "-m", "fieldvoice.cli", "user", "add", "이분석", "--role", "analyst",
         "--password-stdin", "--db", str(db)],
        input="분석가-비밀번호-7\n", capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert accounts.verify(accounts.accounts_file(db), "이분석", "분석가-비밀번호-7")
    listed = subprocess.run(
        [sys.executable, "-m", "fieldvoice.cli", "user", "list", "--db", str(db)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "이분석\tanalyst" in listed.stdout
    assert accounts.audit_log(db)[0]["action"] == "사용자 추가"


def _app(monkeypatch, db: Path) -> AppTest:
    monkeypatch.setenv("FIELDVOICE_DB", str(db))
    return AppTest.from_file(MAIN, default_timeout=60)


def test_nothing_is_shown_before_signing_in(monkeypatch, flow_run) -> None:
    app = _app(monkeypatch, flow_run["db_path"])
    app.run()
    assert not app.exception
    assert [t.value for t in app.title] == ["현장의 목소리"]
    assert not app.metric and not app.expander and not app.dataframe


def test_signing_in_opens_the_explorer_and_a_wrong_password_does_not(monkeypatch, flow_run, tmp_path) -> None:
    db = tmp_path / "warehouse.duckdb"
    db.write_bytes(Path(flow_run["db_path"]).read_bytes())
    accounts.add_user(accounts.accounts_file(db), "최열람", "viewer", "열람자-비밀번호-1")
    app = _app(monkeypatch, db)
    app.run()
    app.text_input(key="sign_in_name").input("최열람")
    app.text_input(key="sign_in_password").input("틀린-비밀번호")
    app.button[0].click().run()
    assert any("맞지 않습니다" in e.value for e in app.error)
    assert not app.metric
    app.text_input(key="sign_in_password").input("열람자-비밀번호-1")
    app.button[0].click().run()
    assert not app.exception
    assert [t.value for t in app.title] == ["테마 개요"] and app.metric
    assert [e["action"] for e in accounts.audit_log(db)][:2] == ["로그인", "로그인 실패"]


@pytest.mark.parametrize("page", ["views/admin.py", "views/upload.py", "views/errors.py", "views/users.py"])
def test_a_viewer_cannot_open_a_writing_page(monkeypatch, flow_run, page) -> None:
    monkeypatch.setenv("FIELDVOICE_DB", str(flow_run["db_path"]))
    app = AppTest.from_file(str(REPO / "app" / page), default_timeout=60)
    sign_in(app, "viewer")
    app.run()
    assert not app.exception
    assert any("관리자 이상만" in e.value for e in app.error)
    assert not app.button and not app.text_input and not app.file_uploader


def test_an_analyst_reads_but_a_viewer_does_not_search(monkeypatch, flow_run) -> None:
    monkeypatch.setenv("FIELDVOICE_DB", str(flow_run["db_path"]))
    page = str(REPO / "app" / "views" / "suggestions.py")
    viewer = AppTest.from_file(page, default_timeout=60)
    sign_in(viewer, "viewer")
    viewer.run()
    assert any("분석가 이상만" in e.value for e in viewer.error) and not viewer.dataframe
    analyst = AppTest.from_file(page, default_timeout=60)
    sign_in(analyst, "analyst")
    analyst.run()
    assert not analyst.exception and analyst.dataframe


def test_the_sign_in_form_needs_neither_pandas_nor_duckdb() -> None:
    """What app/main.py imports before the sign-in form: the first page after start-up must not wait
    for pandas, DuckDB or the warehouse queries (the warm-up thread imports them meanwhile)."""
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys; from app import auth, models; import settings; "
         "print(sorted(m for m in ('pandas', 'duckdb', 'app.data', 'warehouse') if m in sys.modules))"],
        cwd=REPO, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert loaded.stdout.strip() == "[]", loaded.stdout + loaded.stderr
