"""Readable Korean labels for themes: class-based TF-IDF over nouns, then the taxonomy's names.

c-TF-IDF (as in BERTopic) treats all suggestions of a theme as one document: a noun scores
high when it is frequent in this theme and rare across themes. The top nouns become the
theme's keywords and, joined, its label; a theme whose suggestions mostly mention one
taxonomy entry's keywords takes that entry's name instead. Labels are unique.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nlp.clustering import NOISE
from nlp.records import Theme

UNASSIGNED_LABEL = "미분류"
TAXONOMY_MIN_COVERAGE = 0.5
KEYWORDS_PER_THEME = 8
LABEL_WORDS = 3
MAX_LABEL_WORDS = 6
HANGUL = re.compile("[가-힣]")
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
    kept_labels: Mapping[int, tuple[str, str]] | None = None,
    hidden: Collection[int] = (),
) -> list[Theme]:
    """Themes with keywords, unique labels, taxonomy names and representative suggestions.

    `labels` holds each suggestion's theme id (NOISE: 미분류, gathered into one theme with id -1
    so those suggestions stay visible). `kept_labels` maps theme ids to the (label, source) they
    already carry: staff names first, then names from earlier runs, so a theme keeps its name;
    a theme named from keywords earlier still takes a taxonomy name once it matches one. Themes
    come largest first.
    """
    members: dict[int, list[int]] = {}
    for index, label in enumerate(labels.tolist()):
        members.setdefault(int(label), []).append(index)
    clusters = sorted((c for c in members if c != NOISE), key=lambda c: (-len(members[c]), c))
    ranked = class_tfidf({c: [w for i in members[c] for w in nouns[i]] for c in clusters})
    kept = dict(kept_labels or {})
    used: set[str] = set()
    chosen: dict[int, tuple[str, str]] = {}
    for source in ("staff", "taxonomy", "keywords"):
        for cluster in clusters:
            label, label_source = kept.get(cluster, ("", ""))
            if label_source == source and label not in used:
                chosen[cluster] = (label, source)
                used.add(label)
    open_for_taxonomy = [c for c in clusters if chosen.get(c, ("", ""))[1] not in ("staff", "taxonomy")]
    taken = {label for label, source in chosen.values() if source in ("staff", "taxonomy")}
    names = _taxonomy_names(open_for_taxonomy, members, nouns, [t for t in taxonomy if t.name not in taken])
    for cluster, name in names.items():
        if name not in used:
            used.discard(chosen.get(cluster, ("", ""))[0])
            chosen[cluster] = (name, "taxonomy")
            used.add(name)
    themes = []
    for cluster in clusters:
        keywords = tuple(w for w, _ in ranked[cluster][:KEYWORDS_PER_THEME])
        if cluster not in chosen:
            chosen[cluster] = (_keyword_label(keywords, used, cluster), "keywords")
            used.add(chosen[cluster][0])
        label, source = chosen[cluster]
        themes.append(
            Theme(
                theme_id=cluster,
                label=label,
                keywords=keywords,
                member_ids=tuple(suggestion_ids[i] for i in members[cluster]),
                representative_ids=_representatives(members[cluster], vectors, suggestion_ids),
                taxonomy_name=label if source == "taxonomy" else names.get(cluster),
                label_source=source,
                is_hidden=cluster in hidden,
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


def _keyword_label(keywords: tuple[str, ...], used: set[str], cluster: int) -> str:
    """Three to six top nouns joined with " · ", Hangul nouns first, not already taken."""
    words = sorted(keywords, key=lambda w: not HANGUL.search(w))  # stable: keeps c-TF-IDF order within each
    candidates = [" · ".join(words[:n]) for n in range(min(LABEL_WORDS, len(words)), MAX_LABEL_WORDS + 1)]
    candidates += [" · ".join(words[i : i + LABEL_WORDS]) for i in range(1, max(1, len(words) - 2))]
    return next((c for c in candidates if c and c not in used), f"테마 {cluster}")


def _representatives(indices: list[int], vectors: np.ndarray, ids: list[str]) -> tuple[str, ...]:
    """The members closest to the theme's centroid."""
    block = vectors[indices]
    centroid = block.mean(axis=0)
    order = np.argsort(-(block @ centroid), kind="stable")[:REPRESENTATIVES]
    return tuple(ids[indices[i]] for i in order)
