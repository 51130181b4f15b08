"""The leadership briefing.

One A4 page first: the period and the period it is compared with, stated in words; totals; a chart of the
top policy areas and themes against the previous period of equal length; what is new and what is rising,
with how sure (the rule of `nlp.surges`); three to five quotes, each with its tour, date and organisation.
Then an appendix with every theme of the period, largest first, each with the documents its suggestions
come from. Exported as Markdown, DOCX, PDF and HWPX from one list of blocks, so all four say the same.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from app.text import plain
from nlp import surges
from nlp.areas import OTHER_AREA
from nlp.surges import Surge

TOP_ON_PAGE = 5  # areas and themes in the first page's chart
FLAGGED_ON_PAGE = 6  # new or rising themes and areas listed on the first page (the rest: appendix)
QUOTES_MIN, QUOTES_MAX = 3, 5
QUOTES_PER_THEME = 2
QUOTE_CHARS = 160  # a longer quote is cut (with …) so the first page stays one page
SUMMARY_SENTENCES = 3
DEFAULT_MONTHS = 6
UNTHEMED = "미분류"

FONT_FILES = {"": "NanumGothic.ttf", "B": "NanumGothicBold.ttf"}
FONT_DIRS = (
    Path("/usr/share/fonts/truetype/nanum"),
    Path("/usr/share/fonts/nanum"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local/share/fonts",
    Path.home() / ".fonts",
)


class FontMissing(RuntimeError):
    """The Korean font the chart and the PDF embed is not installed."""


def korean_font(style: str = "") -> Path:
    """NanumGothic (style "" or "B"): from FIELDVOICE_KOREAN_FONT_DIR, else the usual font folders.

    Bold falls back to regular; a missing regular font raises FontMissing with what to install."""
    configured = os.environ.get("FIELDVOICE_KOREAN_FONT_DIR")
    folders = ((Path(configured),) if configured else ()) + FONT_DIRS
    for name in (FONT_FILES[style], FONT_FILES[""]):
        for folder in folders:
            if (folder / name).is_file():
                return folder / name
    raise FontMissing(
        "한글 글꼴 NanumGothic(NanumGothic.ttf)을 찾지 못해 PDF와 차트를 만들 수 없습니다. "
        "`apt-get install fonts-nanum`으로 설치하거나 FIELDVOICE_KOREAN_FONT_DIR에 글꼴 폴더를 지정하세요."
    )


# --- the briefing's content ------------------------------------------------------------------------


@dataclass(frozen=True)
class Quote:
    text: str
    tour: str
    date: str
    organisation: str
    theme: str = ""
    document: str = ""
    suggestion_id: str = ""

    @property
    def source(self) -> str:
        """Tour, date and organisation (the date left out where the tour's name already starts with it)."""
        date = "" if self.date and self.tour.startswith(self.date) else self.date
        return " · ".join(part for part in (self.tour, date, self.organisation) if part)


@dataclass(frozen=True)
class Source:
    """One document a theme's suggestions of the period come from."""

    date: str
    tour: str
    document: str
    suggestion_ids: tuple[str, ...]

    @property
    def line(self) -> str:
        ids = ", ".join(self.suggestion_ids)
        head = " · ".join(part for part in (self.date, self.tour, self.document) if part)
        return f"{head} — 건의 {len(self.suggestion_ids)}건 ({ids})"


def _text(value: object) -> str:
    """A cell as text; missing (None or NaN, which is truthy) as empty."""
    return "" if value is None or pd.isna(value) else str(value)


@dataclass(frozen=True)
class AreaBrief:
    area: str
    count: int  # suggestions filed under it (primary area) in the period
    previous_count: int | None  # in the period of equal length just before (None: no data then)
    surge: Surge | None = None


@dataclass(frozen=True)
class ThemeBrief:
    label: str
    area: str
    count: int
    tours: int
    previous_count: int | None  # None: the previous period has no data at all
    surge: Surge | None
    keywords: tuple[str, ...]
    summary: tuple[str, ...]
    quotes: tuple[Quote, ...]
    sources: tuple[Source, ...] = ()

    @property
    def status(self) -> str:
        return self.surge.status if self.surge and self.surge.flagged else ""


@dataclass(frozen=True)
class Briefing:
    start: dt.date
    end: dt.date
    tours: tuple[str, ...]
    suggestions: int
    themes: tuple[ThemeBrief, ...] = field(default_factory=tuple)  # every theme of the period, largest first
    areas: tuple[AreaBrief, ...] = field(default_factory=tuple)
    previous_suggestions: int | None = None  # None: no suggestion at all in the previous period
    unthemed: int = 0
    unthemed_sources: tuple[Source, ...] = ()
    quotes: tuple[Quote, ...] = ()  # the first page's
    history_start: dt.date | None = None  # the first dated suggestion of the warehouse
    filters: tuple[str, ...] = ()  # the tours and areas chosen, in words

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def previous_start(self) -> dt.date:
        return self.start - dt.timedelta(days=self.days)

    @property
    def previous_end(self) -> dt.date:
        return self.start - dt.timedelta(days=1)

    @property
    def comparable(self) -> bool:
        return self.previous_suggestions is not None

    @property
    def title(self) -> str:
        return f"정책현장투어 건의 브리핑 ({self.start:%Y-%m-%d} ~ {self.end:%Y-%m-%d})"

    @property
    def period_sentence(self) -> str:
        this = f"{self.start:%Y-%m-%d}~{self.end:%Y-%m-%d}({self.days}일)"
        before = f"직전 같은 길이의 기간({self.previous_start:%Y-%m-%d}~{self.previous_end:%Y-%m-%d})"
        if not self.comparable:
            return f"{this}의 건의를 정리했습니다. {before}에는 자료가 없어 직전 기간과는 비교할 수 없습니다."
        partial = (
            f" (직전 기간 자료는 {self.history_start:%Y-%m-%d}부터만 있습니다)"
            if self.history_start and self.history_start > self.previous_start
            else ""
        )
        return f"{this}과 {before}을 비교{partial}."

    @property
    def flagged(self) -> list[tuple[str, str, Surge]]:
        """(kind, name, surge) of every new or rising theme and area, new first, then the surest rises."""
        items = [("테마", t.label, t.surge) for t in self.themes if t.surge and t.surge.flagged]
        items += [("분야", a.area, a.surge) for a in self.areas if a.surge and a.surge.flagged]
        return sorted(
            items,
            key=lambda i: (i[2].status != surges.NEW, i[2].p_value or 0.0, -i[2].recent, i[0], i[1]),
        )

    @property
    def history_too_short(self) -> bool:
        any_surge = next((t.surge for t in self.themes if t.surge), None)
        return any_surge is not None and any_surge.status == surges.NO_HISTORY


def default_period(dates: pd.Series) -> tuple[dt.date, dt.date]:
    """The last DEFAULT_MONTHS months of data, ending on the latest date (the whole range if shorter)."""
    first, last = dates.min().date(), dates.max().date()
    start = (pd.Timestamp(last) - pd.DateOffset(months=DEFAULT_MONTHS) + pd.Timedelta(days=1)).date()
    return max(first, start), last


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


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1].rstrip() + "…"


