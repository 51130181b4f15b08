"""The baseline fieldvoice is measured against: BERTopic with its defaults, on the same embeddings.

BERTopic (UMAP 15 neighbours / 5 dimensions / cosine, HDBSCAN min_cluster_size 10) gets the
vectors fieldvoice computed, so a difference in the scores is a difference in theming, not in
embeddings. Its vectorizer counts Korean nouns from fieldvoice's tagger (the default English
tokenizer would split Korean words on spaces, particles attached). A fixed UMAP seed keeps runs
comparable. Install with `pip install -e .[bench]`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from nlp.tagging import load_tagger


def korean_noun_tokenizer(tagger_name: str) -> Callable[[str], list[str]]:
    tagger = load_tagger(tagger_name)
    return tagger.nouns


def bertopic_topics(
    texts: list[str], vectors: np.ndarray, tagger_name: str, seed: int = 42
) -> tuple[np.ndarray, list[tuple[int, str]]]:
    """BERTopic's topic per text (-1 = outlier) and each topic's name (its top nouns)."""
    from bertopic import BERTopic
    from sklearn.feature_extraction.text import CountVectorizer
    from umap import UMAP

    model = BERTopic(
        language="multilingual",  # "english" (the default) strips every non-ASCII character before counting words
        umap_model=UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=seed),
        vectorizer_model=CountVectorizer(tokenizer=korean_noun_tokenizer(tagger_name), lowercase=False),
        calculate_probabilities=False,
    )
    topics, _ = model.fit_transform(texts, embeddings=vectors)
    info = model.get_topic_info()
    return np.asarray(topics, dtype=int), list(zip(info.Topic, info.Name, strict=True))
