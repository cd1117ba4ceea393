"""Inside the Leydig cell: the steroidogenic cascade from LH (or hCG) to testosterone, minute by minute.

The daily model (:mod:`hpg.model`) treats the Leydig cell as one dose-response
curve, ``u = b0 + (1 - b0)(1 + K^2) x^2 / (x^2 + K^2)`` in LH relative to
baseline. This module opens that box. All levels except the receptor,
cyclase and kinase fractions are relative to the healthy man's cell at
baseline LH (5 IU/L), where every output is 1.

Receptor (LHCGR)
    LH and hCG compete for one receptor: ``dO_L/dt = k_on,L LH (1 - O_L - O_h) - k_off O_L``
    and the same for hCG, so at steady state ``O = (LH/Kd_L + hCG/Kd_h) / (1 + LH/Kd_L + hCG/Kd_h)``.
    ``Kd_L`` is ``LHCGR_Kd_LH``; hCG's affinity in IU/L is the daily model's
    (``Kd_h = Kd_L / e`` with ``e = hCG_max LH_0 / K_hCG``: one IU/L of hCG acts
    like ``e`` IU/L of LH at low levels). ``receptors`` scales the number of
    receptors (1 = healthy): what signals is the number of occupied receptors,
    ``R O``.

Gs and adenylyl cyclase
    ``a = R O (1 + K_AC) / (R O + K_AC)``, the fraction of cyclase activated
    (1 when every receptor of a normal cell is occupied). ``K_AC`` is large, so
    cAMP keeps rising with occupancy far beyond the point where testosterone
    has saturated (catt1973).

cAMP and phosphodiesterase
    ``dc/dt = k_PDE (c_max a - c)``, with ``c`` in units of the cAMP level that
    half-activates protein kinase A. ``c_max`` is fixed so that at baseline
    ``c = 1 / K_Leydig``; then the cell reproduces the daily model's curve.

Protein kinase A
    ``p = c^2 / (1 + c^2)`` (fast, algebraic; Hill coefficient ``PKA_n`` = 2).

StAR, the rate-limiting step
    StAR activity follows PKA with time constant ``StAR_tau``:
    ``dS/dt = (p - S) / tau_StAR``. The flux of cholesterol to the inner
    mitochondrial membrane is ``J = star S + j0``: ``star`` is StAR capacity
    (1 = healthy), ``j0`` a small StAR-independent supply, set so that the
    output left without LH is the daily model's ``leydig_basal``.

CYP11A1 in the mitochondrion, then the smooth endoplasmic reticulum
    Cholesterol at the inner membrane is cleaved to pregnenolone by CYP11A1
    (the only mitochondrial step); pregnenolone leaves for the smooth ER,
    where CYP17A1 (17alpha-hydroxylase and 17,20-lyase) makes DHEA, 3beta-HSD2
    androstenedione and 17beta-HSD3 testosterone (payne2004; the human testis
    prefers this Delta-5 route). Each pool relaxes to its input flux with its
    own time constant, ``dx_i/dt = (x_{i-1} - x_i) / tau_i``; the enzymes are
    far from saturation, so they delay the signal but do not limit it, and
    testosterone secretion equals ``J`` relative to baseline at steady state.

Steady state is in closed form; a time course integrates the eight states
(two occupancies, cAMP, StAR, four steroid pools) with
:func:`scipy.integrate.solve_ivp` (LSODA, tight tolerances), from the steady
state of the initial hormone levels, with the hormone changed at time 0 and
optionally washed out later. Every parameter is in :mod:`hpg.parameters`
(section "Leydig-cell steroidogenic cascade") with its unit and source.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from types import SimpleNamespace

import numpy as np

from . import daily as _daily
from . import drugs as _drugs
from . import equations as eq
from . import model as _model
from .parameters import value as _v

__all__ = ["OUTPUTS", "UNITS", "DoseResponse", "LeydigResult", "constants", "daily_curve", "dose_response", "ec50", "simulate", "steady_state"]

#: Every output of the Leydig-cell model, with its unit.
UNITS: dict[str, str] = {
    "occupancy": "fraction",
    "occupancy_LH": "fraction",
    "occupancy_hCG": "fraction",
    "cyclase": "fraction",
    "cAMP": "relative",
    "PKA": "fraction",
    "StAR": "relative",
    "cholesterol_mito": "relative",
    "pregnenolone": "relative",
    "DHEA": "relative",
    "androstenedione": "relative",
    "testosterone": "relative",
}
OUTPUTS = tuple(UNITS)
HORMONES = ("LH", "hCG")
MAX_HOURS = 240.0  # ten days: longer belongs to the daily model (receptor loss, Leydig capacity)
MAX_LEVEL = 1.0e6  # IU/L: far above any level in blood
MAX_FACTOR = 10.0  # star and receptors, relative to healthy
#: Smallest non-zero star and receptors: a millionth of a healthy cell already makes no
#: testosterone above background, and levels near 1e-306 underflow the integrator.
MIN_FACTOR = 1e-6


def _constants() -> SimpleNamespace:
    c = SimpleNamespace()
    if _v("PKA_n") != 2.0:
        raise ValueError(f"PKA_n is written into the equations as 2; hpg/parameters.py says {_v('PKA_n')}")
    ln2 = math.log(2.0)
    c.LH_0 = _v("LH_0")
    c.Kd_L = _v("LHCGR_Kd_LH")
    c.equivalence = _v("hCG_max") * c.LH_0 / _v("K_hCG")  # IU/L of LH per IU/L of hCG (daily model, low levels)
    c.Kd_h = c.Kd_L / c.equivalence
    c.koff = ln2 / _v("LHCGR_off_half_life")  # 1/min
    c.K_AC = _v("AC_K_occupancy")
    c.kPDE = ln2 / _v("cAMP_half_life")
    c.tau = [_v("StAR_tau"), _v("CYP11A1_tau"), _v("CYP17A1_tau"), _v("HSD3B2_tau"), _v("HSD17B3_tau")]
    c.K_Leydig = _v("K_Leydig")
    c.b0 = _v("leydig_basal")
    # Baseline (healthy cell, LH_0, no hCG, receptors = star = 1).
    c.O_0 = c.LH_0 / (c.LH_0 + c.Kd_L)
    c.a_0 = c.O_0 * (1.0 + c.K_AC) / (c.O_0 + c.K_AC)
    c.c_0 = 1.0 / c.K_Leydig  # cAMP at baseline, in units of PKA's half-activation level
    c.c_max = c.c_0 / c.a_0
    c.p_0 = c.c_0**2 / (1.0 + c.c_0**2)
    c.j0 = c.b0 * c.p_0 / (1.0 - c.b0)  # StAR-independent cholesterol supply (units of full StAR flux)
    c.J_0 = c.p_0 + c.j0
    return c


@functools.cache
def constants() -> SimpleNamespace:
    """The Leydig-cell model's constants (from :mod:`hpg.parameters`), computed once."""
    return _constants()


