"""How much of a document the readers will take before they refuse it.

Every number here bounds what a hostile (or broken) file can make a reader do with a 20 MB
upload: a ZIP or an HWP body stream that inflates a thousandfold, XML nested until Python's
recursion gives out, a table cell addressed at row 65 535, a spreadsheet that claims a
million rows. The limits sit far above any real ministry document (the largest real minutes
are a few hundred pages: a few MB of XML, some thousand paragraphs and table rows), so a file
that reaches one is refused with a reason instead of being read slowly into memory.

Readers import this module (not the names) so a test can lower a limit with `monkeypatch`.
"""

from __future__ import annotations

# Decompressed bytes of one document: all parts of a DOCX/XLSX/HWPX package together, or all
# body sections of an HWP. Real files inflate 5-10x; 100 MB is 5x the 20 MB upload limit.
MAX_DECOMPRESSED_BYTES = 100_000_000

# Parts (files) in one ZIP package; a real DOCX/HWPX has a few dozen, with images a few hundred.
MAX_PACKAGE_MEMBERS = 10_000

# XML elements in all parts of one package, and HWP records in all sections. A 300-page
# document has some 200 000; each element costs a few hundred bytes of memory once parsed.
MAX_ELEMENTS = 1_000_000

# Nesting of XML elements. A table inside a table inside a text box is some 30 levels deep;
# the HWPX walk recurses once per level, so this also keeps it far from RecursionError.
MAX_XML_DEPTH = 100

# Characters of extracted text (about 10 000 pages of Korean). The pipeline after the reader
# (sentences, embeddings) could not finish on more anyway.
MAX_TEXT_CHARS = 20_000_000

# Rows with content in one table, and columns in one row. Suggestion forms run to hundreds
# of rows and a dozen columns; Excel's own maximum is 1 048 576 x 16 384. 50 000 rows of a
# form stay within MAX_ELEMENTS (a sheet spends some two XML elements a cell).
MAX_TABLE_ROWS = 50_000
MAX_TABLE_COLUMNS = 1_000

# Rows a spreadsheet may hand us, empty ones included, before we stop reading it (Excel's
# maximum; a sheet part that numbers rows beyond it is not an Excel sheet).
MAX_SHEET_ROWS = 1_048_576

# Cells a spreadsheet may hand us, the empty ones openpyxl fills in between cells included.
MAX_SHEET_CELLS = 20_000_000

# Pages of a PDF.
MAX_PDF_PAGES = 5_000
