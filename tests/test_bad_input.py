"""Bad input that the other reader tests do not cover: a 50 MB file, control characters in a
file name, EUC-KR text, mixed line endings; each refused (or read) with the rest of the batch."""

from __future__ import annotations

from pathlib import Path

import pytest
from samples import MINUTES

from nlp.ingest import ingest_folder
from nlp.readers import DocumentError, read_document

DEFAULT_LIMIT = 20_000_000


def test_a_50_mb_file_is_refused_without_being_read(tmp_path: Path) -> None:
    big = tmp_path / "대용량.txt"
    with big.open("wb") as fh:
        fh.truncate(50_000_000)
    with pytest.raises(DocumentError) as caught:
        read_document(big, max_bytes=DEFAULT_LIMIT)
    assert "너무 큽니다" in caught.value.reason and "50.0 MB" in caught.value.reason


def test_euc_kr_and_mixed_line_endings_read_as_the_same_text(tmp_path: Path) -> None:
    lines = MINUTES.split("\n")
    endings = ["\r\n", "\r", "\n"]
    mixed = "".join(line + endings[i % 3] for i, line in enumerate(lines[:-1])) + lines[-1]
    (tmp_path / "euckr.txt").write_bytes(mixed.encode("euc-kr", errors="strict") if _euc_kr_safe() else b"")
    document = read_document(tmp_path / "euckr.txt", max_bytes=DEFAULT_LIMIT)
    assert document.text.strip() == MINUTES.strip()
    assert "\r" not in document.text


def _euc_kr_safe() -> bool:
    try:
        MINUTES.encode("euc-kr")
    except UnicodeEncodeError:
        pytest.skip("the sample minutes use characters outside EUC-KR")
    return True


def test_a_control_character_in_a_name_is_refused_and_the_batch_goes_on(tmp_path: Path) -> None:
    (tmp_path / "회의록\x07.txt").write_text(MINUTES, encoding="utf-8")
    (tmp_path / "회의록.txt").write_text(MINUTES, encoding="utf-8")
    result = ingest_folder(tmp_path, stored={}, current_paths={}, max_bytes=DEFAULT_LIMIT)
    assert [d.path for d in result.documents] == ["회의록.txt"]
    assert [(r.path, "제어 문자" in r.reason) for r in result.rejections] == [("회의록\\x07.txt", True)]


def test_an_unchanged_file_is_only_hashed_and_a_changed_one_read_again(tmp_path: Path) -> None:
    """A run over thousands of stored forms recognises each by its hash without parsing it; bytes that
    differ from the stored version (here: no longer a valid DOCX) are read, and refused, as before."""
    from nlp.hashing import content_hash
    from nlp.ingest import read_files

    (tmp_path / "회의록.txt").write_text(MINUTES, encoding="utf-8")
    (tmp_path / "건의.docx").write_bytes(b"PK\x03\x04 not really a docx")
    stored = {
        "회의록.txt": content_hash((tmp_path / "회의록.txt").read_bytes()),
        "건의.docx": content_hash(b"an earlier, valid version"),
    }
    result = ingest_folder(
        tmp_path, stored={h: p for p, h in stored.items()}, current_paths=stored, max_bytes=DEFAULT_LIMIT
    )
    assert result.unchanged == 1 and result.documents == []
    assert [r.path for r in result.rejections] == ["건의.docx"]

    reads = read_files(sorted(tmp_path.iterdir()), tmp_path, DEFAULT_LIMIT, current_paths=stored)
    assert [(r.name, r.unchanged, r.document is None) for r in reads] == [
        ("건의.docx", False, True),
        ("회의록.txt", True, True),  # recognised, not parsed
    ]
    fresh = read_files([tmp_path / "회의록.txt"], tmp_path, DEFAULT_LIMIT)  # nothing stored: parsed
    assert fresh[0].document is not None and fresh[0].document.content_hash == stored["회의록.txt"]
