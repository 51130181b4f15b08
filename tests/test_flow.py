"""The real Prefect flow end to end, its incremental behaviour across runs, and the `fieldvoice` CLI."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import duckdb
import pytest
from samples import (
    BAD_FILES,
    FORM_ROWS,
    GOOD_FILES,
    MINUTES,
    MINUTES_NAME,
    MINUTES_SUGGESTIONS,
    REPO,
    SEED_NAME,
    SEED_SUGGESTIONS,
    binary_bytes,
    form_csv_text,
    table_counts,
    topic_form_rows,
    write_minutes,
    write_seed,
)

from nlp.hashing import short_hash
from warehouse import queries
from warehouse.connection import open_for_reading

UNMASKED_PHONE = re.compile(r"(?<!\d)(?:\+82[\s-]?)?0?\d{1,2}[\s.)-]?\d{3,4}[\s.-]\d{4}(?!\d)")
EXPECTED_SUGGESTIONS = (
    len(SEED_SUGGESTIONS) + len(MINUTES_SUGGESTIONS) + len(FORM_ROWS) + len(topic_form_rows())
)


def _read(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def _snapshot(db: Path) -> dict[str, object]:
    with open_for_reading(db) as con:
        latest = con.execute("SELECT max(run_id) FROM themes").fetchall()[0][0]
        return {
            "documents": {r[0]: r[1:] for r in con.execute(
                "SELECT content_hash, path, superseded_by FROM documents").fetchall()},
            "suggestions": {r[0]: r[1:] for r in con.execute(
                "SELECT suggestion_id, document_hash, text_hash, text FROM suggestions").fetchall()},
            "embeddings": {r[0] for r in con.execute("SELECT text_hash FROM embeddings").fetchall()},
            "themes_run": latest,
            "themes": con.execute(
                "SELECT theme_id, label, size FROM themes WHERE run_id = ? ORDER BY theme_id", [latest]).fetchall(),
            "members": con.execute(
                "SELECT suggestion_id, theme_id FROM suggestion_themes WHERE run_id = ?", [latest]).fetchall(),
            "current": {r[0] for r in con.execute(
                "SELECT content_hash FROM documents WHERE superseded_by IS NULL").fetchall()},
            "overview": queries.theme_overview(con),
            "rejected": queries.rejected_files(con),
            "runs": con.execute("SELECT run_id, status FROM runs ORDER BY run_id").fetchall(),
        }  # fmt: skip


def _with_counts(db: Path) -> dict[str, object]:
    state = _snapshot(db)
    state["counts"] = table_counts(db)
    return state


# --- the first run (session fixture `flow_run`, shared with test_app) ----------------------------


@pytest.fixture(scope="module")
def first(flow_run) -> dict[str, object]:
    return {**flow_run, **_with_counts(flow_run["db_path"])}


def test_first_run_completes(first) -> None:
    summary = first["summary"]
    assert first["runs"] == [(summary["run_id"], "completed")]
    assert summary["documents_new"] == len(GOOD_FILES)
    assert summary["documents_unchanged"] == 0
    assert summary["suggestions_new"] == summary["suggestions_total"] == EXPECTED_SUGGESTIONS
    assert summary["themes"] is not None and summary["themes"] >= 3
    assert sorted(path for path, _ in summary["rejections"]) == sorted(BAD_FILES)


def test_first_run_counts(first) -> None:
    counts = first["counts"]
    assert counts["documents"] == len(GOOD_FILES)
    assert counts["tours"] == len(GOOD_FILES)  # four different visits
    assert counts["suggestions"] == EXPECTED_SUGGESTIONS
    assert counts["suggestion_themes"] == EXPECTED_SUGGESTIONS
    assert counts["themes"] == len(first["themes"]) >= 3
    distinct_texts = {text_hash for _, text_hash, _ in first["suggestions"].values()}
    assert counts["embeddings"] == len(distinct_texts)
    assert first["embeddings"] == distinct_texts
    assert counts["rejections"] == len(BAD_FILES)
    assert sorted(path for path, _ in first["documents"].values()) == sorted(GOOD_FILES)


def test_every_suggestion_is_in_one_current_theme(first) -> None:
    members = [sid for sid, _ in first["members"]]
    assert sorted(members) == sorted(first["suggestions"])
    overview = first["overview"]
    assert overview["size"].sum() == EXPECTED_SUGGESTIONS
    assert overview.label.is_unique
    assert (~overview.is_unassigned).sum() >= 3


def test_seed_tour_is_dated_from_its_weekday(first) -> None:
    rows = _read(
        first["db_path"],
        "SELECT t.tour_date, t.tour_number, t.company, t.industry, t.region FROM tours t "
        "JOIN documents d ON d.tour_id = t.tour_id WHERE d.path = ?",
        [SEED_NAME],
    )
    assert rows == [(date(2025, 8, 14), 3, "㈜아이디모드", "편직의류 가공업", "서울 금천구")]
    seed_suggestions = _read(
        first["db_path"],
        "SELECT s.text, s.raised_on FROM suggestions s JOIN documents d ON d.content_hash = s.document_hash "
        "WHERE d.path = ? ORDER BY s.span_start",
        [SEED_NAME],
    )
    assert seed_suggestions == [(text, date(2025, 8, 14)) for text in SEED_SUGGESTIONS]


def test_minutes_and_forms_keep_speakers_and_dates(first) -> None:
    rows = _read(
        first["db_path"],
        "SELECT d.path, d.encoding, s.speaker, s.organisation, s.raised_on FROM suggestions s "
        "JOIN documents d ON d.content_hash = s.document_hash WHERE d.path LIKE '%.csv' AND d.encoding = 'cp949'",
    )
    assert sorted((r[2], r[3]) for r in rows) == sorted((row[2], row[3]) for row in FORM_ROWS)
    assert {r[4] for r in rows} == {date(2024, 6, 11)}


def test_every_bad_file_is_rejected_with_its_reason(first) -> None:
    rows = _read(first["db_path"], "SELECT path, reason FROM rejections")
    reasons = dict(rows)
    assert len(rows) == len(reasons) == len(BAD_FILES)
    for name, word in BAD_FILES.items():
        assert word in reasons[name], (name, reasons[name])
    assert "중복" in reasons["보도자료_사본.txt"]
    with open_for_reading(first["db_path"]) as con:
        listed = queries.rejected_files(con)
    assert sorted(listed.path) == sorted(BAD_FILES)
    assert dict(zip(listed.path, listed.reason, strict=True)) == reasons


def test_stored_text_has_no_unmasked_contacts(first) -> None:
    texts = [text for *_, text in first["suggestions"].values()]
    assert not [t for t in texts if UNMASKED_PHONE.search(t)]
    assert any("010-****-****" in t for t in texts)  # the minutes' and the form's numbers were there, masked
    documents = _read(first["db_path"], "SELECT path, text FROM documents")
    for path, text in documents:
        assert not UNMASKED_PHONE.search(text), path
        assert "gildong@" not in text and "010-4821-3307" not in text and "044-204-7260" not in text


def test_stored_spans_point_into_stored_documents(first) -> None:
    rows = _read(
        first["db_path"],
        "SELECT s.text, s.span_start, s.span_end, d.text FROM suggestions s "
        "JOIN documents d ON d.content_hash = s.document_hash",
    )
    assert len(rows) == EXPECTED_SUGGESTIONS
    for text, start, end, document in rows:
        assert document[start:end] == text


# --- later runs, on a copy of the first run's folder and warehouse ----------------------------------

NEW_FORM = "2024-10-08_금형_시화.csv"
NEW_ROWS = [
    ["1", "2024-10-08", "오세진", "㈜시화다이텍", "금형 제조업", "경기 시흥시", "금형 설계 도면 기술탈취 실태조사 확대"],
    ["2", "2024-10-08", "유정민", "㈜반월몰드", "금형 제조업", "경기 시흥시", "수출 바이어 상담회 참가비 지원"],
    ["3", "2024-10-08", "강태호", "㈜시흥정공", "금형 제조업", "경기 시흥시", "정책자금 대출 금리 인하"],
    # the same words as a suggestion already stored: its vector is reused, not recomputed
    ["4", "2024-10-08", "한상철", "㈜서해금형", "금형 제조업", "경기 시흥시", FORM_ROWS[1][6]],
]  # fmt: skip
CHANGED_ITEM = "3. 중대재해 예방을 위한 안전보건 컨설팅 비용 지원"


@pytest.fixture(scope="module")
def history(flow_run, tmp_path_factory) -> dict[str, dict[str, object]]:
    """States of a copied warehouse after: the first run, an identical rerun, a new file, a changed file,
    and the changed file changed back. `embedded` lists the texts each run handed to the model (a spy
    around the real `embed_texts`)."""
    import flows.pipeline
    from flows.pipeline import pipeline

    base = tmp_path_factory.mktemp("history")
    data = base / "data"
    db = base / "warehouse.duckdb"
    shutil.copytree(flow_run["data_dir"], data)
    shutil.copyfile(flow_run["db_path"], db)
    states = {"first": _with_counts(db)}
    embedded: list[str] = []
    real_embed_texts = flows.pipeline.embed_texts

    def spy(texts: list[str], *args, **kwargs):
        embedded.extend(texts)
        return real_embed_texts(texts, *args, **kwargs)

    def step(name: str) -> None:
        embedded.clear()
        summary = pipeline(data_dir=data, db_path=db)
        states[name] = {**_with_counts(db), "summary": summary, "embedded": list(embedded)}

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(flows.pipeline, "embed_texts", spy)
        step("again")
        (data / NEW_FORM).write_text(form_csv_text(NEW_ROWS), encoding="utf-8")
        step("added")
        minutes = write_minutes(data, text=MINUTES.replace("■ 발언 요지", f"{CHANGED_ITEM}\n\n■ 발언 요지"))
        step("changed")
        write_minutes(data)  # back to the first version's exact bytes
        step("reverted")
    assert minutes.name == MINUTES_NAME
    return states


def test_second_run_adds_nothing_and_keeps_themes(history) -> None:
    first, again = history["first"], history["again"]
    summary = again["summary"]
    assert summary["documents_new"] == 0
    assert summary["documents_unchanged"] == len(GOOD_FILES)
    assert summary["suggestions_new"] == 0
    assert summary["suggestions_total"] == EXPECTED_SUGGESTIONS
    assert summary["themes"] is None
    for table in ("tours", "documents", "suggestions", "embeddings", "themes", "suggestion_themes"):
        assert again["counts"][table] == first["counts"][table], table
    assert again["themes_run"] == first["themes_run"]
    assert again["embedded"] == []  # nothing new: the model is not even called
    assert again["themes"] == first["themes"]
    assert again["runs"][-1] == (summary["run_id"], "completed")
    # the bad files are still refused, and still listed once each
    assert sorted(path for path, _ in summary["rejections"]) == sorted(BAD_FILES)
    assert sorted(again["rejected"].path) == sorted(BAD_FILES)


def test_new_document_adds_only_its_suggestions_and_embeds_only_new_texts(history) -> None:
    before, after = history["again"], history["added"]
    summary = after["summary"]
    assert summary["documents_new"] == 1
    assert summary["suggestions_new"] == len(NEW_ROWS)
    new_ids = set(after["suggestions"]) - set(before["suggestions"])
    assert len(new_ids) == len(NEW_ROWS)
    (new_hash,) = {after["suggestions"][sid][0] for sid in new_ids}
    assert after["documents"][new_hash][0] == NEW_FORM
    # the old suggestions are untouched
    assert {sid: after["suggestions"][sid] for sid in before["suggestions"]} == before["suggestions"]
    new_texts = {after["suggestions"][sid][1] for sid in new_ids}
    assert new_texts == {short_hash(row[6]) for row in NEW_ROWS}
    expected_new_vectors = new_texts - before["embeddings"]
    assert 0 < len(expected_new_vectors) < len(new_texts)
    assert after["counts"]["embeddings"] - before["counts"]["embeddings"] == len(expected_new_vectors)
    assert after["embeddings"] == before["embeddings"] | new_texts
    assert sorted(short_hash(t) for t in after["embedded"]) == sorted(expected_new_vectors)
    # new suggestions change the theme set: it is rebuilt over everything current
    assert after["themes_run"] == summary["run_id"] != before["themes_run"]
    assert sorted(sid for sid, _ in after["members"]) == sorted(after["suggestions"])


def test_changed_document_supersedes_the_old_version(history) -> None:
    before, after = history["added"], history["changed"]
    path = MINUTES_NAME
    old_hash = next(h for h, (p, sup) in before["documents"].items() if p == path and sup is None)
    new_hash = next(h for h, (p, sup) in after["documents"].items() if p == path and sup is None)
    assert new_hash != old_hash
    assert after["documents"][old_hash] == (path, new_hash)  # the old row is kept, marked superseded
    assert after["summary"]["documents_new"] == 1
    assert after["counts"]["tours"] == before["counts"]["tours"]  # same visit

    old_ids = {sid for sid, (doc, _, _) in after["suggestions"].items() if doc == old_hash}
    new_ids = {sid for sid, (doc, _, _) in after["suggestions"].items() if doc == new_hash}
    assert len(old_ids) == len(MINUTES_SUGGESTIONS)
    assert len(new_ids) == len(MINUTES_SUGGESTIONS) + 1
    assert old_ids <= set(before["suggestions"])  # history is kept ...
    members = [sid for sid, _ in after["members"]]
    assert not old_ids & set(members)  # ... but leaves the current themes
    assert new_ids <= set(members)
    assert len(members) == len(set(members))
    current = {sid for sid, (doc, _, _) in after["suggestions"].items() if doc in after["current"]}
    assert set(members) == current
    assert after["summary"]["suggestions_total"] == len(current) == len(before["members"]) + 1
    assert after["overview"]["size"].sum() == len(current)
    # only the new sentence needed a vector
    assert after["counts"]["embeddings"] - before["counts"]["embeddings"] == 1
    assert after["embedded"] == [CHANGED_ITEM[3:]]
    stored_texts = {text for _, _, text in after["suggestions"].values()}
    assert CHANGED_ITEM[3:] in stored_texts


def test_reverting_a_document_makes_the_first_version_current_again(history) -> None:
    path = MINUTES_NAME
    first_hash = next(h for h, (p, _) in history["first"]["documents"].items() if p == path)
    reverted = history["reverted"]
    current_for_path = [h for h, (p, sup) in reverted["documents"].items() if p == path and sup is None]
    assert current_for_path == [first_hash]
    texts = {text for sid, (doc, _, text) in reverted["suggestions"].items() if doc in reverted["current"]}
    assert CHANGED_ITEM[3:] not in texts


def test_every_run_of_the_history_completed(history) -> None:
    runs = history["reverted"]["runs"]
    assert [status for _, status in runs] == ["completed"] * len(runs)
    assert len(runs) == 5


# --- the CLI --------------------------------------------------------------------------------------

FIELDVOICE = REPO / ".venv" / "bin" / "fieldvoice"


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(FIELDVOICE), *args], capture_output=True, text=True, cwd=REPO, env=dict(os.environ), timeout=300
    )


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory) -> dict[str, object]:
    """`fieldvoice pipeline` in a subprocess over the seed and three bad files (small: no theme to find)."""
    base = tmp_path_factory.mktemp("cli")
    data = base / "입력 문서"  # a folder name with Hangul and a space
    data.mkdir()
    write_seed(data, year=2026)
    (data / "empty.txt").write_bytes(b"")
    (data / "binary.txt").write_bytes(binary_bytes())
    (data / "notes.ppt").write_bytes(b"%PDF-1.4\n%%EOF\n")
    db = base / "cli.duckdb"
    return {"data": data, "db": db, "result": _cli("pipeline", "--data", str(data), "--db", str(db))}


def test_cli_pipeline_succeeds_and_names_rejected_files(cli_run) -> None:
    result = cli_run["result"]
    assert result.returncode == 0, result.stderr[-3000:]
    for name in ("empty.txt", "binary.txt", "notes.ppt"):
        assert name in result.stdout
    assert "거부된 파일 3건" in result.stdout
    assert f"새 건의 {len(SEED_SUGGESTIONS)}건" in result.stdout
    assert str(cli_run["db"]) in result.stdout
    assert table_counts(cli_run["db"])["suggestions"] == len(SEED_SUGGESTIONS)


def test_cli_errors_prints_one_line_per_rejected_file(cli_run) -> None:
    assert cli_run["result"].returncode == 0
    result = _cli("errors", "--db", str(cli_run["db"]))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    rows = dict(line.split("\t", 1) for line in lines)
    assert len(lines) == len(rows) == 3
    assert "빈 파일" in rows["empty.txt"]
    assert "바이너리" in rows["binary.txt"]
    assert "지원하지 않는 형식" in rows["notes.ppt"]


def test_cli_errors_on_the_flow_warehouse(flow_run) -> None:
    result = _cli("errors", "--db", str(flow_run["db_path"]))
    assert result.returncode == 0, result.stderr
    rows = dict(line.split("\t", 1) for line in result.stdout.strip().splitlines())
    assert sorted(rows) == sorted(BAD_FILES)
    for name, word in BAD_FILES.items():
        assert word in rows[name]


def test_the_command_keeps_its_exit_codes_when_it_skips_the_teardown() -> None:
    """`fieldvoice.cli.run` ends with `os._exit` after the exit handlers: the status must still be
    main's, argparse's or --help's, and what was printed must not be lost in a buffer."""
    helped = _cli("--help")
    assert helped.returncode == 0 and "pipeline" in helped.stdout
    wrong = _cli("정체불명")
    assert wrong.returncode == 2 and "invalid choice" in wrong.stderr


