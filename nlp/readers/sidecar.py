"""Sidecars: metadata staff write next to a document (`<name>.meta.toml`), checked key by key.

A sidecar overrides what is read from the document, so a wrong value there would be stored as
fact. A value of the wrong type (`tour_number = "제3회"`, `participants = 5`, a date that is not
a date) therefore refuses the document with a reason naming the file and the key: staff fix one
line and upload again, and nothing fails later in the run on a value it cannot use. Keys this
module does not know are kept as they are (no step reads them).
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from nlp.pii import mask_personal_data
from nlp.readers.errors import DocumentError

SIDECAR_SUFFIX = ".meta.toml"

_TEXT_KEYS = ("place", "company", "industry", "region", "tour_name", "host")


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + SIDECAR_SUFFIX)


def read_sidecar(path: Path) -> dict[str, object]:
    """The checked sidecar of the document at `path`; empty when there is none."""
    sidecar = sidecar_path(path)
    if not sidecar.exists():
        return {}
    try:
        with sidecar.open("rb") as fh:
            raw = tomllib.load(fh)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
        raise DocumentError(f"메타데이터 파일 {sidecar.name}을(를) 읽을 수 없습니다 ({exc})") from exc
    return {key: _checked(sidecar.name, key, value) for key, value in raw.items()}


def _checked(file_name: str, key: str, value: object) -> object:
    check = _CHECKS.get(key)
    if check is None:
        return value
    try:
        return check(value)
    except (TypeError, ValueError) as exc:
        shown = mask_personal_data(repr(value))
        shown = shown if len(shown) <= 40 else shown[:37] + "..."
        raise DocumentError(
            f"메타데이터 파일 {file_name}의 {key} 값이 올바르지 않습니다 ({exc}; 적힌 값: {shown})"
        ) from exc


def _date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError("날짜여야 합니다. 예: date = 2024-05-21")


def _positive_int(example: str, low: int, high: int) -> Callable[[object], int]:
    def check(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"{low}~{high} 사이의 숫자여야 합니다. 예: {example}")
        return value

    return check


def _text(key: str) -> Callable[[object], str]:
    def check(value: object) -> str:
        if not isinstance(value, str):
            raise TypeError(f'따옴표로 감싼 글이어야 합니다. 예: {key} = "..."')
        return value

    return check


def _people(value: object) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise TypeError('이름 목록이어야 합니다. 예: participants = ["홍길동", "김영희"]')
    return value


def _tour_id(value: object) -> str | int:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise TypeError('글이나 숫자여야 합니다. 예: tour_id = "2024-03"')
    return value


_CHECKS: dict[str, Callable[[object], object]] = {
    "date": _date,
    "tour_number": _positive_int("tour_number = 3", 1, 9999),
    "year": _positive_int("year = 2024", 1900, 2100),
    "participants": _people,
    "tour_id": _tour_id,
    **{key: _text(key) for key in _TEXT_KEYS},
}
