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
    (assumed: testosterone slows the generator). Each pulse is a
    ``pulse_burst``-minute burst whose size is ``gnrh_drive * Hc * aE`` times a
    log-normal factor (mean 1); ``aE`` is the estrogen-receptor brake, so
    estradiol shrinks pulses. Frequency times size is the daily model's GnRH
    drive, ``gnrh_drive * Hc * aT * aE``. GnRH is cleared with a half-life of
    4 minutes (lutrelef_pi). Gonadorelin adds its plasma level (closed-form
    subcutaneous kinetics of :mod:`hpg.drugs`: absorption 4 min, apparent
    half-life 24 min) divided by ``gonadorelin_ref``; a long-acting agonist
    (leuprolide) adds its level in gonadorelin equivalents the same way.

GnRH receptor (after heinze1998: free, bound and desensitised receptor)
    ``dB/dt = k_on G R - k_off B``, ``R = 1 - B - D``; desensitisation moves
    free and bound receptors to ``D`` at rate ``receptor_desens_rate * h(S)``,
    ``h(S) = S^4 / (S^4 + receptor_desens_K^4)``, and they recover at
    ``receptor_recovery_rate / (1 + (S / receptor_recovery_K)^2)``. ``S`` is the
    lowest agonist level of the last ``desens_window`` minutes: desensitisation
    needs exposure that never lets up, so pulses that fall back between doses
    spare the receptor while continuous exposure (belchetz1978) does not. The
    rate of desensitisation saturates, so it takes days whatever the dose (the
    flare: the releasable pool is emptied and synthesis is driven hard while
    receptors are still fresh); recovery is held back by the agonist itself (a
    receptor that recovers under it is bound and desensitised again), so the
    desensitised share settles closer to 1 the higher the exposure, and higher
    doses suppress more, never less (warner1983). Endogenous GnRH (half-life
    4 min) falls to nothing between pulses, so ``S`` is computed from the agonists
    alone, in closed form before the run; it is the trough the daily model calls
    continuous exposure.

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
are computed for the whole run at once, in closed form; the loop itself
(:func:`_minutes`) is plain floating-point Python, which :mod:`hpg._compiled`
compiles with numba where it is installed.

Every number is in :mod:`hpg.parameters` with its unit and source. Randomness
(pulse timing and size) comes only from ``numpy.random.default_rng(seed)``: the
same seed gives the same run, and a shorter run is the start of a longer one.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import NamedTuple

import numpy as np

from . import daily as _daily
from . import drugs as _drugs
from . import equations as eq
from . import model as _model
from . import outputs as _outputs
from .arguments import whole as _whole
from .checks import check_patient, check_regimens
from .parameters import DEFAULT, Parameters
from .parameters import check as _check_parameters

__all__ = ["UNITS", "PulseResult", "clearance", "constants", "detect_pulses", "measure", "receptor_rates", "simulate_pulses"]

#: Every output of :func:`simulate_pulses`, with its unit.
UNITS: dict[str, str] = {name: _outputs.REGISTRY[name].unit for name in _outputs.PULSE}
OUTPUTS = tuple(UNITS)
GONADORELIN = ("pulsatile", "continuous")
MAX_HOURS = 2160.0  # 90 days: longer runs belong to the daily model
_CHUNK = 64  # random draws are made in chunks, so a shorter run is the start of a longer one