# --------------------------------------------------------------------------- checks
def _level(argument: str, value) -> float:
    value = _drugs._number(argument, value)
    if value > MAX_LEVEL:
        raise ValueError(f"{argument} must be at most {MAX_LEVEL:g} IU/L, got {_drugs._shown(value)}")
    return value


def _factor(argument: str, value) -> float:
    factor = _drugs._number(argument, value)
    if factor > MAX_FACTOR or 0 < factor < MIN_FACTOR:
        raise ValueError(f"{argument} must be 0 or between {MIN_FACTOR:g} and {MAX_FACTOR:g} (1 = healthy cell), "
                         f"got {_drugs._shown(value)}")
    return factor


def _hours(argument: str, value, *, allow_none=False) -> float | None:
    value = _drugs._number(argument, value, positive=True, allow_none=allow_none)
    if value is not None and value > MAX_HOURS:
        raise ValueError(f"{argument} must be at most {MAX_HOURS:g} hours (longer runs belong to the daily model), got {value!r}")
    return value


def _levels(argument: str, values) -> np.ndarray:
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise TypeError(f"{argument} must be a list or array of levels in IU/L, got {type(values).__name__} {values!r}")
    out = [_level(f"{argument}[{i}]", v) for i, v in enumerate(np.asarray(values, dtype=object).ravel().tolist())]
    if not out:
        raise ValueError(f"{argument} must hold at least one level, got an empty {type(values).__name__}")
    return np.array(out, dtype=float)