def test_cli_errors_without_a_warehouse_fails_with_a_message(tmp_path: Path) -> None:
    result = _cli("errors", "--db", str(tmp_path / "none.duckdb"))
    assert result.returncode == 1
    assert "does not exist" in result.stderr
    assert result.stdout == ""


def test_pipeline_on_a_missing_folder_fails_before_touching_the_warehouse(flow_run, tmp_path: Path) -> None:
    from flows.pipeline import pipeline

    db = tmp_path / "w.duckdb"
    with pytest.raises(FileNotFoundError, match="없는폴더"):
        pipeline(data_dir=tmp_path / "없는폴더", db_path=db)
    assert not db.exists()


def test_a_run_guesses_new_files_from_their_modification_time(tmp_path: Path) -> None:
    from fieldvoice.cli import count_new_files

    data, db = tmp_path / "raw", tmp_path / "fieldvoice.duckdb"
    (data / "2024").mkdir(parents=True)
    forms = [data / "2024" / f"간담회{n}.txt" for n in range(3)]
    for form in forms:
        form.write_text("건의", encoding="utf-8")
    assert count_new_files(data, db, 10) == 3  # no warehouse yet
    assert count_new_files(data, db, 2) == 2  # counted up to the limit only
    db.write_bytes(b"")
    for form in forms:
        os.utime(form, (1_000_000, 1_000_000))
    assert count_new_files(data, db, 10) == 0  # every file older than the warehouse
    os.utime(forms[1], None)
    os.utime(db, (2_000_000, 2_000_000))
    assert count_new_files(data, db, 10) == 1