# --------------------------------------------------------------------------- constants
def _constants(p) -> SimpleNamespace:
    ln2 = math.log(2.0)
    c = SimpleNamespace()
    c.mu = p["pulse_interval"]
    c.shape = p["pulse_interval_shape"]
    c.size_sigma = math.sqrt(math.log1p(p["pulse_size_cv"] ** 2))
    c.burst = max(round(p["pulse_burst"]), 1)
    c.kG = ln2 / p["GnRH_half_life"]
    c.koff = ln2 / p["receptor_off_half_life"]
    c.kon = c.koff / p["receptor_K"]
    c.window = max(round(p["desens_window"]), 1)
    c.don, c.doff = p["receptor_desens_rate"] / 1440.0, p["receptor_recovery_rate"] / 1440.0
    c.dK, c.rK = p["receptor_desens_K"], p["receptor_recovery_K"]
    c.eX = math.exp(-1.0 / p["synthesis_tau"])
    c.rho = p["LH_release"]
    c.rho0 = c.rho * p["LH_basal_share"] / (1.0 - p["LH_basal_share"])
    c.kf, c.ks = ln2 / p["LH_fast_half_life"], ln2 / p["LH_slow_half_life"]
    c.share = p["LH_fast_share"]
    c.kF = ln2 / p["FSH_half_life"]
    c.KZ, c.kZ = p["FSH_brake_K"], p["FSH_brake_kappa"]
    c.eZ = math.exp(-1.0 / p["FSH_brake_tau"])
    c.eL = math.exp(-1.0 / p["leydig_lag"])
    c.eT = math.exp(-ln2 / p["T_half_life"])
    c.g_ref = p["gonadorelin_ref"]
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


@functools.lru_cache(maxsize=16)
def constants(parameters: Parameters = DEFAULT) -> SimpleNamespace:
    """The pulse model's constants for a parameter set (computed once per set)."""
    return _constants(parameters)


# --------------------------------------------------------------------------- inputs
def _gonadorelin_level(regimens, t_days: np.ndarray, horizon: float, parameters: Parameters, backend=_drugs.PLAIN) -> np.ndarray:
    """Plasma GnRH-receptor agonists in gonadorelin equivalents (pg/mL), resolved dose by dose
    (closed-form SC kinetics): gonadorelin itself and any long-acting agonist."""
    mine = [r for r in regimens if r._drug.pulse_averaged]
    if not mine:
        return np.zeros_like(t_days)
    return np.array(_drugs.levels(mine, t_days.tolist(), horizon, parameters, resolve_pulses=True, backend=backend)["gonadorelin"])


def receptor_rates(S, c) -> tuple:
    """Per-minute rates of GnRH-receptor desensitisation and recovery at continuous exposure ``S``
    (the trough of the last ``desens_window`` minutes, relative to mean GnRH; a number or an array).

    The daily model's two equations (:func:`hpg.equations.desensitisation_rate` and
    :func:`hpg.equations.resensitisation_rate`) with the same parameters, per minute. Under a
    constant ``S`` the desensitised share settles at ``on / (on + off)``, which tends to 1 as ``S``
    grows."""
    return eq.desensitisation_rate(S, c.don, c.dK), eq.resensitisation_rate(S, c.doff, c.rK)


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

    def more(self, chunks: int = 1) -> None:
        c, rng = self.c, self.rng
        for _ in range(chunks):
            self.thresholds += rng.gamma(c.shape, 1.0 / c.shape, _CHUNK).tolist()
            self.sizes += rng.lognormal(-0.5 * c.size_sigma**2, c.size_sigma, _CHUNK).tolist()


#: Pulse draws made before a run, as a multiple of the pulses expected at the mean interval
#: (a run that needs more stops, and resumes once more are drawn: :func:`_minutes`).
_DRAWS_AHEAD = 1.5


class _Minute(NamedTuple):
    """The constants of one run of the minute loop (:func:`_minutes`), in its order."""

    steps: int
    T0: float
    to_nmol: float
    inv_fT0: float
    E2_residual: float
    kappa_T: float
    kappa_E: float
    K_GnRH: float
    kappa_PE: float
    kappa_PT: float
    kappa_I: float
    LH_0: float
    FSH_0: float
    E2_0: float
    floor: float
    kappa: float
    kappa_L: float
    kH0: float
    kH1: float
    kP0: float
    kP1: float
    kL0: float
    kL1: float
    inv_mu: float
    burst: int
    pulse_scale: float
    kon: float
    koff: float
    eG: float
    cG: float
    inv_Bref: float
    inv_Zref: float
    KZ: float
    kZ: float
    eX: float
    eZ: float
    eL: float
    eT: float
    eF: float
    rho: float
    rho0: float
    ef: float
    es: float
    cf: float
    cs: float
    cL: float
    ib: float
    basal: float
    shbg: float
    albumin_term: float
    aromatase: float
    pituitary: float
    leydig: float
    leydig_K: float


