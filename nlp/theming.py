"""Suggestions to themes: cluster the vectors, then label the clusters (the whole theming stage).

`theming_fingerprint` names the inputs that decide the themes, so a run whose suggestions and
settings have not changed can keep the themes it already has.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path

import numpy as np

from fieldvoice.config import ClusteringSettings
from nlp.clustering import cluster_suggestions
from nlp.labelling import build_themes, load_taxonomy
from nlp.records import Theme


def build_theme_set(
    suggestion_ids: list[str],
    vectors: np.ndarray,
    nouns: list[list[str]],
    settings: ClusteringSettings,
    taxonomy_file: Path,
) -> list[Theme]:
    """Themes over all current suggestions (same input, same themes)."""
    labels = cluster_suggestions(vectors, settings)
    return build_themes(suggestion_ids, labels, nouns, vectors, load_taxonomy(taxonomy_file))


def theming_fingerprint(
    suggestion_ids: list[str], model: str, tagger: str, settings: ClusteringSettings, taxonomy_file: Path
) -> str:
    digest = hashlib.sha256()
    digest.update("\n".join(sorted(suggestion_ids)).encode())
    digest.update(json.dumps([model, tagger, asdict(settings)], sort_keys=True).encode())
    if taxonomy_file.exists():
        digest.update(taxonomy_file.read_bytes())
    return digest.hexdigest()[:32]