def test_a_small_runs_early_tagger_is_niced_only_on_a_quiet_machine(tmp_path: Path, monkeypatch) -> None:
    """Niced on a busy machine, the child got a tenth of a core and a 20-suggestion add waited 23-30 s."""
    import nlp.tagging
    from fieldvoice import cli
    from settings import load_settings

    data, db = tmp_path / "raw", tmp_path / "fieldvoice.duckdb"
    data.mkdir()
    (data / "간담회.txt").write_text("스마트공장 유지보수 비용을 지원해 주십시오.", encoding="utf-8")
    started: list[tuple[str, int]] = []
    monkeypatch.setattr(nlp.tagging, "start_tagger_apart", lambda name, nice=0: started.append((name, nice)))
    settings = load_settings()
    measure = cli.machine_is_quiet
    for quiet, nice in ((True, 10), (False, 0)):
        monkeypatch.setattr(cli, "machine_is_quiet", lambda quiet=quiet: quiet)
        started.clear()
        cli.start_tagging_early(data, db, settings)
        assert started == [(settings.analysis.tagger, nice)]

    loadavg = tmp_path / "loadavg"
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    for running, quiet in ((1, True), (2, False), (5, False)):  # this process counted among the running
        loadavg.write_text(f"1.83 1.64 1.73 {running}/812 90211\n", encoding="ascii")
        assert measure(loadavg, samples=2) is quiet, running
    monkeypatch.setattr(os, "getloadavg", lambda: (0.4, 0.4, 0.4))  # no /proc: the load average
    assert measure(tmp_path / "absent", samples=2) is True
