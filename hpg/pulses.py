"""The pulse-level model: GnRH pulses, the GnRH receptor and LH, FSH and testosterone, minute by minute.

The daily model (:mod:`hpg.model`) averages over pulses; this one resolves them,
over hours to a few weeks, with the same patients, drugs and feedback. Time
steps are one minute; GnRH is relative to the healthy man's mean portal level,
as in the daily model.

Hypothalamus
    A GnRH pulse generator: a phase advances at rate ``aT / pulse_interval``
    and fires a pulse when it reaches a gamma-distributed threshold (mean 1,
    shape ``pulse_interval_shape``), so intervals are irregular and lengthen
    when testosterone rises: ``aT`` is the daily model's androgen-receptor brake
    (finkelstein1991: testosterone slows the generator). Each pulse is a
    ``pulse_burst``-minute burst whose size is ``gnrh_drive * Hc * aE`` times a
    log-normal factor (mean 1); ``aE`` is the estrogen-receptor brake, so
    estradiol shrinks pulses. Frequency times size is the daily model's GnRH
    drive, ``gnrh_drive * Hc * aT * aE``. GnRH is cleared with a half-life of
    4 minutes (lutrelef_pi). Gonadorelin adds its plasma level (closed-form
    subcutaneous kinetics of :mod:`hpg.drugs`: absorption 4 min, apparent
    half-life 24 min) divided by ``gonadorelin_ref``.

GnRH receptor (after heinze1998: free, bound and desensitised receptor)
    ``dB/dt = k_on G R - k_off B``, ``R = 1 - B - D``; desensitisation moves
    free and bound receptors to ``D`` at rate ``desens_on * h(S)`` and they
    recover at ``desens_off``, with ``h(S) = S^4 / (S^4 + desens_K^4)`` as in
    the daily model. ``S`` is the lowest GnRH level of the last ``desens_window``
    minutes: desensitisation needs exposure that never lets up, so pulses that
    fall back between doses spare the receptor while continuous exposure
    (belchetz1978) does not. Endogenous GnRH (half-life 4 min) falls to nothing
    between pulses, so ``S`` is computed from gonadorelin alone, in closed form
    before the run; it is the trough the daily model calls continuous exposure.

Pituitary
    The receptor signal ``b = B / B_ref`` (1 at the healthy baseline) drives
    synthesis through ``X``, ``dX/dt = (b - X) / synthesis_tau``, with the
    daily model's response ``Sg(X) = X^1.5 (1 + K) / (X^1.5 + K)``, pituitary
    capacity ``P`` and estradiol brake. LH is stored in a releasable pool ``Q``
    (heinze1998): ``dQ/dt = sigma_L - (rho b + rho_0) Q``; what leaves the pool
    enters blood and is cleared along a fast and a slow component (pk_LH), so
    LH comes in pulses. FSH is released as it is made (constitutive) and
    cleared with a half-life of 274 min (urban1991). Its synthesis has one more
    brake, ``(1 + kappa) / (1 + kappa Z / Z_ref)``, a follistatin-like repressor
    that reads the *pattern* of stimulation: ``Z`` follows ``o / (o + K_Z)``
    with time constant ``FSH_brake_tau``, where ``o = b / (1 - D)`` is the
    occupancy of the receptors still able to signal; the sensor saturates, so
    ``Z`` measures how much of the time they are occupied more than by how
    much. Fast or continuous
    stimulation builds it up; slow pulses let it decay between them. The
    FSH:LH ratio therefore rises as the interval lengthens, while the fastest
    intervals (the subcutaneous pump's pulses then overlap) desensitise the
    receptor and lower LH.

Testis and periphery
    Leydig output follows LH (plus hCG) through a first-order lag with the
    daily model's dose-response; serum testosterone follows with its own
    half-life; free testosterone, estradiol and the feedback brakes are the
    daily model's algebra. The slow capacities (hypothalamic, pituitary,
    Leydig) evolve with the daily model's rates; Sertoli support and inhibin B
    stay at the patient's untreated steady state (they change over months).

Numerics: one-minute steps with the inputs held over each minute; every
fast linear state (GnRH, bound receptor, synthesis, sensor, LH pool, serum LH
and FSH, testosterone) is advanced by its exact exponential update, so none can
go negative; the slow states (desensitisation, capacities, with rates below
0.001 per minute) by an Euler step. Drug levels and the desensitisation drive
are computed for the whole run at once, in closed form; the loop itself is
plain floating-point Python (48 hours take a few milliseconds).

Every number is in :mod:`hpg.parameters` with its unit and source. Randomness
(pulse timing and size) comes only from ``numpy.random.default_rng(seed)``: the
same seed gives the same run, and a shorter run is the start of a longer one.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from types import SimpleNamespace

import numpy as np

from . import drugs as _drugs
from . import model as _model
from .arguments import whole as _whole
from .parameters import value as _v

__all__ = ["UNITS", "PulseResult", "clearance", "detect_pulses", "measure", "simulate_pulses"]

#: Every output of :func:`simulate_pulses`, with its unit.
UNITS: dict[str, str] = {
    "GnRH": "relative",
    "gonadorelin": "pg/mL",
    "receptor_free": "fraction",
    "receptor_bound": "fraction",
    "receptor_desensitised": "fraction",
    "LH": "IU/L",
    "FSH": "IU/L",
    "T": "ng/dL",
    "free_T": "nmol/L",
    "E2": "pg/mL",
}
OUTPUTS = tuple(UNITS)
GONADORELIN = ("pulsatile", "continuous")
MAX_HOURS = 2160.0  # 90 days: longer runs belong to the daily model
_CHUNK = 64  # random draws are made in chunks, so a shorter run is the start of a longer one


# --------------------------------------------------------------------------- constants
def _constants() -> SimpleNamespace:
    ln2 = math.log(2.0)
    c = SimpleNamespace()
    c.mu = _v("pulse_interval")
    c.shape = _v("pulse_interval_shape")
    c.size_sigma = math.sqrt(math.log1p(_v("pulse_size_cv") ** 2))
    c.burst = max(round(_v("pulse_burst")), 1)
    c.kG = ln2 / _v("GnRH_half_life")
    c.koff = ln2 / _v("receptor_off_half_life")
    c.kon = c.koff / _v("receptor_K")
    c.window = max(round(_v("desens_window")), 1)
    c.don, c.doff, c.dK4 = _v("desens_on") / 1440.0, _v("desens_off") / 1440.0, _v("desens_K") ** 4
    c.eX = math.exp(-1.0 / _v("synthesis_tau"))
    c.rho = _v("LH_release")
    c.rho0 = c.rho * _v("LH_basal_share") / (1.0 - _v("LH_basal_share"))
    c.kf, c.ks = ln2 / _v("LH_fast_half_life"), ln2 / _v("LH_slow_half_life")
    c.share = _v("LH_fast_share")
    c.kF = ln2 / _v("FSH_half_life")
    c.KZ, c.kZ = _v("FSH_brake_K"), _v("FSH_brake_kappa")
    c.eZ = math.exp(-1.0 / _v("FSH_brake_tau"))
    c.eL = math.exp(-1.0 / _v("leydig_lag"))
    c.eT = math.exp(-ln2 / _v("T_half_life"))
    c.g_ref = _v("gonadorelin_ref")
    # Mean LH over mean LH secretion (min): turns a secretion rate into a level.
    c.lh_residence = c.share / c.kf + (1.0 - c.share) / c.ks
    c.B_ref = _periodic_means(c, 1.0, 1.0, 1.0)[0]
    c.Z_ref = _periodic_means(c, 1.0, 1.0, c.B_ref)[1]
    return c


def _periodic_means(c, frequency, size, B_ref):
    """Mean bound receptor and mean frequency-sensor input under regular pulses.

    Pulses every ``pulse_interval / frequency`` minutes, each of relative size
    ``size``, no desensitisation: the receptor's response to the mean pulse train.
    With ``frequency = size = 1`` it defines ``B_ref`` (the healthy mean signal);
    for a patient it gives the untreated starting values of ``B`` and ``Z``.
    """
    period = min(max(round(c.mu / frequency), c.burst + 1), 1440)  # rarer pulses: once a day
    eG, cG = math.exp(-c.kG), -math.expm1(-c.kG) / c.kG
    rate = c.kG * c.mu * size / c.burst  # as in simulate_pulses: mean GnRH = frequency * size
    G = B = 0.0
    sum_B = sum_z = 0.0
    cycles = 6
    for i in range(cycles * period):
        a = c.kon * G
        k = a + c.koff
        Binf = a / k
        B = Binf + (B - Binf) * math.exp(-k)
        G = G * eG + (rate if i % period < c.burst else 0.0) * cG
        if i >= (cycles - 2) * period:
            b = B / B_ref
            sum_B += B
            sum_z += b / (b + c.KZ)
    n = 2 * period
    return sum_B / n, sum_z / n


@functools.cache
def constants() -> SimpleNamespace:
    """The pulse model's constants (from :mod:`hpg.parameters`), computed once."""
    return _constants()


