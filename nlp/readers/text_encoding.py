"""Decode Korean text files whatever their encoding: UTF-8 (with or without BOM), UTF-16, CP949/EUC-KR.

Government PCs still save CP949; a file that decodes as none of these is reported, never
guessed into mojibake.
"""

from __future__ import annotations

from charset_normalizer import from_bytes

from nlp.readers.errors import DocumentError

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters in the first 8 KB mean the bytes are not text."""
    head = data[:8192]
    if any(head.startswith(bom) for bom, _ in _BOMS[1:]):
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls > max(8, len(head) // 50)


def decode_text(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name). Line endings are normalised to '\\n'."""
    if not data.strip():
        raise DocumentError("빈 파일입니다 (내용 없음)")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _normalise(data.decode(encoding)), encoding
            except UnicodeDecodeError as exc:  # the BOM promises an encoding the bytes do not keep
                name = "UTF-8" if encoding == "utf-8-sig" else "UTF-16"
                raise DocumentError(
                    f"{name} 표시(BOM)로 시작하지만 {exc.start:,}번째 바이트부터 {name}이 아닙니다 "
                    "(손상된 텍스트 파일)"
                ) from exc
    if looks_binary(data):
        raise DocumentError("텍스트가 아닌 바이너리 파일입니다 (확장자와 내용이 다름)")
    for encoding in ("utf-8", "cp949"):
        try:
            return _normalise(data.decode(encoding)), encoding
        except UnicodeDecodeError:
            continue
    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise DocumentError("문자 인코딩을 알 수 없습니다 (UTF-8, CP949, UTF-16 모두 아님)")
    return _normalise(str(best)), best.encoding


def _normalise(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
