"""Extend the current themes with a run's few new suggestions, reading only what they touch.

An incremental run (`nlp.identity.assign_incrementally`) leaves every themed suggestion where it is:
only suggestions not yet in a theme (the new ones and the earlier 미분류) are placed. So a run that
adds one tour to a warehouse of 100,000 suggestions need not read 100,000 vectors and noun lists.
It needs:

- the theme snapshot: every suggestion's theme, names, representatives, hidden flags, and each
  theme's centroid and radius (stored with the snapshot: `PreviousThemes.geometry`);
- the pending suggestions: their vectors, texts and nouns;
- each theme's noun counts (keywords are ranked against every theme: class-based TF-IDF);
- after placing, the vectors of the members of the themes that took in a suggestion (their centroid,
  radius and representatives move).

`extend_theme_set` builds from these exactly the themes the full incremental path builds from every
vector (`nlp.theming.build_theme_set`, tested side by side), so the two may be used interchangeably.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from nlp.clustering import NOISE, ThemeGeometry, theme_geometry
from nlp.identity import ThemeLink
from nlp.labelling import (
    KEPT_SOURCES,
    KEYWORDS_PER_THEME,
    UNASSIGNED_LABEL,
    class_tfidf_counts,
    representatives,
)
from nlp.records import Theme
from nlp.theme_names import Embed, name_themes
from nlp.theming import PreviousThemes, ThemeSet


@dataclass(frozen=True)
class Pending:
    """The suggestions an incremental run places: the new ones and the earlier 미분류, by suggestion id."""

    ids: list[str]
    vectors: np.ndarray
    texts: list[str]
    nouns: list[list[str]]


@dataclass(frozen=True)
class Members:
    """The members of one theme after placing (sorted by suggestion id) and their vectors."""

    ids: list[str]
    vectors: np.ndarray


def can_extend(previous: PreviousThemes | None) -> bool:
    """Whether `previous` holds what extending needs: its geometry, and names that stay (older
    warehouses' keyword and taxonomy names are renamed, which reads every theme's text)."""
    return (
        previous is not None
        and previous.geometry is not None
        and all(source in KEPT_SOURCES for _, source in previous.labels.values())
    )


def touched_themes(placed: np.ndarray, previous: PreviousThemes) -> list[int]:
    """The existing themes that took in at least one pending suggestion."""
    known = set(previous.geometry.theme_ids.tolist()) if previous.geometry is not None else set()
    return sorted({int(t) for t in placed.tolist()} & known)


def extend_theme_set(
    previous: PreviousThemes,
    pending: Pending,
    placed: np.ndarray,
    new_links: Sequence[ThemeLink],
    noun_counts: Mapping[int, Counter[str]],
    touched: Mapping[int, Members],
    embed: Embed | None = None,
) -> ThemeSet:
    """The themes after placing `pending` (`placed`: theme id or NOISE per pending suggestion).

    `noun_counts`: nouns of each theme's members before placing; `touched`: members and vectors of
    every existing theme that took in a pending suggestion (`touched_themes`)."""
    assert previous.geometry is not None, "extend_theme_set needs the stored geometry (can_extend)"
    pending_theme = dict(zip(pending.ids, placed.tolist(), strict=True))
    members: dict[int, list[str]] = {}
    for sid, theme_id in previous.assignment.items():
        if theme_id != NOISE:
            members.setdefault(theme_id, []).append(sid)
    for sid, theme_id in pending_theme.items():
        members.setdefault(theme_id, []).append(sid)
    for ids in members.values():
        ids.sort()  # the full path lists members in suggestion-id order

    counts = {t: Counter(noun_counts.get(t, Counter())) for t in members if t != NOISE}
    for nouns, theme_id in zip(pending.nouns, placed.tolist(), strict=True):
        if theme_id != NOISE:
            counts[theme_id].update(nouns)
    ranked = class_tfidf_counts(counts)

    row_of = {sid: k for k, sid in enumerate(pending.ids)}
    new_ids = sorted({link.theme_id for link in new_links} & set(members))
    geometry_parts: dict[int, tuple[np.ndarray, float]] = {}
    reps: dict[int, tuple[str, ...]] = {}
    for theme_id, group in touched.items():
        geometry_parts[theme_id] = _geometry_of(theme_id, group.vectors)
        reps[theme_id] = representatives(list(range(len(group.ids))), group.vectors, group.ids)
    for theme_id in new_ids:
        rows = [row_of[sid] for sid in members[theme_id]]
        geometry_parts[theme_id] = _geometry_of(theme_id, pending.vectors[rows])
        reps[theme_id] = representatives(rows, pending.vectors, pending.ids)

    names = {t: previous.labels[t] for t in members if t in previous.labels}
    used = {UNASSIGNED_LABEL, *(label for label, _ in names.values())}
    unnamed = {t: [row_of[sid] for sid in members[t]] for t in new_ids}
    for theme_id, name in name_themes(unnamed, pending.texts, pending.vectors, embed, used).items():
        names[theme_id] = (name, "phrase")

    themes = []
    for theme_id in sorted((t for t in members if t != NOISE), key=lambda t: (-len(members[t]), t)):
        label, source = names[theme_id]
        themes.append(
            Theme(
                theme_id=theme_id,
                label=label,
                keywords=tuple(w for w, _ in ranked[theme_id][:KEYWORDS_PER_THEME]),
                member_ids=tuple(members[theme_id]),
                representative_ids=reps.get(theme_id, previous.representatives.get(theme_id, ())),
                label_source=source,
                is_hidden=theme_id in previous.hidden,
            )
        )
    if NOISE in members:
        themes.append(Theme(NOISE, UNASSIGNED_LABEL, (), tuple(members[NOISE]), (), is_unassigned=True))
    continued = [
        ThemeLink(t, t, "continued", len(members[t])) for t in sorted(set(members) - {NOISE} - set(new_ids))
    ]
    return ThemeSet(
        themes=themes,
        mode="incremental",
        links=continued + [link for link in new_links if link.theme_id in members],
        geometry=_merged_geometry(previous.geometry, geometry_parts, set(members) - {NOISE}),
    )


def _geometry_of(theme_id: int, vectors: np.ndarray) -> tuple[np.ndarray, float]:
    one = theme_geometry(vectors, np.full(len(vectors), theme_id, dtype=int))
    return one.centroids[0], float(one.radius[0])


def _merged_geometry(
    before: ThemeGeometry, changed: Mapping[int, tuple[np.ndarray, float]], present: set[int]
) -> ThemeGeometry:
    """The snapshot's geometry with the changed themes' rows replaced and new themes added."""
    rows = {
        int(t): (c, float(r))
        for t, c, r in zip(before.theme_ids, before.centroids, before.radius, strict=True)
    }
    rows.update(changed)
    ids = sorted(t for t in rows if t in present)
    if not ids:
        return ThemeGeometry(
            np.zeros(0, dtype=int), np.zeros((0, before.centroids.shape[1]), np.float32), np.zeros(0)
        )
    return ThemeGeometry(
        np.array(ids, dtype=int),
        np.stack([rows[t][0] for t in ids]).astype(np.float32),
        np.array([rows[t][1] for t in ids]),
    )