# --------------------------------------------------------------------------- inputs
def _gonadorelin_level(regimens, t_days: np.ndarray, horizon: float) -> np.ndarray:
    """Plasma gonadorelin (pg/mL) resolved pulse by pulse (closed-form SC kinetics)."""
    drug = _drugs.DRUGS["gonadorelin"]
    level = np.zeros_like(t_days)
    for r in regimens:
        if r.drug != "gonadorelin":
            continue
        if isinstance(r, _drugs.Infusion):
            # An open-ended infusion runs past the end of the run (as in hpg.drugs): never
            # to a stop before its start, which would integrate it backwards.
            stop = r.stop if r.stop is not None else max(horizon, r.start) + 1.0
            level += _drugs._infusion(drug, t_days, r.rate, r.start, stop)["gonadorelin"]
        else:
            every = r.every if r.every is not None else 1.0
            level += _drugs._train(drug, t_days, r.dose, r.start, every, r.dose_count(horizon))["gonadorelin"]
    return level


def _trough(g: np.ndarray, window: int) -> np.ndarray:
    """Lowest value of ``g`` over the last ``window`` minutes (none before the run)."""
    padded = np.concatenate([np.zeros(window - 1), g])
    return np.lib.stride_tricks.sliding_window_view(padded, window).min(axis=1)


