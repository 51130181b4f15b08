"""`make bench`: splitting real documents (rules, then rules + a learned filter), policy areas, Korean analysers,
embedding quality (KorSTS) per bundled model, e5-small's variants (speed and quality), theme quality and speed, then the pipeline under each runner
(local, Dask with 1 and 2 workers), and the explorer's speed on the first 20,000 petitions (`python -m bench.explorer`
without `--limit` measures all 70,072 by hand: its first warehouse build takes long on 2 cores)."""

from __future__ import annotations

import sys

from bench import (
    analysis,
    areas,
    clustering,
    embedding_speed,
    embeddings,
    explorer,
    splitting,
    splitting_learned,
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
    status |= workers.main([])
    status |= explorer.main(["--limit", str(EXPLORER_LIMIT)])
    sys.exit(status)
