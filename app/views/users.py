"""사용자·감사 기록 (admin): accounts and roles, and who signed in, exported, uploaded or changed what."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import auth, data
from fieldvoice import accounts
from fieldvoice.accounts import ROLE_NAMES, ROLES, AccountError

admin = auth.require("admin")
st.title("사용자·감사 기록")
users_file = accounts.accounts_file(data.db_path())

st.subheader("사용자")
st.dataframe(
    pd.DataFrame(
        {
            "사용자": [u.name for u in accounts.users(users_file)],
            "역할": [ROLE_NAMES[u.role] for u in accounts.users(users_file)],
        }
    ),
    hide_index=True,
    width="stretch",
)
with st.form("add_user", clear_on_submit=True):
    st.markdown("**사용자 추가**")
    name = st.text_input("사용자 이름", key="new_user_name")
    role = st.selectbox("역할", ROLES, format_func=ROLE_NAMES.get, key="new_user_role")
    password = st.text_input(
        f"초기 비밀번호 ({accounts.MIN_PASSWORD}자 이상)", type="password", key="new_user_password"
    )
    if st.form_submit_button("추가"):
        try:
            added = accounts.add_user(users_file, name, role, password)
        except AccountError as exc:
            st.error(str(exc))
        else:
            auth.record("사용자 추가", f"{added.name} ({added.role})")
            st.success(f"'{added.name}'({ROLE_NAMES[added.role]}) 사용자를 추가했습니다.")

st.subheader("감사 기록")
st.caption(
    "로그인, 내려받기, 문서 올리기, 테마·분야 변경, 사용자 추가를 누가 언제 했는지 최근 것부터 보여 줍니다."
)
log = accounts.audit_log(data.db_path())
if not log:
    st.info("아직 기록이 없습니다.")
else:
    frame = pd.DataFrame(log).rename(
        columns={"at": "시각", "actor": "사용자", "action": "작업", "detail": "내용"}
    )
    st.dataframe(frame, hide_index=True, width="stretch")
