"""Content hashes: the identity of documents, texts and suggestions across runs."""

from __future__ import annotations

import hashlib


def content_hash(data: bytes) -> str:
    """SHA-256 of a file's bytes: the same document under another name is the same document."""
    return hashlib.sha256(data).hexdigest()


def short_hash(text: str) -> str:
    """A 16-hex id for text keys (suggestion ids, embedding cache keys)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
