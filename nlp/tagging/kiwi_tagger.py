"""kiwipiepy (C++): fast, no JVM, good on spacing errors and new words."""

from __future__ import annotations

from nlp.tagging import keep_noun

_NOUN_TAGS = {"NNG", "NNP", "SL", "SH"}


class KiwiTagger:
    name = "kiwi"

    def __init__(self) -> None:
        from kiwipiepy import Kiwi

        self._kiwi = Kiwi(num_workers=0)

    def nouns(self, text: str) -> list[str]:
        return [t.form for t in self._kiwi.tokenize(text) if t.tag in _NOUN_TAGS and keep_noun(t.form)]
