"""Write what a pipeline run produced, in one transaction.

A run is recorded as `running` when it starts; everything it found is written together at the
end, with the run marked `completed` in the same transaction. A run that fails or is killed
leaves the previous state as it was (DuckDB rolls back the open transaction on restart), and
the next run marks the stale row `abandoned`.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field

import duckdb
import numpy as np

from nlp.areas import AreaScore
from nlp.clustering import ThemeGeometry
from nlp.hashing import short_hash
from nlp.identity import ThemeLink
from nlp.records import ParsedDocument, Rejection, Suggestion, Theme, TourMetadata
from warehouse.connection import transaction
from warehouse.queries import WITHDRAWN


@dataclass
class RunOutput:
    """Everything one run adds to the warehouse."""

    documents: list[ParsedDocument] = field(default_factory=list)
    document_tours: dict[str, str] = field(default_factory=dict)
    superseded: dict[str, str] = field(default_factory=dict)  # old content hash -> new one
    reinstated: dict[str, str | None] = field(default_factory=dict)  # earlier version -> the one it replaces
    withdrawn: dict[str, str] = field(default_factory=dict)  # path gone from the data folder -> its hash
    unchanged: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    tours: list[TourMetadata] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    nouns: dict[str, list[str]] = field(default_factory=dict)
    embedding_model: str = ""
    new_embeddings: dict[str, np.ndarray] = field(default_factory=dict)
    themes: list[Theme] | None = None  # None: the suggestion set and settings did not change
    theme_links: list[ThemeLink] = field(default_factory=list)
    theme_geometry: ThemeGeometry | None = None  # each theme's centroid and radius, for the next run
    theming_mode: str | None = None  # full | recluster | incremental
    fingerprint: str = ""
    settings_fingerprint: str = ""
    areas: dict[str, list[AreaScore]] | None = None  # None: the run assigned no areas
    # an incremental run assigns only its new suggestions and carries the rest over from this run
    areas_carried_from: int | None = None
    staff_areas: frozenset[str] = frozenset()  # suggestions whose area is a staff correction


def start_run(con: duckdb.DuckDBPyConnection, data_dir: str, settings: dict[str, object]) -> int:
    """Record a new run as `running` (and any run left `running` by a crash as `abandoned`)."""
    con.execute("UPDATE runs SET status = 'abandoned', finished_at = now() WHERE status = 'running'")
    row = con.execute(
        "INSERT INTO runs (run_id, started_at, status, data_dir, settings_json) "
        "VALUES (nextval('run_ids'), now(), 'running', ?, ?) RETURNING run_id",
        [data_dir, json.dumps(settings, ensure_ascii=False, default=str)],
    ).fetchall()
    return int(row[0][0])


def fail_run(con: duckdb.DuckDBPyConnection, run_id: int, message: str) -> None:
    con.execute(
        "UPDATE runs SET status = 'failed', finished_at = now(), message = ? WHERE run_id = ?",
        [message, run_id],
    )


# A run's suggestions and vectors go in by slices of this many rows (one transaction still): at 100,000
# suggestions one insert held every row as Python dicts and Arrow columns at once (~250 MB more).
_ROWS_PER_INSERT = 20_000


def write_run(con: duckdb.DuckDBPyConnection, run_id: int, out: RunOutput) -> None:
    """Write the run's output and mark it completed, all or nothing (a full disk leaves the warehouse as it was)."""
    with transaction(con):
        _write_tours(con, out.tours)
        _write_documents(con, run_id, out)
        _write_rejections(con, run_id, out.rejections)
        _write_suggestions(con, out)
        _write_embeddings(con, out.embedding_model, out.new_embeddings)
        if out.themes is not None:
            write_themes(con, run_id, out.themes, out.theme_links, out.theme_geometry)
        if out.areas is not None:
            if out.areas_carried_from is not None:
                con.execute(
                    "INSERT INTO suggestion_areas SELECT ?, suggestion_id, area, score, rank, source "
                    "FROM suggestion_areas WHERE run_id = ?",
                    [run_id, out.areas_carried_from],
                )
            _write_areas(con, run_id, out.areas, out.staff_areas)
        con.execute(
            "UPDATE runs SET status = 'completed', finished_at = now(), fingerprint = ?, settings_fingerprint = ?, "
            "theming_mode = ?, documents_new = ?, documents_unchanged = ?, documents_rejected = ?, "
            "suggestions_new = ?, themes_written = ?, documents_withdrawn = ? WHERE run_id = ?",
            [
                out.fingerprint,
                out.settings_fingerprint,
                out.theming_mode if out.themes is not None else None,
                len(out.documents),
                out.unchanged,
                len(out.rejections),
                len(out.suggestions),
                out.themes is not None,
                len(out.withdrawn),
                run_id,
            ],
        )