class _Draws:
    """Pulse thresholds and sizes, drawn in fixed chunks from one seeded generator."""

    def __init__(self, seed: int, c):
        self.rng = np.random.default_rng(seed)
        self.c = c
        self.start = float(self.rng.random())
        self.thresholds: list[float] = []
        self.sizes: list[float] = []

    def more(self) -> None:
        c, rng = self.c, self.rng
        self.thresholds += rng.gamma(c.shape, 1.0 / c.shape, _CHUNK).tolist()
        self.sizes += rng.lognormal(-0.5 * c.size_sigma**2, c.size_sigma, _CHUNK).tolist()


# --------------------------------------------------------------------------- the run
def _run(patient, regimens, steps: int, seed: int):
    c, d = constants(), _model.constants()
    kernel = _model._Kernel(patient.values(), math)
    state, u0 = _model._steady_state(kernel, None)
    _, parts = kernel.loop(u0, state, _model.NO_DRUGS)
    Hc, P, Ly = state[0], state[1], state[3]
    ib = kernel.inhibin(state[4], state[5:5 + _model.N_STAGES])

    # Inputs on the one-minute grid, all in closed form.
    t_min = np.arange(steps + 1, dtype=float)
    t_days = t_min / 1440.0
    horizon = steps / 1440.0
    drugs = _model.drug_inputs(regimens, t_days, horizon)
    gonadorelin = _gonadorelin_level(regimens, t_days, horizon)
    g_exo = gonadorelin / c.g_ref
    S4 = _trough(g_exo, c.window) ** 4
    desens = (c.don * S4 / (S4 + c.dK4)).tolist()
    g_list = g_exo.tolist()
    Texo, aER, IA, hcg = (drugs[k].tolist() for k in ("Texo", "aER", "IA", "hcg"))

    # Patient constants (the daily model's, bound locally: this loop is the hot path).
    drive, pit, ley, KLm, shbg, n_alb, arom = kernel.drive, kernel.pit, kernel.ley, kernel.KLm, kernel.shbg, kernel.n_alb, kernel.arom
    T0, to_nmol, inv_fT0 = d.T0, _model.NG_DL_TO_NMOL_L, 1.0 / d.fT0
    r_E2, one_minus_r = d.r_E2, 1.0 - d.r_E2
    kT, kT1, kE, kE1 = d.kT, 1.0 + d.kT, d.kE, 1.0 + d.kE
    kPE, kPE1, KGm, KGm1 = d.kPE, 1.0 + d.kPE, d.KGm, 1.0 + d.KGm
    b0, KLm1 = d.b0, (1.0 - d.b0) * (1.0 + KLm)
    I_brake = (1.0 + d.kI) / (1.0 + d.kI * ib)
    LH_0, FSH_0, E2_0 = d.LH_0, d.FSH_0, d.E2_0
    cmin, ckap, ckapL = d.cmin, d.ckap, d.ckapL
    cspan, cspanL = (1.0 - cmin) * (1.0 + ckap), (1.0 - cmin) * (1.0 + ckapL)
    kH0, kH1, kP0, kP1 = d.kH0 / 1440.0, d.kH1 / 1440.0, d.kP0 / 1440.0, d.kP1 / 1440.0
    kL0, kL1 = d.kL0 / 1440.0, d.kL1 / 1440.0
    # Pulse-model constants.
    mu, inv_mu, burst, kon, koff, doff = c.mu, 1.0 / c.mu, c.burst, c.kon, c.koff, c.doff
    eG, cG = math.exp(-c.kG), -math.expm1(-c.kG) / c.kG
    inv_Bref, inv_Zref, KZ, kZ, kZ1 = 1.0 / c.B_ref, 1.0 / c.Z_ref, c.KZ, c.kZ, 1.0 + c.kZ
    eX, eZ, eL, eT = c.eX, c.eZ, c.eL, c.eT
    eF = math.exp(-c.kF)
    rho, rho0, share = c.rho, c.rho0, c.share
    ef, es = math.exp(-c.kf), math.exp(-c.ks)
    cf, cs = share * -math.expm1(-c.kf) / c.kf, (1.0 - share) * -math.expm1(-c.ks) / c.ks
    cL = LH_0 / c.lh_residence
    exp, sqrt = math.exp, math.sqrt

    # Untreated start: the daily model's steady state, with the receptor and the
    # frequency sensor at their means under the patient's own pulse train.
    aT0 = kT1 / (1.0 + kT * (parts[1] * inv_fT0) ** 2)
    aE0 = kE1 / (1.0 + kE * parts[3] ** 2)
    B, Zm = _periodic_means(c, aT0, drive * Hc * aE0, c.B_ref)
    D = 0.0
    X = B * inv_Bref
    Z = Zm
    Te, xL = parts[0], parts[9]
    y0 = parts[3]
    Sg = X * sqrt(X)
    Sg = Sg * KGm1 / (Sg + KGm)
    sigL = cL * pit * P * Sg * kPE1 / (1.0 + kPE * y0)
    Q = sigL / (rho * X + rho0)
    Lf, Ls = sigL * share / c.kf, sigL * (1.0 - share) / c.ks
    FSH = FSH_0 * pit * P * Sg * kPE1 / (1.0 + kPE * y0) * I_brake * kZ1 / (1.0 + kZ * Z * inv_Zref)

    draws = _Draws(seed, c)
    draws.more()
    k = 0
    threshold = draws.thresholds[0]
    phase = draws.start * threshold
    G_endo, burst_left, burst_rate = 0.0, 0, 0.0
    pulse_minutes = []

    n = steps + 1
    rec_G, rec_R, rec_B, rec_D = [0.0] * n, [0.0] * n, [0.0] * n, [0.0] * n
    rec_LH, rec_FSH, rec_T, rec_fT, rec_E2 = [0.0] * n, [0.0] * n, [0.0] * n, [0.0] * n, [0.0] * n
    for i in range(n):
        # Periphery: free testosterone, estradiol and the two brakes, from serum T now.
        T = Te + Texo[i]
        Tn = T * to_nmol
        bb = n_alb + shbg - Tn
        fT = 2.0 * Tn / (bb + sqrt(bb * bb + 4.0 * n_alb * Tn))
        e = r_E2 + one_minus_r * arom * (1.0 - IA[i]) * (T / T0)
        y = 2.0 * e / (1.0 + e + aER[i])
        xT = fT * inv_fT0
        aT = kT1 / (1.0 + kT * xT * xT)
        aE = kE1 / (1.0 + kE * y * y)
        G = G_endo + g_list[i]
        rec_G[i], rec_B[i], rec_D[i], rec_R[i] = G, B, D, 1.0 - B - D
        rec_LH[i], rec_FSH[i], rec_T[i], rec_fT[i], rec_E2[i] = Lf + Ls, FSH, T, fT, E2_0 * e
        if i == steps:
            break

        # Hypothalamus: the pulse generator, then GnRH over the next minute.
        phase += aT * inv_mu
        if phase >= threshold:
            phase -= threshold
            pulse_minutes.append(i)
            if k + 1 >= len(draws.thresholds):
                draws.more()
            burst_left = burst
            burst_rate = c.kG * mu * drive * Hc * aE * draws.sizes[k] / burst
            k += 1
            threshold = draws.thresholds[k]
        if burst_left:
            G_endo = G_endo * eG + burst_rate * cG
            burst_left -= 1
        else:
            G_endo *= eG

        # Receptor: desensitisation (slow) takes free and bound receptors alike; then binding.
        dn = desens[i]
        B -= dn * B
        D += dn * (1.0 - D) - doff * D
        a = kon * G
        rate = a + koff
        Binf = a * (1.0 - D) / rate
        B = Binf + (B - Binf) * exp(-rate)

        # Pituitary: synthesis, the frequency sensor, the LH pool and FSH.
        b = B * inv_Bref
        X = b + (X - b) * eX
        bo = b / (1.0 - D)  # occupancy of the receptors still able to signal
        zb = bo / (bo + KZ)
        Z = zb + (Z - zb) * eZ
        Sg = X * sqrt(X)
        Sg = Sg * KGm1 / (Sg + KGm)
        made = pit * P * Sg * kPE1 / (1.0 + kPE * y)
        sigL = cL * made
        r = rho * b + rho0
        Qinf = sigL / r
        Qn = Qinf + (Q - Qinf) * exp(-r)
        released = sigL - (Qn - Q)
        Q = Qn
        Lf = Lf * ef + released * cf
        Ls = Ls * es + released * cs
        F_target = FSH_0 * made * I_brake * kZ1 / (1.0 + kZ * Z * inv_Zref)
        FSH = F_target + (FSH - F_target) * eF

        # Testis: Leydig output follows LH (and hCG), serum testosterone follows it.
        stimulus = (Lf + Ls) / LH_0 + hcg[i]
        xL = stimulus + (xL - stimulus) * eL
        x2 = xL * xL
        u = ley * Ly * (b0 + x2 * KLm1 / (x2 + KLm))
        Te = T0 * u + (Te - T0 * u) * eT

        # Slow capacities (the daily model's rates, per minute).
        aH = aT * aE
        Hc += (kH0 + kH1 * aH) * (cmin + cspan * aH / (aH + ckap) - Hc)
        P += (kP0 + kP1 * X) * (cmin + cspan * X / (X + ckap) - P)
        Ly += (kL0 + kL1 * xL) * (cmin + cspanL * xL / (xL + ckapL) - Ly)

    values = {
        "GnRH": rec_G,
        "gonadorelin": gonadorelin,
        "receptor_free": rec_R,
        "receptor_bound": rec_B,
        "receptor_desensitised": rec_D,
        "LH": rec_LH,
        "FSH": rec_FSH,
        "T": rec_T,
        "free_T": rec_fT,
        "E2": rec_E2,
    }
    values = {name: np.asarray(v, dtype=float) for name, v in values.items()}
    values["receptor_free"] = np.maximum(values["receptor_free"], 0.0)  # round-off only
    for name, array in values.items():
        if not np.all(np.isfinite(array)):
            raise _model.SolverError(f"the pulse model produced a non-finite {name}; no result is returned")
        if np.any(array < 0):
            raise _model.SolverError(f"the pulse model produced a negative {name} (min {array.min()!r}); no result is returned")
    return t_min / 60.0, values, np.array(pulse_minutes, dtype=float) / 60.0


