"""The daily (pulse-averaged) model of the male HPG axis for one man, in plain Python.

Time is in days. Fast hormones (GnRH drive, LH, FSH, serum and intratesticular
testosterone, estradiol, free testosterone, inhibin B) settle within hours, so on this
timescale they are algebraic: at every instant they satisfy the closed feedback loop
(:func:`fast_loop`)

    Leydig output u -> serum T (+ exogenous T) -> free T, estradiol
      -> GnRH drive (androgen- and estrogen-receptor brakes)
      -> LH (pituitary; estradiol brake; receptor desensitisation) -> LH-receptor stimulus (+ hCG) -> u

which has exactly one solution because every link is monotone and the loop is negative
(:func:`solve`). Slow states carry the memory of the axis (``STATES``):

==========  ===============================================================
Hc          hypothalamic capacity (falls while feedback keeps GnRH silent)
P           pituitary (gonadotrope) capacity (falls without GnRH)
Rd          fraction of GnRH receptors desensitised by continuous agonist
Ly          Leydig-cell capacity (atrophy without LH or hCG)
S           Sertoli support of spermatogenesis: FSH and ITT add, and some ITT is
            needed for any of it
Pg          spermatogonial progenitor pool (A-pale spermatogonia), kept by
            Sertoli support; slowly depleted by long suppression
X1..X30     germ cells on their way to sperm, in three phases: differentiating
            spermatogonia (X1..X6, FSH-dependent survival), spermatocytes
            (X7..X18) and spermatids (X19..X30), both kept by Sertoli support
Ep          sperm in the epididymis (what an ejaculate samples)
Sm          mature share of the Sertoli cells: only mature Sertoli cells carry
            germ cells into meiosis and into spermiogenesis; intratesticular
            testosterone matures them within months, and a year without it lets
            a share revert
==========  ===============================================================

Germ cells advance at a fixed pace (the cycle of the seminiferous epithelium does not
speed up or slow down with hormones) and die when their survival factors fail, so a
compartment empties and must be refilled from upstream: the many short compartments
make the passage nearly a fixed delay.

Each slow state obeys ``dx/dt = A - B x`` with ``A >= 0`` and ``B > 0``
(:func:`slow_rates`). The integrator (:func:`integrate`) is a second-order exponential
predictor-corrector on that form: unconditionally positive (no state can go negative)
and stable for any step.

Every formula is a named function of :mod:`hpg.equations`; this module only composes
them. It needs the standard library alone, so the same code runs in a web browser
(Pyodide), and :mod:`hpg._compiled` compiles these very functions with numba: sequences
here are lists in plain Python and NumPy arrays there. :func:`run` is the plain entry
point; :func:`hpg.simulate` picks the compiled one when numba is installed.
"""
from __future__ import annotations

import functools
import math
from typing import NamedTuple

from . import drugs as _drugs
from . import equations as eq
from . import outputs as _outputs
from .parameters import DEFAULT, Parameters
from .parameters import check as _check_parameters

__all__ = ["Constants", "Man", "Loop", "STATES", "MATURITY", "sertoli_maturity", "constants", "man", "exposures", "fast_loop", "solve", "slow_rates",
           "clinical_outputs", "untreated", "integrate", "schedule", "run", "run_scenario", "drug_effects"]

#: Germ-cell compartments of each phase (structural; hpg/parameters.py lists them).
SPERMATOGONIA, SPERMATOCYTES, SPERMATIDS = 6, 12, 12
STAGES = SPERMATOGONIA + SPERMATOCYTES + SPERMATIDS
GERM = 6  # index of the first germ-cell compartment in STATES
STATES = ("Hc", "P", "Rd", "Ly", "S", "Pg", *(f"X{k + 1}" for k in range(STAGES)), "Ep", "Sm")
MATURITY = GERM + STAGES + 1  # index of the mature share of Sertoli cells in STATES
#: Drug exposure at one time, the columns of :func:`exposures`.
EXPOSURE = ("T_exo", "antagonist", "inhibition", "hcg", "gonadorelin", "continuous", "fsh")


