"""Splitting and tour metadata on real field-meeting documents (`../shared/bench/meeting_gold_dev/`).

Scoring follows `SPLITTING_GUIDE.md`: a predicted suggestion matches a gold one when the Dice
similarity of their character bigrams (whitespace removed; best over the gold span and its
alt_spans) is at least 0.5, one-to-one, greedy by similarity. Micro precision, recall and F1 are
printed for the development part, the part kept aside for the final figure (every fifth document
in file order, never used to write rules), and per document shape; then the false positives that
hit an annotated look-alike (`negatives`), tour date accuracy (exact, within 7 days), the number of
distinct tours the pipeline's grouping makes of the separate meetings, and time per document.

    python -m bench.splitting [--details] [--part dev|kept|all]

`--details` lists every miss and false positive of the development part (never of the kept part).
The documents are read as a user's files would be: their modification time is not used, so a
date must come from the text itself.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from bench.data import SHARED_BENCH
from nlp.extraction import extract_tours_and_suggestions
from nlp.metadata import extract_tour_metadata
from nlp.readers import read_document
from nlp.records import ParsedDocument
from nlp.splitting import bigram_dice as dice
from nlp.splitting import split_into_suggestions

MEETING_GOLD = SHARED_BENCH / "meeting_gold_dev"
MATCH_THRESHOLD = 0.5


def match(predicted: list[str], gold: list[list[str]]) -> list[tuple[int, int, float]]:
    """Greedy one-to-one matching: (predicted index, gold index, similarity) with similarity >= 0.5."""
    pairs = []
    for i, text in enumerate(predicted):
        for j, variants in enumerate(gold):
            score = max(dice(text, v) for v in variants)
            if score >= MATCH_THRESHOLD:
                pairs.append((score, i, j))
    pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
    used_p: set[int] = set()
    used_g: set[int] = set()
    matched = []
    for score, i, j in pairs:
        if i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        matched.append((i, j, score))
    return matched


@dataclass
class Tally:
    true_positive: int = 0
    predicted: int = 0
    gold: int = 0

    def add(self, tp: int, predicted: int, gold: int) -> None:
        self.true_positive += tp
        self.predicted += predicted
        self.gold += gold

    @property
    def precision(self) -> float:
        return self.true_positive / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.true_positive / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class DocResult:
    name: str
    kept_aside: bool
    shapes: list[str]
    predicted: list[str]
    gold: list[list[str]]
    matched: list[tuple[int, int, float]]
    negative_hits: list[str] = field(default_factory=list)
    gold_date: date | None = None
    found_date: date | None = None
    seconds: float = 0.0
    speakers_agree: int = 0  # matched suggestions whose speaker shares a word with the gold speaker
    speakers_named: int = 0  # matched suggestions that have a gold speaker


def load_gold(folder: Path = MEETING_GOLD) -> list[dict]:
    with (folder / "gold.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def is_kept_aside(index: int) -> bool:
    """Every fifth document (in gold.jsonl order) is kept aside for the final figure."""
    return index % 5 == 4


def read_as_user_file(path: Path) -> ParsedDocument:
    return replace(read_document(path, max_bytes=20_000_000), modified=None)


def evaluate(folder: Path = MEETING_GOLD) -> tuple[list[DocResult], int]:
    """Per-document results and the number of distinct tours made of all the documents."""
    results = []
    documents = []
    for index, entry in enumerate(load_gold(folder)):
        document = read_as_user_file(folder / "docs" / entry["doc"])
        documents.append(document)
        started = time.perf_counter()
        tour = extract_tour_metadata(document)
        found = split_into_suggestions(document, tour)
        seconds = time.perf_counter() - started
        predicted = [s.text for s in found]
        found_speakers = [s.speaker or "" for s in found]
        gold = [
            [s["span"], *[a["span"] if isinstance(a, dict) else a for a in s.get("alt_spans", [])]]
            for s in entry["suggestions"]
        ]
        matched = match(predicted, gold)
        matched_p = {i for i, _, _ in matched}
        negatives = [n["span"] for n in entry.get("negatives", [])]
        hits = [
            text
            for i, text in enumerate(predicted)
            if i not in matched_p and any(dice(text, n) >= MATCH_THRESHOLD for n in negatives)
        ]
        named = [(found_speakers[i], entry["suggestions"][j]["speaker"]) for i, j, _ in matched]
        named = [(ours, theirs) for ours, theirs in named if theirs]
        results.append(
            DocResult(
                name=entry["doc"],
                kept_aside=is_kept_aside(index),
                shapes=entry.get("shapes", []),
                predicted=predicted,
                gold=gold,
                matched=matched,
                negative_hits=hits,
                gold_date=date.fromisoformat(entry["date"]) if entry.get("date") else None,
                found_date=tour.date,
                seconds=seconds,
                speakers_agree=sum(1 for ours, theirs in named if _same_speaker(ours, theirs)),
                speakers_named=len(named),
            )
        )
    tours, _, _ = extract_tours_and_suggestions(documents)
    return results, len(tours)


def _same_speaker(ours: str, theirs: str) -> bool:
    """Loose agreement: one of our words (2+ letters, particles aside) appears in the gold speaker."""
    words = [w.strip("()") for w in ours.split() if len(w.strip("()")) >= 2]
    return any(w in theirs or theirs.split()[0] in w for w in words)


def tally(results: list[DocResult]) -> Tally:
    total = Tally()
    for r in results:
        total.add(len(r.matched), len(r.predicted), len(r.gold))
    return total


def _row(label: str, t: Tally, docs: int) -> str:
    return (
        f"| {label} | {docs} | {t.gold} | {t.predicted} | {t.precision:.3f} | {t.recall:.3f} | {t.f1:.3f} |"
    )


def _date_figures(results: list[DocResult]) -> tuple[int, int, int]:
    dated = [r for r in results if r.gold_date]
    exact = sum(1 for r in dated if r.found_date == r.gold_date)
    near = sum(1 for r in dated if r.found_date and abs((r.found_date - r.gold_date).days) <= 7)
    return len(dated), exact, near


def report(
    results: list[DocResult], tours: int, details: bool = False, folder_name: str = "meeting_gold_dev"
) -> dict[str, float]:
    parts = {
        "dev": [r for r in results if not r.kept_aside],
        "kept": [r for r in results if r.kept_aside],
        "all": results,
    }
    print(f"## Splitting ({folder_name}; Dice >= 0.5, one-to-one)")
    print("| part | docs | gold | predicted | precision | recall | F1 |")
    print("|---|---|---|---|---|---|---|")
    for name, part in parts.items():
        print(_row(name, tally(part), len(part)))
    print()
    print("### Per document shape (development part only)")
    print("| shape | docs | gold | predicted | precision | recall | F1 |")
    print("|---|---|---|---|---|---|---|")
    by_shape: dict[str, list[DocResult]] = defaultdict(list)
    for r in parts["dev"]:
        for shape in r.shapes:
            by_shape[shape].append(r)
    for shape, docs in sorted(by_shape.items(), key=lambda kv: -len(kv[1])):
        if len(docs) >= 2:
            print(_row(shape, tally(docs), len(docs)))
    print()
    agree = sum(r.speakers_agree for r in results)
    named = sum(r.speakers_named for r in results)
    print(
        f"Speakers: {agree} of {named} matched suggestions with a gold speaker name the same person or group "
        f"({agree / max(named, 1):.0%}; loose word match)"
    )
    hits = sum(len(r.negative_hits) for r in results)
    print(
        f"False positives that hit an annotated look-alike (negatives): {hits} "
        f"(dev {sum(len(r.negative_hits) for r in parts['dev'])})"
    )
    print()
    print("## Tours")
    print("| part | dated docs | date exact | within 7 days | no date found |")
    print("|---|---|---|---|---|")
    for name, part in parts.items():
        dated, exact, near = _date_figures(part)
        missing = sum(1 for r in part if r.gold_date and r.found_date is None)
        print(
            f"| {name} | {dated} | {exact} ({exact / max(dated, 1):.0%}) | {near} ({near / max(dated, 1):.0%}) "
            f"| {missing} |"
        )
    print(f"Separate meetings: {len(results)}; distinct tours made: {tours} ({tours / len(results):.0%})")
    future = sum(1 for r in results if r.found_date and r.found_date > date.today())
    print(f"Dates in the future: {future}")
    seconds = sorted(r.seconds for r in results)
    print(
        f"Time per document: median {seconds[len(seconds) // 2] * 1000:.1f} ms, "
        f"max {seconds[-1] * 1000:.1f} ms (metadata + split, after warm-up)"
    )
    if details:
        _print_details(parts["dev"])
    dev, kept = tally(parts["dev"]), tally(parts["kept"])
    return {"dev_f1": dev.f1, "kept_f1": kept.f1, "all_f1": tally(results).f1}


def _print_details(results: list[DocResult]) -> None:
    print()
    print("## Details (development part)")
    for r in results:
        matched_p = {i for i, _, _ in r.matched}
        matched_g = {j for _, j, _ in r.matched}
        misses = [g[0] for j, g in enumerate(r.gold) if j not in matched_g]
        extras = [p for i, p in enumerate(r.predicted) if i not in matched_p]
        if not misses and not extras and r.found_date == r.gold_date:
            continue
        print(f"### {r.name} {' '.join(r.shapes)}  date gold {r.gold_date} found {r.found_date}")
        for i, j, score in r.matched:
            if score < 0.8:
                print(f"  ~ {score:.2f} {r.predicted[i]!r} ~ {r.gold[j][0]!r}")
        for text in misses:
            print(f"  - miss {text!r}")
        for text in extras:
            flag = " (NEGATIVE)" if text in r.negative_hits else ""
            print(f"  + extra {text!r}{flag}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.splitting", description=__doc__)
    parser.add_argument("--details", action="store_true", help="list misses and extras of the dev part")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of the F1 figures")
    parser.add_argument(
        "--gold",
        type=Path,
        default=MEETING_GOLD,
        help="another folder annotated the same way (docs/, gold.jsonl)",
    )
    args = parser.parse_args(argv)
    if not (args.gold / "gold.jsonl").exists():
        print(f"skipped: {args.gold} not found")
        return 0
    # warm up once so the first document does not carry the tagger's load time
    first = read_as_user_file(next((args.gold / "docs").glob("*.txt")))
    split_into_suggestions(first, extract_tour_metadata(first))
    results, tours = evaluate(args.gold)
    if args.gold != MEETING_GOLD:  # another annotated folder: no part of it is kept aside
        results = [replace(r, kept_aside=False) for r in results]
    figures = report(results, tours, details=args.details, folder_name=args.gold.name)
    if args.json:
        print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