# --------------------------------------------------------------------------- steady state
def _cascade(lh, hcg, star, receptors):
    """Steady state in closed form (floats or arrays): every output, relative as documented."""
    c = constants()
    rL, rh = lh / c.Kd_L, hcg / c.Kd_h
    denominator = 1.0 + rL + rh
    oL, oh = rL / denominator, rh / denominator
    occupied = receptors * (oL + oh)
    a = occupied * (1.0 + c.K_AC) / (occupied + c.K_AC)
    cc = c.c_max * a
    p = cc * cc / (1.0 + cc * cc)
    J = (star * p + c.j0) / c.J_0
    return {
        "occupancy": oL + oh,
        "occupancy_LH": oL,
        "occupancy_hCG": oh,
        "cyclase": a,
        "cAMP": cc / c.c_0,
        "PKA": p,
        "StAR": star * p / c.p_0,
        "cholesterol_mito": J,
        "pregnenolone": J,
        "DHEA": J,
        "androstenedione": J,
        "testosterone": J,
    }


def steady_state(lh: float = 5.0, hcg: float = 0.0, *, star: float = 1.0, receptors: float = 1.0) -> dict[str, float]:
    """Every output of the cell held at ``lh`` and ``hcg`` (IU/L) until it settles.

    ``star`` is StAR capacity and ``receptors`` the number of LH/hCG receptors,
    both relative to a healthy cell (0-10). Testosterone and the other relative
    outputs are 1 for a healthy cell at LH 5 IU/L.
    """
    lh, hcg = _level("lh", lh), _level("hcg", hcg)
    star, receptors = _factor("star", star), _factor("receptors", receptors)
    return {name: float(v) for name, v in _cascade(lh, hcg, star, receptors).items()}


@dataclass(frozen=True)
class DoseResponse(_model.Outputs):
    """Steady-state outputs over a range of one hormone: ``levels`` (IU/L) and one array per output."""

    hormone: str
    levels: np.ndarray
    values: dict
    units: dict
    star: float = 1.0
    receptors: float = 1.0

    def __repr__(self) -> str:
        return (f"<hpg.leydig DoseResponse: {self.hormone} {self.levels[0]:g}-{self.levels[-1]:g} IU/L, "
                f"{len(self.levels)} levels, star {self.star:g}, receptors {self.receptors:g}>")


def _hormone(hormone) -> str:
    if hormone not in HORMONES:
        raise ValueError(f"hormone must be one of {', '.join(repr(h) for h in HORMONES)}, got {hormone!r}")
    return hormone


def dose_response(levels=None, hormone: str = "LH", *, star: float = 1.0, receptors: float = 1.0, background_lh: float = 0.0) -> DoseResponse:
    """Steady-state outputs at each level (IU/L) of ``hormone`` ("LH" or "hCG").

    ``levels`` defaults to 0.1-10,000 IU/L on a log scale (121 points). With
    ``hormone="hCG"``, ``background_lh`` (IU/L) is the LH present as well
    (default 0, as in a culture dish or under full suppression).
    """
    hormone = _hormone(hormone)
    levels = np.logspace(-1, 4, 121) if levels is None else _levels("levels", levels)
    star, receptors = _factor("star", star), _factor("receptors", receptors)
    background = _level("background_lh", background_lh)
    if hormone == "LH":
        values = _cascade(levels + background, 0.0 * levels, star, receptors)
    else:
        values = _cascade(background + 0.0 * levels, levels, star, receptors)
    values = {name: np.asarray(v, dtype=float) for name, v in values.items()}
    return DoseResponse(hormone=hormone, levels=levels, values=values, units=dict(UNITS), star=star, receptors=receptors)


