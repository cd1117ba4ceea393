"""The precomputed grid of an explorer's static face, as a pure function of its controls.

The static site shows one page (note and figure) for every combination of the grid values
of the *static* controls; the other controls stay at their starting values. Nothing here
needs ipywidgets: :func:`precompute` takes any function that turns a setting into a page.
"""
from __future__ import annotations

import math
from itertools import product

__all__ = ["precompute", "settings", "states"]


def states(controls: dict, names) -> int:
    """How many settings the grid of the controls ``names`` has."""
    return math.prod(len(controls[n].grid) for n in names)


def settings(controls: dict, names, base: dict) -> list[dict]:
    """Every setting of the grid: each combination of the grid values of ``names`` (the
    first name changing slowest), the other controls at their ``base`` values."""
    return [{**base, **dict(zip(names, values))} for values in product(*(controls[n].grid for n in names))]


def precompute(page, controls: dict, names, base: dict) -> dict[tuple, object]:
    """``{values of names: page(setting)}`` for every setting of the grid, in the order of
    :func:`settings`."""
    return {tuple(s[n] for n in names): page(s) for s in settings(controls, names, base)}
