"""Korean analysers side by side: start-up and throughput on the petitions, nouns per text.

python -m bench.analysis [--taggers kiwi,komoran,okt] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from bench.data import PETITIONS_10K, read_labelled
from nlp.tagging import load_tagger


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--taggers", default="kiwi,komoran,okt")
    parser.add_argument("--limit", type=int, default=10_000)
    args = parser.parse_args(argv)
    if not PETITIONS_10K.exists():
        print(f"skipped: {PETITIONS_10K} not found")
        return 0
    texts = read_labelled(PETITIONS_10K)[0][: args.limit]
    print(f"## Korean analysis: nouns of {len(texts):,} petition titles")
    print(f"{'tagger':<10}{'load s':>8}{'tag s':>8}{'texts/s':>9}{'nouns/text':>11}")
    results = []
    for name in args.taggers.split(","):
        start = time.perf_counter()
        tagger = load_tagger(name)
        loaded = time.perf_counter()
        nouns = [tagger.nouns(t) for t in texts]
        done = time.perf_counter()
        per_text = sum(map(len, nouns)) / len(texts)
        speed = len(texts) / (done - loaded)
        print(f"{name:<10}{loaded - start:>8.2f}{done - loaded:>8.2f}{speed:>9.0f}{per_text:>11.2f}")
        results.append({"benchmark": "analysis", "tagger": name, "load_s": round(loaded - start, 2),
                        "tag_s": round(done - loaded, 2), "nouns_per_text": round(per_text, 2)})  # fmt: skip
    for result in results:
        print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
