"""Altair charts with a Hangul font, so labels render as text rather than boxes."""

from __future__ import annotations

import altair as alt
import pandas as pd

KOREAN_FONT = "NanumGothic, 'Noto Sans KR', 'Malgun Gothic', sans-serif"
# Tableau 20: a theme's colour comes from its id, so it stays the same on every page and after a rename.
PALETTE = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f",
    "#bab0ac", "#a0cbe8", "#ffbe7d", "#ff9d9a", "#86bcb6", "#8cd17d", "#f1ce63", "#d4a6c8", "#fabfd2",
    "#d7b5a6", "#79706e",
)  # fmt: skip


def theme_colours(frame: pd.DataFrame, label: str = "theme") -> alt.Scale:
    """One colour per theme id (not per position or name), for every chart that colours themes."""
    pairs = frame[["theme_id", label]].drop_duplicates().sort_values("theme_id")
    return alt.Scale(
        domain=pairs[label].tolist(), range=[PALETTE[int(t) % len(PALETTE)] for t in pairs["theme_id"]]
    )


def _korean(chart: alt.Chart) -> alt.Chart:
    return chart.configure(font=KOREAN_FONT).configure_axis(labelFont=KOREAN_FONT, titleFont=KOREAN_FONT)


def heatmap(frame: pd.DataFrame, x: str, y: str, value: str, x_title: str, y_title: str) -> alt.Chart:
    """Counts of `value` over an x by y grid, darker for more; x keeps the frame's order."""
    chart = (
        alt.Chart(frame)
        .mark_rect()
        .encode(
            x=alt.X(
                f"{x}:N",
                title=x_title,
                sort=list(dict.fromkeys(frame[x])),
                axis=alt.Axis(labelLimit=220, labelOverlap=False, labelAngle=-45),
            ),
            y=alt.Y(f"{y}:N", title=y_title, axis=alt.Axis(labelLimit=260, labelOverlap=False)),
            color=alt.Color(f"{value}:Q", title="건의 수", scale=alt.Scale(scheme="oranges")),
            tooltip=[
                alt.Tooltip(f"{x}:N", title=x_title),
                alt.Tooltip(f"{y}:N", title=y_title),
                alt.Tooltip(f"{value}:Q", title="건의 수"),
            ],
        )
    )
    return _korean(chart)


def timeline(frame: pd.DataFrame) -> alt.Chart:
    chart = (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=alt.X("period:T", title="기간", axis=alt.Axis(format="%Y-%m")),
            y=alt.Y("suggestions:Q", title="건의 수"),
            color=alt.Color("theme:N", title="테마", scale=theme_colours(frame)),
            tooltip=[
                alt.Tooltip("theme:N", title="테마"),
                alt.Tooltip("period:T", title="기간", format="%Y-%m"),
                alt.Tooltip("suggestions:Q", title="건의 수"),
            ],
        )
    )
    return _korean(chart)


def sizes(frame: pd.DataFrame) -> alt.Chart:
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("size:Q", title="건의 수"),
            y=alt.Y("label:N", title=None, sort="-x", axis=alt.Axis(labelLimit=320, labelOverlap=False)),
            color=alt.Color("label:N", scale=theme_colours(frame, "label"), legend=None),
            tooltip=[
                alt.Tooltip("label:N", title="테마"),
                alt.Tooltip("size:Q", title="건의 수"),
                alt.Tooltip("tours:Q", title="투어 수"),
            ],
        )
    )
    return _korean(chart)
