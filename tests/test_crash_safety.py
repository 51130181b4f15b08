"""Crash safety: the pipeline killed with SIGKILL (its whole process group) at several moments loses
nothing and leaves no half-written run; the next run completes and marks killed runs `abandoned`.

Each run is a real `fieldvoice pipeline` subprocess (the test's state folder's shared Prefect server,
which outlives a killed run only for its short idle period here), so this module takes a couple of minutes.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
from samples import REPO, form_csv_text, table_counts, write_form_cp949, write_minutes, write_seed

NEW_FORM = "2024-07-02_식품가공_익산.csv"
NEW_ROWS = [
    ["1", "2024-07-02", "윤서준", "㈜익산푸드", "식품가공업", "전북 익산시", "냉동 창고 온도 데이터를 자동으로 기록하는 장비 도입 지원"],
    ["2", "2024-07-02", "한지우", "㈜호남식품", "식품가공업", "전북 익산시", "식품 포장 공정 자동화 설비 구입 자금의 금리 인하"],
    ["3", "2024-07-02", "오민재", "익산식품협회", "식품가공업", "전북 익산시", "HACCP 인증 유지 비용 지원 확대"],
]  # fmt: skip
NEW_TEXTS = sorted(row[-1] for row in NEW_ROWS)
DATA_TABLES = ("tours", "documents", "rejections", "suggestions", "embeddings", "themes", "suggestion_themes")
RUN_LIMIT_S = 180


def _env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "FIELDVOICE_"))}
    env["FIELDVOICE_STATE_DIR"] = str(tmp / "state")  # the subprocess's own Prefect database
    env["PREFECT_HOME"] = str(tmp / "state" / "prefect")
    env["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    env["PYTHONUNBUFFERED"] = "1"
    env["FIELDVOICE_PREFECT_IDLE_MINUTES"] = "0.1"  # the shared Prefect server stops soon after the test
    return env


def _command(data: Path, db: Path) -> list[str]:
    return [sys.executable, "-m", "fieldvoice.cli", "pipeline", "--data", str(data), "--db", str(db)]


def _run_to_completion(data: Path, db: Path, env: dict[str, str]) -> str:
    result = subprocess.run(
        _command(data, db),
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=RUN_LIMIT_S,
        start_new_session=True,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


def _run_and_kill(
    data: Path, db: Path, env: dict[str, str], *, after: float = 0.0, on: str | None = None
) -> str:
    """Start the pipeline, and SIGKILL its whole process group `after` seconds after start, or as soon
    as a log line matches `on`. Returns what it printed."""
    proc = subprocess.Popen(
        _command(data, db),
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )

    def kill() -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)

    watchdog = threading.Timer(RUN_LIMIT_S, kill)
    watchdog.start()
    lines: list[str] = []
    try:
        if on is None:
            time.sleep(after)
            kill()
        else:
            pattern = re.compile(on)
            assert proc.stdout is not None
            for line in proc.stdout:
                lines.append(line)
                if pattern.search(line):
                    time.sleep(after)
                    kill()
                    break
        out, _ = proc.communicate(timeout=60)
        lines.append(out or "")
    finally:
        watchdog.cancel()
        kill()
    printed = "".join(lines)
    assert on is None or re.search(on, printed), f"never saw {on!r}:\n{printed[-3000:]}"
    assert proc.returncode == -signal.SIGKILL, (
        f"the run ended by itself ({proc.returncode}):\n{printed[-3000:]}"
    )
    return printed


def _snapshot(db: Path) -> dict[str, object]:
    """Counts and run statuses, after checking that the warehouse is internally consistent."""
    con = duckdb.connect(str(db), read_only=True)  # opens after a kill: no lock or corruption left
    try:

        def one(sql: str) -> object:
            return con.execute(sql).fetchone()[0]

        counts = {t: one(f"SELECT count(*) FROM {t}") for t in DATA_TABLES}
        runs = con.execute("SELECT run_id, status FROM runs ORDER BY run_id").fetchall()

        # Every completed run's bookkeeping matches the rows it wrote.
        for run_id, documents_new, suggestions_new, themes_written in con.execute(
            "SELECT run_id, documents_new, suggestions_new, themes_written FROM runs WHERE status = 'completed'"
        ).fetchall():
            assert one(f"SELECT count(*) FROM documents WHERE run_id = {run_id}") == documents_new
            assert (
                one(
                    "SELECT count(*) FROM suggestions s JOIN documents d ON s.document_hash = d.content_hash "
                    f"WHERE d.run_id = {run_id}"
                )
                == suggestions_new
            )
            assert bool(one(f"SELECT count(*) FROM themes WHERE run_id = {run_id}")) == themes_written
        # No run that did not complete left any rows.
        for table in ("documents", "rejections", "themes", "suggestion_themes"):
            assert (
                one(
                    f"SELECT count(*) FROM {table} t JOIN runs r USING (run_id) WHERE r.status <> 'completed'"
                )
                == 0
            ), table
        assert (
            one(
                "SELECT count(*) FROM suggestions WHERE document_hash NOT IN (SELECT content_hash FROM documents)"
            )
            == 0
        )
        assert one("SELECT count(*) FROM suggestions s WHERE NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.text_hash = s.text_hash)") == 0  # fmt: skip

        # The latest theme set covers exactly the current documents' suggestions, once each.
        latest = one("SELECT max(run_id) FROM themes")
        if latest is not None:
            themed = con.execute(
                f"SELECT suggestion_id, count(*) FROM suggestion_themes WHERE run_id = {latest} GROUP BY 1"
            ).fetchall()
            current = con.execute(
                "SELECT suggestion_id FROM suggestions s JOIN documents d ON s.document_hash = d.content_hash "
                "WHERE d.superseded_by IS NULL"
            ).fetchall()
            assert {sid for sid, _ in themed} == {sid for (sid,) in current}
            assert all(n == 1 for _, n in themed)
            assert one(f"SELECT sum(size) FROM themes WHERE run_id = {latest}") == len(themed)

        new_texts = sorted(
            text
            for (text,) in con.execute(
                "SELECT s.text FROM suggestions s JOIN documents d ON s.document_hash = d.content_hash "
                "WHERE d.path = ?",
                [NEW_FORM],
            ).fetchall()
        )
        return {"counts": counts, "runs": runs, "new_texts": new_texts}
    finally:
        con.close()


def test_killed_runs_lose_nothing_and_leave_no_partial_state(tmp_path: Path) -> None:
    started = time.monotonic()
    data, db, env = tmp_path / "data", tmp_path / "warehouse.duckdb", _env(tmp_path)
    data.mkdir()
    write_seed(data, year=2026)
    write_minutes(data)
    write_form_cp949(data)

    _run_to_completion(data, db, env)
    before = _snapshot(db)
    assert before["runs"] == [(1, "completed")]
    assert before["counts"]["suggestions"] > 0
    assert before["new_texts"] == []
    assert table_counts(db)["suggestions"] == before["counts"]["suggestions"]

    (data / NEW_FORM).write_text(form_csv_text(NEW_ROWS), encoding="utf-8")
    task_done = r"Task run '{}-[0-9a-f]+' - Finished in state Completed"
    kills = [
        ("while Prefect starts, before the run is recorded", {"after": 2.0}),
        ("during morphological analysis", {"on": task_done.format("split"), "after": 0.5}),
        # the run only adds a form: its themes come from `extend-themes` (a full re-theme: `theme`)
        (
            "as the store task begins (racing its transaction)",
            {"on": task_done.format("(?:theme|extend-themes)")},
        ),
        ("after the store task committed, before the flow ends", {"on": task_done.format("store")}),
    ]
    snapshots = []
    for moment, how in kills:
        t = time.monotonic()
        _run_and_kill(data, db, env, **how)
        snapshot = _snapshot(db)
        print(f"killed {moment} after {time.monotonic() - t:.1f} s: {snapshot}")
        snapshots.append((moment, snapshot))

    output = _run_to_completion(data, db, env)
    final = _snapshot(db)
    print(f"final: {final}; total {time.monotonic() - started:.1f} s")

    # The final run completed; every run a kill left `running` is now `abandoned`.
    statuses = dict(final["runs"])
    last_run = max(statuses)
    assert f"실행 #{last_run}" in output
    assert statuses[last_run] == "completed"
    assert "running" not in statuses.values()
    killed_while_running = {
        run_id for _, s in snapshots for run_id, status in s["runs"] if status == "running"
    }
    assert killed_while_running, "no kill landed after the run was recorded"
    assert snapshots[-1][1]["counts"] == final["counts"], "the kill after the store task lost its commit"
    for run_id in killed_while_running:
        assert statuses[run_id] in ("abandoned", "completed"), (run_id, statuses)
    assert final["new_texts"] == NEW_TEXTS  # the new form's suggestions, exactly once
    assert final["counts"]["documents"] == before["counts"]["documents"] + 1
    assert final["counts"]["suggestions"] == before["counts"]["suggestions"] + len(NEW_ROWS)
    assert final["counts"]["embeddings"] == before["counts"]["embeddings"] + len(NEW_ROWS)

    # After every kill the warehouse held exactly the state before, or exactly the state after.
    for moment, snapshot in snapshots:
        assert snapshot["counts"] in (before["counts"], final["counts"]), moment
        completed = [run_id for run_id, status in snapshot["runs"] if status == "completed"]
        if snapshot["counts"] == before["counts"]:
            assert completed == [1] and snapshot["new_texts"] == [], moment
        else:
            assert len(completed) == 2 and snapshot["new_texts"] == NEW_TEXTS, moment
        assert [s for _, s in snapshot["runs"]].count("running") <= 1, moment


def test_a_second_pipeline_on_the_same_warehouse_says_so_at_once(tmp_path) -> None:
    import fcntl

    from fieldvoice.cli import pipeline_lock_file

    db = tmp_path / "warehouse.duckdb"
    holder = os.open(pipeline_lock_file(db), os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(holder, fcntl.LOCK_EX)  # a run in progress
    try:
        started = time.monotonic()
        second = subprocess.run(
            [sys.executable, "-m", "fieldvoice.cli", "pipeline", "--data", str(tmp_path), "--db", str(db)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert second.returncode == 3 and "다른 파이프라인" in second.stderr
        assert time.monotonic() - started < 20  # no work done, no waiting
        assert not db.exists()
    finally:
        os.close(holder)
