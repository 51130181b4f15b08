"""Uploading in the explorer: safe names, checks by content, storage, the pipeline run, the errors page."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import streamlit as st
from samples import MINUTES, REPO, binary_bytes, sign_in
from streamlit.testing.v1 import AppTest

from app import uploads
from warehouse import queries
from warehouse.connection import open_for_reading

MAIN = str(REPO / "app" / "main.py")
LIMIT = 1_000_000


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("C:\\문서\\회의록.HWP", "회의록.hwp"),
        ("회의록\x07\n2024.txt", "회의록_2024.txt"),
        ("간담회:결과.docx", "간담회_결과.docx"),
        ("...", "문서"),
    ],
)
def test_safe_file_names_drop_folders_and_control_characters(name: str, safe: str) -> None:
    assert uploads.safe_file_name(name) == safe


def test_a_readable_document_is_stored_once(tmp_path: Path) -> None:
    data = MINUTES.encode("cp949")
    first = uploads.store_upload("../회의록.txt", data, tmp_path, LIMIT)
    assert first.stored_as == "회의록.txt" and first.problem is None
    assert (tmp_path / "회의록.txt").read_bytes() == data
    again = uploads.store_upload("회의록.txt", data, tmp_path, LIMIT)
    assert again.problem == "이미 같은 파일이 있습니다"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["회의록.txt"]


@pytest.mark.parametrize(
    ("name", "data", "word"),
    [
        ("사진.txt", binary_bytes(), "바이너리"),
        ("빈.txt", b"", "빈 파일"),
        ("큰.txt", b"a" * (LIMIT + 1), "너무 큽니다"),
        ("실행.exe", b"MZ", "지원하지 않는 형식"),
        ("가짜.pdf", "건의사항".encode(), "PDF"),
    ],
)
def test_unreadable_uploads_are_refused_and_not_stored(
    tmp_path: Path, name: str, data: bytes, word: str
) -> None:
    result = uploads.store_upload(name, data, tmp_path / "raw", LIMIT)
    assert result.stored_as is None and word in (result.problem or "")
    assert not (tmp_path / "raw").exists() or not any((tmp_path / "raw").iterdir())


def test_an_upload_is_processed_by_a_pipeline_run(tmp_path: Path, flow_run) -> None:
    data_dir = tmp_path / "raw"
    shutil.copytree(flow_run["data_dir"], data_dir)
    db = tmp_path / "copy.duckdb"
    shutil.copy(flow_run["db_path"], db)
    text = MINUTES.replace("㈜대성정밀", "㈜새솔정밀").replace("2024년 5월 21일", "2025년 3월 4일")
    stored = uploads.store_upload("새 회의록.txt", text.encode("utf-8"), data_dir, LIMIT)
    assert stored.problem is None
    lines = list(uploads.run_pipeline(data_dir, db))
    assert any(f"{stored.stored_as}: 새 문서" in line for line in lines), lines[-20:]
    with open_for_reading(db) as con:
        current = {
            p for (p,) in con.execute("SELECT path FROM documents WHERE superseded_by IS NULL").fetchall()
        }
        companies = set(queries.tour_list(con)["company"])
    assert stored.stored_as in current and "㈜새솔정밀" in companies


@pytest.fixture
def app_on(monkeypatch: pytest.MonkeyPatch):
    def start(db: Path, page: str) -> AppTest:
        st.cache_data.clear()
        monkeypatch.setenv("FIELDVOICE_DB", str(db))
        app = AppTest.from_file(MAIN, default_timeout=60)
        sign_in(app)
        app.run()
        app.switch_page(page).run()
        assert not app.exception, app.exception
        return app

    yield start
    st.cache_data.clear()


def test_errors_page_lists_every_rejected_file(app_on, flow_run) -> None:
    with open_for_reading(flow_run["db_path"]) as con:
        rejected = queries.rejected_files(con)
    assert len(rejected) >= 4
    app = app_on(flow_run["db_path"], "views/errors.py")
    table = app.dataframe[0].value
    assert list(table["파일"]) == list(rejected["path"])
    assert all(reason for reason in table["이유"])


def test_upload_page_waits_for_files(app_on, flow_run) -> None:
    app = app_on(flow_run["db_path"], "views/upload.py")
    assert [t.value for t in app.title] == ["문서 올리기"]
    assert any("올릴 파일" in i.value for i in app.info)


def test_an_upload_never_silently_replaces_another_document(tmp_path: Path) -> None:
    first = uploads.store_upload("회의록.txt", MINUTES.encode("utf-8"), tmp_path, LIMIT)
    other = (MINUTES + "\n추가 건의: 물류비 지원 확대를 요청드립니다.\n").encode("utf-8")
    kept_apart = uploads.store_upload("회의록.txt", other, tmp_path, LIMIT)
    assert first.is_new and kept_apart.is_new
    assert kept_apart.stored_as == "회의록 (2).txt" and "다른 파일" in (kept_apart.problem or "")
    assert (tmp_path / "회의록.txt").read_text(encoding="utf-8") == MINUTES  # the first is untouched
    replaced = uploads.store_upload("회의록.txt", other, tmp_path, LIMIT, replace_existing=True)
    assert replaced.stored_as == "회의록.txt" and (tmp_path / "회의록.txt").read_bytes() == other
    duplicate = uploads.store_upload("회의록.txt", other, tmp_path, LIMIT)
    assert not duplicate.is_new  # nothing new: the page runs no pipeline for it


def test_file_names_are_cut_by_bytes_not_characters() -> None:
    name = uploads.safe_file_name("정책현장투어 회의록 " * 40 + ".txt")
    assert len(name.encode("utf-8")) <= uploads.MAX_NAME_BYTES and name.endswith(".txt")


def test_a_hostile_upload_is_checked_outside_the_server(tmp_path: Path) -> None:
    import io
    import zipfile

    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document>" + " " * 300_000_000 + "</w:document>")
    result = uploads.store_upload("폭탄.docx", bomb.getvalue(), tmp_path / "raw", LIMIT)
    assert result.stored_as is None and result.problem
    assert not (tmp_path / "raw").exists() or not any((tmp_path / "raw").iterdir())


def test_csv_exports_keep_hangul_for_excel_and_never_carry_formulas() -> None:
    import pandas as pd

    from app import export

    frame = pd.DataFrame({"건의": ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "스마트공장 지원"]})
    data = export.to_csv(frame)
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0] == "건의" and lines[-1] == "스마트공장 지원"
    assert all(line.startswith(("'", "\"'")) for line in lines[1:5]), lines
