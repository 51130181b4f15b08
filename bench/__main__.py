"""`make bench`: embedding quality (KorSTS) for each bundled model, then theme quality and stage speed."""

from __future__ import annotations

import sys

from bench import clustering, embeddings

if __name__ == "__main__":
    status = embeddings.main([])
    status |= clustering.main(sys.argv[1:])
    sys.exit(status)
