"""The pipeline on one input under each runner: local, Dask with 1 worker, Dask with 2 workers.

python -m bench.workers [--texts 2000] [--files 20] [--model e5-small] [--runs local,dask:1,dask:2]

The input: `--texts` petitions (petitions_dev_2019_10k.csv) written as `--files` suggestion forms (CSV, one row
per suggestion, the columns of a field form) in a temporary data folder. Each configuration runs the real flow
once, into its own new warehouse, in a fresh Python process (model and tagger loads, UMAP's compilation and a
LocalCluster's start all count). The table gives the wall seconds the flow spent per stage (its own stopwatch,
`stage_seconds` of the run summary) and the ratio of each total to the local runner's.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.data import PETITIONS_10K, read_labelled

FORM_HEADER = ["번호", "일자", "제안자", "소속", "업종", "지역", "건의내용"]
STAGES = ["workers", "read+split", "analysis", "embedding", "theme", "areas", "store"]


def write_forms(folder: Path, texts: list[str], files: int) -> None:
    """`texts` as `files` suggestion forms of about the same length, named as staff name them."""
    folder.mkdir(parents=True, exist_ok=True)
    per_file = -(-len(texts) // files)
    for number in range(files):
        rows = texts[number * per_file : (number + 1) * per_file]
        if not rows:
            break
        day = f"2019-{1 + number % 12:02d}-{1 + number // 12 % 28:02d}"
        with (folder / f"{day}_국민청원_{number:03d}.csv").open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\r\n")
            writer.writerow(FORM_HEADER)
            for i, text in enumerate(rows, 1):
                writer.writerow([i, day, "", "", "제조업", "세종", " ".join(text.split())])


def child(runner: str, workers: int, data_dir: Path, db_path: Path, out: Path) -> None:
    """One run of the flow in this (fresh) process; its summary as JSON in `out`."""
    os.environ["FIELDVOICE_EXECUTION_RUNNER"] = runner
    os.environ["FIELDVOICE_EXECUTION_WORKERS"] = str(workers)
    from flows.prefect_env import configure_prefect
    from settings import load_settings

    configure_prefect(load_settings().state_dir)
    from flows.pipeline import pipeline

    summary = pipeline(data_dir=data_dir, db_path=db_path)
    out.write_text(json.dumps(summary, default=str), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--texts", type=int, default=2000)
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--model", default="e5-small")
    parser.add_argument(
        "--runs", default="local,dask:1,dask:2", help="local and/or dask:WORKERS, comma-separated"
    )
    parser.add_argument(
        "--child", nargs=5, metavar=("RUNNER", "WORKERS", "DATA", "DB", "OUT"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.child:
        runner, workers, data_dir, db_path, out = args.child
        child(runner, int(workers), Path(data_dir), Path(db_path), Path(out))
        return 0
    if not PETITIONS_10K.exists():
        print(f"skipped: {PETITIONS_10K} not found")
        return 0

    base = Path(tempfile.mkdtemp(prefix="fieldvoice-bench-workers-"))
    texts = read_labelled(PETITIONS_10K)[0][: args.texts]
    write_forms(base / "data", texts, args.files)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FIELDVOICE_", "PREFECT_"))}
    env.update(FIELDVOICE_STATE_DIR=str(base / "state"), FIELDVOICE_EMBEDDING_MODEL=args.model)
    builder = {"e5-small": "e5_torch", "e5-small-int8": "e5_onnx"}.get(args.model)
    if builder:  # build the model folder once, outside the timed runs
        subprocess.run(
            [sys.executable, "-c", f"from nlp.embedding.{builder} import ensure_folder; ensure_folder()"],
            env=env,
            check=True,
        )
    print(
        f"## Runners: {len(texts):,} petitions in {args.files} form files, model {args.model}, "
        f"{os.cpu_count()} CPU cores"
    )
    print(
        "   This machine is shared with other jobs and noisy: repeat before trusting a difference of 10-20 %.\n"
        "   Seconds of wall time the flow spent per stage; each run in a fresh process, into a new warehouse.\n"
        "   On Dask, analysis runs alongside the embedding: its column is only the wait left after it."
    )
    results = []
    for spec in args.runs.split(","):
        runner, _, workers = spec.partition(":")
        workers = workers or "1"
        label = runner if runner == "local" else f"dask x{workers}"
        out = base / f"{runner}-{workers}.json"
        log = base / f"{runner}-{workers}.log"
        start = time.perf_counter()
        with log.open("w") as fh:
            done = subprocess.run(
                [sys.executable, "-m", "bench.workers", "--child", runner, workers,
                 str(base / "data"), str(base / f"{runner}-{workers}.duckdb"), str(out)],
                env=env, stdout=fh, stderr=subprocess.STDOUT,
            )  # fmt: skip
        process = time.perf_counter() - start
        if done.returncode != 0:
            print(f"{label}: failed (exit {done.returncode}), see {log}")
            return 1
        summary = json.loads(out.read_text())
        results.append((label, summary, process))
    reference = results[0][1]["stage_seconds"]["total"]
    header = (
        f"{'runner':<10}" + "".join(f"{s:>11}" for s in STAGES) + f"{'total':>9}{'ratio':>7}{'process':>9}"
    )
    print(header)
    for label, summary, process in results:
        seconds = summary["stage_seconds"]
        row = f"{label:<10}" + "".join(f"{seconds.get(s, 0.0):>11.1f}" for s in STAGES)
        print(row + f"{seconds['total']:>9.1f}{seconds['total'] / reference:>7.2f}{process:>9.1f}")
    counts = {(s["suggestions_new"], s["themes"]) for _, s, _ in results}
    print(f"suggestions, themes per run: {sorted(counts)} (one pair: every runner found the same)")
    print(
        "ratio: total / the first run's total (below 1: faster). process: the whole subprocess, imports included"
    )
    for label, summary, process in results:
        print(json.dumps({"benchmark": "workers", "runner": label, "texts": len(texts), "files": args.files,
                          "model": args.model, "process_s": round(process, 1),
                          **{k: round(v, 2) for k, v in summary["stage_seconds"].items()}}))  # fmt: skip
    shutil.rmtree(base, ignore_errors=True)  # kept only when a run failed, for its log
    return 0


if __name__ == "__main__":
    sys.exit(main())
