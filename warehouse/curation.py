"""Record a staff curation and apply it at once, as a new snapshot of the themes.

A curation (rename, merge, move, hide, unhide) is checked against the current themes, logged in
`curations` with who and when, and applied by writing a new theme snapshot under a run of kind
`curation`, all in one transaction: the explorer shows the change straight away, earlier
snapshots stay as they were, and every later pipeline run replays the log (`nlp.curation`).
"""

from __future__ import annotations

from dataclasses import replace

import duckdb

from nlp.clustering import NOISE
from nlp.curation import ACTIONS, Curation, CurationError, apply_curations
from nlp.labelling import KEYWORDS_PER_THEME, MAX_LABEL_WORDS, UNASSIGNED_LABEL
from nlp.records import Theme
from warehouse.connection import transaction
from warehouse.queries import primary_area
from warehouse.store import write_themes

MAX_LABEL_CHARS = 40


def curate(con: duckdb.DuckDBPyConnection, curation: Curation, actor: str, note: str | None = None) -> int:
    """Validate, log and apply one curation; return the id of the curation run."""
    actor = (actor or "").strip()
    if not actor:
        raise CurationError("누가 바꾸는지(이름) 적어 주세요")
    base = _latest_run(con)
    themes = snapshot(con, base)
    _validate(curation, themes)
    if curation.action == "merge":
        curation = replace(curation, member_ids=themes[curation.theme_id].member_ids)
    description = describe(curation, themes)

    with transaction(con):
        run_id = con.execute(
            "INSERT INTO runs (run_id, started_at, finished_at, status, kind, theming_mode, fingerprint, "
            "settings_fingerprint, themes_written, message) "
            "SELECT nextval('run_ids'), now(), now(), 'completed', 'curation', 'curation', fingerprint, "
            "settings_fingerprint, true, ? FROM runs WHERE run_id = ? RETURNING run_id",
            [f"{actor}: {description}", base],
        ).fetchall()[0][0]
        con.execute(
            "INSERT INTO curations VALUES (nextval('curation_ids'), ?, ?, ?, ?, ?, ?, ?, ?, ?, now(), ?)",
            [
                curation.action,
                curation.theme_id,
                curation.target_theme_id,
                curation.suggestion_id,
                list(curation.member_ids),
                curation.label,
                themes[curation.theme_id].label,
                actor,
                note,
                run_id,
            ],
        )
        write_themes(con, run_id, _apply(themes, curation))
    return int(run_id)


def describe(curation: Curation, themes: dict[int, Theme]) -> str:
    """The action in a sentence, for the run log and messages."""
    name = themes[curation.theme_id].label if curation.theme_id in themes else str(curation.theme_id)
    if curation.action == "rename":
        return f"테마 '{name}' 이름을 '{curation.label}'(으)로 변경"
    if curation.action == "merge":
        return f"테마 '{name}'을(를) '{themes[curation.target_theme_id].label}'에 병합"
    if curation.action == "move":
        return f"건의 {curation.suggestion_id}을(를) 테마 '{name}'(으)로 이동"
    return f"테마 '{name}' {'숨김' if curation.action == 'hide' else '숨김 해제'}"


def _latest_run(con: duckdb.DuckDBPyConnection) -> int:
    rows = con.execute("SELECT max(run_id) FROM themes").fetchall()
    if not rows or rows[0][0] is None:
        raise CurationError("아직 테마가 없습니다: 먼저 파이프라인을 실행하세요")
    return int(rows[0][0])


def snapshot(con: duckdb.DuckDBPyConnection, run_id: int) -> dict[int, Theme]:
    members: dict[int, list[tuple[str, int | None]]] = {}
    for sid, theme_id, rank in con.execute(
        "SELECT suggestion_id, theme_id, representative_rank FROM suggestion_themes WHERE run_id = ? "
        "ORDER BY theme_id, representative_rank NULLS LAST, suggestion_id",
        [run_id],
    ).fetchall():
        members.setdefault(theme_id, []).append((sid, rank))
    themes = {}
    for theme_id, label, keywords, unassigned, source, hidden in con.execute(
        "SELECT theme_id, label, keywords, is_unassigned, label_source, is_hidden "
        "FROM themes WHERE run_id = ?",
        [run_id],
    ).fetchall():
        rows = members.get(theme_id, [])
        themes[theme_id] = Theme(
            theme_id=theme_id,
            label=label,
            keywords=tuple(keywords),
            member_ids=tuple(sid for sid, _ in rows),
            representative_ids=tuple(sid for sid, rank in rows if rank is not None),
            is_unassigned=unassigned,
            label_source=source or "phrase",
            is_hidden=bool(hidden),
        )
    return themes


