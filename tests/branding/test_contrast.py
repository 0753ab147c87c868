"""WCAG contrast: known ratios, and text on the header and buttons always readable."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from branding.contrast import AA_NORMAL_TEXT, contrast_failures, contrast_ratio, readable_text_on


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("#000000", "#ffffff", 21.0),
        ("#ffffff", "#ffffff", 1.0),
        ("#777777", "#ffffff", 4.48),  # the classic grey just below AA
        ("#767676", "#ffffff", 4.54),  # and the one just above
        ("#1f4fd1", "#ffffff", 6.78),
    ],
)
def test_contrast_ratios_match_the_wcag_formula(first: str, second: str, expected: float) -> None:
    assert contrast_ratio(first, second) == pytest.approx(expected, abs=0.01)
    assert contrast_ratio(second, first) == contrast_ratio(first, second)


hex_colors = st.integers(0, 0xFFFFFF).map(lambda value: f"#{value:06x}")


@given(hex_colors)
def test_text_chosen_for_any_background_reaches_aa(background: str) -> None:
    assert contrast_ratio(readable_text_on(background), background) >= AA_NORMAL_TEXT


def test_only_pairs_below_aa_are_reported() -> None:
    colors = {
        "primary_color": "#1f4fd1",
        "accent_color": "#f2a900",  # buttons get black or white text, so any accent is fine
        "background_color": "#ffffff",
        "text_color": "#777777",
    }
    failures = contrast_failures(colors)
    assert [failure.pair.foreground_field for failure in failures] == ["text_color"]
    assert contrast_failures({**colors, "text_color": "#767676"}) == []
