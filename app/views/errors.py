"""거부된 파일: every file the pipeline refused, and every upload refused at the door, and why."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import auth, data
from fieldvoice import accounts

auth.require("admin")
st.title("거부된 파일")
db = data.require_warehouse()
rejected = data.rejected_files(db)
if rejected.empty:
    st.success("파이프라인이 거부한 파일이 없습니다.")
else:
    st.caption(
        f"{len(rejected)}개 파일을 처리하지 못했습니다. 파일을 고쳐 다시 올리면 다음 실행에서 처리됩니다. "
        "(명령줄: `fieldvoice errors`)"
    )
    st.dataframe(
        rejected.rename(columns={"path": "파일", "reason": "이유", "rejected_at": "시각", "run_id": "실행"}),
        hide_index=True,
        width="stretch",
        column_config={"시각": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm")},
    )

refused = [e for e in accounts.audit_log(data.db_path()) if e["action"] == "문서 올리기 거부"]
if refused:
    st.subheader("문서 올리기에서 받지 않은 파일")
    st.caption("확인 단계에서 읽을 수 없어 저장하지 않은 파일입니다. 데이터 폴더에는 들어가지 않았습니다.")
    frame = pd.DataFrame(refused)
    file_and_reason = frame["detail"].str.split(": ", n=1, expand=True)
    st.dataframe(
        pd.DataFrame(
            {
                "시각": frame["at"],
                "파일": file_and_reason[0],
                "이유": file_and_reason[1],
                "올린 사람": frame["actor"],
            }
        ),
        hide_index=True,
        width="stretch",
    )
