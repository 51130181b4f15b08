"""Read the files staff drop into `data/raw/` into `ParsedDocument`s, or say why not.

`read_document` is the single entry: it checks size and content before the extension, so a
binary file named `.txt` or a truncated DOCX is a clear `DocumentError`, never a crash. Readers
refuse what passes their `limits`; whatever else a hostile file makes a library raise
(RecursionError, MemoryError, struct and XML errors ...) becomes a `DocumentError` here too,
so one bad file never ends a run. It is also the one place where control characters leave the
extracted text (`control_characters`).
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from nlp.hashing import content_hash
from nlp.readers import limits
from nlp.readers.control_characters import replace_control_characters
from nlp.readers.docx_reader import read_docx
from nlp.readers.errors import DocumentError
from nlp.readers.hwp_reader import OLE_MAGIC, read_hwp
from nlp.readers.hwpx_reader import read_hwpx
from nlp.readers.pdf_reader import PDF_MAGIC, read_pdf
from nlp.readers.sidecar import SIDECAR_SUFFIX, read_sidecar
from nlp.readers.tables import TableRenderer, read_csv, read_xlsx
from nlp.readers.text_encoding import decode_text
from nlp.records import ParsedDocument, TableRow

__all__ = ["SUPPORTED_SUFFIXES", "DocumentError", "discover_documents", "read_document", "read_sidecar"]

SUPPORTED_SUFFIXES = {".txt", ".md", ".csv", ".docx", ".xlsx", ".hwp", ".hwpx", ".pdf"}
_FOLDER_NOTES = {"readme.md", "readme.txt"}


_BINARY_READERS: dict[str, Callable[[bytes], TableRenderer]] = {
    ".docx": read_docx,
    ".xlsx": read_xlsx,
    ".hwp": read_hwp,
    ".hwpx": read_hwpx,
    ".pdf": read_pdf,
}


def _content_matches(suffix: str, path: Path, data: bytes) -> bool:
    """Magic bytes first: a renamed or truncated file gets a clear reason, not a parser crash."""
    if suffix == ".hwp":
        return data.startswith(OLE_MAGIC)
    if suffix == ".pdf":
        return data.startswith(PDF_MAGIC)
    return zipfile.is_zipfile(path)


def discover_documents(data_dir: Path) -> list[Path]:
    """Every candidate document under `data_dir`, sorted by path (sidecars and folder notes excluded).

    Unknown extensions are included on purpose: they are rejected with a reason, not ignored.
    """
    found = []
    for path in sorted(data_dir.rglob("*")):
        if not path.is_file() or path.name.startswith("."):
            continue
        if path.name.endswith(SIDECAR_SUFFIX) or path.name.lower() in _FOLDER_NOTES:
            continue
        found.append(path)
    return found


def read_document(path: Path, max_bytes: int, display_path: str | None = None) -> ParsedDocument:
    """Read one file. Raises `DocumentError` with a user-facing reason when it is unusable."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise DocumentError(
            f"지원하지 않는 형식입니다 ({suffix or '확장자 없음'}; 지원: {', '.join(sorted(SUPPORTED_SUFFIXES))})"
        )
    size = path.stat().st_size
    if size > max_bytes:
        raise DocumentError(f"파일이 너무 큽니다 ({size / 1e6:.1f} MB, 한도 {max_bytes / 1e6:.0f} MB)")
    data = path.read_bytes()
    if not data.strip():
        raise DocumentError("빈 파일입니다 (내용 없음)")
    sidecar = read_sidecar(path)  # first: a wrong sidecar refuses the file before any parsing work
    try:
        text, encoding, rows = _extract(suffix, path, data)
    except DocumentError:
        raise
    except RecursionError as exc:
        raise DocumentError(
            "문서 구조가 비정상적으로 깊게 중첩되어 있습니다 (손상되었거나 조작된 파일)"
        ) from exc
    except MemoryError as exc:
        raise DocumentError("문서를 읽는 데 메모리가 부족합니다 (압축을 풀면 비정상적으로 큰 파일)") from exc
    except Exception as exc:  # any library error on a hostile file is this file's problem, not the run's
        raise DocumentError(
            f"{suffix[1:].upper()} 파일을 읽는 중 오류가 났습니다 (손상된 파일: {type(exc).__name__})"
        ) from exc
    if not text.strip():
        raise DocumentError("글자가 없는 문서입니다")
    modified = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC).date()
    return ParsedDocument(
        path=display_path or str(path),
        content_hash=content_hash(data),
        format=suffix[1:],
        encoding=encoding,
        text=replace_control_characters(text),
        rows=tuple(
            TableRow(
                cells={name: replace_control_characters(value) for name, value in row.cells.items()},
                spans=row.spans,
            )
            for row in rows
        ),
        sidecar=sidecar,
        modified=modified,
    )


def _extract(suffix: str, path: Path, data: bytes) -> tuple[str, str | None, tuple[TableRow, ...]]:
    """(text, encoding of a text file, table rows) of the file's bytes, by its format."""
    if suffix in _BINARY_READERS:
        if not _content_matches(suffix, path, data):
            raise DocumentError(
                f"{suffix[1:].upper()} 파일이 아니거나 잘린 파일입니다 (내용이 확장자 {suffix}와 맞지 않음)"
            )
        renderer = _BINARY_READERS[suffix](data)
        return renderer.text, None, tuple(renderer.rows)
    text, encoding = decode_text(data)
    if len(text) > limits.MAX_TEXT_CHARS:
        raise DocumentError(f"문서의 글자가 너무 많습니다 (한도 {limits.MAX_TEXT_CHARS:,}자)")
    if suffix == ".csv":
        renderer = read_csv(text)
        return renderer.text, encoding, tuple(renderer.rows)
    return text, encoding, ()
