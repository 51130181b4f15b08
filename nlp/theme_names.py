"""Readable theme names: a short noun phrase taken from the theme's own suggestions.

A bag of top nouns ("중소 · 세무조사 · 보증") reads as a list of unrelated words. Instead, every
theme is named by a noun phrase that its suggestions actually contain ("스마트공장 유지보수 비용
지원"), chosen the way KeyBERT chooses keyphrases: candidates are the noun phrases morphology finds
(kiwipiepy: runs of nouns, foreign words and numbers joined by spaces or a middle dot, ending on a
noun); each is embedded with the same model as the suggestions and scored by how close it is to its
theme's centroid, minus how close it is to the nearest other theme (so neighbours get distinct
names), with a small bonus for phrases many members share. Names are unique; staff names are never
touched (that is `nlp.labelling`'s job).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from nlp.sentences import shared_kiwi
from nlp.tagging import stopwords

Embed = Callable[[list[str]], np.ndarray]

_HEAD_TAGS = {"NNG", "NNP", "SL", "SH", "XSN"}  # a phrase ends on a noun (or a noun suffix: 고도화)
_PHRASE_TAGS = _HEAD_TAGS | {"SN", "XPN", "NR"}
_JOINERS = {"", " ", "·", "ㆍ", "・"}
_INNER_MARKS = {"&", "·", "ㆍ", "・"}  # R&D, 금융·세제
_NOT_FIRST = _INNER_MARKS | {"이후", "이전", "관련", "대상", "경우", "이상", "이하", "내", "간"}
_NOT_LAST = {"후", "이후", "전", "이전", "시", "때", "중", "등", "관련", "경우", "이상", "이하", "내", "간"}
_HANGUL = re.compile("[가-힣]")
MAX_PHRASE_WORDS = 4
MAX_NAME_CHARS = 28
MEMBERS_READ = 40  # the members nearest the centroid are read for candidates: bounded on big themes
CANDIDATES_PER_THEME = 12  # phrases of two words or more
NEIGHBOUR_WEIGHT = 0.5  # how much closeness to the nearest other theme costs
SHARED_BONUS = 0.15  # times the share of the members read that contain the phrase
SPECIFIC_BONUS = 0.005  # per word beyond the first (up to three)


def noun_phrases(text: str) -> list[str]:
    """Every noun phrase of `text` (and its right-anchored sub-phrases), as written, in order.

    "스마트공장 유지보수 비용 지원" gives itself, "유지보수 비용 지원", "비용 지원" and so on; a
    phrase never starts on a noun suffix or a number alone and never is a bare stop-word."""
    tokens = shared_kiwi().tokenize(text)
    runs: list[list] = [[]]
    for token in tokens:
        in_phrase = token.tag in _PHRASE_TAGS or token.form in _INNER_MARKS
        last = runs[-1][-1] if runs[-1] else None
        if in_phrase and last is not None and text[last.start + last.len : token.start] in _JOINERS:
            runs[-1].append(token)
        elif in_phrase:
            runs.append([token])
        else:
            runs.append([])
    found: list[str] = []
    for run in runs:
        for end, last in enumerate(run):
            # a phrase ends on a noun at the end of a word ("유지보수", never the "유지" inside it)
            attached = end + 1 < len(run) and run[end + 1].start == last.start + last.len
            if last.tag not in _HEAD_TAGS or attached or last.form in _NOT_LAST:
                continue
            for start in range(end, -1, -1):
                first = run[start]
                phrase = _surface(text, first, last)
                if len(phrase.split()) > MAX_PHRASE_WORDS:
                    break
                if (
                    first.tag in {"XSN", "SN"}
                    or first.form in _NOT_FIRST
                    or not _starts_word(text, first.start)
                ):
                    continue
                if _usable(phrase):
                    found.append(phrase)
    return found


def _starts_word(text: str, offset: int) -> bool:
    return offset == 0 or not (text[offset - 1].isalnum() or text[offset - 1] in _INNER_MARKS)


def _surface(text: str, first, last) -> str:
    return re.sub(r"\s+", " ", text[first.start : last.start + last.len]).strip()


def _usable(phrase: str) -> bool:
    """Hangul, short, and saying something: not only stop-words ("지원 확대")."""
    if not _HANGUL.search(phrase) or len(phrase) > MAX_NAME_CHARS or len(phrase) < 2:
        return False
    return any(word not in stopwords() for word in re.split(r"[\s·ㆍ・]+", phrase))


def name_themes(
    members: Mapping[int, Sequence[int]],
    texts: Sequence[str],
    vectors: np.ndarray,
    embed: Embed | None,
    taken: set[str],
) -> dict[int, str]:
    """A unique noun-phrase name for each theme in `members` (theme id -> member row indices).

    `taken` holds names already in use (staff names); it is extended with the names chosen here.
    Themes are named largest first, so a big theme gets first pick. Without `embed` the phrase most
    members share wins (ties: the longer phrase)."""
    centroids = {t: _unit(vectors[list(rows)].mean(axis=0)) for t, rows in members.items()}
    candidates = {t: _candidates(rows, texts, vectors, centroids[t]) for t, rows in members.items()}
    phrases = sorted({p for found in candidates.values() for p, _ in found})
    vector_of: dict[str, np.ndarray] = {}
    if embed is not None and phrases:
        vector_of = dict(zip(phrases, embed(phrases), strict=True))
    theme_ids = list(members)
    matrix = np.stack([centroids[t] for t in theme_ids]) if theme_ids else np.zeros((0, vectors.shape[1]))
    names: dict[int, str] = {}
    for theme in sorted(theme_ids, key=lambda t: (-len(members[t]), t)):
        ranked = sorted(
            candidates[theme],
            key=lambda pc: (-_score(pc, theme, theme_ids, matrix, vector_of, centroids), pc[0]),
        )
        name = next((p for p, _ in ranked if p not in taken), None)
        if name is None:
            name = next(
                n for n in (f"테마 {theme}", *(f"테마 {theme}-{i}" for i in range(2, 99))) if n not in taken
            )
        names[theme] = name
        taken.add(name)
    return names


def _candidates(
    rows: Sequence[int], texts: Sequence[str], vectors: np.ndarray, centroid: np.ndarray
) -> list[tuple[str, float]]:
    """The theme's most shared phrases, each with the share of the members read that contain it.

    Phrases of two words or more make the pool ("유지보수 비용 지원" says more than "비용"); single
    words only when no longer phrase is shared. A phrase one member alone uses is a candidate only in
    themes too small to share any."""
    rows = list(rows)
    nearest = [rows[i] for i in np.argsort(-(vectors[rows] @ centroid), kind="stable")[:MEMBERS_READ]]
    shared: Counter[str] = Counter()
    for row in nearest:
        shared.update(set(noun_phrases(texts[row])))
    floor = 2 if len(rows) >= 3 and max(shared.values(), default=0) >= 2 else 1
    # most shared first; among equals the longer (more specific) phrase
    best = sorted(
        ((p, c) for p, c in shared.items() if c >= floor),
        key=lambda pc: (-pc[1], -len(pc[0].split()), pc[0]),
    )
    longer = [pc for pc in best if " " in pc[0]][:CANDIDATES_PER_THEME]
    return [(p, c / len(nearest)) for p, c in (longer or best[:CANDIDATES_PER_THEME])]


def _score(
    candidate: tuple[str, float],
    theme: int,
    theme_ids: list[int],
    centroids_matrix: np.ndarray,
    vector_of: Mapping[str, np.ndarray],
    centroids: Mapping[int, np.ndarray],
) -> float:
    phrase, share = candidate
    specific = SPECIFIC_BONUS * min(3, len(phrase.split()) - 1)
    vector = vector_of.get(phrase)
    if vector is None:  # no embedder: the most shared, then the most specific phrase
        return share + specific
    own = float(vector @ centroids[theme])
    others = centroids_matrix @ vector
    others[theme_ids.index(theme)] = -1.0
    nearest_other = float(others.max()) if len(theme_ids) > 1 else 0.0
    return own - NEIGHBOUR_WEIGHT * nearest_other + SHARED_BONUS * share + specific


def _unit(vector: np.ndarray) -> np.ndarray:
    return vector / (np.linalg.norm(vector) or 1.0)