#: The states the minute loop carries from one minute to the next (:func:`_minutes`), by index.
_STATE = ("Te", "xL", "B", "D", "X", "Z", "Q", "Lf", "Ls", "FSH", "Hc", "P", "Ly", "phase", "G_endo", "burst_rate", "burst_left", "k")
(_TE, _XL, _B, _D, _X, _Z, _Q, _LF, _LS, _FSH, _HC, _P, _LY, _PHASE, _G_ENDO, _BURST_RATE, _BURST_LEFT, _K) = range(len(_STATE))


def _minutes(start, s, const, Texo, aER, IA, hcg, g, desens, recover, thresholds, sizes, pulses,
             rec_G, rec_R, rec_B, rec_D, rec_LH, rec_FSH, rec_T, rec_fT, rec_E2):
    """The minute loop, from minute ``start`` with the states ``s`` (:data:`_STATE`) to the end of the run.

    Plain Python runs it on lists; :mod:`hpg._compiled` compiles this very function with numba and
    runs it on NumPy arrays. ``const`` is a :class:`_Minute`; the inputs hold, minute by minute,
    exogenous testosterone, ERalpha antagonism, aromatase inhibition, hCG, agonist GnRH (relative)
    and the receptor's desensitisation and recovery rates. Pulse ``k`` fires at the ``k``-th of
    ``thresholds`` with the ``k``-th of ``sizes``; its minute is written to ``pulses[k]``, and every
    output of each minute to the ``rec_*`` sequences. Returns -1 at the end of the run, or the
    minute at which a pulse needed a draw beyond ``thresholds``: ``s`` then holds the states at the
    start of that minute, and a call with more draws from that minute continues the run exactly.
    """
    (steps, T0, to_nmol, inv_fT0, E2_residual, kappa_T, kappa_E, K_GnRH, kappa_PE, kappa_PT, kappa_I, LH_0, FSH_0, E2_0,
     floor, kappa, kappa_L, kH0, kH1, kP0, kP1, kL0, kL1, inv_mu, burst, pulse_scale, kon, koff, eG, cG, inv_Bref,
     inv_Zref, KZ, kZ, eX, eZ, eL, eT, eF, rho, rho0, ef, es, cf, cs, cL, ib, basal, shbg, albumin_term, aromatase,
     pituitary, leydig, leydig_K) = const
    exp = math.exp
    (free_testosterone, estradiol, er_alpha_signal, androgen_brake, estrogen_brake, gonadotrope_response, lh_secretion,
     pituitary_androgen_brake, fsh_secretion, brake, leydig_output, adaptation_rate, capacity_target) = (
        eq.free_testosterone, eq.estradiol, eq.er_alpha_signal, eq.androgen_brake, eq.estrogen_brake, eq.gonadotrope_response,
        eq.lh_secretion, eq.pituitary_androgen_brake, eq.fsh_secretion, eq.brake, eq.leydig_output, eq.adaptation_rate,
        eq.capacity_target)
    Te, xL, B, D, X, Z, Q, Lf, Ls, FSH = s[_TE], s[_XL], s[_B], s[_D], s[_X], s[_Z], s[_Q], s[_LF], s[_LS], s[_FSH]
    Hc, P, Ly, phase, G_endo, burst_rate = s[_HC], s[_P], s[_LY], s[_PHASE], s[_G_ENDO], s[_BURST_RATE]
    burst_left, k = int(s[_BURST_LEFT]), int(s[_K])
    threshold = thresholds[k]
    for i in range(start, steps + 1):
        # Periphery: free testosterone, estradiol and the two brakes, from serum T now.
        T = Te + Texo[i]
        fT = free_testosterone(T * to_nmol, shbg, albumin_term)
        e = estradiol(T / T0, aromatase, IA[i], E2_residual)
        y = er_alpha_signal(e, aER[i])
        aT = androgen_brake(fT * inv_fT0, kappa_T)
        aE = estrogen_brake(y, kappa_E)
        G = G_endo + g[i]
        rec_G[i], rec_B[i], rec_D[i], rec_R[i] = G, B, D, 1.0 - B - D
        rec_LH[i], rec_FSH[i], rec_T[i], rec_fT[i], rec_E2[i] = Lf + Ls, FSH, T, fT, E2_0 * e
        if i == steps:
            break

        # Hypothalamus: the pulse generator, then GnRH over the next minute.
        advanced = phase + aT * inv_mu
        if advanced >= threshold:
            if k + 1 >= len(thresholds):  # out of draws: stop at the start of this minute
                (s[_TE], s[_XL], s[_B], s[_D], s[_X], s[_Z], s[_Q], s[_LF], s[_LS], s[_FSH], s[_HC], s[_P], s[_LY], s[_PHASE],
                 s[_G_ENDO], s[_BURST_RATE], s[_BURST_LEFT], s[_K]) = (
                    Te, xL, B, D, X, Z, Q, Lf, Ls, FSH, Hc, P, Ly, phase, G_endo, burst_rate, burst_left, k)
                return i
            phase = advanced - threshold
            pulses[k] = i
            burst_left = burst
            burst_rate = pulse_scale * Hc * aE * sizes[k] / burst
            k += 1
            threshold = thresholds[k]
        else:
            phase = advanced
        if burst_left:
            G_endo = G_endo * eG + burst_rate * cG
            burst_left -= 1
        else:
            G_endo *= eG

        # Receptor: desensitisation (slow) takes free and bound receptors alike; then binding.
        dn = desens[i]
        B -= dn * B
        D += dn * (1.0 - D) - recover[i] * D
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
        made = lh_secretion(pituitary, P, 0.0, gonadotrope_response(X, K_GnRH), pituitary_androgen_brake(fT * inv_fT0, kappa_PT), y, kappa_PE)
        sigL = cL * made
        r = rho * b + rho0
        Qinf = sigL / r
        Qn = Qinf + (Q - Qinf) * exp(-r)
        released = sigL - (Qn - Q)
        Q = Qn
        Lf = Lf * ef + released * cf
        Ls = Ls * es + released * cs
        F_target = FSH_0 * fsh_secretion(made, ib, kappa_I) * brake(Z * inv_Zref, kZ, 1.0)
        FSH = F_target + (FSH - F_target) * eF

        # Testis: Leydig output follows LH (and hCG), serum testosterone follows it.
        stimulus = (Lf + Ls) / LH_0 + hcg[i]
        xL = stimulus + (xL - stimulus) * eL
        u = leydig_output(leydig, Ly, xL, leydig_K, basal)
        Te = T0 * u + (Te - T0 * u) * eT

        # Slow capacities (the daily model's rates, per minute).
        aH = aT * aE
        Hc += adaptation_rate(aH, kH0, kH1) * (capacity_target(aH, floor, kappa) - Hc)
        P += adaptation_rate(X, kP0, kP1) * (capacity_target(X, floor, kappa) - P)
        Ly += adaptation_rate(xL, kL0, kL1) * (capacity_target(xL, floor, kappa_L) - Ly)
    s[_K] = k
    return -1