def _sources(rows: pd.DataFrame) -> tuple[Source, ...]:
    """The documents of `rows`, oldest first, each with its suggestions' ids.

    Grouped over plain Python lists: a pandas groupby per theme reads the Arrow-backed strings one
    cell at a time, which took most of a 70,000-suggestion briefing's build."""
    documents = rows["document"].fillna("").astype(str).tolist()
    ids = rows["suggestion_id"].astype(str).tolist()
    tours = rows["tour_name"].tolist()
    raised = rows["raised_on"].tolist()
    members: dict[str, list[int]] = {}
    for i, document in enumerate(documents):
        members.setdefault(document, []).append(i)
    found = []
    for document, group in members.items():
        dates = [raised[i] for i in group if not pd.isna(raised[i])]
        found.append(
            Source(
                date=_day(min(dates)) if dates else "",
                tour=_text(tours[group[0]]),
                document=document,
                suggestion_ids=tuple(sorted(ids[i] for i in group)),
            )
        )
    return tuple(sorted(found, key=lambda s: (s.date or "9999", s.tour, s.document)))


def period_surges(
    rows: pd.DataFrame, column: str, start: dt.date, end: dt.date, history_start: dt.date | None
) -> dict[str, Surge]:
    """`nlp.surges` over the values of `column` in `rows`: the period [start, end] against everything
    from `history_start` (the warehouse's first dated suggestion) to the day before `start`."""
    raised = rows["raised_on"].dt.date
    values = rows[column].astype("string")
    recent = values[raised.between(start, end)].value_counts()
    history = values[raised < start].value_counts()
    history_days = (start - history_start).days if history_start else 0
    return surges.assess_all(
        {str(k): int(v) for k, v in recent.items()},
        {str(k): int(v) for k, v in history.items()},
        (end - start).days + 1,
        max(history_days, 0),
    )