def ec50(hormone: str = "LH", output: str = "testosterone", *, star: float = 1.0, receptors: float = 1.0) -> float:
    """The level of ``hormone`` (IU/L) giving half of the maximal hormone-driven rise of ``output``.

    Measured above the level without hormone, so the StAR-independent basal
    output does not count. Found by bisection on a log scale (relative error
    below 1e-9).
    """
    hormone = _hormone(hormone)
    if output not in UNITS:
        raise KeyError(f"unknown output {output!r}; known outputs: {', '.join(UNITS)}")
    star, receptors = _factor("star", star), _factor("receptors", receptors)
    if receptors == 0.0 or (star == 0.0 and output in ("StAR", "cholesterol_mito", "pregnenolone", "DHEA", "androstenedione", "testosterone")):
        raise ValueError(f"output {output!r} does not respond to {hormone} when star={star!r} and receptors={receptors!r}: no EC50")

    def at(level):
        lh, hcg = (level, 0.0) if hormone == "LH" else (0.0, level)
        return _cascade(lh, hcg, star, receptors)[output]

    low_value, high_value = at(0.0), at(1e12)
    half = 0.5 * (low_value + high_value)
    lo, hi = -6.0, 12.0
    for _ in range(120):
        mid = 0.5 * (lo + hi)
        if at(10.0**mid) < half:
            lo = mid
        else:
            hi = mid
    return float(10.0 ** (0.5 * (lo + hi)))


def daily_curve(lh, hcg=0.0) -> np.ndarray:
    """The daily model's acute Leydig output at ``lh`` and ``hcg`` (IU/L), relative to baseline.

    ``b0 + (1 - b0)(1 + K^2) x^2 / (x^2 + K^2)`` with ``x = LH / LH_0`` plus hCG
    in LH equivalents (``hCG_max hCG / (hCG + K_hCG)``), ``K = K_Leydig`` and
    ``b0 = leydig_basal``: :mod:`hpg.model`'s equation for a healthy man with
    his Leydig capacity held at 1 (hours, not months).
    """
    lh = _levels("lh", np.atleast_1d(lh)) if np.ndim(lh) else np.array([_level("lh", lh)])
    hcg = _levels("hcg", np.atleast_1d(hcg)) if np.ndim(hcg) else np.array([_level("hcg", hcg)])
    d = _daily.constants()
    x = eq.lh_receptor_stimulus(lh / d.LH_0, eq.hcg_lh_equivalents(hcg, d.hCG_max, d.K_hCG))
    return eq.leydig_output(1.0, 1.0, x, d.K_Leydig, d.leydig_basal)


# --------------------------------------------------------------------------- time course
@dataclass(frozen=True)
class LeydigResult(_model.Result):
    """A Leydig-cell time course: ``t`` in hours and one array per output (see ``UNITS``).

    ``result["testosterone"]`` is testosterone secretion relative to the healthy
    cell at LH 5 IU/L; ``result.at(hour)`` interpolates every output.
    """

    time_unit = "hour"
    inputs: dict = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"<hpg.leydig LeydigResult: {self.t[-1]:g} hours, {len(self.t)} times, {len(self.values)} outputs>"



def _rhs_factory(star, receptors):
    c = constants()
    kon_L, kon_h, koff = c.koff / c.Kd_L, c.koff / c.Kd_h, c.koff
    K_AC, c_max, kPDE, j0, J_0 = c.K_AC, c.c_max, c.kPDE, c.j0, c.J_0
    tS, t1, t2, t3, t4 = c.tau

    def rhs(t, y, lh, hcg):
        oL, oh, cc, S, M, P5, D, A = y
        free = 1.0 - oL - oh
        occupied = receptors * (oL + oh)
        a = occupied * (1.0 + K_AC) / (occupied + K_AC)
        p = cc * cc / (1.0 + cc * cc)
        J = (star * S + j0) / J_0
        return [
            kon_L * lh * free - koff * oL,
            kon_h * hcg * free - koff * oh,
            kPDE * (c_max * a - cc),
            (p - S) / tS,
            (J - M) / t1,
            (M - P5) / t2,
            (P5 - D) / t3,
            (D - A) / t4,
        ]

    return rhs


def _state(lh, hcg, star, receptors):
    c = constants()
    s = _cascade(lh, hcg, star, receptors)
    return [s["occupancy_LH"], s["occupancy_hCG"], s["cAMP"] * c.c_0, s["PKA"], s["cholesterol_mito"],
            s["pregnenolone"], s["DHEA"], s["androstenedione"]]