# --------------------------------------------------------------------------- the result
@dataclass(frozen=True)
class PulseResult(_model.Result):
    """A pulse-level simulation: times ``t`` (hours, one a minute) and one array per output.

    ``result["LH"]`` is an array over ``t``; ``result.units[name]`` is its unit;
    ``result.at(hour)`` interpolates every output; ``result.pulse_times`` are the
    hours at which the hypothalamus fired a GnRH pulse (the model's truth, which a
    pulse detector applied to LH tries to recover).
    """

    seed: int = 0
    pulse_times: np.ndarray = field(default_factory=lambda: np.array([]))

    time_unit = "hour"

    def mean(self, name: str, start: float, stop: float) -> float:
        """Time-average of output ``name`` from hour ``start`` to hour ``stop``."""
        start, stop = _drugs._number("start", start, signed=True), _drugs._number("stop", stop, signed=True)
        values = self[name][(self.t >= start) & (self.t <= stop)]
        if len(values) < 2:
            raise ValueError(f"start and stop must enclose at least two minutes of the run ({self.t[0]:g}-{self.t[-1]:g} h), got {start!r}-{stop!r}")
        return float((values.sum() - 0.5 * (values[0] + values[-1])) / (len(values) - 1))  # trapezoidal rule

    def __repr__(self) -> str:
        return (f"<hpg PulseResult: {self.t[-1]:g} hours at one-minute steps, {len(self.values)} outputs, "
                f"{len(self.pulse_times)} GnRH pulses, seed {self.seed}>")


