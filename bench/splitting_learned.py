"""Rules alone against rules plus a learned filter, side by side, on the same real documents.

The learned variant asks of each span the rules found: "is this a participant's request?" It is a
logistic regression over e5-small embeddings of the span and of its sentence, trained on the
development part of `meeting_gold_dev` (gold spans and the rules' matched spans as positives; the
annotated look-alikes and the rules' unmatched spans as negatives). Its threshold is chosen by
leave-one-document-out cross-validation on the development part only; the part kept aside (every fifth
document) is never seen before the final figure.

    python -m bench.splitting_learned [--model e5-small]
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from bench.splitting import MEETING_GOLD, DocResult, Tally, evaluate, load_gold, match, tally


def _context(text: str, start: int, end: int) -> str:
    left = max(text.rfind(".", 0, start), text.rfind("\n", 0, start)) + 1
    right_dot, right_nl = text.find(".", end), text.find("\n", end)
    right = min(r for r in (right_dot, right_nl, len(text)) if r != -1)
    return text[left:right].strip()


def _examples(results: list[DocResult], gold_lines: dict[str, dict], texts: dict[str, str]):
    """(doc, span, context, label) for training: gold spans, negatives and the rules' own spans."""
    rows = []
    for result in results:
        entry, text = gold_lines[result.name], texts[result.name]
        for s in entry["suggestions"]:
            rows.append((result.name, s["span"], _context(text, s["start"], s["end"]), 1))
        for n in entry.get("negatives", []):
            rows.append((result.name, n["span"], _context(text, n["start"], n["end"]), 0))
        matched = {i for i, _, _ in result.matched}
        for i, span in enumerate(result.predicted):
            at = text.find(span)
            rows.append((result.name, span, _context(text, at, at + len(span)), int(i in matched)))
    return rows


def _features(rows, model: str) -> np.ndarray:
    from nlp.embedding import embed_texts

    spans = embed_texts([r[1] for r in rows], model)
    contexts = embed_texts([r[2] for r in rows], model)
    return np.hstack([spans, contexts, spans * contexts])


def _filtered_tally(results: list[DocResult], keep: dict[tuple[str, int], bool]) -> Tally:
    total = Tally()
    for r in results:
        predicted = [p for i, p in enumerate(r.predicted) if keep.get((r.name, i), True)]
        total.add(len(match(predicted, r.gold)), len(predicted), len(r.gold))
    return total


def run(model: str) -> int:
    from sklearn.linear_model import LogisticRegression

    gold_lines = {e["doc"]: e for e in load_gold()}
    texts = {name: (MEETING_GOLD / "docs" / name).read_text(encoding="utf-8") for name in gold_lines}
    results, _ = evaluate()
    dev = [r for r in results if not r.kept_aside]
    kept = [r for r in results if r.kept_aside]
    started = time.perf_counter()
    train_rows = _examples(dev, gold_lines, texts)
    x_train = _features(train_rows, model)
    y_train = np.array([r[3] for r in train_rows])
    docs = np.array([r[0] for r in train_rows])

    # leave-one-document-out probabilities for the rules' own spans on the development part
    scored: dict[tuple[str, int], float] = {}
    for r in dev:
        held = docs == r.name
        clf = LogisticRegression(max_iter=2000, class_weight="balanced", C=1.0).fit(
            x_train[~held], y_train[~held]
        )
        rows = [
            (r.name, p, _context(texts[r.name], texts[r.name].find(p), texts[r.name].find(p) + len(p)), 0)
            for p in r.predicted
        ]
        if rows:
            for i, prob in enumerate(clf.predict_proba(_features(rows, model))[:, 1]):
                scored[(r.name, i)] = prob
    best = max(
        (float(t) for t in np.linspace(0.05, 0.95, 19)),
        key=lambda t: _filtered_tally(dev, {k: v >= t for k, v in scored.items()}).f1,
    )
    final = LogisticRegression(max_iter=2000, class_weight="balanced", C=1.0).fit(x_train, y_train)
    keep_kept: dict[tuple[str, int], bool] = {}
    for r in kept:
        rows = [
            (r.name, p, _context(texts[r.name], texts[r.name].find(p), texts[r.name].find(p) + len(p)), 0)
            for p in r.predicted
        ]
        if rows:
            for i, prob in enumerate(final.predict_proba(_features(rows, model))[:, 1]):
                keep_kept[(r.name, i)] = prob >= best
    seconds = time.perf_counter() - started

    print(f"## Rules vs rules + learned filter (logistic regression on {model} embeddings)")
    print("| part | variant | predicted | precision | recall | F1 |")
    print("|---|---|---|---|---|---|")
    for part, rows_, learned in (
        (
            "dev (leave-one-document-out)",
            dev,
            _filtered_tally(dev, {k: v >= best for k, v in scored.items()}),
        ),
        ("kept aside", kept, _filtered_tally(kept, keep_kept)),
    ):
        rules = tally(rows_)
        print(
            f"| {part} | rules | {rules.predicted} | {rules.precision:.3f} | {rules.recall:.3f} | {rules.f1:.3f} |"
        )
        print(
            f"| {part} | rules + learned | {learned.predicted} | {learned.precision:.3f} | "
            f"{learned.recall:.3f} | {learned.f1:.3f} |"
        )
    print(
        f"threshold {best:.2f} (chosen on dev only); {len(train_rows)} training spans; "
        f"embedding + training {seconds:.1f} s"
    )
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.splitting_learned", description=__doc__)
    parser.add_argument("--model", default="e5-small", help="embedding model for the learned filter")
    args = parser.parse_args(argv)
    if not (MEETING_GOLD / "gold.jsonl").exists():
        print(f"skipped: {MEETING_GOLD} not found")
        return 0
    return run(args.model)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
