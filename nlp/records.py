"""The records that flow through fieldvoice, from a raw file to a theme.

One place names them all so that readers, splitters, the clusterer and the warehouse
agree on what a document, a tour, a suggestion and a theme are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from nlp.hashing import short_hash


@dataclass(frozen=True)
class TableRow:
    """One row of a table (a suggestion form): cells by their Korean header, and where each cell's
    text sits in the document's rendered text, so a suggestion can point back to its source."""

    cells: dict[str, str]
    spans: dict[str, tuple[int, int]]


@dataclass(frozen=True)
class ParsedDocument:
    """A file read into text. Forms (CSV/XLSX, tables in DOCX) also keep their rows."""

    path: str
    content_hash: str
    format: str
    encoding: str | None
    text: str
    rows: tuple[TableRow, ...] = ()
    sidecar: dict[str, object] = field(default_factory=dict)
    modified: date | None = None


@dataclass(frozen=True)
class Rejection:
    """A file that could not be ingested, and why, in words a user understands."""

    path: str
    reason: str
    content_hash: str | None = None


@dataclass(frozen=True)
class TourMetadata:
    """What is known of the tour a document reports on."""

    date: date | None = None
    place: str | None = None
    company: str | None = None
    industry: str | None = None
    region: str | None = None
    tour_name: str | None = None
    tour_number: int | None = None
    participants: tuple[str, ...] = ()
    host: str | None = None
    sidecar_tour_id: str | None = None  # staff's own id for the tour, from the sidecar
    document: str | None = None  # path of the document this was read from

    @property
    def tour_id(self) -> str:
        """Stable id. A document is its own meeting unless something explicit ties it to another.

        Staff tie documents with a sidecar `tour_id`; a press release and the minutes of one
        visit are also tied when both name the same tour ("제3회 ... 정책현장투어") on the same
        date. Sharing only a date, a company or a place ties nothing: unrelated meetings on the
        same day stay apart. An untied document's id comes from its path, which (unlike its
        content hash) a new version of the file keeps.
        """
        if self.sidecar_tour_id:
            return short_hash(f"tour|{self.sidecar_tour_id}")
        if self.tour_name and self.date:
            return short_hash(f"{self.date}|{_tour_name_key(self.tour_name)}")
        return short_hash(f"document|{self.document}")


def _tour_name_key(name: str) -> str:
    """A tour name without its year and spacing: "2024년 제3차 스마트제조 현장간담회" = "제3차 스마트제조현장간담회"."""
    return re.sub(r"\s+|^(?:19|20)\d{2}년", "", name.strip())


@dataclass(frozen=True)
class Suggestion:
    """One demand raised on a tour, with the exact span of the source text it came from."""

    suggestion_id: str
    document_hash: str
    tour_id: str
    text: str
    span_start: int
    span_end: int
    speaker: str | None = None
    organisation: str | None = None
    raised_on: date | None = None


@dataclass(frozen=True)
class Theme:
    """A cluster of suggestions with a readable Korean label.

    `theme_id` persists across runs (see `nlp.identity`); `label_source` says where the label
    came from: "phrase" (a noun phrase of its suggestions, `nlp.theme_names`) or "staff" (renamed).
    Warehouses from before version 4 may still hold "keywords" and "taxonomy" names.
    """

    theme_id: int
    label: str
    keywords: tuple[str, ...]
    member_ids: tuple[str, ...]
    representative_ids: tuple[str, ...]
    is_unassigned: bool = False
    label_source: str = "phrase"
    is_hidden: bool = False

    @property
    def size(self) -> int:
        return len(self.member_ids)
