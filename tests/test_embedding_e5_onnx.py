"""nlp.embedding.e5_onnx: `e5-small-int8`, the torch e5-small exported to ONNX and quantized to int8.

The first test to load it builds both folders (torch, then ONNX) in the tests' private state folder.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from nlp.embedding import e5_onnx, e5_torch, embed_texts, load_embedder

SENTENCES = (
    "제조현장 경험을 갖춘 AI 전문인력 양성 과정을 개설해 주십시오",
    "공장 실무를 아는 인공지능 인재를 키우는 교육 프로그램이 필요합니다",
    "전통시장 주차장 확충과 노후 아케이드 보수를 지원해 주십시오",
    "수출 바이어 발굴을 위한 해외 전시회 참가비를 지원해 주시기 바랍니다",
    "안전모를 가진 한 남자가 춤을 추고 있다.",
    "분당선연장 동백경유하게 해주세요",
    "ㅋㅋㅋ  Ｆｕｌｌ\twidth～ 끝 ",
    " ".join(
        [
            "학교 앞 어린이 보호구역에 과속 단속 카메라를 설치해 주세요.",
            "출퇴근 시간 광역버스 증차와 배차 간격 단축을 요청합니다.",
            "노후 공공임대주택의 누수와 곰팡이 문제를 조속히 해결해 주십시오.",
            "소상공인 긴급경영자금 신청 절차를 간소화해 주시기 바랍니다.",
        ]
        * 12
    ),  # longer than 512 tokens: truncated, like the torch model
)
DEGENERATE = "청소년 보호법 개정 " * 80  # one phrase repeated: the int8 model's worst case met so far


@pytest.fixture(scope="module")
def vectors() -> np.ndarray:
    return embed_texts(list(SENTENCES), e5_onnx.MODEL_NAME)


def test_returns_unit_float32_vectors_of_dimension_384(vectors: np.ndarray) -> None:
    assert vectors.shape == (len(SENTENCES), 384)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert embed_texts([], e5_onnx.MODEL_NAME).shape == (0, 384)
    assert load_embedder(e5_onnx.MODEL_NAME).get_embedding_dimension() == 384


def test_agrees_with_the_torch_model_per_text(vectors: np.ndarray) -> None:
    reference = embed_texts(list(SENTENCES), e5_torch.MODEL_NAME)
    cosine = np.sum(vectors * reference, axis=1)
    assert np.all(cosine >= 0.99), cosine
    degenerate = (
        embed_texts([DEGENERATE], e5_onnx.MODEL_NAME) @ embed_texts([DEGENERATE], e5_torch.MODEL_NAME).T
    )
    assert float(degenerate[0, 0]) >= 0.98


def test_adds_the_query_prefix(vectors: np.ndarray) -> None:
    model = load_embedder(e5_onnx.MODEL_NAME)
    alone = model.encode([SENTENCES[0]], normalize_embeddings=True)
    prefixed = model.encode([e5_torch.QUERY_PREFIX + SENTENCES[0]], prompt="", normalize_embeddings=True)
    assert np.allclose(prefixed[0], alone[0], atol=1e-5)
    bare = model.encode([SENTENCES[0]], prompt="", normalize_embeddings=True)
    assert float(bare[0] @ alone[0]) < 0.997  # the prefix does change the vector (cosine 0.993)


def test_a_text_embeds_alike_alone_and_in_a_padded_batch(vectors: np.ndarray) -> None:
    # activations are quantized per batch (one scale per matrix product), so a batch's other texts move a
    # vector a little (cosine ~0.997 on an Intel CPU, 0.994 on an AMD EPYC: int8 kernels differ), never
    # far; the same batch gives the same vectors
    for i in (0, 5):
        alone = embed_texts([SENTENCES[i]], e5_onnx.MODEL_NAME, batch_size=1)
        assert float(alone[0] @ vectors[i]) > 0.99
    assert np.array_equal(embed_texts(list(SENTENCES), e5_onnx.MODEL_NAME), vectors)


def test_paraphrases_are_closer_than_unrelated_sentences(vectors: np.ndarray) -> None:
    similarity = vectors @ vectors.T
    assert similarity[0, 1] > similarity[0, 2] + 0.03
    assert similarity[0, 1] > similarity[1, 3] + 0.03


def test_second_load_reads_the_cached_folder(vectors: np.ndarray, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = e5_onnx.default_folder()
    assert folder.parent == e5_torch.default_folder().parent
    assert (folder / e5_onnx.MODEL_FILE).exists() and not (folder / "_work").exists()
    info = json.loads((folder / e5_torch.BUILD_INFO).read_text())
    assert info["onnx_format"] == e5_onnx.BUILD_FORMAT

    def no_rebuild(*args: object, **kwargs: object) -> None:
        raise AssertionError("the cached folder should have been used")

    monkeypatch.setattr(e5_onnx, "build_folder", no_rebuild)
    again = e5_onnx.load_e5_small_onnx(threads=1)
    assert float(again.encode([SENTENCES[0]], normalize_embeddings=True)[0] @ vectors[0]) > 0.995


def test_a_folder_built_by_another_build_format_is_rebuilt(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    stale = tmp_path / e5_onnx.FOLDER_NAME
    stale.mkdir()
    (stale / e5_torch.BUILD_INFO).write_text(json.dumps({"onnx_format": -1}))
    built = []

    def fake_build(folder, source) -> None:
        built.append(folder)
        (folder / e5_torch.BUILD_INFO).write_text(json.dumps(e5_onnx._fingerprint(source)))

    monkeypatch.setattr(e5_onnx, "build_folder", fake_build)
    assert e5_onnx.ensure_folder(stale) == stale
    assert len(built) == 1 and json.loads((stale / e5_torch.BUILD_INFO).read_text())["onnx_format"] == 1
    assert e5_onnx.ensure_folder(stale) == stale and len(built) == 1  # current now: not built again


def test_batches_in_parallel_streams_give_the_same_vectors() -> None:
    """`embed_texts` runs the batches two at a time on single-threaded sessions (the faster way on 2
    cores); the vectors are those of one two-threaded session running them one after another."""
    from nlp.embedding import _encode_by_length

    texts = [
        f"{sentence} ({n}번째)" for n in range(6) for sentence in SENTENCES[:6]
    ]  # 36 texts: 5 batches of 8
    streams = e5_onnx.OnnxE5Engine(threads=1, streams=2)
    single = e5_onnx.OnnxE5Engine(threads=2, streams=1)
    assert (streams.streams, single.streams) == (2, 1)
    parallel = _encode_by_length(streams, texts, 8, False)
    sequential = _encode_by_length(single, texts, 8, False)
    np.testing.assert_allclose(parallel, sequential, atol=1e-6)
    assert np.allclose(np.linalg.norm(parallel, axis=1), 1.0, atol=1e-5)