class Constants(NamedTuple):
    """The model's numbers for :mod:`hpg.equations`, named as in hpg/parameters.py, plus
    the healthy references derived from them (``free_T_0``, ``germ_*_ref``)."""

    T_0: float
    LH_0: float
    FSH_0: float
    E2_0: float
    inhibin_B_0: float
    ITT_0: float
    sperm_0: float
    testis_volume_0: float
    K_albumin: float
    albumin_molar_mass: float
    kappa_T: float
    kappa_E: float
    kappa_PE: float
    kappa_PT: float
    kappa_I: float
    K_GnRH: float
    receptor_desens_rate: float
    receptor_desens_K: float
    receptor_recovery_rate: float
    receptor_recovery_K: float
    K_Leydig: float
    leydig_basal: float
    capacity_floor: float
    capacity_kappa: float
    leydig_capacity_kappa: float
    hypothalamus_k0: float
    hypothalamus_k1: float
    pituitary_k0: float
    pituitary_k1: float
    leydig_k0: float
    leydig_k1: float
    sertoli_weight_FSH: float
    K_FSH: float
    K_ITT: float
    K_ITT_permissive: float
    sertoli_tau: float
    spermatogonia_days: float
    spermatocyte_days: float
    spermatid_days: float
    epididymis_days: float
    spermatogonial_loss_max: float
    K_FSH_spermatogonia: float
    germ_loss_max: float
    K_support_germ: float
    progenitor_floor: float
    progenitor_kappa: float
    progenitor_k0: float
    progenitor_renewal: float
    sertoli_maturation_max: float
    sertoli_reversion_max: float
    K_ITT_maturation: float
    inhibin_germ_share: float
    testis_germ_share: float
    E2_residual: float
    aromatase_bmi_exponent: float
    bmi_0: float
    K_enclomiphene: float
    K_tamoxifen: float
    IC50_anastrozole: float
    K_hCG: float
    hCG_max: float
    gonadorelin_ref: float
    free_T_0: float  # free testosterone of the healthy man (SHBG 35 nmol/L, albumin 43 g/L), nmol/L
    germ_mass_ref: float  # mean germ-cell compartment of the healthy man
    germ_meiotic_ref: float  # mean spermatocyte compartment of the healthy man
    germ_late_ref: float  # mean spermatid compartment of the healthy man
    germ_epididymis_ref: float  # epididymal sperm of the healthy man


class Man(NamedTuple):
    """One man's parameters as the equations use them (hpg.patients documents each)."""

    gnrh_drive: float
    pituitary: float
    leydig: float
    leydig_K: float  # K_Leydig times his Leydig reserve
    basal: float  # share of his Leydig output that needs no LH: leydig_basal times his Leydig autonomy
    sertoli: float
    germ: float
    aromatase: float  # aromatase activity at his body-mass index
    shbg: float
    albumin_term: float  # 1 + K_albumin [albumin]
    germ_K: float  # Sertoli support his spermatocytes and spermatids need: K_support_germ times his own need
    renewal: float  # his progenitor self-renewal rate: progenitor_renewal times his own factor


class Loop(NamedTuple):
    """The fast loop solved at one time: every intermediate, by name."""

    T: float  # serum total testosterone, ng/dL
    free_T: float  # nmol/L
    e: float  # estradiol, relative
    y: float  # estrogen-receptor-alpha signal
    androgen: float  # androgen brake on GnRH
    estrogen: float  # estrogen brake on GnRH
    G: float  # GnRH, relative
    q: float  # GnRH-receptor stimulus
    response: float  # gonadotrope response
    pituitary_androgen: float  # testosterone's direct brake on the gonadotropes
    LH: float  # relative
    x: float  # LH-receptor stimulus (LH + hCG)
    u_next: float  # Leydig output this loop returns


@functools.lru_cache(maxsize=64)
def constants(parameters: Parameters = DEFAULT) -> Constants:
    """The daily model's constants for a parameter set (computed once per set)."""
    p = parameters
    for name, count in (("spermatogonia_stages", SPERMATOGONIA), ("spermatocyte_stages", SPERMATOCYTES), ("spermatid_stages", SPERMATIDS)):
        if int(p[name]) != count:
            raise ValueError(f"parameter {name} must be {count} (the number of germ-cell states of that phase), got {p[name]!r}")
    values = {name: p[name] for name in Constants._fields if name in p}
    albumin_term = eq.albumin_binding(43.0, p["K_albumin"], p["albumin_molar_mass"])
    values["free_T_0"] = eq.free_testosterone(p["T_0"] * eq.T_NG_DL_TO_NMOL_L, 35.0, albumin_term)
    c = Constants(**values, germ_mass_ref=1.0, germ_meiotic_ref=1.0, germ_late_ref=1.0, germ_epididymis_ref=1.0)
    # The healthy man's germ cells: FSH, ITT and progenitors at 1, his threshold the median.
    s = [0.0] * len(STATES)
    released = germ_steady(SPERMATOGONIA / c.spermatogonia_days, germ_rates(1.0, 1.0, c.K_support_germ, c), sertoli_maturity(1.0, c), s)
    return c._replace(
        germ_mass_ref=germ_mean(s, 0, STAGES),
        germ_meiotic_ref=germ_mean(s, SPERMATOGONIA, SPERMATOCYTES),
        germ_late_ref=germ_mean(s, SPERMATOGONIA + SPERMATOCYTES, SPERMATIDS),
        germ_epididymis_ref=released * c.epididymis_days,
    )


