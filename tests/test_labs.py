"""hpg.labs: a laboratory panel in both unit systems, with the reference ranges of hpg.validation."""
from __future__ import annotations

import math

import pytest

from hpg import labs, units
from hpg.validation import REFERENCE_RANGES


def row(panel, label):
    return next(r for r in panel.rows if r[0] == label)


def test_values_ranges_and_flags_in_both_systems():
    panel = labs.panel({"T": 250, "E2": 40, "LH": 5.0, "sperm": 0}, "a fictional man")
    t = row(panel, "Total testosterone")
    si = units.convert("T", 250.0, "SI")[0]
    low, high, _ = REFERENCE_RANGES["T"]
    assert t[1] == "250 ng/dL" and t[3] == f"{si:.3g} nmol/L"
    assert t[2] == f"{low:.0f}–{high:.0f} ng/dL" and t[5] == "low"
    assert row(panel, "Estradiol")[5] == "high" and row(panel, "LH")[5] == ""
    assert row(panel, "Sperm concentration")[2].startswith("≥ 16")
    text, page = repr(panel), panel._repr_html_()
    assert text.splitlines()[0] == "a fictional man" and "pmol/L" in text
    assert page.count('<th scope="row">') == 4 and "<caption>a fictional man</caption>" in page


def test_a_test_without_a_reference_range_says_so():
    assert row(labs.panel({"testis_volume": 12}), "Testis volume (each)")[2] == "not set"


@pytest.mark.parametrize("values, error, words", [
    ({}, ValueError, "non-empty dict"),
    ({"cortisol": 10}, KeyError, "known tests"),
    ({"T": -1}, ValueError, "T must be a finite number"),
    ({"LH": math.nan}, ValueError, "LH must be a finite number"),
    ({"FSH": "4"}, ValueError, "FSH must be a finite number"),
])
def test_bad_input_names_the_test_and_the_value(values, error, words):
    with pytest.raises(error, match=words):
        labs.panel(values)
