"""One rule for the numbers every public function of hpg takes.

A *number* is a Python ``int`` or ``float``, a NumPy integer or floating scalar, or a
0-d NumPy array of one: ``np.int64(2)``, ``np.float32(0.5)`` and ``np.array(3.0)`` work
wherever ``2``, ``0.5`` and ``3.0`` do, with the same result. ``bool``, ``Decimal``,
``Fraction``, complex numbers and strings are refused everywhere with the same
``TypeError``: the model computes in binary floating point, and a ``Decimal`` or a
``Fraction`` would only pretend to more precision than it keeps.

A *whole number* is an ``int``, a NumPy integer or a 0-d integer array; ``2.0`` is refused.

Every error names the argument, shows the value as the caller wrote it and says what is
allowed. Nothing here needs NumPy: it recognises NumPy values by their ``ndim`` and
``item()``, so the numpy-free core can use it too.
"""
from __future__ import annotations

import math
import numbers

__all__ = ["plain", "shown", "real", "within", "whole"]


def plain(value):
    """``value`` with a NumPy scalar or 0-d array turned into the Python scalar it holds."""
    if getattr(value, "ndim", None) == 0 and hasattr(value, "item"):
        item = value.item()
        # np.longdouble.item() stays a NumPy scalar: keep it as a float if it is one.
        return float(item) if isinstance(item, numbers.Real) and hasattr(item, "dtype") else item
    return value


def shown(value) -> str:
    """``value`` as the caller wrote it, for error messages (NumPy numbers as plain numbers)."""
    return repr(plain(value))


def _float(argument: str, value) -> float:
    """``value`` as a float (possibly infinite or NaN), or the TypeError of a non-number."""
    number = plain(value)
    if isinstance(number, bool) or not isinstance(number, (int, float)):
        raise TypeError(f"{argument} must be a real number, got {type(value).__name__} {shown(value)} "
                        "(an int or a float, or a NumPy one)")
    try:
        return float(number)
    except OverflowError:  # an int beyond the largest float
        return math.inf


def real(argument: str, value, *, allow_none: bool = False, positive: bool = False, signed: bool = False) -> float | None:
    """``value`` as a finite float, or a clear error naming ``argument``: it must be >= 0
    (> 0 with ``positive``; any sign with ``signed``). ``None`` passes with ``allow_none``."""
    if value is None and allow_none:
        return None
    number = _float(argument, value)
    if not math.isfinite(number):
        raise ValueError(f"{argument} must be finite, got {shown(value)}")
    if positive and number <= 0:
        raise ValueError(f"{argument} must be > 0, got {shown(value)}")
    if not positive and not signed and number < 0:
        raise ValueError(f"{argument} must be >= 0, got {shown(value)}")
    return number


def within(argument: str, value, low: float, high: float, unit: str = "") -> float:
    """``value`` as a float from ``low`` to ``high``, or a clear error naming ``argument``."""
    number = _float(argument, value)
    if not (math.isfinite(number) and low <= number <= high):
        raise ValueError(f"{argument} must be within {low}-{high}{' ' + unit if unit else ''}, got {shown(value)}")
    return number


def whole(argument: str, value, *, low: int = 0, high: int | None = None, allow_none: bool = False) -> int | None:
    """``value`` as an int from ``low`` to ``high`` (no upper bound if None), or a clear error
    naming ``argument``: ``TypeError`` for anything that is not a whole number, ``ValueError``
    for one out of bounds."""
    if value is None and allow_none:
        return None
    number = plain(value)
    if isinstance(number, bool) or not isinstance(number, int):
        raise TypeError(f"{argument} must be a whole number, got {type(value).__name__} {shown(value)} "
                        "(an int, or a NumPy integer)")
    if number < low:
        raise ValueError(f"{argument} must be a whole number >= {low}, got {shown(value)}")
    if high is not None and number > high:
        raise ValueError(f"{argument} must be at most {high}, got {shown(value)}")
    return number
