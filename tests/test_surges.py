"""The surge rule (민원예보) on synthetic counts: flat series stay quiet, spikes and newcomers are flagged."""

from __future__ import annotations

import pytest

from nlp import surges


def test_a_flat_series_is_not_flagged() -> None:
    # 5 per 30 days for 300 days, then 5 in the recent 30 days
    surge = surges.assess(recent=5, history=50, window_days=30, history_days=300)
    assert surge.expected == pytest.approx(5.0)
    assert surge.status == "" and not surge.flagged
    assert surge.p_value > 0.3


def test_a_spike_is_flagged_with_its_p_value() -> None:
    surge = surges.assess(recent=15, history=50, window_days=30, history_days=300)
    assert surge.status == surges.RISING
    assert surge.p_value < 0.001
    assert "p<0.001" in surge.certainty and "기대 5.0건" in surge.certainty


def test_the_rate_is_normalised_for_period_length() -> None:
    # 60 in 360 days is 10 per 60 days: 12 in a 60-day period is ordinary, 12 in a 30-day one is not
    assert surges.assess(12, 60, window_days=60, history_days=360).status == ""
    assert surges.assess(12, 60, window_days=30, history_days=360).status == surges.RISING


def test_too_few_suggestions_are_never_a_surge() -> None:
    surge = surges.assess(recent=2, history=1, window_days=30, history_days=600)
    assert surge.p_value < surges.ALPHA  # unusual, but two suggestions are not an alert
    assert surge.status == ""


def test_a_theme_first_seen_in_the_recent_period_is_new() -> None:
    surge = surges.assess(recent=1, history=0, window_days=30, history_days=90)
    assert surge.status == surges.NEW and surge.flagged
    assert "3.0개 기간" in surge.certainty
    assert surges.assess(recent=0, history=0, window_days=30, history_days=90).status == ""


def test_without_a_whole_earlier_window_nothing_is_flagged() -> None:
    assert surges.assess(recent=9, history=0, window_days=180, history_days=100).status == surges.NO_HISTORY
    assert surges.assess(recent=9, history=1, window_days=180, history_days=0).status == surges.NO_HISTORY


def test_a_drop_is_not_a_surge() -> None:
    surge = surges.assess(recent=0, history=100, window_days=30, history_days=300)
    assert surge.status == "" and surge.p_value == 1.0


def test_assess_all_covers_keys_of_either_period() -> None:
    result = surges.assess_all({"a": 4, "b": 3}, {"b": 30, "c": 5}, window_days=30, history_days=300)
    assert set(result) == {"a", "b", "c"}
    assert result["a"].status == surges.NEW
    assert result["b"].status == "" and result["c"].recent == 0


def test_bad_lengths_are_refused() -> None:
    with pytest.raises(ValueError):
        surges.assess(1, 1, window_days=0, history_days=10)


def test_the_rule_is_one_korean_sentence() -> None:
    assert surges.RULE.count("다.") == 1 and surges.RULE.endswith("다.")
    assert "포아송" in surges.RULE and "0.05" in surges.RULE
