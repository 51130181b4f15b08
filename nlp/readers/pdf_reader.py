"""PDF press releases and reports: the text layer, page by page.

A PDF without a text layer is almost always a scan; we say so instead of ingesting nothing,
since OCR is out of scope. pypdf is pure Python (BSD), so no system library is needed.
pypdf bounds what one stream may inflate to; we bound the pages and, through `TableRenderer`,
the text, and page by page, so a hostile PDF stops where it passes a limit.
"""

from __future__ import annotations

import io

from nlp.readers import limits
from nlp.readers.errors import DocumentError
from nlp.readers.tables import TableRenderer

PDF_MAGIC = b"%PDF"


def read_pdf(data: bytes) -> TableRenderer:
    from pypdf import PdfReader

    if not data.startswith(PDF_MAGIC):
        raise DocumentError("PDF 문서가 아닙니다 (%PDF 머리글이 없음)")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentError("암호가 걸린 PDF입니다 (암호를 풀어 다시 저장한 뒤 올려 주세요)")
        if len(reader.pages) > limits.MAX_PDF_PAGES:
            raise DocumentError(
                f"PDF 쪽수가 너무 많습니다 ({len(reader.pages):,}쪽, 한도 {limits.MAX_PDF_PAGES:,}쪽)"
            )
        renderer = TableRenderer()
        for page in reader.pages:
            renderer.add_text((page.extract_text() or "").strip())
    except DocumentError:
        raise
    except Exception as exc:  # pypdf raises many types for corrupt or exotic files
        if "crypt" in type(exc).__name__.lower() or "decrypt" in str(exc).lower():
            raise DocumentError(f"암호화된 PDF를 읽을 수 없습니다 ({type(exc).__name__})") from exc
        raise DocumentError(f"PDF 파일을 열 수 없습니다 (손상된 파일: {type(exc).__name__})") from exc
    if not renderer.text.strip():
        raise DocumentError("텍스트 레이어가 없는 PDF입니다 (스캔 문서로 보입니다)")
    return renderer
