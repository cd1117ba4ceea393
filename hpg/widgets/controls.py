"""The controls of an explorer, as plain descriptions: what values they offer, how a setting
reads in a sentence, and when it lies outside the range studied in the cited trials.

Nothing here needs ipywidgets: each face of an explorer draws the controls its own way
(:mod:`hpg.widgets.static_face`, :mod:`hpg.widgets.live_face`).
"""
from __future__ import annotations

import math
from itertools import pairwise

__all__ = ["MAX_STATES", "Choice", "Slider", "units"]

#: Most values one control may offer, and most precomputed settings one explorer may have.
MAX_STATES = 60


def number(argument: str, value) -> float:
    """``value`` as a finite float of any sign, or the package's clear error naming ``argument``.
    NumPy integer and float scalars and 0-d arrays are numbers like any other."""
    from ..drugs import _number

    if getattr(value, "ndim", None) == 0 and hasattr(value, "item"):
        value = value.item()  # a 0-d array holds one number
    return _number(argument, value, signed=True)


def _nice(x: float) -> float:
    """The number 1, 2 or 5 x 10^k nearest below ``x``."""
    power = 10.0 ** math.floor(math.log10(x))
    return max(m for m in (1.0, 2.0, 5.0) if m * power <= x * (1 + 1e-9)) * power


def lower(label: str) -> str:
    """A label inside a sentence: "Dose" -> "dose", but "LH pulse" stays as it is."""
    return label if label[1:2].isupper() else label[:1].lower() + label[1:]


def upper(text: str) -> str:
    """A sentence's first word: "dose 10" -> "Dose 10", but "hCG dose" stays as it is."""
    return text if text[1:2].isupper() else text[:1].upper() + text[1:]


def shown(value) -> str:
    """A value as the controls show it: 12.5 -> "12.5", 8.0 -> "8"."""
    return f"{value:g}" if isinstance(value, float) else str(value)


def _label(label) -> str:
    if not isinstance(label, str) or not label.strip():
        raise ValueError(f"label must be a non-empty text, got {label!r}")
    return label


def _values(argument: str, values, what: str) -> list:
    """``values`` as a list, or a clear error if it is not an ordered collection."""
    if isinstance(values, (set, frozenset)):
        raise TypeError(f"{argument} must be ordered (a list, a tuple or a dict), got a {type(values).__name__}: "
                        f"{what} are shown in the order given")
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise TypeError(f"{argument} must be a list of {what}, got {type(values).__name__} {values!r}")
    return list(values)


