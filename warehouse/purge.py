"""Purge a document from history: every version of a path, its suggestions and what was derived from them.

Withdrawing a document (its file left the data folder) only takes it out of what is current; a purge
is for text that must not be kept at all (said by mistake, personal data missed by masking, a request
to be forgotten). In one transaction it deletes every stored version of the path, their suggestions,
those suggestions' theme and area rows and area corrections, the cached vectors of their texts that
no other suggestion shares, and tours no other document describes; writes the themes again without
those suggestions (a run of kind `purge`, whose empty fingerprint makes the next pipeline run theme
everything afresh, so no theme name is left built from the purged text); and records who purged
which path and when, with counts and never the text.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import duckdb

from nlp.clustering import NOISE
from nlp.curation import CurationError
from nlp.records import Theme
from warehouse.connection import transaction
from warehouse.curation import snapshot
from warehouse.store import write_themes


class PurgeRefused(CurationError):
    """The purge cannot apply (unknown path, file still in the data folder, nobody named)."""


@dataclass(frozen=True)
class PurgePlan:
    """What a purge of `path` would remove, for the confirmation question."""

    path: str
    versions: int
    suggestions: int
    current: bool  # one version is current (shown on the pages now)


@dataclass(frozen=True)
class PurgeResult:
    path: str
    versions: int
    suggestions: int
    embeddings: int
    tours: int
    run_id: int | None  # the purge run that rewrote the themes (None: no themes held them)


def plan_purge(con: duckdb.DuckDBPyConnection, path: str) -> PurgePlan:
    """What purging `path` removes; refused when no version of it is stored."""
    versions, current = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE superseded_by IS NULL) FROM documents WHERE path = ?", [path]
    ).fetchall()[0]
    if not versions:
        raise PurgeRefused(
            f"창고에 '{path}' 문서가 없습니다 (`fieldvoice document list`로 경로를 확인하세요)"
        )
    suggestions = con.execute(
        "SELECT count(*) FROM suggestions WHERE document_hash IN (SELECT content_hash FROM documents WHERE path = ?)",
        [path],
    ).fetchall()[0][0]
    return PurgePlan(path, int(versions), int(suggestions), bool(current))


def source_files_left(con: duckdb.DuckDBPyConnection, path: str) -> list[Path]:
    """The file `path` still lying in a data folder that stored it: a purge must wait until it is gone,
    or the next pipeline run would read it in again."""
    folders = [
        folder
        for (folder,) in con.execute(
            "SELECT DISTINCT r.data_dir FROM documents d JOIN runs r USING (run_id) "
            "WHERE d.path = ? AND r.data_dir IS NOT NULL",
            [path],
        ).fetchall()
    ]
    return [Path(folder) / path for folder in folders if (Path(folder) / path).exists()]


def purge_document(
    con: duckdb.DuckDBPyConnection, path: str, actor: str, note: str | None = None
) -> PurgeResult:
    """Remove every version of `path` and everything derived from its text, all or nothing."""
    actor = (actor or "").strip()
    if not actor:
        raise PurgeRefused("누가 삭제하는지(이름) 적어 주세요")
    plan = plan_purge(con, path)
    left = source_files_left(con, path)
    if left:
        raise PurgeRefused(
            f"파일이 아직 데이터 폴더에 있습니다: {left[0]}. 먼저 파일을 지우세요 "
            "(그대로 두면 다음 파이프라인 실행에서 다시 수집됩니다)"
        )
    with transaction(con):
        result = _purge(con, plan, actor, note)
    con.execute("CHECKPOINT")  # fold the change into the file now: the write-ahead log held the old rows
    return result


def _purge(con: duckdb.DuckDBPyConnection, plan: PurgePlan, actor: str, note: str | None) -> PurgeResult:
    con.execute(
        "CREATE OR REPLACE TEMP TABLE purged AS SELECT s.suggestion_id, s.text_hash FROM suggestions s "
        "JOIN documents d ON d.content_hash = s.document_hash WHERE d.path = ?",
        [plan.path],
    )
    tours = [
        t
        for (t,) in con.execute(
            "SELECT DISTINCT tour_id FROM documents WHERE path = ? AND tour_id IS NOT NULL", [plan.path]
        ).fetchall()
    ]
    base = con.execute("SELECT max(run_id) FROM themes").fetchall()[0][0]
    themes = snapshot(con, base) if base is not None else {}
    purged_ids = {sid for (sid,) in con.execute("SELECT suggestion_id FROM purged").fetchall()}

    embeddings = con.execute(
        "DELETE FROM embeddings WHERE text_hash IN (SELECT text_hash FROM purged) AND text_hash NOT IN "
        "(SELECT text_hash FROM suggestions WHERE suggestion_id NOT IN (SELECT suggestion_id FROM purged))"
    ).fetchall()[0][0]
    for table in ("suggestion_themes", "suggestion_areas", "area_corrections"):
        con.execute(f"DELETE FROM {table} WHERE suggestion_id IN (SELECT suggestion_id FROM purged)")
    con.execute("DELETE FROM suggestions WHERE suggestion_id IN (SELECT suggestion_id FROM purged)")
    con.execute("DELETE FROM documents WHERE path = ?", [plan.path])
    removed_tours = 0
    for tour_id in tours:  # a visit no other document describes goes with its document
        if (
            not con.execute("SELECT count(*) FROM documents WHERE tour_id = ?", [tour_id]).fetchall()[0][0]
            and not con.execute("SELECT count(*) FROM suggestions WHERE tour_id = ?", [tour_id]).fetchall()[
                0
            ][0]
        ):
            con.execute("DELETE FROM tours WHERE tour_id = ?", [tour_id])
            removed_tours += 1
    con.execute("DROP TABLE purged")

    run_id = None
    if any(purged_ids & set(theme.member_ids) for theme in themes.values()):
        run_id = con.execute(
            "INSERT INTO runs (run_id, started_at, finished_at, status, kind, theming_mode, fingerprint, "
            "settings_fingerprint, themes_written, message) "
            "SELECT nextval('run_ids'), now(), now(), 'completed', 'purge', 'purge', NULL, "
            "settings_fingerprint, true, ? FROM runs WHERE run_id = ? RETURNING run_id",
            [f"{actor}: 문서 삭제 (건의 {len(purged_ids)}건)", base],
        ).fetchall()[0][0]
        write_themes(con, run_id, _without(themes, purged_ids))
    con.execute(
        "INSERT INTO document_purges VALUES (nextval('purge_ids'), ?, ?, ?, ?, ?, ?, now(), ?)",
        [plan.path, plan.versions, len(purged_ids), embeddings, actor, note, run_id],
    )
    return PurgeResult(plan.path, plan.versions, len(purged_ids), int(embeddings), removed_tours, run_id)


def _without(themes: dict[int, Theme], purged: set[str]) -> list[Theme]:
    """The snapshot with the purged suggestions taken out (a theme left empty goes)."""
    kept = []
    for theme in themes.values():
        members = tuple(sid for sid in theme.member_ids if sid not in purged)
        if members:
            representatives = tuple(sid for sid in theme.representative_ids if sid not in purged)
            kept.append(replace(theme, member_ids=members, representative_ids=representatives))
    return sorted(kept, key=lambda t: (t.theme_id == NOISE, -t.size, t.theme_id))
