"""Named reads of the warehouse, for the pipeline and for the explorer.

Every number the explorer shows comes from one of these functions; pages hold no SQL.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from nlp.clustering import ThemeGeometry
from nlp.curation import Curation
from nlp.theming import PreviousThemes

# `documents.superseded_by` of a document whose file left the data folder (nlp.ingest): not current,
# kept in history, current again if the same bytes come back to the same path.
WITHDRAWN = "withdrawn"
_CURRENT_DOCUMENTS = "SELECT content_hash FROM documents WHERE superseded_by IS NULL"
_LATEST_THEMES_RUN = "(SELECT max(run_id) FROM themes)"
# The tours every page counts and lists: those with at least one current suggestion.
_CURRENT_TOURS = f"SELECT DISTINCT tour_id FROM suggestions WHERE document_hash IN ({_CURRENT_DOCUMENTS})"
# A tour's name as every page shows it: its own name, else "date · host · company (or place)".
_TOUR_NAME = (
    "coalesce(tr.tour_name, nullif(concat_ws(' · ', strftime(tr.tour_date, '%Y-%m-%d'), tr.host, "
    "coalesce(tr.company, tr.place)), ''), '이름 없는 투어')"
)
_LATEST_AREAS_RUN = "(SELECT max(run_id) FROM suggestion_areas)"
# The areas staff see: the latest run's assignment, with every later correction on top.
_CURRENT_AREAS = f"""
    WITH corrected AS (
        SELECT suggestion_id, area FROM area_corrections
        QUALIFY row_number() OVER (PARTITION BY suggestion_id ORDER BY correction_id DESC) = 1
    )
    SELECT sa.suggestion_id, sa.area, sa.score, sa.rank, sa.source
    FROM suggestion_areas sa
    WHERE sa.run_id = {_LATEST_AREAS_RUN} AND sa.suggestion_id NOT IN (SELECT suggestion_id FROM corrected)
    UNION ALL
    SELECT suggestion_id, area, 1.0 AS score, 1 AS rank, 'staff' AS source FROM corrected
"""
# A theme's area: the primary area most of its members are filed under (never a keyword match).
_THEME_AREAS = f"""
    SELECT st.theme_id, pa.area, count(*) AS area_members
    FROM suggestion_themes st
    JOIN ({_CURRENT_AREAS}) pa ON pa.suggestion_id = st.suggestion_id AND pa.rank = 1
    WHERE st.run_id = {_LATEST_THEMES_RUN}
    GROUP BY st.theme_id, pa.area
    QUALIFY row_number() OVER (
        PARTITION BY st.theme_id ORDER BY count(*) DESC, sum(pa.score) DESC, pa.area
    ) = 1
"""
# Recent change is counted over the last RECENT_MONTHS before the latest suggestion, against the
# same length of time just before (the explorer says so in words).
RECENT_MONTHS = 6


# --- for the pipeline -------------------------------------------------------------------------


def stored_documents(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Content hash -> path of every stored document, superseded versions included."""
    return dict(con.execute("SELECT content_hash, path FROM documents").fetchall())