def surge_table(
    rows: pd.DataFrame, key: str, name: str, start: dt.date, end: dt.date, history_start: dt.date | None
) -> pd.DataFrame:
    """One row per value of `key` (named by column `name`) seen in `rows`: its count in [start, end],
    the expected count from its own history, the p-value and the status, flagged first (new, then the
    surest rises), then by count."""
    judged = period_surges(rows, key, start, end, history_start)
    names = rows.assign(_key=rows[key].astype("string")).groupby("_key")[name].first()
    frame = pd.DataFrame(
        [
            {
                "key": k,
                "name": str(names.get(k, k)),
                "recent": s.recent,
                "history": s.history,
                "expected": s.expected,
                "p_value": s.p_value,
                "status": s.status,
                "certainty": s.certainty,
            }
            for k, s in judged.items()
        ],
        columns=["key", "name", "recent", "history", "expected", "p_value", "status", "certainty"],
    )
    order = frame["status"].map({surges.NEW: 0, surges.RISING: 1}).fillna(2)
    return (
        frame.assign(_order=order, _p=frame["p_value"].fillna(0.0))
        .sort_values(["_order", "_p", "recent", "name"], ascending=[True, True, False, True])
        .drop(columns=["_order", "_p"])
        .reset_index(drop=True)
    )


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
    under the primary `areas`, if given). Every suggestion of the period counts, 미분류 included; every
    theme of the period is in it, largest first."""
    raised = suggestions["raised_on"].dt.date
    selected = pd.Series(True, index=suggestions.index)
    if tours:
        selected &= suggestions["tour_name"].isin(tours)
    if areas:
        selected &= suggestions["area"].isin(areas)
    days = (end - start).days + 1
    previous_start, previous_end = start - dt.timedelta(days=days), start - dt.timedelta(days=1)
    dated = raised.dropna()
    history_start = dated.min() if not dated.empty else None
    # "no data at all" before: nothing in the warehouse for the previous period, whatever the filters
    comparable = bool(raised.between(previous_start, previous_end).any())

    in_period = selected & raised.between(start, end)
    period_rows = suggestions[in_period]
    themed = in_period & suggestions["theme_id"].notna() & (suggestions["theme_id"] >= 0)
    chosen = suggestions[themed]
    before = suggestions[selected & raised.between(previous_start, previous_end)]
    keywords = {
        int(r.theme_id): tuple(r.keywords) if r.keywords is not None else () for r in overview.itertuples()
    }
    theme_area = {int(r.theme_id): _text(r.area) for r in overview.itertuples()}

    scope = suggestions[selected].assign(area=lambda f: f["area"].fillna(OTHER_AREA))
    area_surges = period_surges(scope, "area", start, end, history_start)
    themed_scope = scope[scope["theme_id"].notna() & (scope["theme_id"] >= 0)].assign(
        theme_key=lambda f: f["theme_id"].astype(int).astype(str)
    )
    theme_surges = period_surges(themed_scope, "theme_key", start, end, history_start)

    area_counts = period_rows["area"].fillna(OTHER_AREA).value_counts()
    previous_area_counts = before["area"].fillna(OTHER_AREA).value_counts()
    area_briefs = tuple(
        AreaBrief(
            str(area),
            int(count),
            int(previous_area_counts.get(area, 0)) if comparable else None,
            area_surges.get(str(area)),
        )
        for area, count in sorted(area_counts.items(), key=lambda kv: (-kv[1], kv[0]))
    )

    briefs = []
    for theme_id, group in sorted(chosen.groupby("theme_id"), key=lambda kv: (-len(kv[1]), kv[0])):
        previous = int((before["theme_id"] == theme_id).sum()) if comparable else None
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
            if len(quote_rows) == QUOTES_PER_THEME:
                break
        rest = [i for i in order if i not in quote_rows]  # the summary adds what the quotes do not say
        summary_rows = (
            _diverse(rest, matrix, SUMMARY_SENTENCES) if matrix is not None else rest[:SUMMARY_SENTENCES]
        )
        label = str(rows.at[0, "theme"])
        briefs.append(
            ThemeBrief(
                label=label,
                area=theme_area.get(int(theme_id), ""),
                count=len(rows),
                tours=int(rows["tour_id"].nunique()),
                previous_count=previous,
                surge=theme_surges.get(str(int(theme_id))),
                keywords=keywords.get(int(theme_id), ())[:5],
                summary=tuple(_short(str(rows.at[i, "text"])) for i in summary_rows),
                quotes=tuple(
                    Quote(
                        text=_short(str(rows.at[i, "text"])),
                        tour=_text(rows.at[i, "tour_name"]) or _text(rows.at[i, "company"]),
                        date=_day(rows.at[i, "raised_on"]),
                        organisation=_text(rows.at[i, "organisation"]),
                        theme=label,
                        document=_text(rows.at[i, "document"]),
                        suggestion_id=str(rows.at[i, "suggestion_id"]),
                    )
                    for i in quote_rows
                ),
                sources=_sources(rows),
            )
        )

    page_quotes: list[Quote] = []  # round robin over the largest themes: each theme's most central first
    for round_ in range(QUOTES_PER_THEME):
        for theme in briefs[:QUOTES_MAX]:
            if round_ < len(theme.quotes) and len(page_quotes) < QUOTES_MAX:
                page_quotes.append(theme.quotes[round_])
        if len(page_quotes) >= QUOTES_MIN:
            break

    tour_dates = period_rows.dropna(subset=["tour_name"]).groupby("tour_name")["tour_date"].min()
    tour_names = tuple(sorted(tour_dates.index, key=lambda n: (pd.isna(tour_dates[n]), tour_dates[n], n)))
    filters = ()
    if tours:
        filters += (f"투어: {', '.join(tours)}",)
    if areas:
        filters += (f"정책 분야: {', '.join(areas)}",)
    return Briefing(
        start=start,
        end=end,
        tours=tour_names,
        suggestions=len(period_rows),
        themes=tuple(briefs),
        areas=area_briefs,
        previous_suggestions=len(before) if comparable else None,
        unthemed=len(period_rows) - len(chosen),
        unthemed_sources=_sources(period_rows[~themed[in_period]]),
        quotes=tuple(page_quotes),
        history_start=history_start,
        filters=filters,
    )


# --- one list of blocks, four renderers ------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    kind: str  # h1 | h2 | p | note | bullet | quote | table | chart | pagebreak
    text: str = ""
    source: str = ""  # a quote's attribution, its own line in every format
    rows: tuple[tuple[str, ...], ...] = ()  # a table's, header first


def _change(count: int, previous: int | None) -> str:
    if previous is None:
        return f"{count}건 (비교 불가)"
    diff = count - previous
    sign = "+" if diff > 0 else ""
    return f"{count}건 (직전 {previous}건, {sign}{diff})"


def _alert(surge: Surge | None) -> str:
    if surge is None or not surge.flagged:
        return ""
    return f"{surge.status} ({surge.certainty})"


def chart_rows(brief: Briefing) -> tuple[tuple[str, ...], ...]:
    """The chart's numbers: kind, name, this period, previous period."""
    rows = [("구분", "이름", "이번 기간", "직전 기간")]

    def previous(n: int | None) -> str:
        return "-" if n is None else str(n)

    rows += [("분야", a.area, str(a.count), previous(a.previous_count)) for a in brief.areas[:TOP_ON_PAGE]]
    rows += [("테마", t.label, str(t.count), previous(t.previous_count)) for t in brief.themes[:TOP_ON_PAGE]]
    return tuple(rows)


