"""Locate and load the shared evaluation files."""

from __future__ import annotations

import csv
import os
from pathlib import Path

from settings import PROJECT_ROOT

SHARED_BENCH = Path(os.environ.get("FIELDVOICE_BENCH_DATA", PROJECT_ROOT.parent / "shared" / "bench"))
PETITIONS_10K = SHARED_BENCH / "petitions_dev_2019_10k.csv"
KORSTS_DEV = SHARED_BENCH / "korsts_dev.csv"


def read_labelled(
    path: Path, text_col: str = "text", label_col: str = "label"
) -> tuple[list[str], list[str]]:
    """Texts and labels of a CSV with (at least) a text and a label column; empty texts dropped."""
    texts, labels = [], []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            text = (row.get(text_col) or "").strip()
            if text:
                texts.append(text)
                labels.append(row.get(label_col) or "")
    return texts, labels


def read_korsts(path: Path) -> tuple[list[str], list[str], list[float]]:
    left, right, scores = [], [], []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            left.append(row["sentence1"])
            right.append(row["sentence2"])
            scores.append(float(row["score"]))
    return left, right, scores
