"""Readable Korean labels for themes: class-based TF-IDF over nouns, then the taxonomy's names.

c-TF-IDF (as in BERTopic) treats all suggestions of a theme as one document: a noun scores
high when it is frequent in this theme and rare across themes. The top nouns become the
theme's keywords and, joined, its label; a theme whose suggestions mostly mention one
taxonomy entry's keywords takes that entry's name instead. Labels are unique.
"""

from __future__ import annotations

import math
import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nlp.clustering import NOISE
from nlp.records import Theme

UNASSIGNED_LABEL = "미분류"
TAXONOMY_MIN_COVERAGE = 0.5
KEYWORDS_PER_THEME = 8
LABEL_WORDS = 3
REPRESENTATIVES = 3


@dataclass(frozen=True)
class TaxonomyEntry:
    name: str
    keywords: frozenset[str]


def load_taxonomy(path: Path) -> list[TaxonomyEntry]:
    """Entries of the editable taxonomy file (none when the file is absent)."""
    if not path.exists():
        return []
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    return [TaxonomyEntry(t["name"], frozenset(t.get("keywords", []))) for t in data.get("theme", [])]


def class_tfidf(nouns_by_theme: dict[int, list[str]]) -> dict[int, list[tuple[str, float]]]:
    """Nouns of each theme ranked by c-TF-IDF (ties broken alphabetically, for determinism)."""
    counts = {theme: Counter(nouns) for theme, nouns in nouns_by_theme.items()}
    frequency: Counter[str] = Counter()
    for counter in counts.values():
        frequency.update(counter)
    average = sum(frequency.values()) / max(1, len(counts))
    ranked: dict[int, list[tuple[str, float]]] = {}
    for theme, counter in counts.items():
        total = sum(counter.values()) or 1
        scores = {w: (c / total) * math.log(1 + average / frequency[w]) for w, c in counter.items()}
        ranked[theme] = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    return ranked


def build_themes(
    suggestion_ids: list[str],
    labels: np.ndarray,
    nouns: list[list[str]],
    vectors: np.ndarray,
    taxonomy: list[TaxonomyEntry],
) -> list[Theme]:
    """Themes with keywords, unique labels, taxonomy names and representative suggestions.

    Theme ids follow the cluster numbers (0 = largest); suggestions left as noise form one
    theme with id -1 labelled 미분류, so they stay visible.
    """
    members: dict[int, list[int]] = {}
    for index, label in enumerate(labels.tolist()):
        members.setdefault(int(label), []).append(index)
    clusters = sorted(c for c in members if c != NOISE)
    ranked = class_tfidf({c: [w for i in members[c] for w in nouns[i]] for c in clusters})
    names = _taxonomy_names(clusters, members, nouns, taxonomy)
    used: set[str] = set()
    themes = []
    for cluster in clusters:
        keywords = tuple(w for w, _ in ranked[cluster][:KEYWORDS_PER_THEME])
        label = _unique_label(names.get(cluster), keywords, used, cluster)
        themes.append(
            Theme(
                theme_id=cluster,
                label=label,
                keywords=keywords,
                member_ids=tuple(suggestion_ids[i] for i in members[cluster]),
                representative_ids=_representatives(members[cluster], vectors, suggestion_ids),
                taxonomy_name=names.get(cluster),
            )
        )
    if NOISE in members:
        themes.append(
            Theme(
                theme_id=NOISE,
                label=UNASSIGNED_LABEL,
                keywords=(),
                member_ids=tuple(suggestion_ids[i] for i in members[NOISE]),
                representative_ids=(),
                is_unassigned=True,
            )
        )
    return themes


def _taxonomy_names(
    clusters: list[int], members: dict[int, list[int]], nouns: list[list[str]], taxonomy: list[TaxonomyEntry]
) -> dict[int, str]:
    """Greedy best match: the highest coverage pair first; each name and theme used once."""
    pairs = []
    for cluster in clusters:
        noun_sets = [set(nouns[i]) for i in members[cluster]]
        for entry in taxonomy:
            coverage = sum(1 for s in noun_sets if s & entry.keywords) / len(noun_sets)
            if coverage >= TAXONOMY_MIN_COVERAGE:
                pairs.append((coverage, cluster, entry.name))
    names: dict[int, str] = {}
    for _, cluster, name in sorted(pairs, key=lambda p: (-p[0], p[1], p[2])):
        if cluster not in names and name not in names.values():
            names[cluster] = name
    return names


def _unique_label(taxonomy_name: str | None, keywords: tuple[str, ...], used: set[str], cluster: int) -> str:
    candidates = [taxonomy_name] if taxonomy_name else []
    candidates += [
        " · ".join(keywords[:n]) for n in range(min(LABEL_WORDS, len(keywords)), len(keywords) + 1)
    ]
    label = next((c for c in candidates if c and c not in used), f"테마 {cluster + 1}")
    used.add(label)
    return label


def _representatives(indices: list[int], vectors: np.ndarray, ids: list[str]) -> tuple[str, ...]:
    """The members closest to the theme's centroid."""
    block = vectors[indices]
    centroid = block.mean(axis=0)
    order = np.argsort(-(block @ centroid), kind="stable")[:REPRESENTATIVES]
    return tuple(ids[indices[i]] for i in order)
