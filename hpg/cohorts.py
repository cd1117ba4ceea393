"""Virtual cohorts: many patients drawn from documented distributions, simulated at once.

Each patient parameter varies around the chosen preset by a log-normal factor
(median 1) with the coefficient of variation below; body-mass index varies by a
normal amount. The spreads are calibrated so that an untreated healthy cohort's
2.5th-97.5th percentiles of T, LH, FSH, E2 and sperm fall inside the reference
ranges of ``clinical_targets.csv`` (``ref_*`` rows; tested), and so that the
cohort medians reproduce the WHO contraceptive trials (``hand_supp``,
``hand_rec``). Draws are seeded: the same seed gives the same cohort.

The integration is the one of :func:`hpg.simulate`, run on NumPy arrays with one
element per patient: no Python loop over patients.
"""
from __future__ import annotations

import math

import numpy as np

from . import model as _model
from .arguments import whole
from .patients import PATIENT_PARAMETERS, Patient

__all__ = ["cohort", "VARIATION", "draw"]

#: parameter: (kind, spread). "lognormal": coefficient of variation; "normal": SD in the unit.
VARIATION: dict[str, tuple[str, float]] = {
    "gnrh_drive": ("lognormal", 0.20),  # calibrated to ref_LH (LH spread)
    "pituitary_capacity": ("lognormal", 0.15),  # calibrated to ref_FSH
    "leydig_capacity": ("lognormal", 0.15),  # calibrated to ref_T
    "leydig_reserve": ("lognormal", 0.10),  # assumed
    "sertoli_capacity": ("lognormal", 0.20),  # calibrated to ref_inhB
    "germ_reserve": ("lognormal", 0.35),  # calibrated to ref_sperm (lower limit 16 M/mL)
    "bmi": ("normal", 2.0),
    "aromatase": ("lognormal", 0.15),  # calibrated to ref_E2 (8-35 pg/mL)  # assumed: non-obese young men (travison2017 cohort)
    "shbg": ("lognormal", 0.30),  # calibrated to ref_SHBG (18.2-95.1 nmol/L)
    "albumin": ("normal", 2.5),  # assumed
}


def draw(n: int, seed, base: Patient | None = None) -> dict[str, np.ndarray]:
    """Parameter arrays (length ``n``) of a virtual cohort around ``base``."""
    base = base or Patient(name="healthy")
    rng = np.random.default_rng(seed)
    values = {}
    for name, (kind, spread) in VARIATION.items():
        centre = getattr(base, name)
        z = rng.standard_normal(n)
        if kind == "lognormal":
            sigma = math.sqrt(math.log1p(spread * spread))
            v = centre * np.exp(sigma * z)
        else:
            v = centre + spread * z
        _, low, high, _, _ = PATIENT_PARAMETERS[name]
        values[name] = np.clip(v, max(low, 1e-6), high)
    return values


def cohort(regimens=(), n: int = 1000, days: float = 365, seed=0, *, patient: Patient | str | None = None, steps_per_day: int = 2):
    """Simulate ``n`` virtual patients under ``regimens``; returns an :class:`hpg.model.Result`
    whose outputs have shape ``(n, len(t))`` and whose ``patient`` is the dict of parameter arrays.

    ``seed`` (an int or a NumPy ``SeedSequence``) makes the draw reproducible.
    ``patient`` is the preset (or Patient) the cohort varies around (default: healthy).
    """
    n = whole("n", n, low=1, high=100_000)
    if not isinstance(seed, np.random.SeedSequence):
        seed = whole("seed", seed, low=0)
    regimens = _model._regimens(regimens)
    base = _model._patient(patient)
    days = _model._days(days)
    steps_per_day = _model._check_steps_per_day(steps_per_day, days)
    params = draw(int(n), seed, base)
    kernel = _model._Kernel(params, np)
    t, values = _model._run(kernel, regimens, days, steps_per_day, int(n))
    return _model.Result(t=t, values=values, units={k: _model.UNITS[k] for k in values}, patient=params, regimens=regimens)
