"""Tagging in a child process of its own: `python -m nlp.tagging.apart TAGGER NOUNS_FILE [NICENESS]`.

Loads the tagger, then reads a JSON list of texts on stdin and writes their nouns (a JSON list of lists)
to NOUNS_FILE (not stdout, where the JVM may print), then exits, taking a konlpy tagger's JVM with it (see
`nlp.tagging.TaggerProcess`). A plain subprocess rather than `multiprocessing`: a spawned worker
re-imports the caller's main module, which runs a script without an `if __name__ == "__main__"` guard a
second time.
"""

from __future__ import annotations

import json
import os
import sys

from nlp.tagging import analyse_texts, load_tagger


def main() -> None:
    tagger, nouns_file = sys.argv[1:3]
    if len(sys.argv) > 3 and int(sys.argv[3]):
        os.nice(int(sys.argv[3]))
    load_tagger(tagger)  # before the texts: a parent may start this process ahead of them
    nouns = analyse_texts(json.load(sys.stdin), tagger)
    with open(nouns_file, "w", encoding="utf-8") as out:
        json.dump(nouns, out, ensure_ascii=False)


if __name__ == "__main__":
    main()
