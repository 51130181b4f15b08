"""Searching suggestions: keyword search that knows Korean morphology, and semantic search.

Keyword search matches a suggestion when it contains the query as written, spacing aside (Korean
compounds are written both ways: "유지 보수" finds "유지보수" and the other way round), or every
noun of the query (found by the pipeline's tagger) anywhere in its text: 인력 finds 전문인력을,
데이터를 finds 데이터의, 인력을 양성 finds 전문인력 양성; particles and endings do not get in the
way. Semantic search embeds the query with the configured model and ranks, among the suggestions
the filters leave, by cosine similarity.
"""

from __future__ import annotations

import re
from collections.abc import Collection

import numpy as np
import pandas as pd


def keyword_mask(frame: pd.DataFrame, query: str, query_nouns: list[str]) -> pd.Series:
    """Rows containing `query` as written, or every noun of it (particles and endings dropped)."""
    query = query.strip()
    if not query:
        return pd.Series(True, index=frame.index)
    text = frame["text"].fillna("")
    unspaced = text.str.replace(r"\s+", "", regex=True)
    match = unspaced.str.contains(re.sub(r"\s+", "", query), case=False, regex=False)
    if query_nouns:
        every_noun = pd.Series(True, index=frame.index)
        for noun in dict.fromkeys(query_nouns):
            every_noun &= text.str.contains(noun, case=False, regex=False)
        match |= every_noun
    return match


def most_similar(
    ids: list[str],
    matrix: np.ndarray,
    query_vector: np.ndarray,
    top: int = 20,
    among: Collection[str] | None = None,
) -> pd.DataFrame:
    """The `top` suggestion ids closest to the query, with their cosine similarity; with `among`,
    only those ids compete (filters first, then ranking, so a filter never empties the result).

    Every row is scored, then the rows outside `among` are left out: taking the allowed rows of the
    matrix first copied it whole (2 GB at a million suggestions: a 6.3 s search, now 0.2 s unfiltered).
    `among` None: every row competes (the explorer passes None when no filter is set)."""
    scores = matrix @ query_vector.reshape(-1) if len(ids) else np.zeros(0, dtype=np.float32)
    if among is None:
        candidates = np.arange(len(ids))
    else:
        allowed = set(among.tolist() if isinstance(among, pd.Series) else among)  # 4x faster on a Series
        candidates = np.flatnonzero(np.fromiter((sid in allowed for sid in ids), dtype=bool, count=len(ids)))
    if not len(candidates):
        return pd.DataFrame({"suggestion_id": [], "similarity": []})
    top = min(top, len(candidates))
    best = candidates[np.argpartition(-scores[candidates], top - 1)[:top]]
    best = best[np.argsort(-scores[best], kind="stable")]
    return pd.DataFrame({"suggestion_id": [ids[i] for i in best], "similarity": scores[best]})