def blocks(brief: Briefing) -> list[Block]:
    """The briefing as a list of blocks: the first page, a page break, the appendix."""
    out = [Block("h1", brief.title), Block("p", brief.period_sentence)]
    out += [Block("p", f) for f in brief.filters]
    if not brief.suggestions:
        return [*out, Block("p", "선택한 기간과 투어에 건의가 없습니다.")]
    previous = (
        f", 직전 같은 기간 {brief.previous_suggestions}건" if brief.previous_suggestions is not None else ""
    )
    out += [
        Block("h2", "한눈에 보기"),
        Block(
            "bullet",
            f"건의 {brief.suggestions}건{previous}, 투어 {len(brief.tours)}곳, 테마 {len(brief.themes)}개"
            f" (테마 없는 건의 {brief.unthemed}건)",
        ),
        Block("bullet", f"투어(날짜순): {', '.join(brief.tours)}" if brief.tours else "투어: 없음"),
        Block("chart", "상위 정책 분야와 테마: 이번 기간과 직전 같은 기간의 건의 수", rows=chart_rows(brief)),
        Block("h2", "새로 나타나거나 늘어난 것"),
        Block("note", f"판단 기준: {surges.RULE}"),
    ]
    flagged = brief.flagged
    if brief.history_too_short:
        out.append(
            Block("p", "이 기간 이전의 자료가 같은 길이 기간 하나에 못 미쳐 신규·급증을 판단할 수 없습니다.")
        )
    elif not flagged:
        out.append(Block("p", "통계적으로 두드러지게 늘거나 새로 나타난 테마·분야가 없습니다."))
    for kind, name, surge in flagged[:FLAGGED_ON_PAGE]:
        out.append(Block("bullet", f"[{surge.status}] {kind} '{name}': {surge.certainty}"))
    if len(flagged) > FLAGGED_ON_PAGE:
        out.append(Block("p", f"외 {len(flagged) - FLAGGED_ON_PAGE}개는 부록에 있습니다."))
    out.append(Block("h2", "현장의 목소리"))
    out += [Block("quote", f"“{q.text}”", source=f"— {q.source} ({q.theme})") for q in brief.quotes]

    out += [
        Block("pagebreak"),
        Block("h1", f"부록: 이 기간의 모든 테마 {len(brief.themes)}개"),
        Block(
            "p",
            f"건의가 많은 순서로 빠짐없이 적었습니다. 테마로 묶이지 않은 건의 {brief.unthemed}건은 끝에 따로 적었습니다. "
            "출처는 날짜 · 투어 · 문서 — 건의 수 (건의 ID)입니다.",
        ),
        Block("h2", "정책 분야별 건의"),
        Block(
            "table",
            rows=(
                ("정책 분야", "건의", "직전 같은 기간", "알림"),
                *(
                    (
                        a.area,
                        str(a.count),
                        "-" if a.previous_count is None else str(a.previous_count),
                        _alert(a.surge),
                    )
                    for a in brief.areas
                ),
            ),
        ),
    ]
    for rank, theme in enumerate(brief.themes, 1):
        area = f" · {theme.area}" if theme.area else ""
        alert = _alert(theme.surge)
        out += [
            Block("h2", f"{rank}. {theme.label}"),
            Block(
                "p",
                f"{_change(theme.count, theme.previous_count)} · 투어 {theme.tours}곳{area}"
                + (f" · {alert}" if alert else ""),
            ),
        ]
        if theme.keywords:
            out.append(Block("p", f"키워드: {', '.join(theme.keywords)}"))
        out += [Block("bullet", f"요약: {s}") for s in theme.summary]
        out += [
            Block("quote", f"“{q.text}”", source=f"— {q.source} (문서 {q.document}, 건의 {q.suggestion_id})")
            for q in theme.quotes
        ]
        out.append(Block("p", "출처:"))
        out += [Block("bullet", s.line) for s in theme.sources]
    if brief.unthemed:
        out += [Block("h2", f"{UNTHEMED} (테마 없는 건의 {brief.unthemed}건)")]
        out += [Block("bullet", s.line) for s in brief.unthemed_sources]
    return out


