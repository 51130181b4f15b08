"""The `pipeline` flow: ingest -> split -> analyse -> embed -> theme -> policy areas -> store.

Thin by design: every task calls one function of `nlp/` or `warehouse/` and logs what it did.
The warehouse is opened only briefly (to read what it holds, then to write the run in one
transaction), so the explorer can keep reading while the heavy work runs.

`[execution] runner = "dask"` maps the heavy independent work over batches on Dask (see
`flows.execution`): reading and splitting files, morphological analysis, embedding. Deciding what each
file is (new, unchanged, a duplicate ...), theming (UMAP and HDBSCAN need every vector at once), policy
areas and the DuckDB writes stay in the flow process.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from fieldvoice.config import Settings, load_settings
from flows.execution import Executor, chain, open_executor
from nlp.areas import AreaScore, assign_for_run, load_areas
from nlp.curation import Curation
from nlp.embedding import embed_texts
from nlp.extraction import Extraction, extract_tours_and_suggestions, merge_extractions
from nlp.hashing import short_hash
from nlp.ingest import FileRead, IngestResult, ingest_folder, read_files, sort_reads
from nlp.readers import discover_documents
from nlp.records import ParsedDocument, Suggestion
from nlp.tagging import analyse_texts
from nlp.theming import PreviousThemes, ThemeSet, build_theme_set, settings_fingerprint, theming_fingerprint
from warehouse import queries, store
from warehouse.connection import open_for_writing


@dataclass
class WarehouseState:
    run_id: int
    stored: dict[str, str]
    current_paths: dict[str, str]
    suggestions: pd.DataFrame  # every stored suggestion, superseded versions included
    fingerprint: str | None
    settings_fingerprint: str | None
    previous_themes: PreviousThemes | None
    curations: list[Curation]
    area_corrections: dict[str, str]  # suggestion id -> the area staff set
    areas_stale: bool  # staff corrected an area since areas were last assigned


@dataclass
class PipelineSummary:
    run_id: int
    documents_new: int
    documents_unchanged: int
    suggestions_new: int
    suggestions_total: int
    themes: int | None
    theming_mode: str | None
    rejections: list[tuple[str, str]]
    # wall seconds the flow spent per stage (on Dask, analysis runs alongside the embedding: "analysis" is
    # only the wait left after it), "workers" starting and stopping a Dask cluster, "total" the whole run
    stage_seconds: dict[str, float] = field(default_factory=dict)


class Stopwatch:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start


@task(name="open-run", cache_policy=NO_CACHE)
def open_run(db_path: Path, data_dir: Path, settings: Settings) -> WarehouseState:
    with open_for_writing(db_path) as con:
        run_id = store.start_run(con, str(data_dir), asdict(settings))
        return WarehouseState(
            run_id=run_id,
            stored=queries.stored_documents(con),
            current_paths=queries.current_document_paths(con),
            suggestions=queries.stored_suggestions(con),
            fingerprint=queries.last_theme_fingerprint(con),
            settings_fingerprint=queries.last_settings_fingerprint(con),
            previous_themes=queries.previous_themes(con),
            curations=queries.curation_log(con),
            area_corrections=queries.area_corrections(con),
            areas_stale=queries.areas_are_stale(con),
        )


@task(name="ingest", cache_policy=NO_CACHE)
def ingest(data_dir: Path, state: WarehouseState, settings: Settings) -> IngestResult:
    logger = get_run_logger()
    result = ingest_folder(
        data_dir,
        state.stored,
        state.current_paths,
        max_bytes=int(settings.ingest.max_file_mb * 1_000_000),
        on_file=lambda name, outcome: logger.info("%s: %s", name, outcome),
    )
    logger.info(
        "문서 %d건 새로 수집, %d건 변경 없음, %d건 거부",
        len(result.documents),
        result.unchanged,
        len(result.rejections),
    )
    return result


@task(name="find-files", cache_policy=NO_CACHE)
def find_files(data_dir: Path) -> list[Path]:
    return discover_documents(data_dir)


@task(name="read-files", cache_policy=NO_CACHE)
def read_batch(paths: list[Path], data_dir: Path, max_bytes: int) -> list[FileRead]:
    reads = read_files(paths, data_dir, max_bytes)
    get_run_logger().info("파일 %d개 읽음", len(reads))
    return reads


@task(name="sort-files", cache_policy=NO_CACHE)
def sort_files(reads: list[FileRead], state: WarehouseState) -> IngestResult:
    logger = get_run_logger()
    result = sort_reads(
        reads,
        state.stored,
        state.current_paths,
        on_file=lambda name, outcome: logger.info("%s: %s", name, outcome),
    )
    logger.info(
        "문서 %d건 새로 수집, %d건 변경 없음, %d건 거부",
        len(result.documents),
        result.unchanged,
        len(result.rejections),
    )
    return result


@task(name="split-batch", cache_policy=NO_CACHE)
def split_batch(documents: list[ParsedDocument]) -> Extraction:
    return extract_tours_and_suggestions(documents)


@task(name="split", cache_policy=NO_CACHE)
def split(ingested: IngestResult) -> tuple[list, dict[str, str], list[Suggestion]]:
    tours, document_tours, suggestions = extract_tours_and_suggestions(ingested.documents)
    get_run_logger().info("투어 %d건, 건의 %d건 추출", len(tours), len(suggestions))
    return tours, document_tours, suggestions


@task(name="analyse", cache_policy=NO_CACHE)
def analyse(texts: list[str], tagger: str) -> list[list[str]]:
    nouns = analyse_texts(texts, tagger)
    get_run_logger().info("형태소 분석 %d건 (%s)", len(texts), tagger)
    return nouns


@task(name="load-cached-vectors", cache_policy=NO_CACHE)
def load_cached_vectors(db_path: Path, model: str, text_hashes: list[str]) -> dict[str, np.ndarray]:
    with open_for_writing(db_path) as con:
        return queries.cached_embeddings(con, model, text_hashes)


@task(name="embed", cache_policy=NO_CACHE)
def embed(texts: list[str], model: str, batch_size: int) -> np.ndarray:
    get_run_logger().info("임베딩 %d건 (%s)", len(texts), model)
    return embed_texts(texts, model, batch_size=batch_size)


@task(name="theme", cache_policy=NO_CACHE)
def theme(
    ids: list[str],
    vectors: np.ndarray,
    nouns: list[list[str]],
    texts: list[str],
    settings: Settings,
    state: WarehouseState,
    incremental: bool,
) -> ThemeSet:
    theme_set = build_theme_set(
        ids,
        vectors,
        nouns,
        texts,
        settings.clustering,
        previous=state.previous_themes,
        curations=state.curations,
        incremental=incremental,
        embed=lambda phrases: embed_texts(phrases, settings.embedding.model),
    )
    themes = theme_set.themes
    unassigned = sum(t.size for t in themes if t.is_unassigned)
    relations = Counter(link.relation for link in theme_set.links)
    get_run_logger().info(
        "테마 %d개 (%s), 미분류 %d건; 새 테마 %d, 분할 %d, 병합 %d, 담당자 수정 %d건 재적용",
        sum(not t.is_unassigned for t in themes),
        _MODE_NAMES[theme_set.mode],
        unassigned,
        relations["new"],
        relations["split"],
        relations["merged"],
        len(state.curations),
    )
    return theme_set


@task(name="assign-areas", cache_policy=NO_CACHE)
def assign_policy_areas(
    ids: list[str], texts: list[str], vectors: np.ndarray, settings: Settings, corrections: dict[str, str]
) -> dict[str, list[AreaScore]]:
    model = settings.embedding.model
    areas = load_areas(settings.taxonomy)
    assigned = assign_for_run(ids, texts, vectors, areas, model, corrections)
    primary = Counter(rows[0].area for rows in assigned.values())
    get_run_logger().info(
        "정책 분야 %d개 (담당자 지정 %d건 반영): %s",
        len(areas),
        sum(1 for sid in corrections if sid in assigned),
        ", ".join(f"{area} {n}" for area, n in primary.most_common()),
    )
    return assigned


_MODE_NAMES = {
    "full": "전체 군집화",
    "recluster": "전체 재군집화 후 기존 테마에 대응",
    "incremental": "기존 테마에 추가",
}


@task(name="store", cache_policy=NO_CACHE)
def store_run(db_path: Path, run_id: int, output: store.RunOutput) -> None:
    with open_for_writing(db_path) as con:
        store.write_run(con, run_id, output)


def _vectors(
    db_path: Path,
    hashes: list[str],
    texts: list[str],
    settings: Settings,
    output: store.RunOutput,
    executor: Executor,
) -> np.ndarray:
    """One vector per suggestion: stored ones by text hash, the rest embedded now (and kept in
    `output.new_embeddings` for the store)."""
    model = settings.embedding.model
    cached = load_cached_vectors(db_path, model, sorted(set(hashes)))
    missing = sorted({h: t for h, t in zip(hashes, texts, strict=True) if h not in cached}.items())
    fresh = executor.map(
        embed,
        "texts",
        [t for _, t in missing],
        settings.execution.texts_per_task,
        join=_rows,
        model=model,
        batch_size=settings.embedding.batch_size,
    )()
    output.new_embeddings = {h: v for (h, _), v in zip(missing, fresh, strict=True)}
    vectors = {**cached, **output.new_embeddings}
    return np.stack([vectors[h] for h in hashes]) if hashes else np.zeros((0, 1), np.float32)


@flow(name="fieldvoice-pipeline", log_prints=True)
def pipeline(
    data_dir: Path | None = None,
    db_path: Path | None = None,
    config_file: Path | None = None,
    recluster: bool = False,
) -> dict[str, Any]:
    """Process new documents in `data_dir` into the warehouse at `db_path`; return a summary.

    New suggestions join the existing themes (an incremental run) unless the theming settings
    changed or `recluster` is set: then everything is clustered again and mapped onto the
    existing themes, so theme ids, names and staff curation carry over either way.
    """
    settings = load_settings(config_file)
    data_dir = Path(data_dir or settings.data_dir)
    db_path = Path(db_path or settings.db_path)
    if not data_dir.is_dir():
        raise FileNotFoundError(f"data folder {data_dir} does not exist")
    watch = Stopwatch()
    start = time.perf_counter()
    state = open_run(db_path, data_dir, settings)
    try:
        with open_executor(settings.execution, settings.state_dir, watch.stage) as executor:
            summary = _run(data_dir, db_path, settings, state, recluster, executor, watch)
    except BaseException as exc:
        with open_for_writing(db_path) as con:
            store.fail_run(con, state.run_id, f"{type(exc).__name__}: {exc}")
        raise
    summary.stage_seconds = {**watch.seconds, "total": time.perf_counter() - start}
    get_run_logger().info(
        "단계별 시간: %s",
        ", ".join(f"{name} {seconds:.1f}s" for name, seconds in summary.stage_seconds.items()),
    )
    return asdict(summary)


def _rows(parts: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(parts) if parts else np.zeros((0, 0), np.float32)


def _ingest_and_split(
    data_dir: Path, settings: Settings, state: WarehouseState, executor: Executor
) -> tuple[IngestResult, Extraction]:
    if executor.local:
        ingested = ingest(data_dir, state, settings)
        return ingested, split(ingested)
    per_task = settings.execution.files_per_task
    reads = executor.map(
        read_batch,
        "paths",
        find_files(data_dir),
        per_task,
        join=chain,
        data_dir=data_dir,
        max_bytes=int(settings.ingest.max_file_mb * 1_000_000),
    )()
    ingested = sort_files(reads, state)
    extraction = executor.map(
        split_batch, "documents", ingested.documents, per_task, join=merge_extractions
    )()
    get_run_logger().info("투어 %d건, 건의 %d건 추출", len(extraction[0]), len(extraction[2]))
    return ingested, extraction


def _run(
    data_dir: Path,
    db_path: Path,
    settings: Settings,
    state: WarehouseState,
    recluster: bool,
    executor: Executor,
    watch: Stopwatch,
) -> PipelineSummary:
    with watch.stage("read+split"):
        ingested, (tours, document_tours, new_suggestions) = _ingest_and_split(
            data_dir, settings, state, executor
        )
    with watch.stage("analysis"):
        gather_nouns = executor.map(  # on Dask: runs while the vectors are fetched and embedded
            analyse,
            "texts",
            [s.text for s in new_suggestions],
            settings.execution.texts_per_task,
            join=chain,
            tagger=settings.analysis.tagger,
        )
    new_nouns: list[list[str]] | None = None

    def analysed() -> list[list[str]]:
        nonlocal new_nouns
        if new_nouns is None:
            with watch.stage("analysis"):
                new_nouns = gather_nouns()
        return new_nouns

    # The documents current after this run: new versions replace old ones (which stay in
    # history), and a file restored to an earlier version brings that version back.
    current = set(state.current_paths.values()) - set(ingested.superseded) - set(ingested.reinstated.values())
    current |= set(ingested.reinstated)
    previous = state.suggestions[state.suggestions.document_hash.isin(list(current))]
    ids = list(previous.suggestion_id) + [s.suggestion_id for s in new_suggestions]
    texts = list(previous.text) + [s.text for s in new_suggestions]
    hashes = list(previous.text_hash) + [short_hash(s.text) for s in new_suggestions]

    model = settings.embedding.model
    fingerprint = theming_fingerprint(
        ids, model, settings.analysis.tagger, settings.clustering, settings.taxonomy
    )
    same_settings = settings_fingerprint(
        model, settings.analysis.tagger, settings.clustering, settings.taxonomy
    )
    output = store.RunOutput(
        documents=ingested.documents,
        document_tours=document_tours,
        superseded=ingested.superseded,
        reinstated=ingested.reinstated,
        unchanged=ingested.unchanged,
        rejections=ingested.rejections,
        tours=tours,
        suggestions=new_suggestions,
        embedding_model=model,
        fingerprint=fingerprint,
        settings_fingerprint=same_settings,
    )
    matrix: np.ndarray | None = None
    if fingerprint != state.fingerprint or recluster:
        with watch.stage("embedding"):
            matrix = _vectors(db_path, hashes, texts, settings, output, executor)
        nouns = [list(n) for n in previous.nouns] + analysed()  # on Dask, analysed alongside the embedding
        incremental = not recluster and state.settings_fingerprint == same_settings
        with watch.stage("theme"):
            theme_set = theme(ids, matrix, nouns, texts, settings, state, incremental)
        output.themes, output.theme_links, output.theming_mode = (
            theme_set.themes,
            theme_set.links,
            theme_set.mode,
        )
    else:
        get_run_logger().info("새 건의가 없고 설정이 같아 기존 테마를 유지합니다")
    if ids and (output.themes is not None or state.areas_stale):
        # areas follow every change of suggestions or settings, and every staff correction
        if matrix is None:
            with watch.stage("embedding"):
                matrix = _vectors(db_path, hashes, texts, settings, output, executor)
        with watch.stage("areas"):
            output.areas = assign_policy_areas(ids, texts, matrix, settings, state.area_corrections)
        output.staff_areas = frozenset(state.area_corrections) & set(ids)
    output.nouns = {s.suggestion_id: n for s, n in zip(new_suggestions, analysed(), strict=True)}
    with watch.stage("store"):
        store_run(db_path, state.run_id, output)
    return PipelineSummary(
        run_id=state.run_id,
        documents_new=len(ingested.documents),
        documents_unchanged=ingested.unchanged,
        suggestions_new=len(new_suggestions),
        suggestions_total=len(ids),
        themes=None if output.themes is None else sum(not t.is_unassigned for t in output.themes),
        theming_mode=output.theming_mode,
        rejections=[(r.path, r.reason) for r in ingested.rejections],
    )
