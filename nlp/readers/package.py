"""ZIP packages (DOCX, XLSX, HWPX) read within limits before any library sees them.

python-docx and openpyxl read members with `ZipFile.read`, which inflates a member in one call
and trusts the sizes the archive declares. We read every member ourselves in small chunks,
counting what comes out against one budget for the whole package, check every XML part with
`safe_xml`, and hand the libraries a re-stored copy of exactly the bytes we checked.
"""

from __future__ import annotations

import io
import zipfile
import zlib

from nlp.readers import limits
from nlp.readers.errors import DocumentError
from nlp.readers.safe_xml import ElementBudget, check_xml, looks_like_xml

_CHUNK = 1 << 20
# What zipfile raises for a broken archive or member (bad CRC, truncated, unknown compression).
_BROKEN_ZIP = (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, ValueError)


def read_package(data: bytes, label: str) -> dict[str, bytes]:
    """Every file in the package by name, decompressed; `DocumentError` when over a limit or broken."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except _BROKEN_ZIP as exc:
        raise DocumentError(f"{label} 파일을 열 수 없습니다 (ZIP 구조가 없거나 잘린 파일)") from exc
    with archive:
        infos = [info for info in archive.infolist() if not info.is_dir()]
        if len(infos) > limits.MAX_PACKAGE_MEMBERS:
            raise DocumentError(
                f"{label} 파일을 열 수 없습니다 (압축 파일 안의 항목이 너무 많음: {len(infos):,}개, "
                f"한도 {limits.MAX_PACKAGE_MEMBERS:,}개)"
            )
        if any(info.flag_bits & 0x1 for info in infos):
            raise DocumentError(f"암호가 걸린 {label} 문서입니다 (암호를 풀어 다시 저장한 뒤 올려 주세요)")
        declared = sum(info.file_size for info in infos)
        if declared > limits.MAX_DECOMPRESSED_BYTES:
            raise _too_big(label, declared)
        left = limits.MAX_DECOMPRESSED_BYTES
        members: dict[str, bytes] = {}
        for info in infos:
            chunks = []
            try:
                with archive.open(info) as stream:
                    while chunk := stream.read(_CHUNK):
                        left -= len(chunk)
                        if left < 0:
                            raise _too_big(label, limits.MAX_DECOMPRESSED_BYTES - left)
                        chunks.append(chunk)
            except _BROKEN_ZIP as exc:
                raise DocumentError(f"{label} 파일을 열 수 없습니다 (손상된 부분: {info.filename})") from exc
            members[info.filename] = b"".join(chunks)
    return members


def check_xml_parts(members: dict[str, bytes], label: str, budget: ElementBudget | None = None) -> None:
    """Refuse the package if any XML part has a DTD, too many elements or too deep nesting."""
    budget = budget or ElementBudget(label)
    for name, blob in members.items():
        if looks_like_xml(blob):
            check_xml(blob, name, budget)


def repack(members: dict[str, bytes]) -> io.BytesIO:
    """The checked members as a new, uncompressed ZIP: what a library reads is what we checked."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, blob in members.items():
            archive.writestr(name, blob)
    buffer.seek(0)
    return buffer


def _too_big(label: str, size: int) -> DocumentError:
    return DocumentError(
        f"{label} 파일을 열 수 없습니다 (압축을 풀면 너무 큼: {size / 1e6:,.0f} MB 이상, "
        f"한도 {limits.MAX_DECOMPRESSED_BYTES / 1e6:,.0f} MB)"
    )
