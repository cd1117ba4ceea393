"""A teaching toy: the three-variable negative-feedback loop of Smith (1980).

**This is a toy, not the physiological model.** It has arbitrary units and
arbitrary time, and exists to show what a negative-feedback loop does: it
settles to a set point, it pushes back when perturbed, it is silenced by an
external supply of its own end product, and, if the feedback is steep enough,
it oscillates.

The loop (Smith 1980; Murray 2002, chapter 7) is a Goodwin-type cascade::

    dR/dt = f(T) - b1 R                 R: hypothalamic GnRH
    dL/dt = g1 R - b2 L                 L: pituitary LH
    dT/dt = g2 L - b3 T + E             T: testicular testosterone

with the inhibition of GnRH secretion by testosterone written as a Hill
function ``f(T) = a / (1 + (T / K)**n)``, and ``E`` a constant infusion of
testosterone from outside the loop (exogenous testosterone). Setting
``g2 = 0`` removes the testes (castration).

Without delays, this loop can oscillate only when the feedback is very steep:
with equal clearance rates the linear stability condition (the "secant
condition") needs ``g1 g2 |f'(T*)| / (b1 b2 b3) > 8`` (Murray 2002). Smith
added delays to obtain realistic pulsatility; the book's pulse-level model
does the physiology properly.

References: Smith WR (1980), Bull Math Biol 42:57-78 (``smith1980``);
Goodwin BC (1965), Adv Enzyme Regul 3:425-438 (``goodwin1965``);
Murray JD (2002), Mathematical Biology I, 3rd ed. (``murray2002``).
"""
from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np

from .arguments import real, whole

__all__ = ["ToyParameters", "ToyResult", "simulate", "steady_state", "eigenvalues", "is_oscillatory"]

OUTPUTS = ("GnRH", "LH", "T")
MAX_POINTS = 100_000  # output times of one run: far more than any figure can show


