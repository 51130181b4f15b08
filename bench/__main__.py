"""`make bench`: splitting real documents (rules, then rules + a learned filter), policy areas, Korean analysers,
embedding quality (KorSTS) per bundled model, e5-small's variants (speed and quality), theme quality and speed, then the pipeline under each runner
(local, Dask with 1 and 2 workers)."""

from __future__ import annotations

import sys

from bench import (
    analysis,
    areas,
    clustering,
    embedding_speed,
    embeddings,
    splitting,
    splitting_learned,
    workers,
)

if __name__ == "__main__":
    status = splitting.main([])
    status |= splitting_learned.main([])
    status |= areas.main([])
    status |= analysis.main([])
    status |= embeddings.main([])
    status |= embedding_speed.main([])
    status |= clustering.main(sys.argv[1:])
    status |= workers.main([])
    sys.exit(status)
