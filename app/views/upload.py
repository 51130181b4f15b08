"""문서 올리기: upload minutes, press releases or forms; they are checked, stored and processed."""

from __future__ import annotations

import re

import streamlit as st

from app import auth, data, uploads
from fieldvoice.config import load_settings
from nlp.readers import SUPPORTED_SUFFIXES

auth.require("admin")
st.title("문서 올리기")
settings = load_settings()
max_mb = settings.ingest.max_file_mb
st.caption(
    f"회의록, 보도자료, 건의 양식을 올리면 내용을 확인해 `{settings.data_dir.name}/` 폴더에 저장하고 파이프라인을 실행합니다. "
    f"형식: {', '.join(sorted(s[1:].upper() for s in SUPPORTED_SUFFIXES))} · 파일당 {max_mb:.0f} MB 까지"
)
files = st.file_uploader(
    "문서", accept_multiple_files=True, type=sorted(s[1:] for s in SUPPORTED_SUFFIXES), key="upload_files"
)
if not files:
    st.info("올릴 파일을 고르세요.")
    st.stop()
if not st.button("저장하고 처리하기", type="primary", key="upload_run"):
    st.stop()

stored = [
    uploads.store_upload(f.name, f.getvalue(), settings.data_dir, int(max_mb * 1_000_000)) for f in files
]
for item in stored:
    if item.stored_as and not item.problem:
        st.success(f"{item.original}: `{item.stored_as}`(으)로 저장했습니다")
    elif item.stored_as:
        st.info(f"{item.original}: {item.problem}")
    else:
        st.error(f"{item.original}: {item.problem}")

names = {item.stored_as for item in stored if item.stored_as}
if not names:
    st.stop()
outcomes: dict[str, str] = {}
with st.status("파이프라인 실행 중…", expanded=True) as status:
    try:
        for line in uploads.run_pipeline(settings.data_dir, data.db_path()):
            match = re.search(r"Task run 'ingest-\w+' - (.+?): (.+)$", line)
            if match and match.group(1) in names:
                outcomes[match.group(1)] = match.group(2)
            if "Task run" in line and " - " in line and "Finished in state" not in line:
                st.write(line.split(" - ", 1)[1])
    except RuntimeError as exc:
        status.update(label=str(exc), state="error")
        st.stop()
    status.update(label="처리를 마쳤습니다", state="complete")
data.clear_caches()  # the shared suggestion frame and search index too
st.table({"파일": list(outcomes), "결과": list(outcomes.values())})
