"""문서 올리기: upload minutes, press releases or forms; they are checked, stored and processed."""

from __future__ import annotations

import re

import streamlit as st

from app import auth, data, uploads
from app.text import plain
from nlp.readers import SUPPORTED_SUFFIXES
from settings import load_settings

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
replace_existing = st.checkbox(
    "같은 이름의 파일이 있으면 새 버전으로 바꾸기",
    value=False,
    key="upload_replace",
    help="끄면 같은 이름의 다른 파일은 '이름 (2)'처럼 다른 이름으로 저장되어 기존 문서가 그대로 남습니다.",
)
if not files:
    st.info("올릴 파일을 고르세요.")
    st.stop()
if not st.button("저장하고 처리하기", type="primary", key="upload_run"):
    st.stop()

with st.spinner("파일을 확인하는 중…"):
    stored = [
        uploads.store_upload(
            f.name, f.getvalue(), settings.data_dir, int(max_mb * 1_000_000), replace_existing
        )
        for f in files
    ]
for item in stored:
    if item.stored_as is None:
        st.error(plain(f"{item.original}: {item.problem}"))
        auth.record("문서 올리기 거부", f"{item.original}: {item.problem}")
    elif item.problem:
        st.info(plain(f"{item.original}: {item.problem}"))
    else:
        st.success(plain(f"{item.original}: '{item.stored_as}'(으)로 저장했습니다"))
    if item.is_new:
        auth.record("문서 올리기", item.stored_as or "")

names = [item.stored_as for item in stored if item.is_new and item.stored_as]
if not names:
    st.info("새로 처리할 파일이 없어 파이프라인을 실행하지 않았습니다.")
    st.stop()

STAGES = {
    "open-run": "실행 준비",
    "ingest": "문서 읽기",
    "split": "건의 나누기",
    "analyse": "형태소 분석",
    "load-cached-vectors": "저장된 임베딩 확인",
    "embed": "임베딩",
    "theme": "테마 정리",
    "assign-areas": "정책 분야 배정",
    "store": "저장",
}
SERVED_STATES = {"Scheduled": "대기 중", "Pending": "시작하는 중", "Running": "실행 중", "Late": "대기 중"}


def run_here() -> None:
    """A `fieldvoice pipeline` started by the explorer, with its stages as progress."""
    progress = st.progress(0.0, text="파이프라인을 시작하는 중…")
    with st.status("파이프라인 실행 중…", expanded=True) as status:
        try:
            for line in uploads.run_pipeline(settings.data_dir, data.db_path()):
                task = re.search(r"Task run '([a-z\-]+?)-\w+' - (.+)$", line)
                if not task or task.group(1) not in STAGES:
                    continue
                stage = list(STAGES).index(task.group(1))
                progress.progress(
                    (stage + 1) / len(STAGES), text=f"{stage + 1}/{len(STAGES)} {STAGES[task.group(1)]}"
                )
                if "Finished in state" not in task.group(2):
                    st.write(f"{STAGES[task.group(1)]}: {task.group(2)}")
        except RuntimeError as exc:
            status.update(label=str(exc), state="error")
            st.stop()
        status.update(label="처리를 마쳤습니다", state="complete")
    progress.progress(1.0, text="완료")


def run_served(handed: uploads.HandedRun) -> None:
    """A run handed to the `fieldvoice serve` of this warehouse: followed through Prefect's API."""
    st.info(
        plain(
            f"실행 중인 `fieldvoice serve`의 파이프라인에 실행을 넘겼습니다 (실행 '{handed.name}'). "
            f"단계별 기록과 로그: {handed.ui_url}"
        )
    )
    with st.status("서비스 중인 파이프라인이 처리하는 중…", expanded=True) as status:
        for name, message, over in uploads.follow_served_run(handed):
            if not over:
                status.update(label=f"서비스 중인 파이프라인: {SERVED_STATES.get(name, name)}…")
                continue
            if name == "Completed":
                status.update(label="처리를 마쳤습니다", state="complete")
                return
            status.update(
                label=plain(f"파이프라인이 끝나지 못했습니다 ({name}): {message or ''}"), state="error"
            )
            st.stop()
        status.update(label="파이프라인이 아직 끝나지 않았습니다. 잠시 뒤 다시 확인하세요.", state="error")
        st.stop()


handed = uploads.served_run(settings.data_dir, data.db_path(), settings.state_dir)
if handed is None:
    run_here()
else:
    run_served(handed)
data.clear_caches()  # the shared suggestion frame and search index too
found = data.suggestions_per_document(str(data.db_path()))
rejected = data.rejected_files(str(data.db_path()))
reasons = dict(zip(rejected["path"], rejected["reason"], strict=True))
st.dataframe(
    {
        "파일": names,
        "찾은 건의": [int(found.get(name, 0)) for name in names],
        "결과": [reasons.get(name, "처리했습니다") for name in names],
    },
    hide_index=True,
    width="stretch",
)