def _outputs(Y, star, receptors) -> dict[str, np.ndarray]:
    c = constants()
    oL, oh, cc, S, M, P5, D, A = Y
    occupied = receptors * (oL + oh)
    return {
        "occupancy": oL + oh,
        "occupancy_LH": oL,
        "occupancy_hCG": oh,
        "cyclase": occupied * (1.0 + c.K_AC) / (occupied + c.K_AC),
        "cAMP": cc / c.c_0,
        "PKA": cc * cc / (1.0 + cc * cc),
        "StAR": star * S / c.p_0,
        "cholesterol_mito": M,
        "pregnenolone": P5,
        "DHEA": D,
        "androstenedione": A,
        "testosterone": A,
    }


def simulate(lh: float = 5.0, hcg: float = 0.0, hours: float = 6.0, *, star: float = 1.0, receptors: float = 1.0,
             initial_lh: float = 5.0, initial_hcg: float = 0.0, washout: float | None = None,
             step_minutes: float = 1.0) -> LeydigResult:
    """A Leydig cell at rest at ``initial_lh`` / ``initial_hcg`` (IU/L) is given ``lh`` / ``hcg`` at time 0.

    Parameters
    ----------
    lh, hcg : levels (IU/L) from time 0 (held constant).
    hours : length of the run (> 0, at most 240).
    star, receptors : StAR capacity and number of LH/hCG receptors, relative to a healthy cell (0-10).
    initial_lh, initial_hcg : levels before time 0 (the cell starts at their steady state;
        default: baseline LH, 5 IU/L, no hCG).
    washout : if given, the hour (< ``hours``) at which the hormones return to their initial levels.
    step_minutes : spacing of the output times (minutes, > 0, at most 60).

    Returns a :class:`LeydigResult` (hours); raises rather than return anything non-finite or negative.
    """
    from scipy.integrate import solve_ivp

    lh, hcg = _level("lh", lh), _level("hcg", hcg)
    initial_lh, initial_hcg = _level("initial_lh", initial_lh), _level("initial_hcg", initial_hcg)
    star, receptors = _factor("star", star), _factor("receptors", receptors)
    hours = _hours("hours", hours)
    washout = _hours("washout", washout, allow_none=True)
    if washout is not None and washout >= hours:
        raise ValueError(f"washout must be earlier than the end of the run (hours={hours!r}), got {washout!r}")
    step = _drugs._number("step_minutes", step_minutes, positive=True)
    if step > 60.0:
        raise ValueError(f"step_minutes must be at most 60, got {step_minutes!r}")

    minutes = hours * 60.0
    t_eval = np.arange(0.0, minutes + 1e-9, step)
    if minutes - t_eval[-1] > 1e-9:
        t_eval = np.append(t_eval, minutes)
    rhs = _rhs_factory(star, receptors)
    y = np.array(_state(initial_lh, initial_hcg, star, receptors), dtype=float)
    segments = [(0.0, minutes, lh, hcg)] if washout is None else [(0.0, washout * 60.0, lh, hcg), (washout * 60.0, minutes, initial_lh, initial_hcg)]
    columns = []
    for k, (a, b, L, H) in enumerate(segments):
        last = k == len(segments) - 1
        inside = t_eval[(t_eval >= a) & ((t_eval <= b) if last else (t_eval < b))]
        times = inside if last else np.append(inside, b)
        sol = solve_ivp(rhs, (a, b), y, method="LSODA", t_eval=times, args=(L, H), rtol=1e-8, atol=1e-11, max_step=30.0)
        if not sol.success:
            raise _model.SolverError(f"solve_ivp failed: {sol.message}")
        columns.append(sol.y if last else sol.y[:, :-1])
        y = sol.y[:, -1]
    Y = np.concatenate(columns, axis=1)
    if not np.all(np.isfinite(Y)):
        raise _model.SolverError("the Leydig-cell integration produced a non-finite value; no result is returned")
    if np.any(Y < -1e-9):
        raise _model.SolverError(f"the Leydig-cell integration produced a negative value (min {Y.min()!r}); no result is returned")
    Y = np.maximum(Y, 0.0)  # round-off below 1e-9 only
    values = {name: np.asarray(v, dtype=float) for name, v in _outputs(Y, star, receptors).items()}
    inputs = {"lh": lh, "hcg": hcg, "initial_lh": initial_lh, "initial_hcg": initial_hcg, "washout": washout, "star": star, "receptors": receptors}
    return LeydigResult(t=t_eval / 60.0, values=values, units=dict(UNITS), inputs=inputs)
