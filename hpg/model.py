"""The daily (pulse-averaged) model's public face: :func:`simulate`, :class:`Result`, and a check.

The model itself is :mod:`hpg.daily` (plain Python, one man) built from the named
equations of :mod:`hpg.equations`; :mod:`hpg._compiled` compiles the same functions with
numba where it is installed, and :func:`simulate` uses it then (``compiled=False`` asks
for the plain path; both agree to round-off, tests/test_model.py). Results are NumPy
arrays; :func:`simulate_reference` integrates the same equations with SciPy's
``solve_ivp`` at tight tolerances, to check the fast integrator.
"""
from __future__ import annotations

import contextlib
import contextvars
import math
from dataclasses import dataclass

import numpy as np

from . import daily as _daily
from . import drugs as _drugs
from . import outputs as _outputs
from .checks import check_days, check_patient, check_regimens, check_steps_per_day
from .equations import T_NG_DL_TO_NMOL_L
from .parameters import DEFAULT, Parameters
from .parameters import check as _check_parameters
from .patients import Patient

__all__ = ["simulate", "Result", "Outputs", "OUTPUTS", "UNITS", "SolverError", "steady_state", "simulate_reference", "drug_inputs"]

#: Every output of :func:`simulate`, with its unit (from the registry, :mod:`hpg.outputs`).
UNITS: dict[str, str] = {name: _outputs.REGISTRY[name].unit for name in _outputs.DAILY}
OUTPUTS = _outputs.DAILY
NG_DL_TO_NMOL_L = T_NG_DL_TO_NMOL_L  # kept for the notebooks that read it from here

_RUNS: contextvars.ContextVar = contextvars.ContextVar("hpg_simulations", default=None)


@contextlib.contextmanager
def recording():
    """Within this context, every :func:`simulate` call appends ``(regimens, patient, days)``
    to the list it yields (an explorer uses it to link each figure to the lab)."""
    runs = []
    token = _RUNS.set(runs)
    try:
        yield runs
    finally:
        _RUNS.reset(token)


class SolverError(RuntimeError):
    """The integration failed (a non-finite value appeared); nothing partial is returned."""


def drug_inputs(regimens, t, horizon: float, parameters: Parameters = DEFAULT) -> dict:
    """What drugs do at times ``t`` (days, a NumPy array): every species' level
    (``"species"``), exogenous T (``"Texo"``, ng/dL), ERalpha antagonist load (``"aER"``),
    aromatase inhibition (``"IA"``), hCG in LH equivalents (``"hcg"``) and gonadorelin, total
    and continuous, relative to endogenous GnRH (``"g"``, ``"gc"``)."""
    t = np.asarray(t, dtype=float)
    order = np.argsort(t, kind="stable")
    rows, levels = _daily.exposures(check_regimens(regimens), t[order].tolist(), horizon, parameters)
    columns = np.empty((len(t), len(_daily.EXPOSURE)))
    columns[order] = rows
    out = {"species": {}}
    for name in _drugs.SPECIES:
        out["species"][name] = np.zeros(len(t))
        if name in levels:
            out["species"][name][order] = levels[name]
    for key, column in zip(("Texo", "aER", "IA", "hcg", "g", "gc"), columns.T):
        out[key] = column
    return out


class Outputs:
    """Named output arrays, ``values`` {name: array}, read as ``result["T"]``; shared by every
    result object of the package (simulations, pulse runs, dose-response curves)."""

    values: dict

    @property
    def outputs(self) -> tuple[str, ...]:
        return tuple(self.values)

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self.values:
            raise KeyError(f"unknown output {name!r}; known outputs: {', '.join(self.values)}")
        return self.values[name]

    def __contains__(self, name) -> bool:
        return name in self.values