def to_markdown(brief: Briefing) -> str:
    """Markdown in which every text is escaped (`plain`): document text shows as its own characters."""
    lines: list[str] = []
    for block in blocks(brief):
        if block.kind == "h1":
            lines += ["", f"# {plain(block.text)}", ""]
        elif block.kind == "h2":
            lines += ["", f"## {plain(block.text)}", ""]
        elif block.kind in ("p", "note"):
            lines += ["", plain(block.text), ""]
        elif block.kind == "bullet":
            lines.append(f"- {plain(block.text)}")
        elif block.kind == "quote":  # one block per quote: an attribution never runs into the next quote
            lines += ["", f"> {plain(block.text)}  ", f"> {plain(block.source)}", ""]
        elif block.kind in ("table", "chart"):
            if block.kind == "chart":
                lines += ["", plain(block.text), ""]
            header, *rows = block.rows
            lines += ["", "| " + " | ".join(plain(c) for c in header) + " |"]
            lines.append("|" + "|".join("---" for _ in header) + "|")
            lines += ["| " + " | ".join(plain(c) for c in row) + " |" for row in rows] + [""]
        elif block.kind == "pagebreak":
            lines += ["", "---", ""]
    text = "\n".join(lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip() + "\n"


# --- the chart ---------------------------------------------------------------------------------------


def chart_png(brief: Briefing) -> bytes:
    """Top areas and themes, this period against the previous one, as a PNG drawn with NanumGothic."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib.figure import Figure

    font = font_manager.FontProperties(fname=str(korean_font()))
    figure = Figure(figsize=(7.2, 2.7), dpi=160)
    panels = figure.subplots(1, 2)
    for axes, (title, items) in zip(
        panels,
        (
            ("정책 분야", [(a.area, a.count, a.previous_count) for a in brief.areas[:TOP_ON_PAGE]]),
            ("테마", [(t.label, t.count, t.previous_count) for t in brief.themes[:TOP_ON_PAGE]]),
        ),
        strict=True,
    ):
        names = [n if len(n) <= 14 else n[:13] + "…" for n, _, _ in items][::-1]
        now = [c for _, c, _ in items][::-1]
        before = [p or 0 for _, _, p in items][::-1]
        y = np.arange(len(items))
        shift = 0.2 if brief.comparable else 0.0
        axes.barh(y + shift, now, height=0.4, color="#d95f02", label="이번 기간")
        if brief.comparable:
            axes.barh(y - shift, before, height=0.4, color="#bdbdbd", label="직전 같은 기간")
        for i, (count, previous) in enumerate(zip(now, before, strict=True)):
            change = f" ({count - previous:+d})" if brief.comparable else ""
            axes.text(count, i + shift, f" {count}{change}", va="center", fontproperties=font, fontsize=7)
        axes.xaxis.get_major_locator().set_params(integer=True)
        axes.set_yticks(y, names)
        for label in axes.get_yticklabels():
            label.set_fontproperties(font)
            label.set_fontsize(7)
        axes.tick_params(axis="x", labelsize=7)
        axes.set_title(title, fontproperties=font, fontsize=9)
        axes.spines[["top", "right"]].set_visible(False)
    if brief.comparable:
        panels[1].legend(
            prop=font_manager.FontProperties(fname=str(korean_font()), size=7), loc="lower right"
        )
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


# --- DOCX ----------------------------------------------------------------------------------------------


def to_docx(brief: Briefing, chart: bytes | None = None) -> bytes:
    """A4 with 20 mm margins, Heading 1/2, the chart as a picture, NanumGothic for Hangul (eastAsia)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin = section.bottom_margin = Mm(18)
    for style_name in ("Normal", "Heading 1", "Heading 2", "Quote", "List Bullet"):
        style = document.styles[style_name]
        style.font.name = "NanumGothic"
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "NanumGothic")
    document.styles["Normal"].font.size = Pt(9.5)
    for block in blocks(brief):
        if block.kind == "h1":
            document.add_heading(block.text, level=1)
        elif block.kind == "h2":
            document.add_heading(block.text, level=2)
        elif block.kind == "p":
            document.add_paragraph(block.text)
        elif block.kind == "note":
            document.add_paragraph().add_run(block.text).font.size = Pt(8)
        elif block.kind == "bullet":
            document.add_paragraph(block.text, style="List Bullet")
        elif block.kind == "quote":
            document.add_paragraph(block.text, style="Quote")
            attribution = document.add_paragraph(block.source)
            attribution.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif block.kind == "chart":
            document.add_picture(io.BytesIO(chart or chart_png(brief)), width=Mm(170))
        elif block.kind == "table":
            header, *rows = block.rows
            table = document.add_table(rows=1, cols=len(header))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, header, strict=True):
                cell.text = text
            for row in rows:
                for cell, text in zip(table.add_row().cells, row, strict=True):
                    cell.text = text
        elif block.kind == "pagebreak":
            document.add_page_break()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- PDF -------------------------------------------------------------------------------------------------


