"""A laboratory panel: a man's results in conventional and SI units beside the reference ranges.

The case files of the book show each man's blood tests the way a laboratory report does. The
units come from :mod:`hpg.units` and the reference ranges of healthy young men from
:data:`hpg.validation.REFERENCE_RANGES`, so a panel never carries numbers of its own:

>>> panel({"T": 250, "LH": 0.3})  # doctest: +SKIP

In a notebook the panel shows as a table (HTML); printed, it is plain text.
"""
from __future__ import annotations

import html
import math

from . import units as _units

__all__ = ["Panel", "panel", "LABELS"]

#: The name of each output on a laboratory report.
LABELS = {
    "T": "Total testosterone",
    "free_T": "Free testosterone",
    "SHBG": "SHBG",
    "E2": "Estradiol",
    "LH": "LH",
    "FSH": "FSH",
    "inhibin_B": "Inhibin B",
    "sperm": "Sperm concentration",
    "testis_volume": "Testis volume (each)",
}

_COLUMNS = ("Test", "Result", "Reference range", "Result (SI)", "Reference range (SI)", "Flag")


def _number(x: float) -> str:
    return f"{x:.3g}" if abs(x) < 100 else f"{x:.0f}"


def _range(name: str, system: str) -> str:
    from .validation import REFERENCE_RANGES

    if name not in REFERENCE_RANGES:
        return "not set"
    low, high, _ = REFERENCE_RANGES[name]
    low = _units.convert(name, low, system)[0]
    if high is None:
        return f"≥ {_number(low)}"
    return f"{_number(low)}–{_number(_units.convert(name, high, system)[0])}"


def _flag(name: str, value: float) -> str:
    from .validation import REFERENCE_RANGES

    if name not in REFERENCE_RANGES:
        return ""
    low, high, _ = REFERENCE_RANGES[name]
    if value < low:
        return "low"
    if high is not None and value > high:
        return "high"
    return ""


class Panel:
    """Rows of a laboratory report; ``rows`` holds one tuple of strings per test (see ``columns``)."""

    columns = _COLUMNS

    def __init__(self, values: dict, caption: str = ""):
        if not isinstance(values, dict) or not values:
            raise ValueError(f"values must be a non-empty dict of output name -> number, got {values!r}")
        self.caption = caption
        self.rows = []
        for name, value in values.items():
            if name not in LABELS:
                raise KeyError(f"unknown panel test {name!r}; known tests: {', '.join(LABELS)}")
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
                raise ValueError(f"the value of {name} must be a finite number >= 0, got {value!r}")
            cells = [LABELS[name]]
            for system in _units.SYSTEMS:
                shown, unit = _units.convert(name, float(value), system)
                cells += [f"{_number(shown)} {unit}", f"{_range(name, system)} {unit}".replace("not set " + unit, "not set")]
            self.rows.append((cells[0], cells[1], cells[2], cells[3], cells[4], _flag(name, value)))

    def __repr__(self) -> str:
        table = [self.columns, *self.rows]
        widths = [max(len(row[i]) for row in table) for i in range(len(self.columns))]
        lines = [self.caption] if self.caption else []
        lines += ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in table]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = "".join(f'<th scope="col">{html.escape(c)}</th>' for c in self.columns)
        body = "".join(
            "<tr>" + f'<th scope="row">{html.escape(row[0])}</th>'
            + "".join(f"<td>{html.escape(cell)}</td>" for cell in row[1:]) + "</tr>"
            for row in self.rows
        )
        caption = f"<caption>{html.escape(self.caption)}</caption>" if self.caption else ""
        return f'<table class="hpg-lab-panel">{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def panel(values: dict, caption: str = "") -> Panel:
    """A laboratory panel of ``values`` (output name -> value in the model's conventional unit)."""
    return Panel(values, caption)