def _validate(curation: Curation, themes: dict[int, Theme]) -> None:
    if curation.action not in ACTIONS:
        raise CurationError(f"알 수 없는 작업입니다: {curation.action!r} (가능: {', '.join(ACTIONS)})")
    real = {t for t, theme in themes.items() if not theme.is_unassigned}
    if curation.theme_id not in real:
        raise CurationError(f"테마 {curation.theme_id}이(가) 현재 테마에 없습니다")
    theme = themes[curation.theme_id]
    if curation.action == "rename":
        label = (curation.label or "").strip()
        if not label or len(label) > MAX_LABEL_CHARS or len(label.split()) > MAX_LABEL_WORDS:
            raise CurationError(
                f"테마 이름은 1-{MAX_LABEL_CHARS}자, {MAX_LABEL_WORDS}단어 이하로 적어 주세요: {curation.label!r}"
            )
        if label == UNASSIGNED_LABEL:
            raise CurationError(
                f"'{UNASSIGNED_LABEL}'은(는) 분류되지 않은 건의에 쓰는 이름이라 쓸 수 없습니다"
            )
        if label == theme.label:
            raise CurationError(f"테마 {curation.theme_id}의 이름이 이미 '{label}'입니다")
        clash = [t for t in real if t != curation.theme_id and themes[t].label == label]
        if clash:
            raise CurationError(
                f"'{label}'은(는) 이미 테마 {clash[0]}의 이름입니다 (테마 이름은 겹칠 수 없습니다)"
            )
    elif curation.action == "hide" and theme.is_hidden:
        raise CurationError(f"테마 {curation.theme_id} '{theme.label}'은(는) 이미 숨겨져 있습니다")
    elif curation.action == "unhide" and not theme.is_hidden:
        raise CurationError(f"테마 {curation.theme_id} '{theme.label}'은(는) 숨겨져 있지 않습니다")
    elif curation.action == "merge":
        if curation.target_theme_id not in real or curation.target_theme_id == curation.theme_id:
            raise CurationError(f"병합할 대상 테마 {curation.target_theme_id}이(가) 없거나 같은 테마입니다")
    elif curation.action == "move":
        owner = next((t for t, theme in themes.items() if curation.suggestion_id in theme.member_ids), None)
        if owner is None:
            raise CurationError(f"건의 {curation.suggestion_id}이(가) 현재 테마에 없습니다")
        if owner == curation.theme_id:
            raise CurationError(
                f"건의 {curation.suggestion_id}은(는) 이미 테마 {curation.theme_id}에 있습니다"
            )


def _apply(themes: dict[int, Theme], curation: Curation) -> list[Theme]:
    """The snapshot after `curation`: members moved by the shared replay rules, names and flags set."""
    assignment = {sid: t for t, theme in themes.items() for sid in theme.member_ids}
    moved = apply_curations(assignment, [curation]).assignment
    members: dict[int, list[str]] = {}
    for sid, theme_id in sorted(moved.items()):
        members.setdefault(theme_id, []).append(sid)
    result = []
    for theme_id, theme in themes.items():
        ids = members.get(theme_id)
        if not ids:
            continue  # merged away, or its last suggestion moved out
        keep = set(ids)
        changed = replace(
            theme,
            member_ids=tuple(sid for sid in theme.member_ids if sid in keep)
            + tuple(sid for sid in ids if sid not in set(theme.member_ids)),
            representative_ids=tuple(sid for sid in theme.representative_ids if sid in keep),
        )
        if curation.action == "rename" and theme_id == curation.theme_id:
            changed = replace(changed, label=(curation.label or "").strip(), label_source="staff")
        elif curation.action in ("hide", "unhide") and theme_id == curation.theme_id:
            changed = replace(changed, is_hidden=curation.action == "hide")
        elif curation.action == "merge" and theme_id == curation.target_theme_id:
            absorbed = themes[curation.theme_id].keywords
            keywords = theme.keywords + tuple(w for w in absorbed if w not in theme.keywords)
            changed = replace(changed, keywords=keywords[:KEYWORDS_PER_THEME])
        result.append(changed)
    return sorted(result, key=lambda t: (t.theme_id == NOISE, -t.size, t.theme_id))


def correct_area(
    con: duckdb.DuckDBPyConnection,
    suggestion_id: str,
    area: str,
    actor: str,
    known_areas: list[str],
    note: str | None = None,
) -> str | None:
    """Log a staff correction of a suggestion's policy area; return the area it had.

    The explorer shows it at once (current areas are the latest assignment with corrections on
    top); the next pipeline run replays it and learns from it (`nlp.areas`).
    """
    actor = (actor or "").strip()
    if not actor:
        raise CurationError("누가 바꾸는지(이름) 적어 주세요")
    if area not in known_areas:
        raise CurationError(f"분류표에 없는 분야입니다: {area} (분야: {', '.join(known_areas)})")
    exists = con.execute(
        "SELECT count(*) FROM suggestions WHERE suggestion_id = ? "
        "AND document_hash IN (SELECT content_hash FROM documents WHERE superseded_by IS NULL)",
        [suggestion_id],
    ).fetchall()[0][0]
    if not exists:
        raise CurationError(f"건의 {suggestion_id}을(를) 찾을 수 없습니다")
    previous_area = primary_area(con, suggestion_id)
    if previous_area == area:
        raise CurationError(f"건의 {suggestion_id}은(는) 이미 '{area}' 분야입니다")
    con.execute(
        "INSERT INTO area_corrections VALUES (nextval('area_correction_ids'), ?, ?, ?, ?, ?, now())",
        [suggestion_id, area, previous_area, actor, note],
    )
    return previous_area