def man(patient: dict, c: Constants) -> Man:
    """A man's :class:`Man` from his patient parameters (``Patient.values()``)."""
    return Man(
        patient["gnrh_drive"],
        patient["pituitary_capacity"],
        patient["leydig_capacity"],
        c.K_Leydig * patient["leydig_reserve"],
        c.leydig_basal * patient["leydig_autonomy"],
        patient["sertoli_capacity"],
        patient["germ_reserve"],
        eq.aromatase_activity(patient["aromatase"], patient["bmi"], c.bmi_0, c.aromatase_bmi_exponent),
        patient["shbg"],
        eq.albumin_binding(patient["albumin"], c.K_albumin, c.albumin_molar_mass),
        c.K_support_germ * patient["germ_support_need"],
        c.progenitor_renewal * patient["progenitor_renewal"],
    )


# --------------------------------------------------------------------------- drug exposure
def exposures(regimens, times, horizon: float, parameters: Parameters = DEFAULT, backend=_drugs.PLAIN) -> tuple:
    """What the drugs present at each of ``times`` (days, ascending) do to the axis: rows of
    :data:`EXPOSURE` (:func:`drug_effects`), and every species' level by name."""
    c = constants(parameters)
    levels = _drugs.levels(regimens, times, horizon, parameters, backend=backend)
    zero = backend.zeros(len(times))
    continuous = backend.zeros(len(times))
    for r in regimens:
        share = r.continuous_fraction(parameters)
        if share:
            level = _drugs.levels([r], times, horizon, parameters, backend=backend)["gonadorelin"]
            for i in range(len(continuous)):
                continuous[i] += share * level[i]
    columns = [levels.get(name, zero) for name in
               ("exogenous_T", "enclomiphene_effect", "tamoxifen", "N_desmethyltamoxifen", "anastrozole_effect", "hcg", "gonadorelin")]
    return backend.rows(drug_effects, columns + [continuous, levels.get("follitropin", zero)], c), levels


def drug_effects(T_exo, enclomiphene, tamoxifen, desmethyltamoxifen, anastrozole, hcg, gonadorelin, continuous, fsh, c):
    """The drug levels at one time (or at many, as arrays) as what the axis feels
    (:data:`EXPOSURE`): exogenous T (ng/dL), ERalpha antagonist occupancy, aromatase
    inhibition, hCG in LH equivalents, gonadorelin and its continuous part relative to
    healthy GnRH, and FSH from a drug relative to the healthy man's FSH."""
    return (
        T_exo,
        eq.er_alpha_antagonism(enclomiphene, c.K_enclomiphene, tamoxifen + desmethyltamoxifen, c.K_tamoxifen),
        eq.aromatase_inhibition(anastrozole, c.IC50_anastrozole),
        eq.hcg_lh_equivalents(hcg, c.hCG_max, c.K_hCG),
        gonadorelin / c.gonadorelin_ref,
        continuous / c.gonadorelin_ref,
        fsh / c.FSH_0,
    )