def _write_areas(
    con: duckdb.DuckDBPyConnection, run_id: int, areas: dict[str, list[AreaScore]], staff: frozenset[str]
) -> None:
    rows = [
        {
            "run_id": run_id,
            "suggestion_id": suggestion_id,
            "area": a.area,
            "score": a.score,
            "rank": a.rank,
            "source": "staff" if suggestion_id in staff else "model",
        }
        for suggestion_id, assigned in areas.items()
        for a in assigned
    ]
    _insert_frame(con, "suggestion_areas", rows)  # was executemany: ~1 ms a row, minutes at 100k


def _write_tours(con: duckdb.DuckDBPyConnection, tours: list[TourMetadata]) -> None:
    for tour in tours:
        # A later document about the same visit may know more: keep what either knows.
        con.execute(
            "INSERT INTO tours VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tour_id) DO UPDATE SET "
            "tour_name = coalesce(tours.tour_name, excluded.tour_name), "
            "tour_number = coalesce(tours.tour_number, excluded.tour_number), "
            "place = coalesce(tours.place, excluded.place), industry = coalesce(tours.industry, excluded.industry), "
            "region = coalesce(tours.region, excluded.region), host = coalesce(tours.host, excluded.host), "
            "participants = list_distinct(list_concat(tours.participants, excluded.participants))",
            [
                tour.tour_id,
                tour.date,
                tour.tour_name,
                tour.tour_number,
                tour.company,
                tour.place,
                tour.industry,
                tour.region,
                tour.host,
                list(tour.participants),
            ],
        )


def _write_documents(con: duckdb.DuckDBPyConnection, run_id: int, out: RunOutput) -> None:
    for document in out.documents:
        con.execute(
            "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, now(), NULL)",
            [
                document.content_hash,
                document.path,
                document.format,
                document.encoding,
                document.text,
                out.document_tours.get(document.content_hash),
                run_id,
            ],
        )
    for old, new in out.superseded.items():
        con.execute("UPDATE documents SET superseded_by = ? WHERE content_hash = ?", [new, old])
    for earlier, replaced in out.reinstated.items():
        con.execute("UPDATE documents SET superseded_by = NULL WHERE content_hash = ?", [earlier])
        if replaced:
            con.execute("UPDATE documents SET superseded_by = ? WHERE content_hash = ?", [earlier, replaced])
    for content_hash in out.withdrawn.values():
        con.execute(
            "UPDATE documents SET superseded_by = ? WHERE content_hash = ? AND superseded_by IS NULL",
            [WITHDRAWN, content_hash],
        )


def _write_rejections(con: duckdb.DuckDBPyConnection, run_id: int, rejections: list[Rejection]) -> None:
    rows = [
        {"path": r.path, "content_hash": r.content_hash, "reason": r.reason, "run_id": run_id}
        for r in rejections
    ]
    _insert_frame(con, "rejections", rows, extra={"rejected_at": "now()"})


def _insert_frame(
    con: duckdb.DuckDBPyConnection,
    table: str,
    rows: list[dict[str, object]],
    suffix: str = "",
    extra: dict[str, str] | None = None,
) -> None:
    """Bulk insert through a registered Arrow table (row-by-row inserts are slow in DuckDB).

    `extra` adds columns computed in SQL (e.g. `now()`).
    """
    if not rows:
        return
    import pyarrow as pa

    _insert_arrow(con, table, pa.Table.from_pylist(rows), suffix, extra)