@dataclass(frozen=True)
class Result(Outputs):
    """A simulation: times ``t`` (days) and one array per output.

    ``result["T"]`` is an array over ``t`` (for a cohort, of shape ``(n, len(t))``);
    ``result.units[name]`` is its unit; ``result.at(day)`` interpolates every output.
    """

    t: np.ndarray
    values: dict
    units: dict
    patient: object = None
    regimens: tuple = ()

    #: The unit of ``t``, which names the argument of :meth:`at` ("day"; "hour" for pulses).
    time_unit = "day"

    def at(self, day) -> dict:
        """Every output at ``day`` (linear interpolation between output times)."""
        argument = self.time_unit
        shown, day = _drugs._shown(day), _drugs._number(argument, day, signed=True)
        if not self.t[0] <= day <= self.t[-1]:
            raise ValueError(f"{argument} must lie within the run, {self.t[0]:g}-{self.t[-1]:g}, got {shown}")
        out = {}
        for name, values in self.values.items():
            if values.ndim == 1:
                out[name] = float(np.interp(day, self.t, values))
            else:
                out[name] = np.array([np.interp(day, self.t, row) for row in values])
        return out

    def __repr__(self) -> str:
        shape = "x".join(str(s) for s in self.values["T"].shape)
        return f"<hpg Result: {len(self.t)} days {self.t[0]:g}-{self.t[-1]:g}, {len(self.values)} outputs, shape {shape}>"


def _checked(values: dict, what: str) -> dict:
    """``values`` as float arrays, or :class:`SolverError` if any is non-finite or negative."""
    if all(np.ndim(array) == 1 for array in values.values()):  # one man: one check of every series at once
        stacked = np.array(list(values.values()), dtype=float)
        if np.isfinite(stacked).all() and (stacked >= 0).all():
            return dict(zip(values, stacked))
    out = {}
    for name, array in values.items():
        array = np.asarray(array, dtype=float)
        if not np.all(np.isfinite(array)):
            raise SolverError(f"{what} produced a non-finite {name}; no result is returned")
        if np.any(array < 0):
            raise SolverError(f"{what} produced a negative {name} (min {array.min()!r}); no result is returned")
        out[name] = array
    return out


def _use_compiled(compiled) -> bool:
    if compiled is None:
        from . import _compiled

        return _compiled.available()
    if not isinstance(compiled, bool):
        raise TypeError(f"compiled must be True, False or None (use numba where installed), got {compiled!r}")
    return compiled


def simulate(regimens=(), patient: Patient | str | None = None, days: float = 365, *, steps_per_day: int = 2,
             parameters: Parameters | None = None, compiled: bool | None = None) -> Result:
    """Simulate one patient for ``days`` days under ``regimens``, from his untreated steady state.

    Parameters
    ----------
    regimens : a :class:`hpg.Regimen` or :class:`hpg.Infusion`, a list of them, or ``[]``.
    patient : an :class:`hpg.Patient`, a preset name, or ``None`` (healthy).
    days : length of the run (> 0, at most 36500). Outputs are given once a day, from day 0.
    steps_per_day : internal steps per day of the integrator (1 to 1440, and at most 146,000
        steps in all: ``days * steps_per_day``).
    parameters : an :class:`hpg.parameters.Parameters` (default: the model's table).
    compiled : run the numba-compiled model (True), the plain-Python one (False), or the
        compiled one where numba is installed (None, the default). They agree to round-off.

    Returns a :class:`Result`; raises :class:`SolverError` rather than return
    anything non-finite or negative.
    """
    regimens = check_regimens(regimens)
    patient = check_patient(patient)
    days = check_days(days)
    steps_per_day = check_steps_per_day(steps_per_day, days)
    parameters = _check_parameters(parameters)
    runs = _RUNS.get()
    if runs is not None and parameters is DEFAULT:
        runs.append((regimens, patient, days))
    if _use_compiled(compiled):
        from . import _compiled

        t, values = _compiled.run(regimens, patient.values(), days, steps_per_day, parameters)
    else:
        t, values = _daily.run(regimens, patient.values(), days, steps_per_day, parameters)
    values = _checked(values, "the integration")
    return Result(t=np.asarray(t, dtype=float), values=values, units={k: UNITS[k] for k in values}, patient=patient, regimens=regimens)


