"""Tables (suggestion forms) into text plus rows.

A table is rendered one row per line, "header: cell | header: cell", and every cell keeps the
span of its text in that rendering. The splitter then turns rows into suggestions that still
point at the exact characters of their source.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from nlp.readers.errors import DocumentError
from nlp.records import TableRow

CELL_SEPARATOR = " | "


class TableRenderer:
    """Appends text and tables to one document body, tracking character offsets."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0
        self.rows: list[TableRow] = []

    def add_text(self, text: str) -> None:
        if text:
            self._parts.append(text + "\n")
            self._length += len(text) + 1

    def add_table(self, rows: Iterable[Sequence[object]]) -> None:
        """Add a table whose first non-empty row is its header."""
        header: list[str] | None = None
        for raw in rows:
            cells = [_cell_text(value) for value in raw]
            if not any(cells):
                continue
            if header is None:
                header = [c or f"열{i + 1}" for i, c in enumerate(cells)]
                self.add_text(CELL_SEPARATOR.join(header))
                continue
            self._add_row(header, cells)

    def _add_row(self, header: list[str], cells: list[str]) -> None:
        line = ""
        spans: dict[str, tuple[int, int]] = {}
        values: dict[str, str] = {}
        for name, value in zip(header, cells, strict=False):
            if not value:
                continue
            line += (CELL_SEPARATOR if line else "") + f"{name}: "
            start = self._length + len(line)
            line += value
            spans[name] = (start, start + len(value))
            values[name] = value
        if line:
            self.add_text(line)
            self.rows.append(TableRow(cells=values, spans=spans))

    @property
    def text(self) -> str:
        return "".join(self._parts)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")  # type: ignore[union-attr]
    return " ".join(str(value).split())


def read_csv(text: str) -> TableRenderer:
    """Parse CSV text (already decoded) as one table."""
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    renderer = TableRenderer()
    try:
        renderer.add_table(csv.reader(io.StringIO(text), dialect))
    except csv.Error as exc:
        raise DocumentError(f"CSV 형식이 올바르지 않습니다 ({exc})") from exc
    if not renderer.rows:
        raise DocumentError("표에 머리글 외의 행이 없습니다")
    return renderer


def read_xlsx(data: bytes) -> TableRenderer:
    """Every non-empty sheet of a workbook, each as a table."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for corrupt files
        raise DocumentError(
            f"XLSX 파일을 열 수 없습니다 (손상되었거나 암호가 걸린 파일: {type(exc).__name__})"
        ) from exc
    renderer = TableRenderer()
    try:
        for sheet in workbook.worksheets:
            renderer.add_table(sheet.iter_rows(values_only=True))
    finally:
        workbook.close()
    if not renderer.rows:
        raise DocumentError("엑셀 파일에 데이터 행이 없습니다")
    return renderer