# --------------------------------------------------------------------------- the fast loop
def fast_loop(u, Hc, P, Rd, Ly, T_exo, antagonist, inhibition, hcg, gonadorelin, c, m):
    """One turn of the fast loop from Leydig output ``u``: every hormone it implies, and the
    Leydig output ``u_next`` they would produce (the loop is closed where ``u_next = u``)."""
    T = eq.serum_testosterone(u, T_exo, c.T_0)
    free_T = eq.free_testosterone(T * eq.T_NG_DL_TO_NMOL_L, m.shbg, m.albumin_term)
    e = eq.estradiol(T / c.T_0, m.aromatase, inhibition, c.E2_residual)
    y = eq.er_alpha_signal(e, antagonist)
    androgen = eq.androgen_brake(free_T / c.free_T_0, c.kappa_T)
    estrogen = eq.estrogen_brake(y, c.kappa_E)
    G = eq.gnrh(m.gnrh_drive, Hc, androgen, estrogen)
    q = eq.gnrh_receptor_stimulus(G, gonadorelin)
    response = eq.gonadotrope_response(q, c.K_GnRH)
    pituitary_androgen = eq.pituitary_androgen_brake(free_T / c.free_T_0, c.kappa_PT)
    LH = eq.lh_secretion(m.pituitary, P, Rd, response, pituitary_androgen, y, c.kappa_PE)
    x = eq.lh_receptor_stimulus(LH, hcg)
    u_next = eq.leydig_output(m.leydig, Ly, x, m.leydig_K, m.basal)
    return Loop(T, free_T, e, y, androgen, estrogen, G, q, response, pituitary_androgen, LH, x, u_next)


def solve(u, slope, Hc, P, Rd, Ly, T_exo, antagonist, inhibition, hcg, gonadorelin, c, m, extra):
    """Close the fast loop from the guess ``u``: returns ``(u, slope, loop)``.

    ``u - u_next(u)`` increases with slope >= 1, so the root is unique. A quasi-Newton step
    with ``slope`` remembered from the previous call (it changes slowly from one step to the
    next), then secant steps until the residual is below 1e-7 (at most three more, or
    ``extra`` more if asked: the reference solver asks for many)."""
    loop = fast_loop(u, Hc, P, Rd, Ly, T_exo, antagonist, inhibition, hcg, gonadorelin, c, m)
    r0 = u - loop.u_next
    u1 = u - r0 / slope
    if u1 < 0.0:
        u1 = 0.0
    for i in range(extra + 4):
        loop = fast_loop(u1, Hc, P, Rd, Ly, T_exo, antagonist, inhibition, hcg, gonadorelin, c, m)
        r1 = u1 - loop.u_next
        secant = (r1 - r0) / (u1 - u) if u1 != u else 1.0
        slope = secant if secant > 1.0 else 1.0
        if i >= extra and (abs(r1) <= 1e-7 * (1.0 + u1) or i == extra + 3):
            break
        u, r0, u1 = u1, r1, u1 - r1 / slope
        if u1 < 0.0:
            u1 = 0.0
    return u1, slope, loop


# --------------------------------------------------------------------------- the slow states
def germ_rates(fsh, support, K, c):
    """Per phase of spermatogenesis (spermatogonia, spermatocytes, spermatids): the rate at
    which cells pass from one compartment to the next (1/day, fixed) and the total rate at
    which they leave one (passage plus death, :func:`hpg.equations.spermatogonial_loss`
    from FSH and :func:`hpg.equations.germ_cell_loss` from Sertoli support):
    ``(k1, b1, k2, b2, k3, b3)``."""
    k1 = SPERMATOGONIA / c.spermatogonia_days
    k2 = SPERMATOCYTES / c.spermatocyte_days
    k3 = SPERMATIDS / c.spermatid_days
    lost = eq.germ_cell_loss(support, c.germ_loss_max, K)
    return k1, k1 + eq.spermatogonial_loss(fsh, c.spermatogonial_loss_max, c.K_FSH_spermatogonia), k2, k2 + lost, k3, k3 + lost


def _phase(k, rates):
    """Passage rate and leaving rate of germ-cell compartment ``k`` (0-based)."""
    if k < SPERMATOGONIA:
        return rates[0], rates[1]
    if k < SPERMATOGONIA + SPERMATOCYTES:
        return rates[2], rates[3]
    return rates[4], rates[5]


def germ_entry(progenitors, c, m):
    """Cells a day entering spermatogenesis from the progenitor pool (the man's germ
    reserve and Sertoli capacity set its size); 1 per compartment-time in the healthy man."""
    return m.germ * m.sertoli * progenitors * SPERMATOGONIA / c.spermatogonia_days


