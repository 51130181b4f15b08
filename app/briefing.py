"""The leadership briefing: top themes of a period, what is new and what recurs, quotes with
sources, and an extractive summary per theme, exported as Markdown and DOCX with the same content.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from app.text import plain

TOP_THEMES = 8
QUOTES = 3
SUMMARY_SENTENCES = 3


@dataclass(frozen=True)
class Quote:
    text: str
    tour: str
    date: str
    organisation: str

    @property
    def source(self) -> str:
        return " · ".join(part for part in (self.tour, self.date, self.organisation) if part)


def _text(value: object) -> str:
    """A cell as text; missing (None or NaN, which is truthy) as empty."""
    return "" if value is None or pd.isna(value) else str(value)


@dataclass(frozen=True)
class AreaBrief:
    area: str
    count: int  # suggestions filed under it (primary area) in the period
    previous_count: int  # in the period of equal length just before


@dataclass(frozen=True)
class ThemeBrief:
    label: str
    area: str
    count: int
    tours: int
    previous_count: int
    status: str  # 새 테마 | 반복 | 이번 기간만
    trend: str  # 증가 | 감소 | 유지 | 신규
    keywords: tuple[str, ...]
    summary: tuple[str, ...]
    quotes: tuple[Quote, ...]


@dataclass(frozen=True)
class Briefing:
    start: dt.date
    end: dt.date
    tours: tuple[str, ...]
    suggestions: int
    themes: tuple[ThemeBrief, ...] = field(default_factory=tuple)
    areas: tuple[AreaBrief, ...] = field(default_factory=tuple)

    @property
    def title(self) -> str:
        return f"정책현장투어 건의 브리핑 ({self.start:%Y-%m-%d} ~ {self.end:%Y-%m-%d})"


def _day(value: object) -> str:
    return "" if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def _central_order(indices: list[int], matrix: np.ndarray) -> list[int]:
    block = matrix[indices]
    centroid = block.mean(axis=0)
    return [indices[i] for i in np.argsort(-(block @ centroid), kind="stable")]


def _diverse(order: list[int], matrix: np.ndarray, k: int, too_close: float = 0.9) -> list[int]:
    """The most central items, skipping near-repeats of those already chosen."""
    chosen: list[int] = []
    for i in order:
        if all(float(matrix[i] @ matrix[j]) < too_close for j in chosen):
            chosen.append(i)
        if len(chosen) == k:
            break
    return chosen


def build_briefing(
    suggestions: pd.DataFrame,
    vectors: dict[str, np.ndarray],
    overview: pd.DataFrame,
    start: dt.date,
    end: dt.date,
    tours: list[str] | None = None,
    areas: list[str] | None = None,
) -> Briefing:
    """Assemble the briefing for suggestions raised between `start` and `end` (and on `tours` and
    under the primary `areas`, if given). Every suggestion of the period counts, 미분류 included;
    themes are ranked among the themed ones."""
    raised = suggestions["raised_on"].dt.date
    selected = pd.Series(True, index=suggestions.index)
    if tours:
        selected &= suggestions["tour_name"].isin(tours)
    if areas:
        selected &= suggestions["area"].isin(areas)
    length = end - start
    in_period = selected & raised.between(start, end)
    period_rows = suggestions[in_period]
    chosen = suggestions[in_period & suggestions["theme_id"].notna() & (suggestions["theme_id"] >= 0)]
    before = suggestions[
        selected & raised.between(start - length - dt.timedelta(days=1), start - dt.timedelta(days=1))
    ]
    earlier = suggestions[selected & (raised < start)]
    keywords = {
        int(r.theme_id): tuple(r.keywords) if r.keywords is not None else () for r in overview.itertuples()
    }
    theme_area = {int(r.theme_id): _text(r.area) for r in overview.itertuples()}
    area_counts = period_rows["area"].fillna("기타").value_counts()
    previous_area_counts = before["area"].fillna("기타").value_counts()
    area_briefs = tuple(
        AreaBrief(str(area), int(count), int(previous_area_counts.get(area, 0)))
        for area, count in sorted(area_counts.items(), key=lambda kv: (-kv[1], kv[0]))
    )

    briefs = []
    for theme_id, group in sorted(chosen.groupby("theme_id"), key=lambda kv: (-len(kv[1]), kv[0]))[
        :TOP_THEMES
    ]:
        previous = int((before["theme_id"] == theme_id).sum())
        earlier_tours = earlier.loc[earlier["theme_id"] == theme_id, "tour_id"].nunique()
        status = "반복" if earlier_tours else ("새 테마" if group["tour_id"].nunique() > 1 else "이번 기간만")
        trend = (
            "신규"
            if previous == 0
            else ("증가" if len(group) > previous else "감소" if len(group) < previous else "유지")
        )
        rows = group.reset_index(drop=True)
        has_vector = [sid in vectors for sid in rows["suggestion_id"]]
        matrix = np.stack([vectors[sid] for sid in rows["suggestion_id"]]) if all(has_vector) else None
        order = (
            _central_order(list(range(len(rows))), matrix) if matrix is not None else list(range(len(rows)))
        )
        quote_rows, seen_tours = [], set()
        for i in order:  # most central first, one quote per tour where possible
            if rows.at[i, "tour_id"] not in seen_tours or len(seen_tours) >= rows["tour_id"].nunique():
                quote_rows.append(i)
                seen_tours.add(rows.at[i, "tour_id"])
            if len(quote_rows) == QUOTES:
                break
        rest = [i for i in order if i not in quote_rows]  # the summary adds what the quotes do not say
        summary_rows = (
            _diverse(rest, matrix, SUMMARY_SENTENCES) if matrix is not None else rest[:SUMMARY_SENTENCES]
        )
        briefs.append(
            ThemeBrief(
                label=str(rows.at[0, "theme"]),
                area=theme_area.get(int(theme_id), ""),
                count=len(rows),
                tours=int(rows["tour_id"].nunique()),
                previous_count=previous,
                status=status,
                trend=trend,
                keywords=keywords.get(int(theme_id), ())[:5],
                summary=tuple(str(rows.at[i, "text"]) for i in summary_rows),
                quotes=tuple(
                    Quote(
                        text=str(rows.at[i, "text"]),
                        tour=_text(rows.at[i, "tour_name"]) or _text(rows.at[i, "company"]),
                        date=_day(rows.at[i, "raised_on"]),
                        organisation=_text(rows.at[i, "organisation"]),
                    )
                    for i in quote_rows
                ),
            )
        )
    tour_dates = period_rows.dropna(subset=["tour_name"]).groupby("tour_name")["tour_date"].min()
    tour_names = tuple(sorted(tour_dates.index, key=lambda n: (pd.isna(tour_dates[n]), tour_dates[n], n)))
    return Briefing(
        start=start,
        end=end,
        tours=tour_names,
        suggestions=len(period_rows),
        themes=tuple(briefs),
        areas=area_briefs,
    )


def to_markdown(briefing: Briefing) -> str:
    lines = [f"# {briefing.title}", "", f"- 건의 {briefing.suggestions}건, 투어 {len(briefing.tours)}곳"]
    lines += [
        f"- 투어: {', '.join(plain(t) for t in briefing.tours)}" if briefing.tours else "- 투어: 없음",
        "",
    ]
    if briefing.areas:
        lines += ["## 정책 분야별 건의", "", "| 정책 분야 | 건의 | 직전 같은 기간 |", "|---|---:|---:|"]
        lines += [f"| {plain(a.area)} | {a.count} | {a.previous_count} |" for a in briefing.areas] + [""]
    for rank, theme in enumerate(briefing.themes, 1):
        area = f" · {plain(theme.area)}" if theme.area else ""
        lines += [
            f"## {rank}. {plain(theme.label)}",
            "",
            f"- {theme.count}건 · 투어 {theme.tours}곳{area} · {theme.status} · 직전 같은 기간 {theme.previous_count}건 대비 {theme.trend}",
        ]
        if theme.keywords:
            lines.append(f"- 키워드: {plain(', '.join(theme.keywords))}")
        lines += ["", "**요약**", ""] + [f"- {plain(s)}" for s in theme.summary]
        lines += ["", "**대표 발언**", ""]
        for quote in theme.quotes:  # one block per quote, so an attribution never runs into the next quote
            lines += [f"> {plain(quote.text)}  ", f"> — {plain(quote.source)}", ""]
    if not briefing.themes:
        lines.append("선택한 기간과 투어에 건의가 없습니다.")
    return "\n".join(lines).rstrip() + "\n"


def to_docx(briefing: Briefing) -> bytes:
    from docx import Document
    from docx.oxml.ns import qn

    document = Document()
    for style_name in ("Normal", "Heading 1", "Heading 2", "Quote", "List Bullet"):
        style = document.styles[style_name]
        style.font.name = "NanumGothic"
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "NanumGothic")
    document.add_heading(briefing.title, level=1)
    document.add_paragraph(f"건의 {briefing.suggestions}건, 투어 {len(briefing.tours)}곳")
    document.add_paragraph(f"투어: {', '.join(briefing.tours)}" if briefing.tours else "투어: 없음")
    if briefing.areas:
        document.add_heading("정책 분야별 건의", level=2)
        table = document.add_table(rows=1, cols=3)
        for cell, heading in zip(table.rows[0].cells, ("정책 분야", "건의", "직전 같은 기간"), strict=True):
            cell.text = heading
        for area in briefing.areas:
            cells = table.add_row().cells
            cells[0].text, cells[1].text, cells[2].text = area.area, str(area.count), str(area.previous_count)
    for rank, theme in enumerate(briefing.themes, 1):
        document.add_heading(f"{rank}. {theme.label}", level=2)
        area = f" · {theme.area}" if theme.area else ""
        document.add_paragraph(
            f"{theme.count}건 · 투어 {theme.tours}곳{area} · {theme.status} · 직전 같은 기간 {theme.previous_count}건 대비 {theme.trend}"
        )
        if theme.keywords:
            document.add_paragraph(f"키워드: {', '.join(theme.keywords)}")
        document.add_paragraph("요약")
        for sentence in theme.summary:
            document.add_paragraph(sentence, style="List Bullet")
        document.add_paragraph("대표 발언")
        for quote in theme.quotes:
            document.add_paragraph(f"{quote.text} — {quote.source}", style="Quote")
    if not briefing.themes:
        document.add_paragraph("선택한 기간과 투어에 건의가 없습니다.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
