"""Every chapter states an honest reading time, and every Fundamentals chapter has a no-code path.

The times are measured from the notebooks (tests/reading_time.py explains the allowances): a
badge may round up to the next 5 minutes, or a little more, but may not promise less than the
measured time, as the old 45-minute badges did for chapters a reader needed 75-90 minutes for.
"""
from __future__ import annotations

import json

import pytest
from conftest import notebooks
from reading_time import badge, minutes

CHAPTERS = [p for p in notebooks() if p.parent.name in ("fundamentals", "intermediate", "academic")]
FUNDAMENTALS = [p for p in CHAPTERS if p.parent.name == "fundamentals"]
SLACK = 15  # a badge may exceed the measured time by at most this many minutes


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_the_time_badge_is_not_less_than_the_measured_time(path):
    stated, measured = badge(path), minutes(path)
    for route, value in stated.items():
        # 2.5 minutes of grace: a small prose edit must not flip a badge rounded to 5 minutes
        assert measured[route] - 2.5 <= value <= measured[route] + SLACK, (route, value, measured[route])


@pytest.mark.parametrize("path", FUNDAMENTALS, ids=lambda p: p.stem)
def test_every_fundamentals_chapter_has_a_no_code_path(path):
    assert "no_code" in badge(path), "the badge states the time with the code and without"
    cells = json.loads(path.read_text())["cells"]
    first = "".join(next(c for c in cells if c["cell_type"] == "markdown")["source"])
    assert ":::{admonition} Reading without code" in first
    code = [c for c in cells if c["cell_type"] == "code"]
    folded = [c for c in code if "hide-input" in c["metadata"].get("tags", [])]
    assert len(folded) == len(code), "every code cell is folded (tag hide-input) on the site"
    # nothing that a no-code reader needs is hidden: no output is removed
    removed = [c for c in code if {"remove-output", "remove-cell", "hide-output", "hide-cell"} & set(c["metadata"].get("tags", []))]
    assert removed == []


def test_a_measured_time_is_plausible():
    path = FUNDAMENTALS[0]
    base = minutes(path)
    assert 60 <= base["code"] <= 120 and 30 <= base["no_code"] < base["code"]
