"""Sign-in for the explorer and the role check every page makes.

The signed-in user lives in Streamlit's server-side session state (a browser cannot set it);
pages are offered by role through `st.navigation`, and every page checks the role again, so
opening a page's URL directly does not get round the menu.
"""

from __future__ import annotations

import streamlit as st

from fieldvoice import accounts
from fieldvoice.accounts import ROLE_NAMES, User

SESSION_KEY = "fieldvoice_user"


def _db_path():
    """The warehouse path, by app.data imported only now: the sign-in form must not wait for pandas,
    DuckDB and the warehouse queries (seconds on a busy machine) that the pages need."""
    from app import data

    return data.db_path()


def current_user() -> User | None:
    user = st.session_state.get(SESSION_KEY)
    return user if isinstance(user, User) else None


def sign_in_form() -> None:
    """The sign-in form; on success the user is kept in the session and the app reloads."""
    st.title("현장의 목소리")
    st.caption("정책현장투어 건의사항 탐색기입니다. 계정이 없으면 관리자에게 요청하세요.")
    with st.form("sign_in"):
        name = st.text_input("사용자 이름", key="sign_in_name")
        password = st.text_input("비밀번호", type="password", key="sign_in_password")
        submitted = st.form_submit_button("로그인", type="primary")
    if not submitted:
        return
    db_path = _db_path()
    user = accounts.verify(accounts.accounts_file(db_path), name, password)
    if user is None:
        accounts.record(db_path, name.strip() or "-", "로그인 실패")
        st.error("사용자 이름이나 비밀번호가 맞지 않습니다.")
        return
    accounts.record(db_path, user.name, "로그인")
    st.session_state[SESSION_KEY] = user
    st.rerun()


def require(role: str) -> User:
    """The signed-in user if they hold `role`; otherwise the page says why and stops."""
    user = current_user()
    if user is None:
        st.warning("로그인이 필요합니다.")
        st.stop()
    if not user.may(role):
        st.error(
            f"이 페이지는 {ROLE_NAMES[role]} 이상만 볼 수 있습니다. (현재 역할: {ROLE_NAMES[user.role]})"
        )
        st.stop()
    return user


def record(action: str, detail: str = "") -> None:
    """Note in the audit log that the signed-in user did `action`."""
    user = current_user()
    accounts.record(_db_path(), user.name if user else "-", action, detail)


def sign_out_button() -> None:
    user = current_user()
    if user is None:
        return
    with st.sidebar:
        st.caption(f"{user.name} ({ROLE_NAMES[user.role]})")
        if st.button("로그아웃", key="sign_out"):
            accounts.record(_db_path(), user.name, "로그아웃")
            del st.session_state[SESSION_KEY]
            st.rerun()