# --------------------------------------------------------------------------- the entry point
def _hours(hours) -> float:
    hours = _drugs._number("hours", hours, positive=True)
    if hours > MAX_HOURS:
        raise ValueError(f"hours must be at most {MAX_HOURS:g} (90 days; use hpg.simulate for longer runs), got {hours!r}")
    return hours


def _seed(seed) -> int:
    return _whole("seed", seed, low=0)


def _shorthand(gonadorelin, interval, dose) -> tuple:
    if gonadorelin is not None and (not isinstance(gonadorelin, str) or gonadorelin not in GONADORELIN):
        raise ValueError(f"gonadorelin must be one of None, 'pulsatile', 'continuous', got {gonadorelin!r}")
    shown = _drugs._shown(interval)
    interval = _drugs._number("interval", interval, positive=True)
    if interval < 1.0:
        raise ValueError(f"interval must be at least 1 minute (the model's time step), got {shown}")
    dose = _drugs._number("dose", dose)
    if not math.isfinite(dose * 1440.0 / interval):
        raise ValueError(f"dose / interval must be a finite amount per day, got dose {_drugs._shown(dose)} ug every {shown} min")
    if gonadorelin is None:
        return ()
    if gonadorelin == "pulsatile":
        return (_drugs.Regimen("gonadorelin", dose, every=interval / 1440.0, start=0.0),)
    return (_drugs.Infusion("gonadorelin", rate=dose * 1440.0 / interval, start=0.0),)