def _insert_arrow(
    con: duckdb.DuckDBPyConnection,
    table: str,
    incoming: object,
    suffix: str = "",
    extra: dict[str, str] | None = None,
) -> None:
    """Insert every row of the Arrow table `incoming`, its columns by name (plus `extra`, in SQL)."""
    con.register("incoming_rows", incoming)
    try:
        extra = extra or {}
        names = list(incoming.column_names)  # type: ignore[attr-defined]
        columns = ", ".join([*names, *extra])
        values = ", ".join([*names, *extra.values()])
        con.execute(f"INSERT INTO {table} ({columns}) SELECT {values} FROM incoming_rows {suffix}")
    finally:
        with contextlib.suppress(duckdb.Error):  # an aborted transaction must not hide the real error
            con.unregister("incoming_rows")


def _write_suggestions(con: duckdb.DuckDBPyConnection, out: RunOutput) -> None:
    for start in range(0, len(out.suggestions), _ROWS_PER_INSERT):
        _insert_frame(
            con,
            "suggestions",
            [
                {
                    "suggestion_id": s.suggestion_id,
                    "document_hash": s.document_hash,
                    "tour_id": s.tour_id,
                    "text": s.text,
                    "text_hash": short_hash(s.text),
                    "span_start": s.span_start,
                    "span_end": s.span_end,
                    "speaker": s.speaker,
                    "organisation": s.organisation,
                    "raised_on": s.raised_on,
                    "nouns": out.nouns.get(s.suggestion_id, []),
                }
                for s in out.suggestions[start : start + _ROWS_PER_INSERT]
            ],
        )


def _write_embeddings(con: duckdb.DuckDBPyConnection, model: str, vectors: dict[str, np.ndarray]) -> None:
    """The run's new vectors as float32 Arrow list columns built from the matrix: no Python float per
    value (at 100,000 e5 vectors, `tolist()` made 38 million float objects, about 2 GB)."""
    import pyarrow as pa

    hashes = list(vectors)
    for start in range(0, len(hashes), _ROWS_PER_INSERT):
        part = hashes[start : start + _ROWS_PER_INSERT]
        matrix = np.stack([vectors[h] for h in part]).astype(np.float32, copy=False)
        count, dimension = matrix.shape
        offsets = pa.array(np.arange(0, count * dimension + 1, dimension, dtype=np.int32))
        incoming = pa.table(
            {
                "model": pa.array([model] * count, pa.string()),
                "text_hash": pa.array(part, pa.string()),
                "vector": pa.ListArray.from_arrays(offsets, pa.array(matrix.reshape(-1))),
            }
        )
        _insert_arrow(con, "embeddings", incoming, suffix="ON CONFLICT DO NOTHING")


def write_themes(
    con: duckdb.DuckDBPyConnection,
    run_id: int,
    themes: list[Theme],
    links: list[ThemeLink] = (),
    geometry: ThemeGeometry | None = None,
) -> None:
    """One snapshot of themes: theme rows, every suggestion's theme, where each theme came from, and
    (from a pipeline run) where each theme sits, which the next incremental run extends.

    Called inside the caller's transaction (a pipeline run or a curation)."""
    theme_rows = [
        {
            "run_id": run_id,
            "theme_id": t.theme_id,
            "label": t.label,
            "keywords": list(t.keywords),
            "size": t.size,
            "is_unassigned": t.is_unassigned,
            "label_source": t.label_source,
            "is_hidden": t.is_hidden,
        }
        for t in themes
    ]
    _insert_frame(con, "themes", theme_rows)
    rows = []
    for theme in themes:
        rank = {sid: i + 1 for i, sid in enumerate(theme.representative_ids)}
        rows += [
            {
                "run_id": run_id,
                "suggestion_id": sid,
                "theme_id": theme.theme_id,
                "representative_rank": rank.get(sid),
            }
            for sid in theme.member_ids
        ]
    _insert_frame(con, "suggestion_themes", rows)
    _insert_frame(
        con,
        "theme_links",
        [
            {
                "run_id": run_id,
                "theme_id": link.theme_id,
                "parent_id": link.parent_id,
                "relation": link.relation,
                "shared": link.shared,
            }
            for link in links
        ],
    )
    if geometry is not None:
        _insert_frame(
            con,
            "theme_geometry",
            [
                {
                    "run_id": run_id,
                    "theme_id": int(t),
                    "centroid": c.astype(np.float32).tolist(),
                    "radius": float(r),
                }
                for t, c, r in zip(geometry.theme_ids, geometry.centroids, geometry.radius, strict=True)
            ],
        )
