"""The explorer keeps working while the pipeline writes: it waits for a short write, says the
data is being refreshed during a long one, and shows the new run once it lands."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import streamlit as st
from samples import REPO, form_csv_text, sign_in
from streamlit.testing.v1 import AppTest

from app.data import REFRESHING
from warehouse import connection

MAIN = str(REPO / "app" / "main.py")
HOLD_LOCK = "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); print('locked', flush=True); time.sleep(float(sys.argv[2]))"


@pytest.fixture(autouse=True)
def fresh_cache():
    st.cache_data.clear()
    yield
    st.cache_data.clear()


def _render(db: Path) -> AppTest:
    st.cache_data.clear()
    app = AppTest.from_file(MAIN, default_timeout=120)
    sign_in(app)
    app.run()
    return app


def _hold_write_lock(db: Path, seconds: float) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(db), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    return holder


def _suggestion_metric(app: AppTest) -> int:
    return int(next(m.value for m in app.metric if m.label == "건의").replace(",", ""))


def test_a_long_write_shows_a_refresh_message_then_recovers(monkeypatch, tmp_path, flow_run) -> None:
    db = tmp_path / "copy.duckdb"
    shutil.copy(flow_run["db_path"], db)
    monkeypatch.setenv("FIELDVOICE_DB", str(db))
    monkeypatch.setattr(connection, "READ_WAIT_SECONDS", 0.5)
    holder = _hold_write_lock(db, 60)
    try:
        app = _render(db)
        assert not app.exception
        assert [i.value for i in app.info] == [REFRESHING]
    finally:
        holder.kill()
        holder.wait()
    app = _render(db)
    assert not app.exception and not app.info
    assert [t.value for t in app.title] == ["테마 개요"] and app.metric


def test_a_short_write_is_waited_for(monkeypatch, tmp_path, flow_run) -> None:
    db = tmp_path / "copy.duckdb"
    shutil.copy(flow_run["db_path"], db)
    monkeypatch.setenv("FIELDVOICE_DB", str(db))
    holder = _hold_write_lock(db, 1.5)
    try:
        app = _render(db)
    finally:
        holder.wait()
    assert not app.exception and not app.info
    assert app.metric


def test_pages_keep_rendering_during_a_real_pipeline_run(monkeypatch, tmp_path, flow_run) -> None:
    data = tmp_path / "data"
    shutil.copytree(flow_run["data_dir"], data)
    rows = [["1", "2025-12-10", "최은서", "㈜새빛소재", "소재 제조업", "경기 화성시", "중소기업 전용 AI 학습 데이터 구축 지원"],
            ["2", "2025-12-10", "윤재호", "㈜새빛소재", "소재 제조업", "경기 화성시", "탄소 배출량 산정 컨설팅 비용 지원"]]  # fmt: skip
    (data / "2025-12-10_소재_화성.csv").write_text(form_csv_text(rows), encoding="utf-8")
    db = tmp_path / "copy.duckdb"
    shutil.copy(flow_run["db_path"], db)
    monkeypatch.setenv("FIELDVOICE_DB", str(db))
    before = _suggestion_metric(_render(db))

    env = dict(os.environ, PREFECT_HOME=str(tmp_path / "prefect"))
    env.pop("PREFECT_API_DATABASE_CONNECTION_URL", None)
    env.pop("PREFECT_API_URL", None)
    command = [sys.executable, "-m", "fieldvoice.cli", "pipeline", "--data", str(data), "--db", str(db)]
    run = subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    renders = 0
    deadline = time.monotonic() + 300
    while run.poll() is None and time.monotonic() < deadline:
        app = _render(db)
        assert not app.exception, app.exception
        assert app.metric or [i.value for i in app.info] == [REFRESHING]
        renders += 1
    output = run.communicate(timeout=60)[0]
    assert run.returncode == 0, output
    assert renders >= 2, "the pages were rendered while the pipeline ran"
    assert _suggestion_metric(_render(db)) == before + 2
