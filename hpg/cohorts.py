"""Virtual cohorts: many patients drawn from documented distributions, simulated at once.

Each patient parameter varies around the chosen preset by a log-normal factor
(median 1) with the coefficient of variation below; body-mass index varies by a
normal amount. The spreads are calibrated so that an untreated healthy cohort's
2.5th-97.5th percentiles of T, LH, FSH, E2 and sperm fall inside the reference
ranges of ``clinical_targets.csv`` (``ref_*`` rows; tested), and so that the
cohort reproduces the WHO contraceptive trials and their pooled analysis (``hand_supp``,
``hand_rec``, ``who_supp_6mo``, ``liu_rec``, ``who1990_baseline``). Draws are seeded: the same seed gives the same cohort.

The integration is the one of :func:`hpg.simulate`, compiled and run in parallel over
patients (:mod:`hpg._compiled`).
"""
from __future__ import annotations

import math

import numpy as np

from . import daily as _daily
from . import model as _model
from .arguments import whole
from .checks import check_days, check_patient, check_regimens, check_steps_per_day
from .parameters import check as _check_parameters
from .patients import PATIENT_PARAMETERS, Patient

__all__ = ["cohort", "VARIATION", "draw", "memory", "MEMORY_BUDGET"]

#: parameter: (kind, spread). "lognormal": coefficient of variation; "normal": SD in the unit. A
#: spread named by a string is a model parameter (hpg.parameters), fitted by scripts/calibrate.py.
VARIATION: dict[str, tuple[str, float]] = {
    "gnrh_drive": ("lognormal", 0.20),  # calibrated to ref_LH (LH spread)
    "pituitary_capacity": ("lognormal", 0.15),  # calibrated to ref_FSH
    "leydig_capacity": ("lognormal", 0.15),  # calibrated to ref_T
    "leydig_reserve": ("lognormal", 0.10),  # assumed
    "leydig_autonomy": ("lognormal", "leydig_autonomy_cv"),  # a fitted parameter (who_supp_6mo)
    "sertoli_capacity": ("lognormal", 0.20),  # calibrated to ref_inhB
    "germ_reserve": ("lognormal", 0.35),  # calibrated to ref_sperm (lower limit 16 M/mL)
    "germ_support_need": ("lognormal", "germ_support_need_cv"),  # a fitted parameter (who_supp_6mo)
    "progenitor_renewal": ("lognormal", "progenitor_renewal_cv"),  # a fitted parameter (liu_rec, who1990_baseline)
    "bmi": ("normal", 2.0),
    "aromatase": ("lognormal", 0.15),  # calibrated to ref_E2 (8-35 pg/mL)  # assumed: non-obese young men (travison2017 cohort)
    "shbg": ("lognormal", 0.30),  # calibrated to ref_SHBG (18.2-95.1 nmol/L)
    "albumin": ("normal", 2.5),  # assumed
}


def draw(n: int, seed, base: Patient | None = None, parameters=None) -> dict[str, np.ndarray]:
    """Parameter arrays (length ``n``) of a virtual cohort around ``base`` (spreads named by a
    parameter are read from ``parameters``, default the published set)."""
    base = base or Patient(name="healthy")
    parameters = _check_parameters(parameters)
    rng = np.random.default_rng(seed)
    values = {}
    for name, (kind, spread) in VARIATION.items():
        spread = parameters[spread] if isinstance(spread, str) else spread
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


#: The most memory a cohort may take (bytes): 4 GiB leaves room on a 16 GiB laptop or a Binder pod.
MEMORY_BUDGET = 4 * 2**30


def memory(n: int, days: float, steps_per_day: int = 2) -> int:
    """Bytes a cohort of ``n`` men over ``days`` needs: each man's outputs once a day (kept)
    and once more while they are checked, plus the drug levels once for all men."""
    from .outputs import DRUG_LEVELS, PHYSIOLOGY

    records = int(days) + 2
    return 8 * (2 * n * records * len(PHYSIOLOGY) + records * len(DRUG_LEVELS) + int(days * steps_per_day + 2) * 12)


def cohort(regimens=(), n: int = 1000, days: float = 365, seed=0, *, patient: Patient | str | None = None,
           steps_per_day: int = 2, parameters=None, compiled: bool | None = None):
    """Simulate ``n`` virtual patients under ``regimens``; returns an :class:`hpg.model.Result`
    whose outputs have shape ``(n, len(t))`` and whose ``patient`` is the dict of parameter arrays.

    ``seed`` (an int or a NumPy ``SeedSequence``) makes the draw reproducible.
    ``patient`` is the preset (or Patient) the cohort varies around (default: healthy).
    ``parameters`` and ``compiled`` are as in :func:`hpg.simulate`; without numba the men
    are simulated one after another in plain Python (about 0.1 s each).
    """
    n = whole("n", n, low=1, high=100_000)
    if not isinstance(seed, np.random.SeedSequence):
        seed = whole("seed", seed, low=0)
    regimens = check_regimens(regimens)
    base = check_patient(patient)
    days = check_days(days)
    steps_per_day = check_steps_per_day(steps_per_day, days)
    parameters = _check_parameters(parameters)
    need = memory(n, days, steps_per_day)
    if need > MEMORY_BUDGET:
        raise ValueError(f"a cohort of n={n!r} men over days={days:g} needs about {need / 2**30:.1f} GiB, more than the "
                         f"{MEMORY_BUDGET / 2**30:g} GiB allowed; simulate fewer men or fewer days (n x days at most about "
                         f"{int(MEMORY_BUDGET / memory(1, 1, steps_per_day)):,} man-days)")
    params = draw(int(n), seed, base, parameters)
    if _model._use_compiled(compiled):
        from . import _compiled

        t, values = _compiled.run_cohort(regimens, params, days, steps_per_day, parameters)
    else:
        rows = [_daily.run(regimens, {k: float(v[j]) for k, v in params.items()}, days, steps_per_day, parameters) for j in range(int(n))]
        t = rows[0][0]
        values = {name: np.array([values[name] for _, values in rows]) for name in rows[0][1]}
    values = _model._checked(values, "the integration")
    return _model.Result(t=np.asarray(t, dtype=float), values=values, units={k: _model.UNITS[k] for k in values},
                         patient=params, regimens=regimens)