def to_pdf(brief: Briefing, chart: bytes | None = None) -> bytes:
    """A4 PDF with NanumGothic embedded (FontMissing when it is not installed)."""
    from fpdf import FPDF

    regular, bold = korean_font(""), korean_font("B")
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_margins(18, 15, 18)
    pdf.set_auto_page_break(True, 15)
    pdf.add_font("NanumGothic", "", str(regular))
    pdf.add_font("NanumGothic", "B", str(bold))
    pdf.set_title(brief.title)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def write(text: str, size: float, style: str = "", height: float = 5.0, **kwargs: object) -> None:
        pdf.set_font("NanumGothic", style, size)
        pdf.multi_cell(width, height, text, new_x="LMARGIN", new_y="NEXT", **kwargs)

    for block in blocks(brief):
        if block.kind == "h1":
            write(block.text, 14, "B", 8)
            pdf.ln(1)
        elif block.kind == "h2":
            pdf.ln(2)
            write(block.text, 11, "B", 6)
        elif block.kind == "p":
            write(block.text, 9)
        elif block.kind == "note":
            pdf.set_text_color(90)
            write(block.text, 7.5, height=4)
            pdf.set_text_color(0)
        elif block.kind == "bullet":
            write(f"· {block.text}", 9, height=4.6)
        elif block.kind == "quote":
            pdf.ln(1)
            write(block.text, 9, height=4.6)
            pdf.set_text_color(80)
            write(block.source, 8, height=4.2, align="R")
            pdf.set_text_color(0)
        elif block.kind == "chart":
            pdf.ln(1)
            pdf.image(io.BytesIO(chart or chart_png(brief)), w=width)
        elif block.kind == "table":
            pdf.set_font("NanumGothic", "", 8)
            widths = (50, 14, 22, width - 86) if len(block.rows[0]) == 4 else None
            with pdf.table(
                col_widths=widths, line_height=4.5, width=width, first_row_as_headings=True
            ) as table:
                for row in block.rows:
                    cells = table.row()
                    for text in row:
                        cells.cell(text)
        elif block.kind == "pagebreak":
            pdf.add_page()
    subset_log = logging.getLogger("fontTools.subset")
    level = subset_log.level
    subset_log.setLevel(logging.ERROR)  # fontTools lists every TrueType table it does not subset
    try:
        return bytes(pdf.output())
    finally:
        subset_log.setLevel(level)