def simulate_pulses(
    hours: float = 48,
    gonadorelin: str | None = None,
    *,
    interval: float = 90,
    dose: float = 10,
    regimens=(),
    patient=None,
    seed: int = 0,
) -> PulseResult:
    """Simulate one patient minute by minute for ``hours`` hours, from his untreated steady state.

    Parameters
    ----------
    hours : length of the run, > 0 and at most 2160 (90 days). Outputs every minute from
        hour 0 (a run that does not end on a whole minute is extended to the next one).
    gonadorelin : ``None`` (no gonadorelin), ``"pulsatile"`` (``dose`` ug subcutaneously
        every ``interval`` minutes, by pump, from hour 0) or ``"continuous"`` (the same mean
        amount, ``dose / interval`` ug per minute, infused without pause).
    interval : minutes between gonadorelin pulses (at least 1, the time step); default 90.
    dose : ug of gonadorelin per pulse (>= 0); default 10 (pump regimens: 5-20 ug every
        90-120 min, lutrelef_pi).
    regimens : any :class:`hpg.Regimen` or :class:`hpg.Infusion` (or a list), times in days as
        in :func:`hpg.simulate`, e.g. pulses for three days then continuous exposure:
        ``[Regimen("gonadorelin", 10, every=90/1440, stop=3), Infusion("gonadorelin", 160, start=3)]``.
        Gonadorelin is resolved pulse by pulse; other drugs act as in the daily model.
    patient : an :class:`hpg.Patient`, a preset name, or ``None`` (healthy).
    seed : int >= 0 seeding the pulse generator (timing and size of GnRH pulses).

    Returns a :class:`PulseResult` with ``t`` in hours and outputs GnRH (relative),
    gonadorelin (pg/mL), receptor_free / receptor_bound / receptor_desensitised
    (fractions of GnRH receptors), LH and FSH (IU/L), T (ng/dL), free_T (nmol/L) and E2
    (pg/mL). Raises :class:`hpg.model.SolverError` rather than return anything
    non-finite or negative.
    """
    hours = _hours(hours)
    regimens = _shorthand(gonadorelin, interval, dose) + _model._regimens(regimens)
    patient = _model._patient(patient)
    seed = _seed(seed)
    steps = math.ceil(hours * 60.0 - 1e-9)
    t, values, pulse_times = _run(patient, regimens, steps, seed)
    return PulseResult(t=t, values=values, units={k: UNITS[k] for k in values}, patient=patient,
                       regimens=regimens, seed=seed, pulse_times=pulse_times)