def germ_steady(entry, rates, maturity, s):
    """Fill the germ-cell compartments of ``s`` at steady state for ``entry`` cells a day
    entering the first, a share ``maturity`` of them carried into meiosis and again into
    spermiogenesis (the mature share of Sertoli cells); returns the cells a day released into
    the epididymis."""
    flux = entry
    for k in range(STAGES):
        if _needs_mature_sertoli(k):
            flux *= maturity
        passage, leaving = _phase(k, rates)
        s[GERM + k] = flux / leaving
        flux = s[GERM + k] * passage
    return flux


def _needs_mature_sertoli(k):
    """Whether germ-cell compartment ``k`` (0-based) is the first of meiosis or of spermiogenesis,
    which only mature Sertoli cells carry germ cells into."""
    return k == SPERMATOGONIA or k == SPERMATOGONIA + SPERMATOCYTES


def maturation_rates(u, c):
    """``(A, B)`` of the mature share of Sertoli cells under intratesticular testosterone ``u``:
    maturation (:func:`hpg.equations.sertoli_maturation_rate`) feeds it, and maturation plus
    reversion (:func:`hpg.equations.sertoli_reversion_rate`) set its rate."""
    k_M = eq.sertoli_maturation_rate(u, c.sertoli_maturation_max, c.K_ITT_maturation)
    return k_M, k_M + eq.sertoli_reversion_rate(u, c.sertoli_reversion_max, c.K_ITT_maturation)


def sertoli_maturity(u, c):
    """The mature share of Sertoli cells at rest under intratesticular testosterone ``u``,
    where maturation and reversion balance (``A / B`` of :func:`maturation_rates`)."""
    A, B = maturation_rates(u, c)
    return A / B


def germ_mean(s, first, count):
    """Mean of ``count`` germ-cell compartments of ``s`` from compartment ``first`` (0-based)."""
    cells = 0.0
    for k in range(first, first + count):
        cells += s[GERM + k]
    return cells / count


def late_germ_cells(s, c):
    """Spermatids relative to the healthy man's."""
    return germ_mean(s, SPERMATOGONIA + SPERMATOCYTES, SPERMATIDS) / c.germ_late_ref


def spermatocytes(s, c):
    """Spermatocytes relative to the healthy man's."""
    return germ_mean(s, SPERMATOGONIA, SPERMATOCYTES) / c.germ_meiotic_ref


def follicle_stimulation(loop, s, fsh_drug, c, m):
    """Inhibin B and the FSH the testes feel (relative): the pituitary's own and a drug's."""
    inhibin = eq.inhibin_b(m.sertoli, s[4], late_germ_cells(s, c), c.inhibin_germ_share)
    return inhibin, eq.fsh_secretion(loop.LH, inhibin, c.kappa_I) + fsh_drug


def slow_rates(u, loop, s, continuous, fsh_drug, c, m, A, B):
    """Fill ``A`` and ``B`` with the rates of every slow state ``s`` (``dx/dt = A - B x``)."""
    activity = loop.androgen * loop.estrogen
    k = eq.adaptation_rate(activity, c.hypothalamus_k0, c.hypothalamus_k1)
    A[0], B[0] = k * eq.capacity_target(activity, c.capacity_floor, c.capacity_kappa), k
    signal = loop.q * (1.0 - s[2])  # GnRH on receptors that still signal
    k = eq.adaptation_rate(signal, c.pituitary_k0, c.pituitary_k1)
    A[1], B[1] = k * eq.capacity_target(signal, c.capacity_floor, c.capacity_kappa), k
    D = eq.desensitisation_rate(continuous, c.receptor_desens_rate, c.receptor_desens_K)
    A[2], B[2] = D, D + eq.resensitisation_rate(continuous, c.receptor_recovery_rate, c.receptor_recovery_K)
    k = eq.adaptation_rate(loop.x, c.leydig_k0, c.leydig_k1)
    A[3], B[3] = k * eq.capacity_target(loop.x, c.capacity_floor, c.leydig_capacity_kappa), k
    S, Pg = s[4], s[5]
    fsh = follicle_stimulation(loop, s, fsh_drug, c, m)[1]
    A[4] = eq.sertoli_target(fsh, u, c.sertoli_weight_FSH, c.K_FSH, c.K_ITT, c.K_ITT_permissive) / c.sertoli_tau
    B[4] = 1.0 / c.sertoli_tau
    # the progenitor pool relaxes to what support holds (k0) and self-renewal fills the niche (k_R)
    k_R = eq.self_renewal_rate(S, Pg, m.renewal)
    A[5] = c.progenitor_k0 * eq.capacity_target(S, c.progenitor_floor, c.progenitor_kappa) + k_R
    B[5] = c.progenitor_k0 + k_R
    rates = germ_rates(fsh, S, m.germ_K, c)
    A[GERM] = germ_entry(Pg, c, m)
    passage = 0.0
    for k in range(STAGES):
        if k > 0:
            A[GERM + k] = s[GERM + k - 1] * passage
        if _needs_mature_sertoli(k):
            A[GERM + k] *= s[MATURITY]
        passage, B[GERM + k] = _phase(k, rates)
    A[GERM + STAGES] = s[GERM + STAGES - 1] * passage
    B[GERM + STAGES] = 1.0 / c.epididymis_days
    A[MATURITY], B[MATURITY] = maturation_rates(u, c)