@dataclass(frozen=True)
class ToyParameters:
    """Parameters of the toy loop (arbitrary units; time in arbitrary units).

    a : maximal GnRH secretion rate.
    K : testosterone level that halves GnRH secretion.
    n : Hill coefficient, the steepness of the feedback (>= 1).
    b1, b2, b3 : first-order clearance rates of GnRH, LH and testosterone.
    g1 : LH secreted per unit GnRH per unit time.
    g2 : testosterone secreted per unit LH per unit time (0 = castration).
    exogenous_T : constant testosterone infusion from outside the loop (>= 0).

    The defaults are chosen (not measured) so that the loop settles to a set
    point near ``T = 1`` through damped oscillations.
    """

    a: float = 2.0
    K: float = 1.0
    n: float = 8.0
    b1: float = 1.0
    b2: float = 1.0
    b3: float = 1.0
    g1: float = 1.0
    g2: float = 1.0
    exogenous_T: float = 0.0

    def __post_init__(self):
        for field in fields(self):
            object.__setattr__(self, field.name, real(field.name, getattr(self, field.name), signed=True))
        for name in ("a", "K", "b1", "b2", "b3", "g1"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be > 0, got {getattr(self, name)!r}")
        for name in ("g2", "exogenous_T"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0, got {getattr(self, name)!r}")
        if self.n < 1:
            raise ValueError(f"n (the Hill coefficient) must be >= 1, got {self.n!r}")

    def feedback(self, T):
        """GnRH secretion rate ``f(T) = a / (1 + (T/K)**n)`` at testosterone ``T``."""
        return self.a / (1.0 + (np.asarray(T, dtype=float) / self.K) ** self.n)

    def feedback_slope(self, T: float) -> float:
        """Derivative ``f'(T)`` (negative: more testosterone, less GnRH)."""
        x = (T / self.K) ** self.n
        if T == 0:
            return 0.0 if self.n > 1 else -self.a / self.K
        return -self.a * self.n * x / (T * (1.0 + x) ** 2)


@dataclass(frozen=True)
class ToyResult:
    """The trajectory of the toy loop, sampled at the times ``t``.

    ``result["GnRH"]``, ``result["LH"]`` and ``result["T"]`` are numpy arrays
    of the same length as ``t`` (arbitrary units).
    """

    t: np.ndarray
    GnRH: np.ndarray
    LH: np.ndarray
    T: np.ndarray
    parameters: ToyParameters

    outputs = OUTPUTS

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in OUTPUTS:
            raise KeyError(f"unknown output {name!r}; known outputs: {', '.join(OUTPUTS)}")
        return getattr(self, name)

    def final(self) -> dict[str, float]:
        """The value of each output at the last time point."""
        return {name: float(self[name][-1]) for name in OUTPUTS}


def _parameters(parameters: ToyParameters | None, overrides: dict) -> ToyParameters:
    if parameters is None:
        parameters = ToyParameters()
    elif not isinstance(parameters, ToyParameters):
        raise TypeError(f"parameters must be a ToyParameters or None, got {type(parameters).__name__}")
    unknown = set(overrides) - {f.name for f in fields(ToyParameters)}
    if unknown:
        allowed = ", ".join(f.name for f in fields(ToyParameters))
        raise TypeError(f"unknown toy parameter(s) {', '.join(sorted(unknown))}; allowed: {allowed}")
    return replace(parameters, **overrides) if overrides else parameters


def steady_state(parameters: ToyParameters | None = None, **overrides) -> dict[str, float]:
    """The set point of the loop: the unique equilibrium (GnRH, LH, T).

    At equilibrium ``b3 T = G f(T) + E`` with ``G = g1 g2 / (b1 b2)``; the left
    side rises and the right side falls with ``T``, so there is exactly one root,
    found by bracketing.
    """
    from scipy.optimize import brentq

    p = _parameters(parameters, overrides)
    gain = p.g1 * p.g2 / (p.b1 * p.b2)
    low, high = p.exogenous_T / p.b3, (gain * p.a + p.exogenous_T) / p.b3

    def excess(T):  # production minus clearance of testosterone: falls as T rises
        return gain * float(p.feedback(T)) + p.exogenous_T - p.b3 * T

    # The root lies in [low, high]; when it sits within round-off of an end (a steep
    # feedback that is still fully on at ``high``), the signs there can tie: take that end.
    if high - low <= 1e-15 * max(1.0, high) or excess(low) <= 0:
        T = low
    elif excess(high) >= 0:
        T = high
    else:
        T = brentq(excess, low, high, xtol=1e-14, rtol=1e-12)
    R = float(p.feedback(T)) / p.b1
    L = p.g1 * R / p.b2
    return {"GnRH": R, "LH": L, "T": T}


def eigenvalues(parameters: ToyParameters | None = None, **overrides) -> np.ndarray:
    """Eigenvalues of the loop linearised at its set point.

    All real parts negative: the set point is stable (perturbations die out,
    with oscillation if the eigenvalues are complex). A pair with positive real
    part: the set point is unstable and the loop settles into sustained
    oscillation (a limit cycle).
    """
    p = _parameters(parameters, overrides)
    T = steady_state(p)["T"]
    jacobian = np.array(
        [
            [-p.b1, 0.0, p.feedback_slope(T)],
            [p.g1, -p.b2, 0.0],
            [0.0, p.g2, -p.b3],
        ]
    )
    return np.linalg.eigvals(jacobian)


def is_oscillatory(parameters: ToyParameters | None = None, **overrides) -> bool:
    """True when the set point is unstable, so the loop oscillates for ever."""
    return bool(np.max(eigenvalues(parameters, **overrides).real) > 0)


def simulate(
    duration: float = 30.0,
    parameters: ToyParameters | None = None,
    *,
    initial: dict[str, float] | None = None,
    points: int = 601,
    **overrides,
) -> ToyResult:
    """Integrate the toy loop from ``initial`` for ``duration`` time units.

    Parameters
    ----------
    duration : length of the run (arbitrary time units, > 0).
    parameters : a :class:`ToyParameters`; keyword ``overrides`` (for example
        ``n=12`` or ``exogenous_T=2``) replace single fields.
    initial : starting values ``{"GnRH": ..., "LH": ..., "T": ...}`` (>= 0);
        by default the loop starts at a tenth of its set point, as after a
        sudden loss of all three hormones.
    points : number of evenly spaced output times (2 to 100,000).

    Uses :func:`scipy.integrate.solve_ivp` (LSODA, rtol 1e-8); a solver
    failure raises ``RuntimeError``.
    """
    from scipy.integrate import solve_ivp

    p = _parameters(parameters, overrides)
    duration = real("duration", duration, positive=True)
    points = whole("points", points, low=2, high=MAX_POINTS)
    if initial is None:
        start = steady_state(p)
        y0 = [0.1 * start[name] for name in OUTPUTS]
    else:
        if set(initial) != set(OUTPUTS):
            raise ValueError(f"initial must give exactly {', '.join(OUTPUTS)}, got {sorted(initial)}")
        y0 = [real(f"initial[{name!r}]", initial[name]) for name in OUTPUTS]

    def rhs(_t, y):
        R, L, T = y
        return [
            float(p.feedback(max(T, 0.0))) - p.b1 * R,
            p.g1 * R - p.b2 * L,
            p.g2 * L - p.b3 * T + p.exogenous_T,
        ]

    t = np.linspace(0.0, duration, points)
    solution = solve_ivp(rhs, (0.0, duration), y0, method="LSODA", t_eval=t, rtol=1e-8, atol=1e-10)
    if not solution.success:
        raise RuntimeError(f"the toy loop could not be integrated: {solution.message}")
    # The exact solution never leaves the non-negative orthant; clip round-off only.
    R, L, T = np.clip(solution.y, 0.0, None)
    return ToyResult(t=t, GnRH=R, LH=L, T=T, parameters=p)
