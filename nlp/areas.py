"""Policy areas (정책 분야) for each suggestion: a primary area, secondary areas where the evidence is
there, or 기타 when nothing fits.

Three kinds of evidence, combined into one score per area (`python -m bench.areas` chose the mix):
- meaning: cosine of the suggestion's embedding to the area's prototype (the mean embedding of its
  name, keywords and example suggestions), as a z-score across the areas, so that only
  how much one area stands out counts and not the embedder's cosine range;
- words: how many of the area's keywords the suggestion contains (at most two count; "세제지원"
  contains "세제"), as staff wrote them in `taxonomy.toml`;
- staff: corrections made on 테마 관리 or with `fieldvoice area set` are labelled examples; the
  nearest corrected suggestions vote for their areas, and a near-duplicate of a corrected one takes
  its area outright. Accuracy grows with use.
A suggestion whose best score stays under `OTHER_THRESHOLD` goes to 기타, never dropped.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

OTHER_AREA = "기타"
KEYWORD_WEIGHT = 1.5  # one keyword counts as 1.5 standard deviations of meaning
KEYWORD_CAP = 2
OTHER_THRESHOLD = 2.2  # below this best score, nothing fits: 기타
SECONDARY_MARGIN = 1.5  # a second area within this of the primary, with a keyword of its own
STAFF_WEIGHT = 3.0  # a unanimous vote of the nearest corrected suggestions
STAFF_NEIGHBOURS = 5
NEIGHBOURHOOD = 10  # ... among the nearest this many of all suggestions
STAFF_MIN_SIMILARITY = 0.78  # corrected suggestions less similar than this do not vote (e5 cosines)
STAFF_SAME = 0.97  # a near-duplicate of a corrected suggestion takes its area


@dataclass(frozen=True)
class PolicyArea:
    """One entry of the taxonomy file: `[[area]] name, keywords, description, examples`."""

    name: str
    keywords: tuple[str, ...] = ()
    description: str = ""
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class AreaScore:
    area: str
    score: float
    rank: int  # 1 = primary


@dataclass(frozen=True)
class StaffExamples:
    """Suggestions whose area staff set: their vectors and areas."""

    vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.float32))
    areas: tuple[str, ...] = ()


def load_areas(path: Path) -> list[PolicyArea]:
    """The `[[area]]` entries of the taxonomy file (none when the file or the section is absent)."""
    if not path.exists():
        return []
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    return [
        PolicyArea(
            name=str(entry["name"]),
            keywords=tuple(str(k) for k in entry.get("keywords", [])),
            description=str(entry.get("description", "")),
            examples=tuple(str(e) for e in entry.get("examples", [])),
        )
        for entry in data.get("area", [])
        if entry.get("name") and entry["name"] != OTHER_AREA
    ]


def area_prototypes(areas: Sequence[PolicyArea], embed: Callable[[list[str]], np.ndarray]) -> np.ndarray:
    """One unit vector per area: the mean embedding of its name, keywords and examples. (The
    description is for people: with it the benchmark's accuracy fell by a point.)"""
    prototypes = []
    for area in areas:
        phrases = [area.name, *area.keywords, *area.examples]
        mean = embed(phrases).mean(axis=0)
        prototypes.append(mean / (np.linalg.norm(mean) or 1.0))
    return np.asarray(prototypes, dtype=np.float32)


def keyword_hits(text: str, area: PolicyArea) -> int:
    """How many of the area's keywords the text contains (spaces ignored: "세제 지원" ~ "세제지원")."""
    squeezed = "".join(text.split())
    return sum(1 for k in area.keywords if "".join(k.split()) and "".join(k.split()) in squeezed)


Population = np.ndarray | Callable[[], np.ndarray]


def area_scores(
    texts: Sequence[str],
    vectors: np.ndarray,
    areas: Sequence[PolicyArea],
    prototypes: np.ndarray,
    staff: StaffExamples | None = None,
    population: Population | None = None,
) -> np.ndarray:
    """(suggestions x areas) combined evidence; see the module docstring.

    `population`: the vectors of every current suggestion (or a function that reads them), when
    `vectors` are only some of them (an incremental run); by default `vectors` are all of them."""
    if not len(texts) or not areas:
        return np.zeros((len(texts), len(areas)), dtype=np.float32)
    similarity = vectors @ prototypes.T
    spread = similarity.std(axis=1, keepdims=True)
    meaning = (similarity - similarity.mean(axis=1, keepdims=True)) / np.where(spread > 0, spread, 1.0)
    words = np.array([[min(keyword_hits(t, a), KEYWORD_CAP) for a in areas] for t in texts], dtype=np.float32)
    scores = meaning + KEYWORD_WEIGHT * words
    if staff is not None and len(staff.areas):
        scores = scores + STAFF_WEIGHT * _staff_votes(vectors, areas, staff, population)
    return scores.astype(np.float32)


def _staff_votes(
    vectors: np.ndarray, areas: Sequence[PolicyArea], staff: StaffExamples, population: Population | None
) -> np.ndarray:
    """Votes of the nearest corrected suggestions for their areas, each weighted by how close it is
    (nothing at STAFF_MIN_SIMILARITY, a full vote at STAFF_SAME and above), so one correction moves
    its near-duplicates, not the whole neighbourhood. A 기타 correction votes against every area."""
    names = [a.name for a in areas]
    similarity = vectors @ staff.vectors.T
    weights = np.clip((similarity - STAFF_MIN_SIMILARITY) / (STAFF_SAME - STAFF_MIN_SIMILARITY), 0.0, 1.0)
    # a corrected suggestion speaks only for its own neighbourhood: it must be among the
    # NEIGHBOURHOOD nearest of all the suggestions being assigned (checked only where it could vote)
    near = np.flatnonzero(weights.max(axis=1, initial=0.0) > 0)
    if len(near):
        everyone = (
            vectors
            if population is None
            else population
            if isinstance(population, np.ndarray)
            else population()
        )
        if len(everyone) > NEIGHBOURHOOD + 1:
            floor = _neighbourhood_floor(vectors[near], everyone)
            weights[near] = np.where(similarity[near] >= floor[:, None] - 1e-6, weights[near], 0.0)
    votes = np.zeros((len(vectors), len(areas)), dtype=np.float32)
    for row in near.tolist():
        order = [k for k in np.argsort(-similarity[row])[:STAFF_NEIGHBOURS] if weights[row, k] > 0]
        for k in order:
            share = weights[row, k] / len(order) if weights[row, k] < 1.0 else 1.0
            label = staff.areas[k]
            if label in names:
                votes[row, names.index(label)] += share
            else:
                votes[row] -= share
    return votes


def _neighbourhood_floor(rows: np.ndarray, everyone: np.ndarray, block: int = 512) -> np.ndarray:
    """Per row: the cosine of its NEIGHBOURHOOD-th nearest suggestion (itself counted first), computed a
    block of rows at a time so memory stays flat however many suggestions there are."""
    floor = np.empty(len(rows), dtype=np.float32)
    for start in range(0, len(rows), block):
        similarity = rows[start : start + block] @ everyone.T
        floor[start : start + block] = -np.partition(-similarity, NEIGHBOURHOOD, axis=1)[:, NEIGHBOURHOOD]
    return floor


def assign_areas(
    texts: Sequence[str],
    vectors: np.ndarray,
    areas: Sequence[PolicyArea],
    prototypes: np.ndarray,
    staff: StaffExamples | None = None,
    population: Population | None = None,
) -> list[list[AreaScore]]:
    """Per suggestion: its primary area (rank 1) and secondary areas, or 기타."""
    scores = area_scores(texts, vectors, areas, prototypes, staff, population)
    assigned: list[list[AreaScore]] = []
    for text, row in zip(texts, scores, strict=True):
        if not areas or float(row.max()) < OTHER_THRESHOLD:
            assigned.append([AreaScore(OTHER_AREA, float(row.max()) if areas else 0.0, 1)])
            continue
        order = np.argsort(-row)
        best = float(row[order[0]])
        chosen = [AreaScore(areas[order[0]].name, best, 1)]
        for index in order[1:3]:
            close = float(row[index]) >= max(OTHER_THRESHOLD, best - SECONDARY_MARGIN)
            if close and keyword_hits(text, areas[index]):
                chosen.append(AreaScore(areas[index].name, float(row[index]), len(chosen) + 1))
        assigned.append(chosen)
    return assigned


@functools.lru_cache(maxsize=4)
def model_prototypes(model: str, areas: tuple[PolicyArea, ...]) -> np.ndarray:
    """The areas' prototypes under an embedding model, embedded once per process."""
    from nlp.embedding import embed_texts

    return area_prototypes(areas, lambda phrases: embed_texts(phrases, model))


def assign_for_run(
    suggestion_ids: Sequence[str],
    texts: Sequence[str],
    vectors: np.ndarray,
    areas: Sequence[PolicyArea],
    model: str,
    corrections: Mapping[str, str],
    corrected_vectors: Mapping[str, np.ndarray] | None = None,
    population: Population | None = None,
) -> dict[str, list[AreaScore]]:
    """Areas of current suggestions for one pipeline run (`vectors` by `model`): staff corrections
    are replayed (a corrected suggestion keeps the area staff gave it) and teach the others.

    By default the batch is every current suggestion. An incremental run passes only its new ones,
    with `corrected_vectors` (the vectors of the corrected suggestions, which are not in the batch)
    and `population` (every current suggestion's vectors, or a function that reads them: needed only
    when a new suggestion lies close to a corrected one); the result is the same either way."""
    if not suggestion_ids:
        return {}
    prototypes = (
        model_prototypes(model, tuple(areas)) if areas else np.zeros((0, vectors.shape[1]), np.float32)
    )
    position = {sid: k for k, sid in enumerate(suggestion_ids)}
    examples = dict(corrected_vectors or {})
    examples.update({sid: vectors[position[sid]] for sid in corrections if sid in position})
    corrected = [(sid, area) for sid, area in sorted(corrections.items()) if sid in examples]
    staff = (
        StaffExamples(np.stack([examples[sid] for sid, _ in corrected]), tuple(area for _, area in corrected))
        if corrected
        else None
    )
    assigned = assign_areas(texts, vectors, areas, prototypes, staff, population)
    for sid, area in corrected:
        if sid in position:
            assigned[position[sid]] = [AreaScore(area, 1.0, 1)]
    return dict(zip(suggestion_ids, assigned, strict=True))
