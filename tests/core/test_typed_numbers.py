"""Typed numbers read by the workspace's decimal mark (`core.format.parse_typed_number`).

English writes 1,234.50 (decimal point), German 1.234,50 and French 1 234,50 (decimal
comma): the same text can mean numbers a thousand times apart, so each case is given
for each convention, and the conventions are always set explicitly.
"""

from __future__ import annotations

import pytest

from kpi_desktop.core import format as fmt
from kpi_desktop.core.format import parse_typed_number

POINT, COMMA = ".", ","
REFUSED = None  # refused with a sentence
WRONG = "wrong"  # refused as written in the other convention, with the number it would be

# text: (English ".", German/French ",")
CASES: dict[str, tuple[float | str | None, float | str | None]] = {
    # the ambiguous ones: a lone mark of the other kind followed by three digits groups
    "1.234": (1.234, 1234.0),
    "1,234": (1234.0, 1.234),
    "1.234,5": (WRONG, 1234.5),
    "1.234,50": (WRONG, 1234.5),
    "1,234.50": (1234.5, WRONG),
    "1.234.567": (WRONG, 1234567.0),
    "1,234,567": (1234567.0, WRONG),
    "1,234,567.25": (1234567.25, WRONG),
    "1.234.567,25": (WRONG, 1234567.25),
    # a mark that cannot be grouping is the decimal mark in either convention
    "1234.50": (1234.5, 1234.5),
    "1234,50": (1234.5, 1234.5),
    "12,5": (12.5, 12.5),
    "12.5": (12.5, 12.5),
    "0,5": (0.5, 0.5),
    "0.500": (0.5, 0.5),  # a leading zero is no thousands group
    "0,500": (0.5, 0.5),
    "1234.567": (1234.567, 1234.567),  # four digits before it: no grouping either
    ",5": (0.5, 0.5),
    ".5": (0.5, 0.5),
    "5.": (5.0, 5.0),
    # spaces (plain, non-breaking, narrow, thin) and apostrophes group thousands
    "1 234,50": (1234.5, 1234.5),
    "1\u00a0234,50": (1234.5, 1234.5),
    "1\u202f234,50": (1234.5, 1234.5),
    "1\u2009234.50": (1234.5, 1234.5),
    "1 234 567": (1234567.0, 1234567.0),
    "1'234.50": (1234.5, 1234.5),
    # currency symbols and codes, percent and signs around the number
    "-1.234,50 €": (WRONG, -1234.5),
    "-1,234.50 €": (-1234.5, WRONG),
    "€ 1.234,50": (WRONG, 1234.5),
    "$1,250": (1250.0, 1.25),
    "$1,250.00": (1250.0, WRONG),
    "1.250,00 $": (WRONG, 1250.0),
    "EUR 1 234,50": (1234.5, 1234.5),
    "1234,50 EUR": (1234.5, 1234.5),
    "CHF 1'234.50": (1234.5, 1234.5),
    "A$ 12": (12.0, 12.0),
    "1.234,50-": (WRONG, -1234.5),
    "\u22125": (-5.0, -5.0),
    "+5": (5.0, 5.0),
    "12,5 %": (12.5, 12.5),
    "12.5%": (12.5, 12.5),
    "  42  ": (42.0, 42.0),
    # garbage
    "lots": (REFUSED, REFUSED),
    "": (REFUSED, REFUSED),
    "-": (REFUSED, REFUSED),
    "--5": (REFUSED, REFUSED),
    "5-3": (REFUSED, REFUSED),
    "1.2.3": (REFUSED, REFUSED),
    "1,2,3": (REFUSED, REFUSED),
    "12.34,5": (REFUSED, REFUSED),  # a group of two digits: neither convention
    "1,,5": (REFUSED, REFUSED),
    "1e5": (REFUSED, REFUSED),
    "nan": (REFUSED, REFUSED),
    "inf": (REFUSED, REFUSED),
    "0x10": (REFUSED, REFUSED),
    "12 kg": (REFUSED, REFUSED),
}


def _check(text: str, decimal: str, expected: float | str | None) -> None:
    got = parse_typed_number(text, decimal, "Spend")
    example = fmt.DECIMAL_MARK_EXAMPLES[decimal]
    if expected is REFUSED:
        assert got == f"Spend must be a number like {example}, not “{text.strip()}”."
    elif expected == WRONG:
        assert isinstance(got, str), got
        assert got.startswith(f"Spend “{text.strip()}” is written like ")
        assert f"this workspace reads numbers like {example}" in got
        assert fmt.NUMBER_FORMAT_PLACE in got
    else:
        assert got == pytest.approx(expected), (text, decimal, got)


@pytest.mark.parametrize(("text", "expected"), [(t, e[0]) for t, e in CASES.items()])
def test_english_decimal_point(text: str, expected: float | str | None) -> None:
    _check(text, POINT, expected)


@pytest.mark.parametrize(("text", "expected"), [(t, e[1]) for t, e in CASES.items()])
def test_german_and_french_decimal_comma(text: str, expected: float | str | None) -> None:
    _check(text, COMMA, expected)


def test_a_number_in_the_other_convention_names_what_to_type() -> None:
    english = parse_typed_number("-1.234,50 €", POINT, "Spend")
    assert english == (
        "Spend “-1.234,50 €” is written like 1.234,50 (decimal comma), but this workspace "
        "reads numbers like 1,234.50: type -1234.5, or switch the number format under "
        "Edit › Currency, Rates and Number Format."
    )
    german = parse_typed_number("1,234.50", COMMA, "Spend")
    assert isinstance(german, str)
    assert "is written like 1,234.50 (decimal point)" in german
    assert "type 1234,5," in german  # the suggestion is written the workspace's way


def test_a_refusal_is_one_sentence() -> None:
    for text, expected in CASES.items():
        for decimal, want in zip((POINT, COMMA), expected, strict=True):
            if want is REFUSED or want == WRONG:
                got = parse_typed_number(text, decimal)
                assert isinstance(got, str)
                assert got.endswith(".")
                assert got.startswith("The value ")
                assert "\n" not in got


def test_stored_decimal_marks_are_checked() -> None:
    assert fmt.decimal_mark(".") == "."
    assert fmt.decimal_mark(",") == ","
    for stored in (None, "", ";", "de", 1, [","]):
        assert fmt.decimal_mark(stored) is None