def clinical_outputs(u, loop, s, fsh_drug, c, m, out):
    """Fill ``out`` with the clinical outputs (``hpg.outputs.PHYSIOLOGY``, in their units)."""
    inhibin, fsh = follicle_stimulation(loop, s, fsh_drug, c, m)
    out[0] = loop.T
    out[1] = loop.free_T
    out[2] = m.shbg
    out[3] = c.E2_0 * loop.e
    out[4] = c.LH_0 * loop.LH
    out[5] = c.FSH_0 * fsh
    out[6] = c.ITT_0 * u
    out[7] = c.inhibin_B_0 * inhibin
    out[8] = c.sperm_0 * s[GERM + STAGES] / c.germ_epididymis_ref
    out[9] = c.testis_volume_0 * eq.testis_volume(germ_mean(s, 0, STAGES) / c.germ_mass_ref, m.sertoli, c.testis_germ_share)
    out[10] = loop.G
    out[11] = s[0]
    out[12] = s[1]
    out[13] = s[3]
    out[14] = s[2]
    out[15] = s[4]
    out[16] = s[5]
    out[17] = spermatocytes(s, c)
    out[18] = late_germ_cells(s, c)
    out[19] = s[MATURITY]


# --------------------------------------------------------------------------- steady state
def _capacities(u, c, m):
    """Given Leydig output ``u`` with no drugs: each capacity at the target its own activity
    sets (hypothalamus, then pituitary, then Leydig cells), and the loop they imply."""
    loop = fast_loop(u, 1.0, 1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, c, m)
    Hc = eq.capacity_target(loop.androgen * loop.estrogen, c.capacity_floor, c.capacity_kappa)
    loop = fast_loop(u, Hc, 1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, c, m)
    P = eq.capacity_target(loop.q, c.capacity_floor, c.capacity_kappa)
    loop = fast_loop(u, Hc, P, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, c, m)
    Ly = eq.capacity_target(loop.x, c.capacity_floor, c.leydig_capacity_kappa)
    loop = fast_loop(u, Hc, P, 0.0, Ly, 0.0, 0.0, 0.0, 0.0, 0.0, c, m)
    return Hc, P, Ly, loop


def untreated(c, m, s):
    """Fill ``s`` with the man's untreated steady state and return his Leydig output ``u``.

    At rest every capacity equals its target, so the axis reduces to one decreasing
    function of ``u`` whose fixed point is found by bisection; then Sertoli support by
    fixed-point iteration (a contraction: inhibin's brake on FSH is weak), with the
    germ-cell compartments in closed form."""
    low, high = 0.0, 10.0
    for _ in range(60):
        mid = 0.5 * (low + high)
        loop = _capacities(mid, c, m)[3]
        if loop.u_next > mid:
            low = mid
        else:
            high = mid
    u = 0.5 * (low + high)
    Hc, P, Ly, loop = _capacities(u, c, m)
    s[0], s[1], s[2], s[3] = Hc, P, 0.0, Ly
    s[MATURITY] = sertoli_maturity(u, c)
    S, fsh = 1.0, 1.0
    for _ in range(200):
        s[4] = S
        s[5] = eq.progenitor_steady(S, eq.capacity_target(S, c.progenitor_floor, c.progenitor_kappa), c.progenitor_k0, m.renewal)
        released = germ_steady(germ_entry(s[5], c, m), germ_rates(fsh, S, m.germ_K, c), s[MATURITY], s)
        fsh_new = follicle_stimulation(loop, s, 0.0, c, m)[1]
        S_new = eq.sertoli_target(fsh_new, u, c.sertoli_weight_FSH, c.K_FSH, c.K_ITT, c.K_ITT_permissive)
        done = abs(S_new - S) + abs(fsh_new - fsh) < 1e-13
        S, fsh = S_new, fsh_new
        if done:
            break
    s[GERM + STAGES] = released * c.epididymis_days
    return u


