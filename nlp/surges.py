"""Surge alerts (민원예보): is a theme's or an area's count in a recent period unusually high against its
own history, and is it new?

The rule, normalised for period length:

* The history is everything from the first dated suggestion (of any theme) up to the day before the recent
  period. Its length in days, divided by the recent period's length, is the number of earlier windows of
  the same length as the recent period (it need not be whole).
* A key's expected count in a window is its history count divided by that number of windows (its own
  history's rate, scaled to the recent period's length).
* **Rising (급증)**: the recent count is at least `MIN_COUNT` and the Poisson upper-tail probability of
  seeing at least that many with the expected count as mean is below `ALPHA`; that p-value is how sure.
* **New (신규)**: the key never appeared in the history but appears in the recent period.
* With less than one whole earlier window of history nothing is flagged: there is nothing to compare with.

This module knows only counts and day lengths; grouping suggestions into counts is the caller's job.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from scipy.stats import poisson

ALPHA = 0.05
MIN_COUNT = 3

NEW = "신규"
RISING = "급증"
NO_HISTORY = "비교 불가"

RULE = (
    f"최근 기간 건수가 {MIN_COUNT}건 이상이고, 그 이전 전체 기간의 건수를 같은 길이 기간당 평균으로 환산한 기대값에 "
    f"비해 포아송 분포상 그만큼 많이 나올 확률(p값)이 {ALPHA:g} 미만이면 '{RISING}', 이전 기간에 한 번도 없다가 "
    f"최근 기간에 처음 나타나면 '{NEW}'으로 표시합니다."
)


@dataclass(frozen=True)
class Surge:
    recent: int  # count in the recent period
    history: int  # count in all the time before it
    windows: float  # the history's length in recent-period lengths
    expected: float | None  # history count per window (None: no history to compare with)
    p_value: float | None  # P(X >= recent) for X ~ Poisson(expected); None when new or not comparable
    status: str  # NEW | RISING | NO_HISTORY | ""

    @property
    def flagged(self) -> bool:
        return self.status in (NEW, RISING)

    @property
    def certainty(self) -> str:
        """How sure, in words: the p-value of a rise, or how long the history without it is."""
        if self.status == NEW:
            return f"이전 {self.windows:.1f}개 기간(같은 길이) 동안 0건"
        if self.p_value is None or self.expected is None:
            return ""
        p = "p<0.001" if self.p_value < 0.001 else f"p={self.p_value:.3f}"
        return f"기대 {self.expected:.1f}건 대비 {self.recent}건, {p}"


def assess(recent: int, history: int, window_days: int, history_days: int) -> Surge:
    """Judge one key: `recent` suggestions in a period of `window_days`, `history` in the `history_days`
    before it."""
    if recent < 0 or history < 0 or window_days <= 0 or history_days < 0:
        raise ValueError("counts and lengths must not be negative, and the recent period must have days")
    windows = history_days / window_days
    if windows < 1:
        return Surge(recent, history, windows, None, None, NO_HISTORY)
    expected = history / windows
    if history == 0:
        return Surge(recent, history, windows, 0.0, None, NEW if recent > 0 else "")
    p_value = float(poisson.sf(recent - 1, expected)) if recent > 0 else 1.0
    status = RISING if recent >= MIN_COUNT and p_value < ALPHA else ""
    return Surge(recent, history, windows, expected, p_value, status)


def assess_all(
    recent: Mapping[str, int], history: Mapping[str, int], window_days: int, history_days: int
) -> dict[str, Surge]:
    """`assess` for every key seen in either period."""
    return {
        key: assess(int(recent.get(key, 0)), int(history.get(key, 0)), window_days, history_days)
        for key in sorted(set(recent) | set(history), key=str)
    }
