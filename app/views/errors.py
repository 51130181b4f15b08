"""거부된 파일: every file the pipeline refused, and why (also `fieldvoice errors`)."""

from __future__ import annotations

import streamlit as st

from app import auth, data

auth.require("admin")
st.title("거부된 파일")
db = data.require_warehouse()
rejected = data.rejected_files(db)
if rejected.empty:
    st.success("거부된 파일이 없습니다.")
    st.stop()
st.caption(f"{len(rejected)}개 파일을 처리하지 못했습니다. 파일을 고쳐 다시 올리면 다음 실행에서 처리됩니다.")
st.dataframe(
    rejected.rename(columns={"path": "파일", "reason": "이유", "rejected_at": "시각", "run_id": "실행"}),
    hide_index=True,
    width="stretch",
    column_config={"시각": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm")},
)