# --------------------------------------------------------------------------- the run
def _run(patient, regimens, steps: int, seed: int, parameters: Parameters, compiled: bool = False):
    c, d = constants(parameters), _daily.constants(parameters)
    m = _daily.man(patient.values(), d)
    state = [0.0] * len(_daily.STATES)
    u0 = _daily.untreated(d, m, state)
    loop = _daily.fast_loop(u0, state[0], state[1], state[2], state[3], 0.0, 0.0, 0.0, 0.0, 0.0, d, m)
    Hc, P, Ly = state[0], state[1], state[3]
    ib = eq.inhibin_b(m.sertoli, state[4], _daily.late_germ_cells(state, d), d.inhibin_germ_share)

    # Inputs on the one-minute grid, all in closed form.
    t_min = np.arange(steps + 1, dtype=float)
    t_days = t_min / 1440.0
    horizon = steps / 1440.0
    # (NumPy arrays and compiled superposition for the compiled run; agonists act only through
    # _gonadorelin_level, so the daily model's exposure is that of the other drugs.)
    if compiled:
        from . import _compiled
    backend = _compiled.levels_backend() if compiled else _drugs.PLAIN
    others = [r for r in regimens if not r._drug.pulse_averaged]
    exposure = _daily.exposures(others, t_days.tolist(), horizon, parameters, backend)[0]
    gonadorelin = _gonadorelin_level(regimens, t_days, horizon, parameters, backend)
    g_exo = gonadorelin / c.g_ref
    desens, recover = receptor_rates(_trough(g_exo, c.window), c)

    # The run's constants, as the minute loop (:func:`_minutes`) takes them.
    kG, mu = c.kG, c.mu
    const = _Minute(
        steps=steps, T0=d.T_0, to_nmol=eq.T_NG_DL_TO_NMOL_L, inv_fT0=1.0 / d.free_T_0, E2_residual=d.E2_residual,
        kappa_T=d.kappa_T, kappa_E=d.kappa_E, K_GnRH=d.K_GnRH, kappa_PE=d.kappa_PE, kappa_PT=d.kappa_PT,
        kappa_I=d.kappa_I, LH_0=d.LH_0, FSH_0=d.FSH_0, E2_0=d.E2_0, floor=d.capacity_floor, kappa=d.capacity_kappa,
        kappa_L=d.leydig_capacity_kappa, kH0=d.hypothalamus_k0 / 1440.0, kH1=d.hypothalamus_k1 / 1440.0,
        kP0=d.pituitary_k0 / 1440.0, kP1=d.pituitary_k1 / 1440.0, kL0=d.leydig_k0 / 1440.0, kL1=d.leydig_k1 / 1440.0,
        inv_mu=1.0 / mu, burst=c.burst, pulse_scale=kG * mu * m.gnrh_drive, kon=c.kon, koff=c.koff,
        eG=math.exp(-kG), cG=-math.expm1(-kG) / kG, inv_Bref=1.0 / c.B_ref, inv_Zref=1.0 / c.Z_ref, KZ=c.KZ, kZ=c.kZ,
        eX=c.eX, eZ=c.eZ, eL=c.eL, eT=c.eT, eF=math.exp(-c.kF), rho=c.rho, rho0=c.rho0,
        ef=math.exp(-c.kf), es=math.exp(-c.ks), cf=c.share * -math.expm1(-c.kf) / c.kf,
        cs=(1.0 - c.share) * -math.expm1(-c.ks) / c.ks, cL=d.LH_0 / c.lh_residence, ib=ib, basal=m.basal,
        shbg=m.shbg, albumin_term=m.albumin_term, aromatase=m.aromatase, pituitary=m.pituitary, leydig=m.leydig,
        leydig_K=m.leydig_K)

    # Untreated start: the daily model's steady state, with the receptor and the
    # frequency sensor at their means under the patient's own pulse train.
    B, Z = _periodic_means(c, loop.androgen, m.gnrh_drive * Hc * loop.estrogen, c.B_ref)
    X = B * const.inv_Bref
    made = eq.lh_secretion(m.pituitary, P, 0.0, eq.gonadotrope_response(X, const.K_GnRH), loop.pituitary_androgen, loop.y, const.kappa_PE)
    sigL = const.cL * made
    FSH = const.FSH_0 * eq.fsh_secretion(made, ib, const.kappa_I) * eq.brake(Z * const.inv_Zref, const.kZ, 1.0)
    draws = _Draws(seed, c)
    draws.more(max(math.ceil(steps * const.inv_mu * _DRAWS_AHEAD / _CHUNK), 1))
    start = dict(Te=loop.T, xL=loop.x, B=B, X=X, Z=Z, Q=sigL / (c.rho * X + c.rho0), Lf=sigL * c.share / c.kf,
                 Ls=sigL * (1.0 - c.share) / c.ks, FSH=FSH, Hc=Hc, P=P, Ly=Ly, phase=draws.start * draws.thresholds[0])
    state = [start.get(name, 0.0) for name in _STATE]  # no desensitisation, GnRH, burst or pulse yet

    n = steps + 1
    if compiled:  # NumPy arrays (contiguous, one signature) for numba
        minutes, array = _compiled.pulse_kernel(), np.array
        columns = np.asarray(exposure, dtype=float).T[:4]
        inputs = [np.ascontiguousarray(x) for x in (*columns, g_exo, desens, recover)]
        pulses, records = np.zeros(n), list(np.zeros((9, n)))
    else:  # lists, which plain Python indexes fastest
        minutes, array = _minutes, list
        inputs = [[row[j] for row in exposure] for j in range(4)] + [g_exo.tolist(), desens.tolist(), recover.tolist()]
        pulses, records = [0.0] * n, [[0.0] * n for _ in range(9)]
    state = array(state)
    stop = 0
    while stop >= 0:  # until the run ends; each stop asks for more pulse draws, and the run resumes there
        stop = minutes(stop, state, const, *inputs, array(draws.thresholds), array(draws.sizes), pulses, *records)
        if stop >= 0:
            draws.more()
    rec_G, rec_R, rec_B, rec_D, rec_LH, rec_FSH, rec_T, rec_fT, rec_E2 = records
    pulse_minutes = pulses[:int(state[_K])]

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
    values["receptor_free"] = np.maximum(np.asarray(rec_R, dtype=float), 0.0)  # round-off only
    values = _model._checked(values, "the pulse model")
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
    parameters: Parameters | None = None,
    compiled: bool | None = None,
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
    parameters : an :class:`hpg.parameters.Parameters` (default: the model's table).
    compiled : run the minute loop compiled with numba (True), in plain Python (False), or
        compiled where numba is installed and ``HPG_NUMBA`` is not 0 (None, the default), as
        :func:`hpg.simulate`. Same pulses, and outputs that agree to round-off.

    Returns a :class:`PulseResult` with ``t`` in hours and outputs GnRH (relative),
    gonadorelin (pg/mL), receptor_free / receptor_bound / receptor_desensitised
    (fractions of GnRH receptors), LH and FSH (IU/L), T (ng/dL), free_T (nmol/L) and E2
    (pg/mL). Raises :class:`hpg.model.SolverError` rather than return anything
    non-finite or negative.
    """
    hours = _hours(hours)
    regimens = _shorthand(gonadorelin, interval, dose) + check_regimens(regimens)
    patient = check_patient(patient)
    seed = _seed(seed)
    compiled = _model._use_compiled(compiled)
    steps = math.ceil(hours * 60.0 - 1e-9)
    t, values, pulse_times = _run(patient, regimens, steps, seed, _check_parameters(parameters), compiled)
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
    cv = DEFAULT["assay_cv_LH"] if cv is None else _drugs._number("cv", cv)
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
    cv = DEFAULT["assay_cv_LH"] if cv is None else _drugs._number("cv", cv)
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