def current_document_paths(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Path -> content hash of the current version of each stored document."""
    return dict(
        con.execute("SELECT path, content_hash FROM documents WHERE superseded_by IS NULL").fetchall()
    )


def current_paths_from(con: duckdb.DuckDBPyConnection, data_dir: Path) -> set[str]:
    """Paths of the current documents that runs over `data_dir` stored (paths are stored relative to
    the data folder, so the run's folder says which folder a path belongs to)."""
    here = data_dir.resolve()
    rows = con.execute(
        "SELECT d.path, r.data_dir FROM documents d JOIN runs r USING (run_id) WHERE d.superseded_by IS NULL"
    ).fetchall()
    ours = {folder for folder in {folder for _, folder in rows} if folder and Path(folder).resolve() == here}
    return {path for path, folder in rows if folder in ours}  # each folder resolved once, not per document


def stored_suggestions(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every stored suggestion, superseded versions included: id, document and text hash (texts and
    nouns are read only where a run needs them: `suggestion_texts`)."""
    return con.execute(
        "SELECT suggestion_id, document_hash, text_hash FROM suggestions ORDER BY suggestion_id"
    ).df()


def suggestion_texts(con: duckdb.DuckDBPyConnection, suggestion_ids: list[str]) -> pd.DataFrame:
    """Text, text hash and nouns of the given suggestions, in the order given."""
    import pyarrow as pa

    con.register("wanted_suggestions", pa.table({"suggestion_id": suggestion_ids}))
    try:
        frame = con.execute(
            "SELECT s.suggestion_id, s.text, s.text_hash, s.nouns FROM suggestions s "
            "JOIN wanted_suggestions USING (suggestion_id)"
        ).df()
    finally:
        con.unregister("wanted_suggestions")
    return frame.set_index("suggestion_id").reindex(suggestion_ids).reset_index()


def theme_noun_counts(con: duckdb.DuckDBPyConnection) -> dict[int, Counter[str]]:
    """How often each noun occurs among each current theme's members (미분류 left out): what
    class-based TF-IDF ranks keywords from, counted in the warehouse instead of in Python.

    The snapshot's run id is read first and passed as a value: as a subquery DuckDB cannot prune
    `suggestion_themes` (one row per suggestion per theming run) by it, 2.8 s against 0.12 s at 100,000
    suggestions and 10 runs. One row per theme comes back, its nouns and counts as lists."""
    latest = con.execute(_LATEST_THEMES_RUN.strip("()")).fetchall()[0][0]
    if latest is None:
        return {}
    rows = con.execute(
        """
        WITH members AS (
            SELECT suggestion_id, theme_id FROM suggestion_themes WHERE run_id = ? AND theme_id <> -1
        ),
        pairs AS (
            SELECT m.theme_id, unnest(s.nouns) AS noun
            FROM members m JOIN (SELECT suggestion_id, nouns FROM suggestions) s USING (suggestion_id)
        ),
        counted AS (SELECT theme_id, noun, count(*) AS n FROM pairs GROUP BY ALL)
        SELECT theme_id, list(noun), list(n) FROM counted GROUP BY theme_id
        """,
        [latest],
    ).fetchall()
    return {int(theme_id): Counter(dict(zip(nouns, counts, strict=True))) for theme_id, nouns, counts in rows}


def latest_area_run(con: duckdb.DuckDBPyConnection) -> int | None:
    """The run whose area assignment is current (None: areas never assigned)."""
    return con.execute(f"SELECT {_LATEST_AREAS_RUN}").fetchall()[0][0]


def area_suggestion_ids(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The suggestions the latest area assignment covers (an incremental run carries them over)."""
    return {
        row[0]
        for row in con.execute(
            f"SELECT DISTINCT suggestion_id FROM suggestion_areas WHERE run_id = {_LATEST_AREAS_RUN}"
        ).fetchall()
    }


def cached_embeddings(
    con: duckdb.DuckDBPyConnection, model: str, text_hashes: list[str]
) -> dict[str, np.ndarray]:
    """Stored vectors of `model` for the given text hashes (those not stored are absent)."""
    if not text_hashes:
        return {}
    import pyarrow as pa

    con.register("wanted_hashes", pa.table({"text_hash": text_hashes}))
    try:
        table = con.sql(
            "SELECT e.text_hash, e.vector FROM embeddings e JOIN wanted_hashes w USING (text_hash) WHERE e.model = ?",
            params=[model],
        ).to_arrow_table()
    finally:
        con.unregister("wanted_hashes")
    return dict(zip(table.column("text_hash").to_pylist(), _matrix(table.column("vector")), strict=True))


def last_theme_fingerprint(con: duckdb.DuckDBPyConnection) -> str | None:
    """Fingerprint of the run that wrote the current themes."""
    rows = con.execute(
        f"SELECT fingerprint FROM runs WHERE run_id = {_LATEST_THEMES_RUN} AND status = 'completed'"
    ).fetchall()  # fetchall, not fetchone: DuckDB keeps an unfinished result open otherwise
    return rows[0][0] if rows else None


def last_settings_fingerprint(con: duckdb.DuckDBPyConnection) -> str | None:
    """Settings fingerprint of the current themes (a different one calls for a full re-cluster)."""
    rows = con.execute(
        f"SELECT settings_fingerprint FROM runs WHERE run_id = {_LATEST_THEMES_RUN}"
    ).fetchall()
    return rows[0][0] if rows else None


def previous_themes(con: duckdb.DuckDBPyConnection) -> PreviousThemes | None:
    """The current theme snapshot, as the starting point of the next theming (None: no themes yet)."""
    assignment: dict[str, int] = {}
    representatives: dict[int, list[tuple[int, str]]] = {}
    for sid, theme_id, rank in con.execute(
        f"SELECT suggestion_id, theme_id, representative_rank FROM suggestion_themes "
        f"WHERE run_id = {_LATEST_THEMES_RUN}"
    ).fetchall():
        assignment[sid] = theme_id
        if rank is not None:
            representatives.setdefault(theme_id, []).append((rank, sid))
    if not assignment:
        return None
    labels: dict[int, tuple[str, str]] = {}
    hidden: set[int] = set()
    for theme_id, label, source, is_hidden in con.execute(
        f"SELECT theme_id, label, label_source, is_hidden FROM themes "
        f"WHERE run_id = {_LATEST_THEMES_RUN} AND NOT is_unassigned"
    ).fetchall():
        labels[theme_id] = (label, source)
        if is_hidden:
            hidden.add(theme_id)
    next_id = con.execute("SELECT coalesce(max(theme_id), -1) + 1 FROM themes").fetchall()[0][0]
    return PreviousThemes(
        assignment=assignment,
        labels=labels,
        next_id=int(next_id),
        representatives={t: tuple(sid for _, sid in sorted(rows)) for t, rows in representatives.items()},
        hidden=frozenset(hidden),
        geometry=_stored_geometry(con, set(labels)),
    )


def _stored_geometry(con: duckdb.DuckDBPyConnection, theme_ids: set[int]) -> ThemeGeometry | None:
    """The centroids and radii stored with the current snapshot (None: the snapshot has none, or
    not for every theme, e.g. it was written by staff curation)."""
    table = con.sql(
        f"SELECT theme_id, centroid, radius FROM theme_geometry WHERE run_id = {_LATEST_THEMES_RUN} "
        "ORDER BY theme_id"
    ).to_arrow_table()
    stored = table.column("theme_id").to_pylist()
    if set(stored) != theme_ids:
        return None
    return ThemeGeometry(
        np.array(stored, dtype=int),
        _matrix(table.column("centroid")),
        table.column("radius").to_numpy(zero_copy_only=False).astype(float),
    )


def curation_log(con: duckdb.DuckDBPyConnection) -> list[Curation]:
    """Every staff curation, oldest first, to replay after theming."""
    rows = con.execute(
        "SELECT action, theme_id, target_theme_id, suggestion_id, label, member_ids "
        "FROM curations ORDER BY curation_id"
    ).fetchall()
    return [Curation(*row[:5], member_ids=tuple(row[5] or ())) for row in rows]


def area_corrections(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Suggestion id -> the area staff set last (the labelled examples of the next assignment)."""
    return dict(
        con.execute(
            "SELECT suggestion_id, area FROM area_corrections "
            "QUALIFY row_number() OVER (PARTITION BY suggestion_id ORDER BY correction_id DESC) = 1"
        ).fetchall()
    )


def areas_are_stale(con: duckdb.DuckDBPyConnection) -> bool:
    """Has staff corrected an area since areas were last assigned (or were they never assigned)?"""
    return bool(
        con.execute(
            f"""
            SELECT (SELECT count(*) FROM suggestions) > 0 AND (
                {_LATEST_AREAS_RUN} IS NULL
                OR (SELECT max(created_at) FROM area_corrections)
                   > (SELECT finished_at FROM runs WHERE run_id = {_LATEST_AREAS_RUN})
            )
            """
        ).fetchall()[0][0]
    )


# --- for the explorer and reports ---------------------------------------------------------------


def current_areas(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every current suggestion's areas: suggestion_id, area, score, rank (1 = primary), source."""
    return con.execute(
        f"SELECT a.* FROM ({_CURRENT_AREAS}) a "
        f"JOIN suggestions s USING (suggestion_id) WHERE s.document_hash IN ({_CURRENT_DOCUMENTS}) "
        "ORDER BY a.suggestion_id, a.rank"
    ).df()


def primary_area(con: duckdb.DuckDBPyConnection, suggestion_id: str) -> str | None:
    """The area a suggestion is filed under now (a staff correction, else the latest assignment)."""
    rows = con.execute(
        f"SELECT area FROM ({_CURRENT_AREAS}) WHERE suggestion_id = ? AND rank = 1", [suggestion_id]
    ).fetchall()
    return rows[0][0] if rows else None


def area_overview(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per policy area: suggestions filed under it (primary) and where it is secondary, tours, the
    primary count in the last RECENT_MONTHS before the latest suggestion and in as long before that
    (`recent`, `before`; `recent_from`, `recent_to`: that window), and its largest themes (the themes
    whose members are mostly filed under it), largest area first."""
    return con.execute(
        f"""
        WITH current_rows AS (
            SELECT a.area, a.rank, s.tour_id, s.raised_on
            FROM ({_CURRENT_AREAS}) a JOIN suggestions s USING (suggestion_id)
            WHERE s.document_hash IN ({_CURRENT_DOCUMENTS})
        ), window_end AS (
            SELECT max(raised_on) AS recent_to,
                   CAST(max(raised_on) - INTERVAL {RECENT_MONTHS} MONTH AS DATE) AS recent_from,
                   CAST(max(raised_on) - INTERVAL {2 * RECENT_MONTHS} MONTH AS DATE) AS before_from
            FROM current_rows
        ), themes_by_area AS (
            SELECT ta.area, list(t.label ORDER BY t.size DESC, t.theme_id) AS top_themes
            FROM ({_THEME_AREAS}) ta
            JOIN themes t ON t.run_id = {_LATEST_THEMES_RUN} AND t.theme_id = ta.theme_id
            WHERE NOT t.is_unassigned AND NOT t.is_hidden
            GROUP BY ta.area
        )
        SELECT r.area,
               count(*) FILTER (WHERE r.rank = 1) AS primary_count,
               count(*) FILTER (WHERE r.rank > 1) AS secondary_count,
               count(DISTINCT r.tour_id) FILTER (WHERE r.rank = 1) AS tours,
               count(*) FILTER (WHERE r.rank = 1 AND r.raised_on > w.recent_from) AS recent,
               count(*) FILTER (
                   WHERE r.rank = 1 AND r.raised_on > w.before_from AND r.raised_on <= w.recent_from
               ) AS before,
               any_value(w.recent_from) AS recent_from,
               any_value(w.recent_to) AS recent_to,
               coalesce(any_value(tba.top_themes), []) AS top_themes
        FROM current_rows r CROSS JOIN window_end w
        LEFT JOIN themes_by_area tba ON tba.area = r.area
        GROUP BY r.area ORDER BY primary_count DESC, r.area
        """
    ).df()


def area_correction_history(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Who set which suggestion's area, when, from what."""
    return con.execute(
        "SELECT c.created_at, c.actor, c.suggestion_id, s.text, c.previous_area, c.area, c.note "
        "FROM area_corrections c LEFT JOIN suggestions s USING (suggestion_id) ORDER BY c.correction_id DESC"
    ).df()


def warehouse_summary(con: duckdb.DuckDBPyConnection) -> dict[str, object]:
    """Counts and the last completed run, for the explorer's header."""
    row = con.execute(
        f"""
        SELECT
            (SELECT count(*) FROM ({_CURRENT_TOURS})),
            (SELECT count(*) FROM documents WHERE superseded_by IS NULL),
            (SELECT count(*) FROM suggestions WHERE document_hash IN ({_CURRENT_DOCUMENTS})),
            (SELECT count(*) FROM themes WHERE run_id = {_LATEST_THEMES_RUN} AND NOT is_unassigned AND NOT is_hidden),
            (SELECT count(*) FROM ({_REJECTED_FILES})),
            (SELECT max(finished_at) FROM runs WHERE status = 'completed')
        """
    ).fetchall()[0]
    keys = ("tours", "documents", "suggestions", "themes", "rejected_files", "last_run")
    return dict(zip(keys, row, strict=True))


def theme_overview(con: duckdb.DuckDBPyConnection, include_hidden: bool = False) -> pd.DataFrame:
    """Current themes, largest first (미분류 last): label, keywords, size, tours, first and last seen.

    Themes staff marked hidden are left out unless `include_hidden` (the admin page shows them)."""
    return con.execute(
        f"""
        SELECT t.theme_id, t.label, t.keywords, t.size, t.is_unassigned,
               t.label_source, t.is_hidden,
               CASE WHEN NOT t.is_unassigned THEN ta.area END AS area,
               CASE WHEN NOT t.is_unassigned THEN ta.area_members END AS area_members,
               count(DISTINCT s.tour_id) AS tours,
               min(s.raised_on) AS first_seen,
               max(s.raised_on) AS last_seen
        FROM themes t
        JOIN suggestion_themes st ON st.run_id = t.run_id AND st.theme_id = t.theme_id
        JOIN suggestions s ON s.suggestion_id = st.suggestion_id
        LEFT JOIN ({_THEME_AREAS}) ta ON ta.theme_id = t.theme_id
        WHERE t.run_id = {_LATEST_THEMES_RUN} AND (? OR NOT t.is_hidden)
        GROUP BY ALL
        ORDER BY t.is_unassigned, t.size DESC, t.theme_id
        """,
        [include_hidden],
    ).df()


def theme_examples(con: duckdb.DuckDBPyConnection, per_theme: int = 5) -> pd.DataFrame:
    """The first `per_theme` suggestions of every current theme (representatives first), in one query."""
    return con.execute(
        f"""
        SELECT st.theme_id, s.text, s.organisation, s.raised_on, {_TOUR_NAME} AS tour_name, tr.company,
               d.path AS document
        FROM suggestion_themes st
        JOIN suggestions s USING (suggestion_id)
        LEFT JOIN tours tr ON tr.tour_id = s.tour_id
        LEFT JOIN documents d ON d.content_hash = s.document_hash
        WHERE st.run_id = {_LATEST_THEMES_RUN}
        QUALIFY row_number() OVER (
            PARTITION BY st.theme_id
            ORDER BY st.representative_rank NULLS LAST, s.raised_on DESC NULLS LAST, s.suggestion_id
        ) <= ?
        ORDER BY st.theme_id, st.representative_rank NULLS LAST, s.raised_on DESC NULLS LAST, s.suggestion_id
        """,
        [per_theme],
    ).df()


def theme_suggestions(
    con: duckdb.DuckDBPyConnection, theme_id: int, limit: int | None = None
) -> pd.DataFrame:
    """A theme's suggestions, representatives first, with their tour and source document."""
    return con.execute(
        f"""
        SELECT s.suggestion_id, s.text, s.speaker, s.organisation, s.raised_on,
               {_TOUR_NAME} AS tour_name, tr.company, tr.region, tr.industry, d.path AS document,
               st.representative_rank
        FROM suggestion_themes st
        JOIN suggestions s USING (suggestion_id)
        LEFT JOIN tours tr ON tr.tour_id = s.tour_id
        LEFT JOIN documents d ON d.content_hash = s.document_hash
        WHERE st.run_id = {_LATEST_THEMES_RUN} AND st.theme_id = ?
        ORDER BY st.representative_rank NULLS LAST, s.raised_on DESC NULLS LAST, s.suggestion_id
        LIMIT ?
        """,
        [theme_id, limit if limit is not None else 2**31 - 1],
    ).df()


NO_SUGGESTIONS_REASON = "건의사항을 찾지 못했습니다"

# Files refused and not since ingested (latest reason), and current documents that were read but
# yielded no suggestion: those are stored (so they are not read again) but belong to no tour.
_REJECTED_FILES = f"""
    SELECT path, reason, rejected_at, run_id FROM rejections
    WHERE path NOT IN (SELECT path FROM documents WHERE superseded_by IS NULL)
    QUALIFY row_number() OVER (PARTITION BY path ORDER BY rejected_at DESC) = 1
    UNION ALL
    SELECT path, '{NO_SUGGESTIONS_REASON}' AS reason, ingested_at AS rejected_at, run_id FROM documents d
    WHERE superseded_by IS NULL
      AND NOT EXISTS (SELECT 1 FROM suggestions s WHERE s.document_hash = d.content_hash)
"""


def suggestions_per_document(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Current suggestions of each current document, by its path in the data folder."""
    rows = con.execute(
        """
        SELECT d.path, count(s.suggestion_id) FROM documents d
        LEFT JOIN suggestions s ON s.document_hash = d.content_hash
        WHERE d.superseded_by IS NULL GROUP BY d.path
        """
    ).fetchall()
    return {path: int(count) for path, count in rows}


def rejected_files(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Files refused and not since ingested, and documents with no suggestion, with the reason, newest first."""
    return con.execute(f"SELECT * FROM ({_REJECTED_FILES}) ORDER BY rejected_at DESC, path").df()


# --- explorer: suggestions, sources, trends, tours ----------------------------------------------

_SUGGESTION_ROWS = f"""
    SELECT s.suggestion_id, s.text, s.speaker, s.organisation, s.raised_on, s.nouns,
           s.tour_id, {_TOUR_NAME} AS tour_name, tr.company, tr.industry, tr.region, tr.tour_date,
           st.theme_id, t.label AS theme, d.path AS document, pa.area
    FROM suggestions s
    JOIN documents d ON d.content_hash = s.document_hash AND d.superseded_by IS NULL
    LEFT JOIN tours tr ON tr.tour_id = s.tour_id
    LEFT JOIN suggestion_themes st ON st.suggestion_id = s.suggestion_id AND st.run_id = {_LATEST_THEMES_RUN}
    LEFT JOIN themes t ON t.run_id = st.run_id AND t.theme_id = st.theme_id
    LEFT JOIN ({_CURRENT_AREAS}) pa ON pa.suggestion_id = s.suggestion_id AND pa.rank = 1
"""


def all_suggestions(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every current suggestion with its tour and theme (the explorer filters this in memory)."""
    return con.execute(_SUGGESTION_ROWS + " ORDER BY s.raised_on DESC NULLS LAST, s.suggestion_id").df()


def suggestion_source(con: duckdb.DuckDBPyConnection, suggestion_id: str) -> dict[str, object] | None:
    """A suggestion with its document's (masked) text, its span, and its tour's metadata."""
    frame = con.execute(
        f"""
        SELECT s.suggestion_id, s.text, s.span_start, s.span_end, s.speaker, s.organisation, s.raised_on,
               d.path, d.format, d.encoding, d.text AS document_text, tr.* REPLACE ({_TOUR_NAME} AS tour_name)
        FROM suggestions s
        JOIN documents d ON d.content_hash = s.document_hash
        LEFT JOIN tours tr ON tr.tour_id = s.tour_id
        WHERE s.suggestion_id = ?
        """,
        [suggestion_id],
    ).df()
    return None if frame.empty else frame.iloc[0].to_dict()


def suggestion_vectors(con: duckdb.DuckDBPyConnection, model: str) -> tuple[list[str], np.ndarray]:
    """Ids and unit vectors of current suggestions embedded with `model`, for semantic search."""
    table = con.sql(
        f"""
        SELECT s.suggestion_id, e.vector
        FROM suggestions s
        JOIN embeddings e ON e.text_hash = s.text_hash AND e.model = ?
        WHERE s.document_hash IN ({_CURRENT_DOCUMENTS})
        ORDER BY s.suggestion_id
        """,
        params=[model],
    ).to_arrow_table()
    return table.column("suggestion_id").to_pylist(), _matrix(table.column("vector"))


def _matrix(column) -> np.ndarray:  # a pyarrow list column of equal-length float lists
    """Stack a list column into a float32 matrix without going through Python lists."""
    if len(column) == 0:
        return np.zeros((0, 0), dtype=np.float32)
    flat = column.combine_chunks().flatten().to_numpy(zero_copy_only=False)
    return flat.astype(np.float32, copy=False).reshape(len(column), -1)


def embedding_models(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Models with stored vectors, most used first."""
    return [
        r[0]
        for r in con.execute("SELECT model FROM embeddings GROUP BY model ORDER BY count(*) DESC").fetchall()
    ]


def theme_tour_counts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Suggestions per (theme, tour), for the heatmap."""
    return con.execute(
        f"""
        SELECT t.theme_id, t.label AS theme, tr.tour_id, tr.tour_date,
               {_TOUR_NAME} AS tour, count(*) AS suggestions
        FROM suggestion_themes st
        JOIN themes t ON t.run_id = st.run_id AND t.theme_id = st.theme_id
        JOIN suggestions s ON s.suggestion_id = st.suggestion_id
        LEFT JOIN tours tr ON tr.tour_id = s.tour_id
        WHERE st.run_id = {_LATEST_THEMES_RUN} AND NOT t.is_hidden
        GROUP BY ALL
        ORDER BY tr.tour_date NULLS LAST, t.theme_id
        """
    ).df()


def theme_timeline(con: duckdb.DuckDBPyConnection, period: str = "month") -> pd.DataFrame:
    """Suggestions per theme per month or quarter (by the date they were raised)."""
    if period not in {"month", "quarter"}:
        raise ValueError("period must be 'month' or 'quarter'")
    return con.execute(
        f"""
        SELECT t.theme_id, t.label AS theme, date_trunc('{period}', s.raised_on) AS period, count(*) AS suggestions
        FROM suggestion_themes st
        JOIN themes t ON t.run_id = st.run_id AND t.theme_id = st.theme_id
        JOIN suggestions s ON s.suggestion_id = st.suggestion_id
        WHERE st.run_id = {_LATEST_THEMES_RUN} AND s.raised_on IS NOT NULL AND NOT t.is_hidden
        GROUP BY ALL
        ORDER BY period, t.theme_id
        """
    ).df()


def tour_list(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Tours with current suggestions, newest first, with how many documents and suggestions each has."""
    return con.execute(
        f"""
        SELECT tr.* REPLACE ({_TOUR_NAME} AS tour_name),
               count(DISTINCT d.content_hash) AS documents, count(DISTINCT s.suggestion_id) AS suggestions
        FROM tours tr
        LEFT JOIN documents d ON d.tour_id = tr.tour_id AND d.superseded_by IS NULL
        LEFT JOIN suggestions s ON s.tour_id = tr.tour_id AND s.document_hash IN ({_CURRENT_DOCUMENTS})
        WHERE tr.tour_id IN ({_CURRENT_TOURS})
        GROUP BY ALL
        ORDER BY tr.tour_date DESC NULLS LAST, tr.tour_id
        """
    ).df()


def tour_documents(con: duckdb.DuckDBPyConnection, tour_id: str) -> pd.DataFrame:
    return con.execute(
        "SELECT path, format, encoding, ingested_at FROM documents "
        "WHERE tour_id = ? AND superseded_by IS NULL ORDER BY path",
        [tour_id],
    ).df()


def tour_suggestions(con: duckdb.DuckDBPyConnection, tour_id: str) -> pd.DataFrame:
    """A tour's suggestions by theme, each flagged with how many earlier tours raised the same theme."""
    return (
        con.execute(
            _SUGGESTION_ROWS
            + """
        WHERE s.tour_id = ?
        """,
            [tour_id],
        )
        .df()
        .merge(_earlier_tours(con, tour_id), on="theme_id", how="left")
        .fillna({"earlier_tours": 0})
    )


def _earlier_tours(con: duckdb.DuckDBPyConnection, tour_id: str) -> pd.DataFrame:
    return con.execute(
        f"""
        SELECT st.theme_id, count(DISTINCT s.tour_id) AS earlier_tours
        FROM suggestion_themes st
        JOIN suggestions s ON s.suggestion_id = st.suggestion_id
        JOIN tours tr ON tr.tour_id = s.tour_id
        WHERE st.run_id = {_LATEST_THEMES_RUN}
          AND tr.tour_date < (SELECT tour_date FROM tours WHERE tour_id = ?)
        GROUP BY st.theme_id
        """,
        [tour_id],
    ).df()


# --- explorer: curation (the admin page) ---------------------------------------------------------


def document_list(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every stored path: its versions, whether one is current or its file was withdrawn, and the
    suggestions of its current (else latest) version, for `fieldvoice document list` and purges."""
    return con.execute(
        f"""
        WITH per_path AS (
            SELECT path, count(*) AS versions,
                   CASE WHEN bool_or(superseded_by IS NULL) THEN 'current'
                        WHEN bool_or(superseded_by = '{WITHDRAWN}') THEN 'withdrawn'
                        ELSE 'superseded' END AS status,
                   first(content_hash ORDER BY superseded_by IS NULL DESC, ingested_at DESC) AS shown_hash,
                   max(ingested_at) AS last_ingested
            FROM documents GROUP BY path
        )
        SELECT p.path, p.versions, p.status, count(s.suggestion_id) AS suggestions, p.last_ingested
        FROM per_path p LEFT JOIN suggestions s ON s.document_hash = p.shown_hash
        GROUP BY ALL ORDER BY p.path
        """
    ).df()


def curation_history(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every staff curation, newest first: who did what to which theme, and when."""
    return con.execute(
        f"""
        SELECT c.curation_id, c.created_at, c.actor, c.action, c.theme_id,
               c.previous_label, cur.label AS current_label,
               c.target_theme_id, target.label AS target_label, c.suggestion_id, s.text AS suggestion,
               c.label AS new_label, c.note
        FROM curations c
        LEFT JOIN themes cur ON cur.run_id = {_LATEST_THEMES_RUN} AND cur.theme_id = c.theme_id
        LEFT JOIN themes target ON target.run_id = {_LATEST_THEMES_RUN} AND target.theme_id = c.target_theme_id
        LEFT JOIN suggestions s ON s.suggestion_id = c.suggestion_id
        ORDER BY c.curation_id DESC
        """
    ).df()


def theme_lineage(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Where the current themes came from in the last theming run: splits, merges and new themes.

    Themes carry their current name (staff may have renamed them since)."""
    return con.execute(
        """
        SELECT l.run_id, r.theming_mode, r.finished_at, l.theme_id, coalesce(now_.label, t.label) AS label,
               l.relation, l.parent_id, parent.label AS parent_label, l.shared
        FROM theme_links l
        JOIN runs r ON r.run_id = l.run_id
        LEFT JOIN themes t ON t.run_id = l.run_id AND t.theme_id = l.theme_id
        LEFT JOIN themes now_ ON now_.run_id = (SELECT max(run_id) FROM themes) AND now_.theme_id = l.theme_id
        LEFT JOIN themes parent ON parent.theme_id = l.parent_id
            AND parent.run_id = (SELECT max(run_id) FROM themes WHERE run_id < l.run_id)
        WHERE l.run_id = (SELECT max(run_id) FROM theme_links)
        ORDER BY CASE l.relation WHEN 'continued' THEN 1 ELSE 0 END, l.theme_id, l.parent_id
        """
    ).df()
