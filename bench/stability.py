"""Theme identity under growth: add 10% new suggestions and count how many old ones keep their theme.

Themes are built on a random 90% of the texts; then the other 10% arrive, once as an incremental
run (what the pipeline does when a tour is added) and once as a full re-cluster mapped onto the
earlier themes (what it does when settings change or `--recluster` is asked for).
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

import numpy as np

from nlp.clustering import NOISE
from nlp.identity import kept_share
from nlp.theming import PreviousThemes, build_theme_set
from settings import ClusteringSettings


@dataclass(frozen=True)
class StabilityResult:
    mode: str
    kept: float  # share of earlier themed suggestions in the same theme afterwards
    placed: float  # share of the new suggestions that landed in a theme (not 미분류)
    new_themes: int
    seconds: float


def growth_stability(
    ids: list[str],
    vectors: np.ndarray,
    nouns: list[list[str]],
    texts: list[str],
    settings: ClusteringSettings,
    added: float = 0.1,
    seed: int = 7,
) -> list[StabilityResult]:
    order = list(range(len(ids)))
    random.Random(seed).shuffle(order)
    first_rows = sorted(order[int(len(ids) * added) :])
    new_ids = {ids[i] for i in order[: int(len(ids) * added)]}
    first = build_theme_set(
        [ids[i] for i in first_rows],
        vectors[first_rows],
        [nouns[i] for i in first_rows],
        [texts[i] for i in first_rows],
        settings,
    )
    before = {sid: t.theme_id for t in first.themes for sid in t.member_ids}
    previous = PreviousThemes(
        before,
        {t.theme_id: (t.label, t.label_source) for t in first.themes if not t.is_unassigned},
        next_id=max(before.values()) + 1,
    )
    results = []
    for mode, incremental in (("incremental", True), ("recluster", False)):
        start = time.perf_counter()
        grown = build_theme_set(ids, vectors, nouns, texts, settings, previous, incremental=incremental)
        seconds = time.perf_counter() - start
        after = {sid: t.theme_id for t in grown.themes for sid in t.member_ids}
        placed = sum(after[sid] != NOISE for sid in new_ids) / max(1, len(new_ids))
        opened = sum(link.relation in ("new", "split") for link in grown.links)
        results.append(StabilityResult(mode, kept_share(before, after), placed, opened, seconds))
    return results
