"""Policy areas per suggestion on real suggestions (`meeting_gold_dev`, gold spans as input).

The taxonomy is the repository's `taxonomy.toml` ([[area]]: the 10 named areas of
SPLITTING_GUIDE.md with keywords a staffer would write, not tuned per document); 기타 is what
fits none. Printed side by side for the development part and the part kept aside (every fifth
document, as in `bench.splitting`): primary-area accuracy (the primary area is one of the
suggestion's gold tags), sample-averaged multi-label F1, per-area precision and recall, against a
keyword-only rule and a zero-shot nearest-area rule (never 기타); then the learning curve: accuracy
after 0, 10, 25, 50 and 100 staff corrections drawn from the development part (median of 5 draws),
measured on the kept part and on the development suggestions not drawn.

    python -m bench.areas [--model e5-small]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.splitting import MEETING_GOLD, is_kept_aside, load_gold
from nlp.areas import (
    OTHER_AREA,
    PolicyArea,
    StaffExamples,
    area_prototypes,
    assign_areas,
    keyword_hits,
    load_areas,
)
from settings import PROJECT_ROOT, load_settings

CORRECTIONS = (0, 10, 25, 50, 100)
DRAWS = 5


@dataclass(frozen=True)
class Item:
    text: str
    tags: frozenset[str]
    kept_aside: bool
    first_tag: str  # the tag the annotator put first: what a staffer correcting it would choose


def load_items(folder: Path = MEETING_GOLD) -> list[Item]:
    items = []
    for index, entry in enumerate(load_gold(folder)):
        for s in entry["suggestions"]:
            items.append(
                Item(
                    " ".join(s["span"].split()), frozenset(s["themes"]), is_kept_aside(index), s["themes"][0]
                )
            )
    return items


def primary_accuracy(items: list[Item], predicted: list[list[str]]) -> float:
    return sum(p[0] in i.tags for i, p in zip(items, predicted, strict=True)) / max(len(items), 1)


def sample_f1(items: list[Item], predicted: list[list[str]]) -> float:
    scores = []
    for item, areas in zip(items, predicted, strict=True):
        hit = len(item.tags & set(areas))
        scores.append(2 * hit / (len(item.tags) + len(set(areas))))
    return sum(scores) / max(len(scores), 1)


def per_area(
    items: list[Item], predicted: list[list[str]], names: list[str]
) -> list[tuple[str, int, float, float]]:
    rows = []
    for name in names:
        gold = sum(name in i.tags for i in items)
        said = sum(name in p for p in predicted)
        both = sum(name in i.tags and name in p for i, p in zip(items, predicted, strict=True))
        rows.append((name, gold, both / said if said else 0.0, both / gold if gold else 0.0))
    return rows


def keyword_rule(texts: list[str], areas: list[PolicyArea]) -> list[list[str]]:
    out = []
    for text in texts:
        hits = [keyword_hits(text, a) for a in areas]
        out.append([areas[int(np.argmax(hits))].name] if max(hits) else [OTHER_AREA])
    return out


def zero_shot_rule(vectors: np.ndarray, prototypes: np.ndarray, areas: list[PolicyArea]) -> list[list[str]]:
    return [[areas[int(i)].name] for i in (vectors @ prototypes.T).argmax(axis=1)]


def run(model: str, folder: Path = MEETING_GOLD) -> int:
    from nlp.embedding import embed_texts

    areas = load_areas(PROJECT_ROOT / "taxonomy.toml")
    names = [a.name for a in areas] + [OTHER_AREA]
    items = load_items(folder)
    if folder != MEETING_GOLD:  # another annotated folder: nothing of it was used to write the rules
        items = [Item(i.text, i.tags, True, i.first_tag) for i in items]
    started = time.perf_counter()
    vectors = embed_texts([i.text for i in items], model)
    prototypes = area_prototypes(areas, lambda texts: embed_texts(texts, model))
    embedded = time.perf_counter() - started
    texts = [i.text for i in items]
    started = time.perf_counter()
    ours = [[a.area for a in row] for row in assign_areas(texts, vectors, areas, prototypes)]
    assigned = time.perf_counter() - started
    systems = {
        "keywords only": keyword_rule(texts, areas),
        "zero-shot nearest (never 기타)": zero_shot_rule(vectors, prototypes, areas),
        "fieldvoice": ours,
    }
    parts = {
        "dev": [k for k, i in enumerate(items) if not i.kept_aside],
        "kept": [k for k, i in enumerate(items) if i.kept_aside],
    }
    print(f"## Policy areas ({folder.name}, gold spans; taxonomy.toml, {len(areas)} areas + 기타; {model})")
    print("| system | dev accuracy | dev multi-label F1 | kept accuracy | kept multi-label F1 |")
    print("|---|---|---|---|---|")
    for name, predicted in systems.items():
        cells = []
        for part in parts.values():
            sub_items = [items[k] for k in part]
            sub_pred = [predicted[k] for k in part]
            cells += [f"{primary_accuracy(sub_items, sub_pred):.3f}", f"{sample_f1(sub_items, sub_pred):.3f}"]
        print(f"| {name} | " + " | ".join(cells) + " |")
    print(
        f"({len(parts['dev'])} dev and {len(parts['kept'])} kept-aside suggestions; embedding "
        f"{embedded:.1f} s incl. model load, assignment {assigned * 1000:.0f} ms)"
    )
    print()
    print("### Per area, fieldvoice, all suggestions (multi-label)")
    print("| area | gold | precision | recall |")
    print("|---|---|---|---|")
    for name, gold, precision, recall in per_area(items, ours, names):
        print(f"| {name} | {gold} | {precision:.2f} | {recall:.2f} |")
    print()
    if parts["dev"]:
        _learning_curve(items, vectors, areas, prototypes, parts)
    return 0


def _learning_curve(items, vectors, areas, prototypes, parts) -> None:
    print(f"### Learning from staff corrections (median of {DRAWS} draws from the dev part)")
    print("| corrections | accuracy on kept part | accuracy on dev suggestions not drawn |")
    print("|---|---|---|")
    texts = [i.text for i in items]
    for n in CORRECTIONS:
        kept_scores, rest_scores = [], []
        for draw in range(DRAWS):
            drawn = random.Random(draw).sample(parts["dev"], n) if n else []
            labels = tuple(items[k].first_tag for k in drawn)
            staff = StaffExamples(vectors[drawn], labels) if n else None
            predicted = [
                [a.area for a in row] for row in assign_areas(texts, vectors, areas, prototypes, staff)
            ]
            for _name, pool, scores in (
                ("kept", parts["kept"], kept_scores),
                ("rest", [k for k in parts["dev"] if k not in set(drawn)], rest_scores),
            ):
                scores.append(primary_accuracy([items[k] for k in pool], [predicted[k] for k in pool]))
        print(f"| {n} | {statistics.median(kept_scores):.3f} | {statistics.median(rest_scores):.3f} |")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.areas", description=__doc__)
    parser.add_argument("--model", default=None, help="embedding model (default: the configured one)")
    parser.add_argument(
        "--gold", type=Path, default=MEETING_GOLD, help="another folder annotated the same way"
    )
    args = parser.parse_args(argv)
    if not (args.gold / "gold.jsonl").exists():
        print(f"skipped: {args.gold} not found")
        return 0
    return run(args.model or load_settings().embedding.model, args.gold)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
