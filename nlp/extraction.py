"""Documents to tours and suggestions: metadata first, then the split, one document at a time."""

from __future__ import annotations

from nlp.metadata import extract_tour_metadata
from nlp.records import ParsedDocument, Suggestion, TourMetadata
from nlp.splitting import split_into_suggestions

Extraction = tuple[list[TourMetadata], dict[str, str], list[Suggestion]]


def extract_tours_and_suggestions(documents: list[ParsedDocument]) -> Extraction:
    """(tours, document hash -> tour id, suggestions) for a batch of documents.

    A document in which no suggestion was found belongs to no tour: it is stored without one
    and listed with the rejected files ("건의사항을 찾지 못했습니다", see
    `warehouse.queries.rejected_files`), rather than showing as an empty tour.
    """
    tours: dict[str, TourMetadata] = {}
    document_tours: dict[str, str] = {}
    suggestions: list[Suggestion] = []
    for document in documents:
        tour = extract_tour_metadata(document)
        found = split_into_suggestions(document, tour)
        if not found:
            continue
        tours.setdefault(tour.tour_id, tour)
        document_tours[document.content_hash] = tour.tour_id
        suggestions.extend(found)
    return list(tours.values()), document_tours, suggestions


def merge_extractions(parts: list[Extraction]) -> Extraction:
    """The results of `extract_tours_and_suggestions` over consecutive batches of documents, joined into
    what one call over all of them gives (each document is split on its own; a tour seen in several
    batches keeps its first metadata)."""
    tours: dict[str, TourMetadata] = {}
    document_tours: dict[str, str] = {}
    suggestions: list[Suggestion] = []
    for part_tours, part_documents, part_suggestions in parts:
        for tour in part_tours:
            tours.setdefault(tour.tour_id, tour)
        document_tours.update(part_documents)
        suggestions.extend(part_suggestions)
    return list(tours.values()), document_tours, suggestions