# --------------------------------------------------------------------------- integration
def integrate(s, u, steps, at, before, every, c, m, record, A, B, A1, B1, guess):
    """Integrate the slow states ``s`` (from Leydig output ``u``) over the nodes of ``at``.

    ``at[i]`` and ``before[i]`` are the drug exposure (:data:`EXPOSURE`) at node ``i`` and
    just before it (they differ only where a pump starts or stops); ``steps[i]`` is the
    step (days) from node ``i`` to ``i + 1``. Every ``every``-th node and the last are
    recorded into the rows of ``record`` (:func:`clinical_outputs`); returns the number of
    rows written. A germ-cell compartment is fed by the one before it, so the corrector takes
    that feed at the end of the step from the compartment already corrected (the chain is
    swept in order): a wave of germ cells then moves through the chain as fast as it should. ``A``, ``B``, ``A1``, ``B1`` and ``guess`` are work space, one entry a state.
    """
    nodes, n = len(at), len(s)
    slope = 2.0
    x = at[0]
    u, slope, loop = solve(u, slope, s[0], s[1], s[2], s[3], x[0], x[1], x[2], x[3], x[4], c, m, 0)
    slow_rates(u, loop, s, x[5], x[6], c, m, A, B)
    rows = 0
    for i in range(nodes):
        if i % every == 0 or i == nodes - 1:
            clinical_outputs(u, loop, s, x[6], c, m, record[rows])
            rows += 1
        if i == nodes - 1:
            break
        h = steps[i]
        # predictor: exponential Euler with the rates at the start of the step (compartments of
        # one germ-cell phase share a rate, so each decay factor is computed once)
        rate, decay = -1.0, 1.0
        for j in range(n):
            if B[j] != rate:
                rate, decay = B[j], math.exp(-B[j] * h)
            q = A[j] / B[j]
            guess[j] = q + (s[j] - q) * decay
        x = before[i + 1]
        u1, slope, loop = solve(u, slope, guess[0], guess[1], guess[2], guess[3], x[0], x[1], x[2], x[3], x[4], c, m, 0)
        slow_rates(u1, loop, guess, x[5], x[6], c, m, A1, B1)
        # corrector: the exact solution for the loss rate averaged over the step and the source
        # growing linearly from its value at the start to its predicted value at the end (second
        # order, and it follows a fast compartment's source to its end, as a germ-cell chain needs):
        # the state at the start weighs decay, the source at the start phi - ramp, at the end ramp
        rate, decay, start, ramp, corrected = -1.0, 1.0, 0.0, 0.0, 0.0
        for j in range(n):
            mean = 0.5 * (B[j] + B1[j])
            if mean != rate:
                rate = mean
                phi = -math.expm1(-rate * h) / rate  # integral of exp(-rate (h - t)) over the step
                decay, ramp = 1.0 - rate * phi, (h - phi) / (rate * h)
                start = phi - ramp
            if GERM < j <= GERM + STAGES and guess[j - 1] > 0.0:
                # fed by the compartment before: the source at the end scales with its corrected
                # value (one multiply-add a compartment on the chain, the rest computed beside it)
                corrected = s[j] * decay + A[j] * start + corrected * (ramp * A1[j] / guess[j - 1])
            else:
                corrected = s[j] * decay + A[j] * start + A1[j] * ramp
            s[j] = corrected
        x = at[i + 1]
        u, slope, loop = solve(u1, slope, s[0], s[1], s[2], s[3], x[0], x[1], x[2], x[3], x[4], c, m, 0)
        slow_rates(u, loop, s, x[5], x[6], c, m, A, B)
    return rows


@functools.lru_cache(maxsize=32)
def _grid(days: float, steps_per_day: int) -> tuple:
    """The nodes of a run, the steps between them, the indices of the recorded nodes and their
    times, as tuples (kept: a book's explorer runs the same grid again and again)."""
    count = int(math.floor(days * steps_per_day + 1e-9))
    t_nodes = [i / steps_per_day for i in range(count + 1)]
    if days - t_nodes[-1] > 1e-9:
        t_nodes.append(days)
    kept = list(range(0, len(t_nodes), steps_per_day))
    if kept[-1] != len(t_nodes) - 1:
        kept.append(len(t_nodes) - 1)
    steps = [b - a for a, b in zip(t_nodes, t_nodes[1:])]
    return tuple(t_nodes), tuple(steps), tuple(kept), tuple(t_nodes[i] for i in kept)


