"""Theme names and keywords: staff names first, then noun phrases from the themes' own text.

A theme's name is a noun phrase its suggestions contain, chosen for being central to it and
distinct from its neighbours (`nlp.theme_names`); its keywords are the nouns that class-based
TF-IDF (as in BERTopic) ranks highest: frequent in this theme, rare across themes. A name, once
given, stays with its theme id on later runs; staff names always win; no two themes share a name.
(A theme's policy area is not decided here: it is the area most of its members belong to.)
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Mapping, Sequence

import numpy as np

from nlp.clustering import NOISE
from nlp.records import Theme
from nlp.theme_names import Embed, name_themes

UNASSIGNED_LABEL = "미분류"
KEYWORDS_PER_THEME = 8
MAX_LABEL_WORDS = 6  # a theme's name, found or given by staff, is a short phrase
REPRESENTATIVES = 3
# where a name came from, as staff read it (warehouses before version 4 hold "keywords"/"taxonomy")
LABEL_SOURCE_NAMES = {
    "phrase": "자동(문구)",
    "staff": "담당자",
    "keywords": "자동(키워드)",
    "taxonomy": "분류표",
}
KEPT_SOURCES = ("staff", "phrase")  # earlier bag-of-noun ("keywords") and taxonomy names are renamed


def class_tfidf(nouns_by_theme: Mapping[int, list[str]]) -> dict[int, list[tuple[str, float]]]:
    """Nouns of each theme ranked by c-TF-IDF (ties broken alphabetically, for determinism)."""
    return class_tfidf_counts({theme: Counter(nouns) for theme, nouns in nouns_by_theme.items()})


def class_tfidf_counts(counts: Mapping[int, Counter[str]]) -> dict[int, list[tuple[str, float]]]:
    """`class_tfidf` from each theme's noun counts (what an incremental run reads instead of every noun)."""
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
    texts: Sequence[str],
    embed: Embed | None = None,
    kept_labels: Mapping[int, tuple[str, str]] | None = None,
    hidden: Collection[int] = (),
) -> list[Theme]:
    """Themes with keywords, unique names and representative suggestions.

    `labels` holds each suggestion's theme id (NOISE: 미분류, gathered into one theme with id -1
    so those suggestions stay visible). `kept_labels` maps theme ids to the (label, source) they
    already carry: staff names first, then phrase names from earlier runs, so a theme keeps its
    name; the other themes are named from their own text (`embed` scores the candidate phrases;
    without it the most shared phrase wins). Themes come largest first.
    """
    members: dict[int, list[int]] = {}
    for index, label in enumerate(labels.tolist()):
        members.setdefault(int(label), []).append(index)
    clusters = sorted((c for c in members if c != NOISE), key=lambda c: (-len(members[c]), c))
    ranked = class_tfidf({c: [w for i in members[c] for w in nouns[i]] for c in clusters})
    kept = dict(kept_labels or {})
    used: set[str] = {UNASSIGNED_LABEL}
    chosen: dict[int, tuple[str, str]] = {}
    for source in KEPT_SOURCES:
        for cluster in clusters:
            label, label_source = kept.get(cluster, ("", ""))
            if label_source == source and label and label not in used and cluster not in chosen:
                chosen[cluster] = (label, source)
                used.add(label)
    unnamed = {c: members[c] for c in clusters if c not in chosen}
    for cluster, name in name_themes(unnamed, texts, vectors, embed, used).items():
        chosen[cluster] = (name, "phrase")
    themes = []
    for cluster in clusters:
        label, source = chosen[cluster]
        themes.append(
            Theme(
                theme_id=cluster,
                label=label,
                keywords=tuple(w for w, _ in ranked[cluster][:KEYWORDS_PER_THEME]),
                member_ids=tuple(suggestion_ids[i] for i in members[cluster]),
                representative_ids=representatives(members[cluster], vectors, suggestion_ids),
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


def representatives(indices: list[int], vectors: np.ndarray, ids: Sequence[str]) -> tuple[str, ...]:
    """The members closest to the theme's centroid (`indices`: its rows in `vectors` and `ids`)."""
    block = vectors[indices]
    centroid = block.mean(axis=0)
    order = np.argsort(-(block @ centroid), kind="stable")[:REPRESENTATIVES]
    return tuple(ids[indices[i]] for i in order)
