"""Suggestions to themes: cluster (or extend) the themes, replay staff curation, label them.

The whole theming stage in one call. With no earlier themes it clusters from scratch; with
earlier themes it either extends them (incremental: new suggestions join the themes they fall
inside) or re-clusters everything and maps the result onto them, so theme ids persist
(`nlp.identity`). Staff curation is replayed last (`nlp.curation`), so no run undoes it.

`settings_fingerprint` names the settings that decide the themes (a change forces a full
re-cluster); `theming_fingerprint` adds the suggestion set (no change: keep the themes as they are).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from nlp.clustering import NOISE, ThemeGeometry, cluster_suggestions, theme_geometry
from nlp.curation import Curation, apply_curations
from nlp.identity import ThemeLink, assign_incrementally, keep_inside_previous, map_onto_previous
from nlp.labelling import build_themes
from nlp.records import Theme
from nlp.theme_names import Embed
from settings import ClusteringSettings


@dataclass(frozen=True)
class PreviousThemes:
    """The themes the warehouse holds now, as the starting point of the next theming."""

    assignment: dict[str, int]  # suggestion id -> theme id (NOISE: 미분류)
    labels: dict[int, tuple[str, str]]  # theme id -> (label, label source)
    next_id: int  # the lowest theme id never handed out
    # what an incremental run extends the themes from (`nlp.extending`); a snapshot written by staff
    # curation or a purge has no geometry, and the run after it reads every vector once
    representatives: dict[int, tuple[str, ...]] = field(default_factory=dict)
    hidden: frozenset[int] = frozenset()
    geometry: ThemeGeometry | None = None


@dataclass(frozen=True)
class ThemeSet:
    themes: list[Theme]
    mode: str  # "full" (clustered from scratch) | "recluster" (mapped onto earlier) | "incremental"
    links: list[ThemeLink] = field(default_factory=list)
    geometry: ThemeGeometry | None = None  # each theme's centroid and radius, stored for the next run


def build_theme_set(
    suggestion_ids: list[str],
    vectors: np.ndarray,
    nouns: list[list[str]],
    texts: list[str],
    settings: ClusteringSettings,
    previous: PreviousThemes | None = None,
    curations: Sequence[Curation] = (),
    incremental: bool = False,
    embed: Embed | None = None,
) -> ThemeSet:
    """Themes over all current suggestions (same input, in any order, same themes).

    `embed` embeds candidate theme names with the suggestions' model (`nlp.theme_names`)."""
    # UMAP's result depends on the order of its input: cluster in suggestion-id order.
    order = sorted(range(len(suggestion_ids)), key=suggestion_ids.__getitem__)
    if order != list(range(len(order))):  # already in order (as the pipeline passes them): no copy
        suggestion_ids = [suggestion_ids[i] for i in order]
        vectors = vectors[order]
        nouns = [nouns[i] for i in order]
        texts = [texts[i] for i in order]
    if previous is None:
        labels = cluster_suggestions(vectors, settings)
        mode = "full"
        links = [ThemeLink(int(t), None, "new") for t in sorted(set(labels.tolist()) - {NOISE})]
    elif incremental:
        labels, links = assign_incrementally(
            suggestion_ids, vectors, previous.assignment, settings, previous.next_id
        )
        mode = "incremental"
    else:
        clusters = cluster_suggestions(vectors, settings)
        labels, links = map_onto_previous(suggestion_ids, clusters, previous.assignment, previous.next_id)
        labels = keep_inside_previous(suggestion_ids, vectors, labels, previous.assignment)
        mode = "recluster"

    curated = apply_curations(dict(zip(suggestion_ids, labels.tolist(), strict=True)), curations)
    labels = np.array([curated.assignment[sid] for sid in suggestion_ids], dtype=int)
    present = set(labels.tolist())
    links = [link for link in links if link.theme_id in present]
    linked = {link.theme_id for link in links}
    # A theme kept alive only by staff moves (its cluster dissolved) continues under its own id.
    links += [ThemeLink(t, t, "continued") for t in sorted(present - linked - {NOISE})]

    kept = dict(previous.labels) if previous else {}
    kept.update({t: (name, "staff") for t, name in curated.labels.items()})
    themes = build_themes(suggestion_ids, labels, nouns, vectors, texts, embed, kept, curated.hidden)
    return ThemeSet(themes=themes, mode=mode, links=links, geometry=theme_geometry(vectors, labels))


# settings added after warehouses were in use: left out of the fingerprint at their default, so that
# upgrading does not force a full re-cluster of themes they leave as they were
_ADDED_LATER = {"max_clustered": ClusteringSettings().max_clustered}


def settings_fingerprint(model: str, tagger: str, settings: ClusteringSettings, taxonomy_file: Path) -> str:
    """What decides the themes besides the suggestions: a change here calls for a full re-cluster."""
    chosen = asdict(settings)
    for name, default in _ADDED_LATER.items():  # at their default: the fingerprint stored before them
        if chosen[name] == default:
            del chosen[name]
    digest = hashlib.sha256(json.dumps([model, tagger, chosen], sort_keys=True).encode())
    if taxonomy_file.exists():
        digest.update(taxonomy_file.read_bytes())
    return digest.hexdigest()[:32]


def theming_fingerprint(
    suggestion_ids: list[str], model: str, tagger: str, settings: ClusteringSettings, taxonomy_file: Path
) -> str:
    digest = hashlib.sha256()
    digest.update("\n".join(sorted(suggestion_ids)).encode())
    digest.update(settings_fingerprint(model, tagger, settings, taxonomy_file).encode())
    return digest.hexdigest()[:32]