def schedule(regimens, days: float, steps_per_day: int, parameters: Parameters = DEFAULT, backend=_drugs.PLAIN):
    """The nodes of a run and what the drugs do at them.

    Nodes every ``1/steps_per_day`` day; a run that does not end on a node gets a last,
    shorter step to ``days``. Returns ``(t_nodes, steps, at, before, levels, t_out)``:
    ``t_out`` are the recorded times (every whole day, and ``days`` itself)."""
    t_nodes, steps, kept, t_out = _grid(days, steps_per_day)
    at, levels = exposures(regimens, t_nodes, days, parameters, backend)
    # Levels just before a node differ from those at it only for a drug that starts or stops
    # as a step (pulse-averaged gonadorelin); every other level is continuous.
    step_like = any(r._drug.pulse_averaged for r in regimens)
    before = exposures(regimens, [t - 1e-9 for t in t_nodes], days, parameters, backend)[0] if step_like else at
    kept = list(kept)
    return t_nodes, steps, at, before, {name: backend.take(v, kept) for name, v in levels.items()}, list(t_out)


def run(regimens, patient: dict, days: float, steps_per_day: int = 2, parameters: Parameters = DEFAULT):
    """One man (his ``Patient.values()``) under ``regimens``, in plain Python.

    Returns ``(t, values)``: the recorded days and, for every output of
    ``hpg.outputs.DAILY``, a list of values at them. Inputs are assumed checked
    (:func:`hpg.simulate` checks them)."""
    c = constants(parameters)
    m = man(patient, c)
    _, steps, at, before, levels, t = schedule(regimens, days, steps_per_day, parameters)
    n = len(STATES)
    s = [0.0] * n
    u = untreated(c, m, s)
    record = [[0.0] * len(_outputs.PHYSIOLOGY) for _ in t]
    integrate(s, u, steps, at, before, steps_per_day, c, m, record, [0.0] * n, [0.0] * n, [0.0] * n, [0.0] * n, [0.0] * n)
    values = {name: [row[j] for row in record] for j, name in enumerate(_outputs.PHYSIOLOGY)}
    zero = [0.0] * len(t)
    for name in _outputs.DRUG_LEVELS:
        values[name] = levels.get(name, zero)
    return t, values


def run_scenario(scenario: dict) -> dict:
    """A whole simulation as plain data, for the browser lab (JSON in, JSON out).

    ``scenario = {"patient": {"preset": "healthy", <patient parameters>}, "regimens":
    [{"drug": ..., "dose": ..., "every": ..., "start": ..., "stop": ...} or
    {"drug": ..., "rate": ..., "start": ..., "stop": ..., "infusion": true}], "days": 730}``.
    Returns ``{"t": [...], "outputs": {name: [...]}, "units": {name: unit}}``. Bad input
    raises the same errors, naming the field, as :func:`hpg.simulate`."""
    from .checks import check_days, check_patient, check_regimens, check_steps_per_day
    from .patients import Patient

    if not isinstance(scenario, dict):
        raise TypeError(f"scenario must be a dict, got {type(scenario).__name__}")
    unknown = set(scenario) - {"patient", "regimens", "days", "steps_per_day"}
    if unknown:
        raise KeyError(f"unknown scenario field(s) {', '.join(sorted(unknown))}; known: patient, regimens, days")
    spec = dict(scenario.get("patient") or {})
    preset = spec.pop("preset", None)
    patient = Patient.preset(preset, **spec) if preset else Patient(**spec)
    regimens = []
    for item in scenario.get("regimens") or []:
        item = dict(item)
        kind = _drugs.Infusion if item.pop("infusion", False) else _drugs.Regimen
        regimens.append(kind(**item))
    regimens = check_regimens(regimens)
    patient = check_patient(patient)
    days = check_days(scenario.get("days", 365))
    t, values = run(regimens, patient.values(), days, check_steps_per_day(scenario.get("steps_per_day", 2), days))
    return {"t": t, "outputs": values, "units": {name: _outputs.REGISTRY[name].unit for name in values}}
