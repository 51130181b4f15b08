"""`make bench`: splitting real documents (rules, then rules + a learned filter), policy areas, Korean analysers,
embedding quality (KorSTS) per bundled model, e5-small's variants (speed and quality), theme quality and speed, fieldvoice's and
BERTopic's whole pipelines side by side, the pipeline under each runner (local, Dask with 1 and 2 workers), the pipeline at
10k suggestions (with an incremental add and the explorer's reads; `python -m bench.scale --sizes 10k,100k,1M` for more), and
the explorer's speed on the first 20,000 petitions (`python -m bench.explorer` without `--limit` measures all 70,072 by hand:
its first warehouse build takes long on 2 cores)."""

from __future__ import annotations

import sys

from bench import (
    analysis,
    areas,
    clustering,
    embedding_speed,
    embeddings,
    explorer,
    scale,
    splitting,
    splitting_learned,
    versus,
    workers,
)

EXPLORER_LIMIT = 20_000  # keeps `make bench` reasonable; the full 70,072 by hand

if __name__ == "__main__":
    status = splitting.main([])
    status |= splitting_learned.main([])
    status |= areas.main([])
    status |= analysis.main([])
    status |= embeddings.main([])
    status |= embedding_speed.main([])
    status |= clustering.main(sys.argv[1:])
    status |= versus.main([])
    status |= workers.main([])
    status |= scale.main(["--sizes", "10k"])
    status |= explorer.main(["--limit", str(EXPLORER_LIMIT)])
    sys.exit(status)