# --------------------------------------------------------------------------- measuring pulses
def measure(result: PulseResult, name: str = "LH", *, every: float = 10, cv: float | None = None, seed: int = 0):
    """Blood samples of output ``name`` every ``every`` minutes, with assay noise.

    Each sample is the model's level times ``1 + cv * N(0, 1)`` (never below 0);
    ``cv`` defaults to ``assay_cv_LH``. Returns ``(t, values)``, ``t`` in hours.
    """
    values = result[name]
    every = _drugs._number("every", every, positive=True)
    cv = _v("assay_cv_LH") if cv is None else _drugs._number("cv", cv)
    rng = np.random.default_rng(_seed(seed))
    t = np.arange(result.t[0], result.t[-1] + 1e-9, every / 60.0)
    y = np.interp(t, result.t, values)
    return t, np.maximum(y * (1.0 + cv * rng.standard_normal(len(t))), 0.0)


def detect_pulses(t, y, *, cv: float | None = None, sd_floor: float = 0.0, nadir: int = 2, peak: int = 1,
                  t_up: float = 2.0, t_down: float = 2.0) -> np.ndarray:
    """Times of the pulses in a sampled hormone series, by Cluster analysis (veldhuis1986cluster).

    Cluster slides a *peak* cluster of ``peak`` samples along the series and
    compares its mean with the *nadir* clusters of ``nadir`` samples just before
    and just after it, by a pooled t statistic whose variances come from the
    assay's precision (standard deviation ``sqrt((cv y)^2 + sd_floor^2)`` for a
    sample of level ``y``; ``cv`` defaults to ``assay_cv_LH``). A pulse is a
    significant increase (t >= ``t_up``) followed by a significant decrease
    (t >= ``t_down``); its time is that of the highest sample between them. The
    next pulse must rise from a nadir after this one's peak cluster. The defaults
    (2 x 1 clusters, t = 2 both ways) are the usual settings for LH.

    Returns the pulse times in the unit of ``t``; interpulse intervals are ``np.diff`` of them.
    """
    t = np.asarray(t, dtype=float)
    y = np.asarray(y, dtype=float)
    if t.shape != y.shape or t.ndim != 1:
        raise ValueError(f"t and y must be 1-D arrays of the same length, got shapes {t.shape} and {y.shape}")
    nadir, peak = _whole("nadir", nadir, low=1), _whole("peak", peak, low=1)
    cv = _v("assay_cv_LH") if cv is None else _drugs._number("cv", cv)
    sd_floor = _drugs._number("sd_floor", sd_floor)
    t_up, t_down = _drugs._number("t_up", t_up, positive=True), _drugs._number("t_down", t_down, positive=True)
    if cv == 0 and sd_floor == 0:
        raise ValueError("cv and sd_floor cannot both be 0: Cluster needs the assay's precision")
    n = len(y)
    if n < nadir * 2 + peak:
        return np.array([])
    var = (cv * y) ** 2 + sd_floor**2

    def window_means(a, width):
        s = np.concatenate([[0.0], np.cumsum(a)])
        return (s[width:] - s[:-width]) / width  # mean of a[j:j+width] at index j

    ym_p, vm_p = window_means(y, peak), window_means(var, peak)
    ym_n, vm_n = window_means(y, nadir), window_means(var, nadir)
    idx = np.arange(nadir, n - peak - nadir + 1)  # first sample of each candidate peak cluster
    before, after = idx - nadir, idx + peak
    t_rise = (ym_p[idx] - ym_n[before]) / np.sqrt(vm_p[idx] / peak + vm_n[before] / nadir)
    t_fall = (ym_p[idx] - ym_n[after]) / np.sqrt(vm_p[idx] / peak + vm_n[after] / nadir)
    up = dict(zip(idx.tolist(), (t_rise >= t_up).tolist()))
    down = dict(zip(idx.tolist(), (t_fall >= t_down).tolist()))

    times = []
    i, last = int(idx[0]), int(idx[-1])
    while i <= last:
        if not up[i]:
            i += 1
            continue
        j = i
        while j <= last and not down[j]:
            j += 1
        if j > last:
            break
        top = i + int(np.argmax(y[i:j + peak]))
        times.append(t[top])
        i = j + peak + nadir  # the next rise starts from the nadir after this peak
    return np.array(times)


