"""Checks of the arguments every entry point shares: regimens, patient, days, steps per day.

Each returns the argument in its normal form or raises a clear error naming the argument,
the value and what is allowed. Standard library only (the browser lab uses them too).
"""
from __future__ import annotations

import numbers

from . import drugs as _drugs
from .patients import PRESETS, Patient

__all__ = ["check_regimens", "check_patient", "check_days", "check_steps_per_day", "MAX_DAYS", "MAX_STEPS_PER_DAY"]

MAX_DAYS = 36500  # 100 years
MAX_STEPS_PER_DAY = 48  # half-hour steps: finer than the fast loop's own timescale needs


def check_regimens(regimens) -> tuple:
    if regimens is None:
        return ()
    if isinstance(regimens, (_drugs.Regimen, _drugs.Infusion)):
        return (regimens,)
    if isinstance(regimens, (str, bytes)) or not hasattr(regimens, "__iter__"):
        raise TypeError(f"regimens must be a Regimen, an Infusion or a list of them, got {type(regimens).__name__} {regimens!r}")
    regimens = tuple(regimens)
    for item in regimens:
        if not isinstance(item, (_drugs.Regimen, _drugs.Infusion)):
            raise TypeError(f"every regimen must be an hpg.Regimen or hpg.Infusion, got {type(item).__name__} {item!r}")
    return regimens


def check_patient(patient) -> Patient:
    if patient is None:
        return Patient(name="healthy")
    if isinstance(patient, str):
        return Patient.preset(patient)
    if not isinstance(patient, Patient):
        raise TypeError(
            f"patient must be an hpg.Patient, a preset name ({', '.join(PRESETS)}) or None, "
            f"got {type(patient).__name__} {patient!r}"
        )
    return patient


def check_days(days) -> float:
    days = _drugs._number("days", days, positive=True)
    if days > MAX_DAYS:
        raise ValueError(f"days must be at most {MAX_DAYS} (100 years), got {days!r}")
    return days


def check_steps_per_day(steps_per_day) -> int:
    if isinstance(steps_per_day, bool) or not isinstance(steps_per_day, numbers.Integral) or not 1 <= steps_per_day <= MAX_STEPS_PER_DAY:
        raise ValueError(f"steps_per_day must be a whole number >= 1 (at most {MAX_STEPS_PER_DAY}), got {steps_per_day!r}")
    return int(steps_per_day)