# --- HWPX --------------------------------------------------------------------------------------------------

_HWPUNIT_PER_MM = 7200 / 25.4


def _hwpunit(mm: float) -> int:
    return round(mm * _HWPUNIT_PER_MM)


def to_hwpx(brief: Briefing, chart: bytes | None = None) -> bytes:
    """HWPX (한/글) written with python-hwpx: A4, 개요 1/2 headings, the chart as a picture."""
    from hwpx import HwpxDocument

    document = HwpxDocument.new()
    document.page.set_size(width=_hwpunit(210), height=_hwpunit(297))
    document.page.set_margins(left=_hwpunit(20), right=_hwpunit(20), top=_hwpunit(15), bottom=_hwpunit(15))
    section = document.sections[-1]
    shapes = {}  # style name -> its refs, resolved once
    for name in ("바탕글", "본문"):
        style = document.styles.resolve(name)
        shapes[name] = {"style_id_ref": style.id, "para_pr_id_ref": style.para_pr_id_ref,
                        "char_pr_id_ref": style.char_pr_id_ref}  # fmt: skip

    def paragraph(text: str, style: str, **extra: str) -> None:
        """`add_paragraph(text, style=style)` with the style's refs given: python-hwpx otherwise resolves
        the style and scans every earlier paragraph on each call (minutes for a long appendix)."""
        refs = shapes[style]
        if any(value is None for value in refs.values()):
            document.add_paragraph(text, style=style, **extra)
        else:
            document.add_paragraph(text, section=section, inherit_style=False, **refs, **extra)

    page_break = False
    for block in blocks(brief):
        extra = {"pageBreak": "1"} if page_break else {}
        if block.kind == "pagebreak":
            page_break = True
            continue
        if block.kind in ("h1", "h2"):
            document.add_heading(block.text, level=1 if block.kind == "h1" else 2, **extra)
        elif block.kind in ("p", "note"):
            paragraph(block.text, "바탕글", **extra)
        elif block.kind == "bullet":
            paragraph(f"· {block.text}", "바탕글", **extra)
        elif block.kind == "quote":
            paragraph(block.text, "본문", **extra)
            paragraph(block.source, "바탕글")
        elif block.kind == "chart":
            document.add_picture(chart or chart_png(brief), "png", width_mm=170, height_mm=170 * 2.7 / 7.2)
        elif block.kind == "table":
            table = document.add_table(len(block.rows), len(block.rows[0]), width=_hwpunit(170))
            for r, row in enumerate(block.rows):
                for c, text in enumerate(row):
                    table.set_cell_text(r, c, text)
        page_break = False
    return document.to_bytes()


def exports(brief: Briefing) -> dict[str, bytes]:
    """The four exports of one briefing, keyed by format (md, docx, pdf, hwpx), sharing one chart."""
    chart = chart_png(brief) if brief.suggestions else None
    return {
        "md": to_markdown(brief).encode("utf-8"),
        "docx": to_docx(brief, chart),
        "pdf": to_pdf(brief, chart),
        "hwpx": to_hwpx(brief, chart),
    }