def clearance() -> dict[str, float]:
    """Half-lives (min) measured on the model's own disposition of GnRH, LH and FSH.

    A unit amount is put into blood and followed minute by minute with the update
    used by :func:`simulate_pulses`; half-lives are read from the decay by curve
    peeling, as in clearance studies: the terminal slope (LH: 6-10 h; GnRH and FSH:
    a single exponential) and, for LH, the fast component left after subtracting
    the terminal exponential (first 20 min).
    """
    c = constants()
    minutes = np.arange(0, 601)
    ef, es = math.exp(-c.kf), math.exp(-c.ks)
    lh = c.share * ef**minutes + (1.0 - c.share) * es**minutes
    fsh = math.exp(-c.kF) ** minutes
    gnrh = math.exp(-c.kG) ** minutes

    def half_life(curve, lo, hi):
        slope = np.polyfit(minutes[lo:hi + 1], np.log(curve[lo:hi + 1]), 1)[0]
        return math.log(2.0) / -slope

    slow = half_life(lh, 360, 600)
    slope, intercept = np.polyfit(minutes[360:601], np.log(lh[360:601]), 1)
    fast = half_life(lh - np.exp(intercept + slope * minutes), 0, 20)
    return {"GnRH": half_life(gnrh, 0, 20), "LH_fast": fast, "LH_slow": slow, "FSH": half_life(fsh, 0, 600)}
