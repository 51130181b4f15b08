"""From a folder of files to the documents a run must process, and the files it must refuse.

Content hashes decide: a file whose current version is stored at the same path is unchanged
and skipped; the same bytes under another name are a duplicate (refused, with the name of the
first); new bytes at a stored path are a new version that supersedes the old one; bytes of an
earlier version of that path bring the earlier version back. Every refusal names the
file and the reason, and the rest of the batch goes on.

A stored current document whose file is no longer in the data folder is withdrawn: it leaves what
is current (its suggestions leave the themes and counts) but stays in history, and the same bytes
put back at the same path bring it back like any earlier version. Only documents that came from
this data folder can be withdrawn (`owned`): a run over another folder withdraws nothing of the first.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from nlp.pii import mask_personal_data
from nlp.readers import DocumentError, discover_documents, read_document
from nlp.records import ParsedDocument, Rejection, TableRow


@dataclass
class IngestResult:
    documents: list[ParsedDocument] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    superseded: dict[str, str] = field(default_factory=dict)  # old content hash -> new content hash
    reinstated: dict[str, str | None] = field(default_factory=dict)  # earlier version -> version it replaces
    withdrawn: dict[str, str] = field(default_factory=dict)  # path gone from the folder -> its current hash
    unchanged: int = 0


@dataclass(frozen=True)
class FileRead:
    """One file read on its own (no warehouse state needed): its document, unmasked, or why it was refused.

    Reading is the slow, independent part of ingestion, so it can run per file on other processes;
    `sort_reads` then decides in order, against the warehouse, what each file is.
    """

    name: str  # path relative to the data folder, as stored
    document: ParsedDocument | None = None
    rejection: Rejection | None = None
    outcome: str = ""  # for progress: why it was refused
    unchanged: bool = False  # the bytes of the path's current stored version: not parsed again


def read_file(path: Path, data_dir: Path, max_bytes: int, current_hash: str | None = None) -> FileRead:
    """Read `path` (under `data_dir`) into a document, or the reason it is refused.

    `current_hash`: the content hash of the path's current stored version. A file with those bytes is
    unchanged and is only hashed, not parsed (a run over 5,000 stored forms read them all: 9 s)."""
    name = path.relative_to(data_dir).as_posix()
    if current_hash is not None and _same_bytes(path, current_hash, max_bytes):
        return FileRead(name, unchanged=True, outcome="변경 없음")
    if any(unicodedata.category(ch) == "Cc" for ch in name):
        shown = "".join(
            ch.encode("unicode_escape").decode() if unicodedata.category(ch) == "Cc" else ch for ch in name
        )
        return FileRead(
            shown,
            rejection=Rejection(shown, "파일 이름에 제어 문자가 있습니다 (이름을 바꿔 다시 올려 주세요)"),
            outcome="거부: 파일 이름에 제어 문자",
        )
    try:
        document = read_document(path, max_bytes=max_bytes, display_path=name)
    except DocumentError as exc:
        return FileRead(name, rejection=Rejection(name, exc.reason), outcome=f"거부: {exc.reason}")
    except OSError as exc:
        reason = f"파일을 읽을 수 없습니다 ({exc.strerror})"
        return FileRead(name, rejection=Rejection(name, reason), outcome="거부: 읽기 오류")
    return FileRead(name, document=document)


def _same_bytes(path: Path, digest: str, max_bytes: int) -> bool:
    """Whether the file's SHA-256 (`nlp.hashing.content_hash`) is `digest`; False when it cannot tell
    (too large, unreadable: the full read then says why)."""
    try:
        if path.stat().st_size > max_bytes:
            return False
        with path.open("rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest() == digest
    except OSError:
        return False


def read_files(
    paths: list[Path], data_dir: Path, max_bytes: int, current_paths: Mapping[str, str] | None = None
) -> list[FileRead]:
    """`read_file` for each path, in order; `current_paths` (path -> current content hash) lets
    unchanged files be recognised without parsing them."""
    current_paths = current_paths or {}
    return [
        read_file(path, data_dir, max_bytes, current_paths.get(path.relative_to(data_dir).as_posix()))
        for path in paths
    ]


def ingest_folder(
    data_dir: Path,
    stored: dict[str, str],
    current_paths: dict[str, str],
    max_bytes: int,
    on_file: Callable[[str, str], None] | None = None,
    owned: Collection[str] = (),
) -> IngestResult:
    """Read every file under `data_dir` that the warehouse does not hold yet.

    `stored` maps every stored content hash to its path; `current_paths` maps each path to the
    hash of its current version; `owned` names the current paths stored from this data folder (those
    whose file is gone are withdrawn). `on_file(path, outcome)` reports progress.
    """
    reads = (  # one at a time
        read_file(path, data_dir, max_bytes, current_paths.get(path.relative_to(data_dir).as_posix()))
        for path in discover_documents(data_dir)
    )
    return sort_reads(reads, stored, current_paths, on_file, owned)


def sort_reads(
    reads: Iterable[FileRead],
    stored: dict[str, str],
    current_paths: dict[str, str],
    on_file: Callable[[str, str], None] | None = None,
    owned: Collection[str] = (),
) -> IngestResult:
    """Files read (in `discover_documents` order) -> what the run must process: new documents (masked),
    refusals, versions superseded or brought back, unchanged files, and documents withdrawn because
    their file (one of `owned`) is gone. Order matters: of two files with the same bytes, the first is
    kept and the second refused as its duplicate."""
    result = IngestResult()
    seen_now: dict[str, str] = {}
    present: set[str] = set()
    for read in reads:
        present.add(read.name)  # a file still there, even if refused now (unreadable, too large ...)
        if read.unchanged:
            result.unchanged += 1
            outcome = read.outcome
        elif read.document is None:
            assert read.rejection is not None
            result.rejections.append(read.rejection)
            outcome = read.outcome
        else:
            outcome = _sort_one(read.document, read.name, stored, current_paths, seen_now, result)
        if on_file:
            on_file(read.name, outcome)
    for name in sorted(set(owned) - present):
        if name in current_paths:
            result.withdrawn[name] = current_paths[name]
            if on_file:
                on_file(name, "철회: 데이터 폴더에서 사라짐")
    return result


def _sort_one(
    document: ParsedDocument,
    name: str,
    stored: dict[str, str],
    current_paths: dict[str, str],
    seen_now: dict[str, str],
    result: IngestResult,
) -> str:
    digest = document.content_hash
    if current_paths.get(name) == digest:
        result.unchanged += 1
        return "변경 없음"
    if stored.get(digest) == name:  # the file went back to a version stored earlier
        result.reinstated[digest] = current_paths.get(name)
        return "이전 버전으로 복원"
    first = stored.get(digest) or seen_now.get(digest)
    if first is not None:
        reason = f"이미 수집된 문서와 내용이 같습니다 (중복: {first})"
        result.rejections.append(Rejection(name, reason, digest))
        return f"거부: {reason}"
    seen_now[digest] = name
    if name in current_paths:
        result.superseded[current_paths[name]] = digest
    result.documents.append(mask_document(document))
    return "새 버전" if name in current_paths else "새 문서"


def mask_document(document: ParsedDocument) -> ParsedDocument:
    """The document with personal data masked in its text, cells and sidecar (spans stay valid).

    A sidecar's people and free-text values (participants, host, place ...) are typed by staff
    and as likely to hold a phone number as the minutes, so they are masked the same way.
    """
    rows = tuple(
        TableRow(cells={k: mask_personal_data(v) for k, v in row.cells.items()}, spans=row.spans)
        for row in document.rows
    )
    return replace(
        document,
        text=mask_personal_data(document.text),
        rows=rows,
        sidecar={
            key: value if key == "tour_id" else _masked_value(value)  # an id is not personal data
            for key, value in document.sidecar.items()
        },
    )


def _masked_value(value: object) -> object:
    """Strings and lists of strings masked; dates, numbers and ids left as they are."""
    if isinstance(value, str):
        return mask_personal_data(value)
    if isinstance(value, list):
        return [mask_personal_data(item) if isinstance(item, str) else item for item in value]
    return value
