"""Staff corrections to themes, replayed on every run so that no run undoes them.

Curation is a log of actions (rename, merge, move, hide, unhide), stored in the warehouse with
who and when. Every theming (incremental or full re-cluster) ends by replaying the whole log in
order over the fresh assignment: merged themes stay merged, moved suggestions stay where staff
put them, renamed themes keep their names, hidden themes stay hidden. Replaying is idempotent,
so applying the log to an already curated assignment changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

ACTIONS = ("rename", "merge", "move", "hide", "unhide")


class CurationError(ValueError):
    """A curation that cannot apply (unknown theme, empty name...); the message says why, in Korean."""


@dataclass(frozen=True)
class Curation:
    """One staff action. `theme_id` is the theme acted on (for a move: the destination)."""

    action: str
    theme_id: int
    target_theme_id: int | None = None  # merge: the theme `theme_id` is merged into
    suggestion_id: str | None = None  # move: the suggestion moved into `theme_id`
    label: str | None = None  # rename: the new name
    member_ids: tuple[str, ...] = ()  # merge: the merged theme's suggestions at the time, kept together


@dataclass
class CuratedThemes:
    """An assignment after the curation log: theme per suggestion, staff names, hidden themes."""

    assignment: dict[str, int]
    labels: dict[int, str] = field(default_factory=dict)
    hidden: set[int] = field(default_factory=set)
    merged_into: dict[int, int] = field(default_factory=dict)
    pinned: dict[str, int] = field(default_factory=dict)


def apply_curations(assignment: Mapping[str, int], curations: Iterable[Curation]) -> CuratedThemes:
    """Replay `curations` (oldest first) over `assignment` (suggestion id -> theme id)."""
    merged_into: dict[int, int] = {}
    pinned: dict[str, int] = {}
    labels: dict[int, str] = {}
    hidden: set[int] = set()

    def resolve(theme_id: int) -> int:
        seen = set()
        while theme_id in merged_into and theme_id not in seen:
            seen.add(theme_id)
            theme_id = merged_into[theme_id]
        return theme_id

    for curation in curations:
        if curation.action == "merge" and curation.target_theme_id is not None:
            source, target = resolve(curation.theme_id), resolve(curation.target_theme_id)
            if source != target:
                merged_into[source] = target
            # A full re-cluster may split the merged suggestions off again: staff said they belong together.
            pinned.update({sid: target for sid in curation.member_ids})
        elif curation.action == "move" and curation.suggestion_id is not None:
            pinned[curation.suggestion_id] = curation.theme_id
        # Names and visibility belong to the theme named; one merged away takes them with it.
        elif curation.action == "rename" and curation.label:
            labels[curation.theme_id] = curation.label
        elif curation.action == "hide":
            hidden.add(curation.theme_id)
        elif curation.action == "unhide":
            hidden.discard(curation.theme_id)
        elif curation.action not in ACTIONS:
            raise CurationError(f"알 수 없는 작업입니다: {curation.action!r} (가능: {', '.join(ACTIONS)})")

    result = {
        sid: resolve(pinned[sid]) if sid in pinned else resolve(theme) for sid, theme in assignment.items()
    }
    return CuratedThemes(
        assignment=result,
        labels={t: name for t, name in labels.items() if t not in merged_into},
        hidden={t for t in hidden if t not in merged_into},
        merged_into=merged_into,
        pinned={sid: resolve(t) for sid, t in pinned.items() if sid in assignment},
    )
