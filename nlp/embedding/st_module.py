"""The torch-free engines (bundled models, int8 ONNX e5) as a sentence-transformers input module.

So every model can still be used as a `SentenceTransformer` (the explorer's query embedding, benchmarks,
anything that wants `encode`). The module hands the texts, prompt included, to the engine in `forward`
and returns its vectors as the `sentence_embedding` feature. Importing this module imports torch.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch
from sentence_transformers.base.modules.input_module import InputModule


class EngineModule(InputModule):
    """A sentence-transformers input module around an engine with `encode(texts) -> np.ndarray`."""

    config_keys = ["model"]  # noqa: RUF012 (sentence-transformers' own convention)

    def __init__(self, model: str = "usem3", engine: Any = None) -> None:
        super().__init__()
        from nlp.embedding import load_engine

        self.model = model
        self.engine = engine if engine is not None else load_engine(model)
        if self.engine is None:
            raise ValueError(f"{model!r} is not an engine model; load it with SentenceTransformer")

    def preprocess(self, inputs: Sequence[Any], prompt: str | None = None, **kwargs: Any) -> dict[str, Any]:
        texts = [str(t) for t in inputs]
        if prompt:
            texts = [prompt + t for t in texts]
        return {"texts": texts}

    def forward(self, features: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        features["sentence_embedding"] = torch.from_numpy(self.engine.encode(features["texts"]))
        return features

    def get_sentence_embedding_dimension(self) -> int:
        return self.engine.dimension

    def get_embedding_dimension(self) -> int:
        return self.engine.dimension

    def save(self, output_path: str, *args: Any, safe_serialization: bool = True, **kwargs: Any) -> None:
        self.save_config(output_path)

    @classmethod
    def load(cls, model_name_or_path: str, *args: Any, **kwargs: Any) -> EngineModule:
        config = json.loads((Path(model_name_or_path) / cls.config_file_name).read_text())
        return cls(**config)
