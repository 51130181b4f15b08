"""Tables (suggestion forms) into text plus rows.

A table is rendered one row per line, "header: cell | header: cell", and every cell keeps the
span of its text in that rendering. The splitter then turns rows into suggestions that still
point at the exact characters of their source.

Every reader writes through `TableRenderer`, so the limits on text length, rows and columns
(`limits`) are checked here, as the text is produced, for all formats alike.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

from nlp.readers import limits
from nlp.readers.errors import DocumentError
from nlp.readers.package import check_xml_parts, read_package, repack
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
            if self._length + len(text) + 1 > limits.MAX_TEXT_CHARS:
                raise DocumentError(f"문서의 글자가 너무 많습니다 (한도 {limits.MAX_TEXT_CHARS:,}자)")
            self._parts.append(text + "\n")
            self._length += len(text) + 1

    def add_table(self, rows: Iterable[Sequence[object]]) -> None:
        """Add a table whose first non-empty row is its header. Empty rows are skipped, and so are
        empty cells at the end of a row; more rows or columns than `limits` allow are refused."""
        header: list[str] | None = None
        n_rows = 0
        for raw in rows:
            cells = [_cell_text(value) for value in raw]
            while cells and not cells[-1]:
                cells.pop()
            if not cells:
                continue
            if len(cells) > limits.MAX_TABLE_COLUMNS:
                raise DocumentError(
                    f"표의 열이 너무 많습니다 ({len(cells):,}열, 한도 {limits.MAX_TABLE_COLUMNS:,}열)"
                )
            n_rows += 1
            if n_rows > limits.MAX_TABLE_ROWS:
                raise DocumentError(f"표의 행이 너무 많습니다 (한도 {limits.MAX_TABLE_ROWS:,}행)")
            if header is None:
                header = [c or f"열{i + 1}" for i, c in enumerate(cells)]
                self.add_text(CELL_SEPARATOR.join(header))
                continue
            self._add_row(header, cells)

    def _add_row(self, header: list[str], cells: list[str]) -> None:
        header.extend(f"열{i + 1}" for i in range(len(header), len(cells)))  # a row wider than its header
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

    members = read_package(data, "XLSX")
    check_xml_parts(members, "XLSX")
    try:
        workbook = load_workbook(repack(members), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for corrupt files
        raise DocumentError(
            f"XLSX 파일을 열 수 없습니다 (손상되었거나 암호가 걸린 파일: {type(exc).__name__})"
        ) from exc
    renderer = TableRenderer()
    try:
        for sheet in workbook.worksheets:
            renderer.add_table(_sheet_rows(sheet))
    finally:
        workbook.close()
    if not renderer.rows:
        raise DocumentError("엑셀 파일에 데이터 행이 없습니다")
    return renderer


def _sheet_rows(sheet: object) -> Iterator[tuple[object, ...]]:
    """A read-only sheet's rows as the file holds them, within `limits`.

    The sheet's `<dimension>` is the file's claim, not a fact: openpyxl pads every row to it
    (A1:XFD1048576 means a million rows of 16 384 cells), so we drop it and openpyxl yields
    each row only as wide as its last cell. Empty rows cost little but are still counted, and
    so are the cells openpyxl fills in, so a sheet that is mostly padding stops too.
    """
    sheet.reset_dimensions()  # type: ignore[attr-defined]
    cells = 0
    for count, row in enumerate(sheet.iter_rows(values_only=True), start=1):  # type: ignore[attr-defined]
        cells += len(row)
        if count > limits.MAX_SHEET_ROWS or cells > limits.MAX_SHEET_CELLS:
            raise DocumentError(
                f"엑셀 시트가 너무 큽니다 ({count:,}행 {cells:,}칸까지 읽음, "
                f"한도 {limits.MAX_SHEET_ROWS:,}행 {limits.MAX_SHEET_CELLS:,}칸)"
            )
        yield row
