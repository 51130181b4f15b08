"""e5-small variants side by side: speed on real petition titles and KorSTS dev quality, in one process.

python -m bench.embedding_speed [--texts 2000] [--repeats 3] [--threads 2]

Every variant embeds the same texts `--repeats` times, the variants taking turns (so a load spike on a
shared machine hits all of them alike); the speed is the median. Then each variant embeds KorSTS dev
(Spearman of cosine with the human scores); its petition vectors are compared with the torch float32
model's (the smallest per-text cosine). RSS is the process's resident memory after loading
the variant (cumulative: variants load one after another).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable

import numpy as np
from scipy.stats import spearmanr

from bench.data import KORSTS_DEV, PETITIONS_10K, read_korsts, read_labelled


def _rss_mb() -> float:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def _variants(threads: int) -> dict[str, Callable[[list[str]], np.ndarray]]:
    import torch

    from nlp.embedding import embed_texts, load_embedder
    from nlp.embedding.e5_torch import load_e5_small

    torch.set_num_threads(threads)
    fp32 = load_e5_small(precision="float32")

    def encoder(model, batch_size: int = 64):
        return lambda texts: model.encode(
            texts, batch_size=batch_size, convert_to_numpy=True, normalize_embeddings=True
        )

    return {
        "e5-small (torch, bf16 if native; batch 64)": lambda texts: embed_texts(texts, "e5-small"),
        "e5-small, batch 16": encoder(load_embedder("e5-small"), 16),
        "torch fp32": encoder(fp32),
        "e5-small-int8 (ONNX, a stream per core; batch 64)": lambda texts: embed_texts(
            texts, "e5-small-int8"
        ),
        "e5-small-int8 via sentence-transformers (1 stream), batch 16": encoder(
            load_embedder("e5-small-int8"), 16
        ),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--texts", type=int, default=2000, help="petition titles to embed per repeat")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--threads", type=int, default=2, help="torch threads (ONNX uses the process's cores)"
    )
    args = parser.parse_args(argv)
    if not (KORSTS_DEV.exists() and PETITIONS_10K.exists()):
        print(f"skipped: {KORSTS_DEV} or {PETITIONS_10K} not found")
        return 0
    texts = read_labelled(PETITIONS_10K)[0][: args.texts]
    left, right, scores = read_korsts(KORSTS_DEV)

    variants, rss = {}, {}
    for name, embed in _variants(args.threads).items():
        embed(texts[:32])  # load (and build, once) before timing
        variants[name], rss[name] = embed, _rss_mb()
    seconds: dict[str, list[float]] = {name: [] for name in variants}
    outputs = {}
    for _ in range(args.repeats):
        for name, embed in variants.items():
            start = time.perf_counter()
            outputs[name] = embed(texts)
            seconds[name].append(time.perf_counter() - start)

    print(
        f"## e5-small variants: {len(texts)} petition titles x {args.repeats}, KorSTS dev ({KORSTS_DEV.name})"
    )
    print(f"{'variant':<44}{'texts/s':>9}{'ratio':>7}{'Spearman':>10}{'delta':>8}{'min cos':>9}{'RSS MB':>8}")
    reference = outputs["torch fp32"]
    results, base = [], None
    for name, embed in variants.items():
        speed = len(texts) / statistics.median(seconds[name])
        a, b = embed(left), embed(right)
        rho = float(spearmanr(np.sum(a * b, axis=1), scores).statistic)
        min_cos = float(np.min(np.sum(outputs[name] * reference, axis=1)))
        base = base or (speed, rho)
        print(
            f"{name:<44}{speed:>9.0f}{speed / base[0]:>7.2f}{rho:>10.4f}{rho - base[1]:>+8.4f}"
            f"{min_cos:>9.4f}{rss[name]:>8.0f}",
            flush=True,
        )
        results.append(
            {
                "benchmark": "e5_speed",
                "variant": name,
                "texts_per_s": round(speed),
                "ratio": round(speed / base[0], 2),
                "spearman": round(rho, 4),
                "min_cosine_to_fp32": round(min_cos, 4),
                "seconds": [round(s, 2) for s in seconds[name]],
            }
        )
    for result in results:
        print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