class Slider:
    """A numeric control.

    ``grid``: the values precomputed for the static site (2 to :data:`MAX_STATES`, increasing).
    In a running notebook the slider spans ``grid[0]`` to ``grid[-1]`` in steps of ``step``
    (default: a round number near a fifth of the smallest gap of the grid).
    ``value``: the starting value, one of the grid (default: the first).
    ``unit``: shown after the label and in the notes. ``studied=(low, high)``: the range
    studied in the cited trials; settings outside it are marked "outside the validated range"
    (``hpg.drugs.get(name).dose_range`` and ``.every_range`` give a drug's studied ranges).
    ``grid_only=True`` offers only the grid values in a running notebook too, for drawings too
    slow to redraw at any value (a cohort takes about half a second): each setting is drawn
    once, when first shown, and kept.
    """

    def __init__(self, label: str, grid, *, value=None, unit: str = "", step=None, studied=None, grid_only: bool = False):
        self.label, self.unit = _label(label), unit
        values = [number("grid", v) for v in _values("grid", grid, "numbers")]
        if len(values) < 2 or len(values) > MAX_STATES:
            raise ValueError(f"grid must have 2 to {MAX_STATES} values, got {len(values)}: {list(grid)!r}")
        if any(b <= a for a, b in pairwise(values)):
            raise ValueError(f"grid must be strictly increasing, got {list(grid)!r}")
        self.grid = tuple(values)
        self.value = self.grid[0] if value is None else number("value", value)
        if not any(math.isclose(self.value, v) for v in self.grid):
            raise ValueError(f"value must be one of the grid {list(self.grid)!r} (so the starting figure is precomputed), got {value!r}")
        gap = min(b - a for a, b in pairwise(values))
        self.step = _nice(gap / 5) if step is None else number("step", step)
        if self.step <= 0 or self.step > values[-1] - values[0]:
            raise ValueError(f"step must be > 0 and at most the span of the grid ({values[-1] - values[0]:g}), got {step!r}")
        self.studied = None if studied is None else _range(studied)
        self.grid_only = bool(grid_only)

    @property
    def description(self) -> str:
        return f"{self.label} ({self.unit})" if self.unit else self.label

    @property
    def options(self) -> list[tuple[str, float]]:
        return [(shown(v), v) for v in self.grid]

    def check(self, value) -> float:
        """``value`` as a number within the grid's span, or a clear error."""
        x = number(self.label, value)
        if not self.grid[0] - 1e-9 <= x <= self.grid[-1] + 1e-9:
            raise ValueError(f"{self.label} must lie within {self.grid[0]:g}-{self.grid[-1]:g}, got {value!r}")
        return x

    def on_grid(self, value) -> float:
        """The grid value nearest to ``value``."""
        return min(self.grid, key=lambda v: abs(v - value))

    def summary(self, value) -> str:
        return f"{lower(self.label)} {shown(float(value))}" + (f" {self.unit}" if self.unit else "")

    def warning(self, value) -> str | None:
        if self.studied is None:
            return None
        low, high = self.studied
        if low - 1e-9 <= value <= high + 1e-9:
            return None
        span = f"{shown(low)}" if low == high else f"{shown(low)}-{shown(high)}"
        unit = f" {self.unit}" if self.unit else ""
        return f"{self.label} outside the validated range (studied: {span}{unit})"


def _range(studied) -> tuple[float, float]:
    """``studied`` as (low, high), or a sentence saying what it must be."""
    try:
        low, high = studied
    except (TypeError, ValueError):
        raise ValueError(f"studied must be a pair (low, high) of numbers, the range studied in the cited trials; "
                         f"got {type(studied).__name__} {studied!r}") from None
    low, high = number("studied", low), number("studied", high)
    if high < low:
        raise ValueError(f"studied must be (low, high) with low <= high, got {studied!r}")
    return low, high


class Choice:
    """A control with a few named options: ``options`` is a dict {shown label: value} or a
    sequence of values (shown as text), in the order to show them. Drawn as buttons for up to
    four short options, as a drop-down list otherwise (``buttons=`` forces either)."""

    def __init__(self, label: str, options, *, value=None, buttons: bool | None = None):
        self.label = _label(label)
        pairs = list(options.items()) if isinstance(options, dict) else [(shown(v), v) for v in _values("options", options, "choices")]
        if len(pairs) < 2 or len(pairs) > MAX_STATES:
            raise ValueError(f"options must offer 2 to {MAX_STATES} choices, got {len(pairs)}")
        self.pairs = [(str(k), v) for k, v in pairs]
        self.value = self.pairs[0][1] if value is None else value
        if self.value not in self.grid:
            raise ValueError(f"value must be one of {list(self.grid)!r}, got {value!r}")
        self.buttons = (len(self.pairs) <= 4 and all(len(k) <= 14 for k, _ in self.pairs)) if buttons is None else bool(buttons)

    description = property(lambda self: self.label)
    options = property(lambda self: list(self.pairs))
    grid = property(lambda self: tuple(v for _, v in self.pairs))

    def check(self, value):
        if value not in self.grid:
            raise ValueError(f"{self.label} must be one of {list(self.grid)!r}, got {value!r}")
        return value

    def on_grid(self, value):
        return value

    def summary(self, value) -> str:
        name = next(k for k, v in self.pairs if v == value)
        return f"{lower(self.label)}: {name}"

    def warning(self, value) -> None:
        return None


def units(value: str = "conventional") -> Choice:
    """The units switch: conventional (ng/dL, pg/mL) or SI (nmol/L, pmol/L); see :mod:`hpg.units`."""
    from ..units import SYSTEMS

    return Choice("Units", {"conventional": SYSTEMS[0], "SI": SYSTEMS[1]}, value=value)