def steady_state(patient: Patient | None = None, parameters: Parameters | None = None) -> dict[str, float]:
    """Untreated steady-state outputs of ``patient`` (default: healthy)."""
    patient = check_patient(patient)
    c = _daily.constants(_check_parameters(parameters))
    m = _daily.man(patient.values(), c)
    s = [0.0] * len(_daily.STATES)
    u = _daily.untreated(c, m, s)
    loop = _daily.fast_loop(u, s[0], s[1], s[2], s[3], 0.0, 0.0, 0.0, 0.0, 0.0, c, m)
    out = [0.0] * len(_outputs.PHYSIOLOGY)
    _daily.clinical_outputs(u, loop, s, 0.0, c, m, out)
    return dict(zip(_outputs.PHYSIOLOGY, out))


def simulate_reference(regimens=(), patient: Patient | str | None = None, days: float = 365, *, rtol: float = 1e-8,
                       parameters: Parameters | None = None) -> Result:
    """The same model integrated by :func:`scipy.integrate.solve_ivp` (LSODA, tight
    tolerances, the fast loop solved to round-off at every call, drug levels exact at
    every time). Slow: for checking :func:`simulate`, not for use in the book."""
    from scipy.integrate import solve_ivp

    regimens = check_regimens(regimens)
    patient = check_patient(patient)
    days = check_days(days)
    parameters = _check_parameters(parameters)
    c = _daily.constants(parameters)
    m = _daily.man(patient.values(), c)
    state0 = [0.0] * len(_daily.STATES)
    guess = [_daily.untreated(c, m, state0), 2.0]
    A, B = [0.0] * len(state0), [0.0] * len(state0)

    def at(t):
        rows, levels = _daily.exposures(regimens, [t], days, parameters)
        return rows[0], {name: v[0] for name, v in levels.items()}

    def close(t, y):
        x, levels = at(t)
        u, slope, loop = _daily.solve(guess[0], guess[1], y[0], y[1], y[2], y[3], *x[:5], c, m, 40)
        guess[0], guess[1] = u, slope
        return u, loop, x, levels

    def rhs(t, y):
        y = list(y)
        u, loop, x, _ = close(t, y)
        _daily.slow_rates(u, loop, y, x[5], x[6], c, m, A, B)
        return [a - b * v for a, b, v in zip(A, B, y)]

    # Dose times are discontinuities of the inputs' slope: stop the solver there.
    breaks = sorted({0.0, days, *(t for r in regimens for t in _dose_times(r, days) if 0.0 < t < days)})
    t_eval = np.arange(0.0, days + 0.5, 1.0)
    y = np.array(state0, dtype=float)
    columns = []
    for a, b in zip(breaks, breaks[1:]):
        inside = t_eval[(t_eval >= a) & (t_eval < b)]
        sol = solve_ivp(rhs, (a, b), y, method="LSODA", rtol=rtol, atol=1e-12, t_eval=np.append(inside, b), max_step=0.25)
        if not sol.success:
            raise SolverError(f"solve_ivp failed: {sol.message}")
        columns.append(sol.y[:, :-1])
        y = sol.y[:, -1]
    if t_eval[-1] == days:
        columns.append(y[:, None])
    Y = np.concatenate(columns, axis=1)
    values = {name: [] for name in OUTPUTS}
    out = [0.0] * len(_outputs.PHYSIOLOGY)
    for i, t in enumerate(t_eval):
        state = Y[:, i].tolist()
        u, loop, x, levels = close(t, state)
        _daily.clinical_outputs(u, loop, state, x[6], c, m, out)
        for name, value in zip(_outputs.PHYSIOLOGY, out):
            values[name].append(value)
        for name in _outputs.DRUG_LEVELS:
            values[name].append(levels.get(name, 0.0))
    values = {name: np.array(v) for name, v in values.items()}
    return Result(t=t_eval, values=values, units={k: UNITS[k] for k in values}, patient=patient, regimens=regimens)


def _dose_times(regimen, horizon):
    if isinstance(regimen, _drugs.Infusion):
        return [t for t in (regimen.start, regimen.stop) if t is not None and t < horizon]
    return [t for t in regimen.dose_times(horizon) if t < horizon]
