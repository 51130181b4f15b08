"""`make bench`: splitting real documents (rules, then rules + a learned filter), policy areas, Korean analysers,
embedding quality (KorSTS) per bundled model, then theme quality and speed."""

from __future__ import annotations

import sys

from bench import analysis, areas, clustering, embeddings, splitting, splitting_learned

if __name__ == "__main__":
    status = splitting.main([])
    status |= splitting_learned.main([])
    status |= areas.main([])
    status |= analysis.main([])
    status |= embeddings.main([])
    status |= clustering.main(sys.argv[1:])
    sys.exit(status)
