"""The daily (pulse-averaged) model of the male HPG axis: equations, integrator, results.

Time is in days. Fast hormones (GnRH drive, LH, FSH, serum and intratesticular
testosterone, estradiol, free testosterone, inhibin B) settle within hours, so
on this timescale they are algebraic: at every instant they satisfy the closed
feedback loop

    Leydig output u -> serum T (+ exogenous T) -> free T, estradiol
      -> GnRH drive (androgen- and estrogen-receptor brakes)
      -> LH (pituitary; estradiol brake; receptor desensitisation) -> LH-receptor stimulus (+ hCG) -> u

which has exactly one solution because every link is monotone and the loop is
negative. Slow states carry the memory of the axis:

==========  ===============================================================
Hc          hypothalamic capacity (falls while feedback keeps GnRH silent)
P           pituitary (gonadotrope) capacity (falls without GnRH)
Rd          fraction of GnRH receptors desensitised by continuous agonist
Ly          Leydig-cell capacity (atrophy without LH or hCG)
S           Sertoli support of spermatogenesis, from FSH and ITT
X1..X6      germ cells in six successive compartments (69 days in all)
Ep          sperm in the epididymis (what an ejaculate samples)
==========  ===============================================================

Each slow state obeys ``dx/dt = A - B x`` with ``A >= 0`` and ``B > 0``. The
integrator is a second-order exponential predictor-corrector on that form:
unconditionally positive (no state can go negative) and stable for any step.
It runs on plain floats for one patient and on NumPy arrays for a cohort: the
same code, vectorised over patients, never looping over them.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np

from . import drugs as _drugs
from .arguments import whole as _whole
from .parameters import value as _v
from .patients import Patient

__all__ = ["simulate", "Result", "OUTPUTS", "UNITS", "SolverError", "steady_state"]

NG_DL_TO_NMOL_L = 0.034672  # testosterone: 1 ng/dL = 0.034672 nmol/L (M = 288.4 g/mol)
STATE_NAMES = ("Hc", "P", "Rd", "Ly", "S", "X1", "X2", "X3", "X4", "X5", "X6", "Ep")
N_STAGES = 6

#: Every output, with its unit. Drug species are added from the catalogue.
UNITS: dict[str, str] = {
    "T": "ng/dL",
    "free_T": "nmol/L",
    "SHBG": "nmol/L",
    "E2": "pg/mL",
    "LH": "IU/L",
    "FSH": "IU/L",
    "ITT": "nmol/L",
    "inhibin_B": "pg/mL",
    "sperm": "million/mL",
    "testis_volume": "mL",
    "GnRH": "relative",
    "hypothalamic_capacity": "relative",
    "pituitary_capacity": "relative",
    "leydig_capacity": "relative",
    "desensitisation": "fraction",
    "sertoli_support": "relative",
}
for _drug in _drugs.DRUGS.values():
    for _s in _drug.species:
        if not _s.effect_site:
            UNITS.setdefault(_s.name, _s.unit)
OUTPUTS = tuple(UNITS)



#: Exponents written into the equations (hot path); hpg/parameters.py documents them and
#: must agree (checked when the constants are built).
STRUCTURAL_EXPONENTS = {"n_T": 2.0, "n_E": 2.0, "m_GnRH": 1.5, "m_Leydig": 2.0, "desens_n": 4.0, "loss_n": 4.0}


class SolverError(RuntimeError):
    """The integration failed (a non-finite value appeared); nothing partial is returned."""


# --------------------------------------------------------------------------- constants
def _constants() -> SimpleNamespace:
    c = SimpleNamespace()
    c.T0 = _v("T_0")
    for name, exponent in STRUCTURAL_EXPONENTS.items():
        if _v(name) != exponent:
            raise ValueError(f"{name} is written into the equations as {exponent}; hpg/parameters.py says {_v(name)}")
    c.kT, c.kE = _v("kappa_T"), _v("kappa_E")
    c.kPE, c.kI = _v("kappa_PE"), _v("kappa_I")
    c.KGm = _v("K_GnRH") ** 1.5
    c.KL = _v("K_Leydig")
    c.cmin, c.ckap, c.ckapL = _v("capacity_floor"), _v("capacity_kappa"), _v("leydig_capacity_kappa")
    c.kH0, c.kH1 = _v("hypothalamus_k0"), _v("hypothalamus_k1")
    c.kP0, c.kP1 = _v("pituitary_k0"), _v("pituitary_k1")
    c.kL0, c.kL1 = _v("leydig_k0"), _v("leydig_k1")
    c.don, c.doff, c.dK = _v("desens_on"), _v("desens_off"), _v("desens_K")
    c.wF, c.KF, c.KI = _v("sertoli_weight_FSH"), _v("K_FSH"), _v("K_ITT")
    c.tauS = _v("sertoli_tau")
    c.kst = 1.0 / _v("stage_days")
    c.kepi = 1.0 / _v("epididymis_days")
    c.lmax, c.lK = _v("loss_max"), _v("loss_K")
    c.first_loss = int(_v("loss_first_stage")) - 1
    c.w_inh = _v("inhibin_germ_share")
    c.w_vol = _v("testis_germ_share")
    c.r_E2 = _v("E2_residual")
    c.a_bmi, c.bmi0 = _v("aromatase_bmi_exponent"), _v("bmi_0")
    c.K_en = _v("K_enclomiphene")
    c.K_tam, c.IC50_ana = _v("K_tamoxifen"), _v("IC50_anastrozole")
    c.K_hcg, c.hcg_max, c.g_ref = _v("K_hCG"), _v("hCG_max"), _v("gonadorelin_ref")
    c.b0 = _v("leydig_basal")
    c.N_alb_per_gL = _v("K_albumin") / _v("albumin_molar_mass")  # L/g: albumin term per g/L
    # Healthy baseline free testosterone (nmol/L), the reference of the androgen brake.
    c.fT0 = _free_T(c.T0 * NG_DL_TO_NMOL_L, 35.0, 1.0 + c.N_alb_per_gL * 43.0, math)
    # Healthy germ-cell reference levels: stage k steady state with support S = 1.
    loss1 = c.lmax / (1.0 + (1.0 / c.lK) ** 4)
    levels, x = [], 1.0
    for k in range(N_STAGES):
        if k >= c.first_loss:
            x = x * c.kst / (c.kst + loss1)
        levels.append(x)
    c.mass_ref = sum(levels) / N_STAGES
    c.late_ref = sum(levels[c.first_loss:]) / (N_STAGES - c.first_loss)
    c.ep_ref = levels[-1] * c.kst / c.kepi
    for name in ("T_0", "LH_0", "FSH_0", "E2_0", "inhibin_B_0", "ITT_0", "sperm_0", "testis_volume_0"):
        setattr(c, name, _v(name))
    return c


def _free_T(T_nmol, shbg, n_alb, xp):
    """Free testosterone (nmol/L) by mass action with SHBG and albumin (vermeulen1999).

    With K_SHBG = 1e9 L/mol = 1 L/nmol, free T solves
    ``n_alb FT^2 + (n_alb + SHBG - T) FT - T = 0``; the root is written in the form
    that does not cancel (``2T / (b + sqrt(b^2 + 4 n_alb T))``).
    """
    b = n_alb + shbg - T_nmol
    return 2.0 * T_nmol / (b + xp.sqrt(b * b + 4.0 * n_alb * T_nmol))


@functools.cache
def constants() -> SimpleNamespace:
    """The daily model's constants (from :mod:`hpg.parameters`), computed once."""
    return _constants()


# --------------------------------------------------------------------------- drug inputs
def drug_inputs(regimens, t: np.ndarray, horizon: float) -> dict[str, np.ndarray]:
    """Concentrations of every drug species at times ``t`` and the effects they feed the
    physiology: exogenous T (ng/dL), ERalpha antagonist load, aromatase
    inhibition, hCG in LH equivalents, gonadorelin (total and continuous) relative to
    endogenous GnRH."""
    c = constants()
    t = np.asarray(t, dtype=float)
    conc = {name: np.zeros_like(t) for name in _SPECIES_NAMES}
    continuous = np.zeros_like(t)
    singles = {}  # drug -> regimens that give it once in this run: superposed in one pass
    for regimen in regimens:
        if isinstance(regimen, _drugs.Regimen) and not regimen._drug.pulse_averaged and regimen.dose_count(horizon) == 1:
            singles.setdefault(regimen.drug, []).append(regimen)
            continue
        for name, values in regimen.concentrations(t, horizon).items():
            conc[name] += values
            if name == "gonadorelin":
                continuous += values * regimen.continuous_fraction()
    for drug, group in singles.items():
        levels = (group[0].concentrations(t, horizon) if len(group) == 1 else
                  _drugs.single_doses(_drugs.DRUGS[drug], t, [r.start for r in group], [r.dose for r in group]))
        for name, values in levels.items():
            conc[name] += values
    return {
        "species": conc,
        "Texo": conc["exogenous_T"],
        "aER": conc["enclomiphene_effect"] / c.K_en + (conc["tamoxifen"] + conc["N_desmethyltamoxifen"]) / c.K_tam,
        "IA": conc["anastrozole_effect"] / (conc["anastrozole_effect"] + c.IC50_ana),
        "hcg": c.hcg_max * conc["hcg"] / (conc["hcg"] + c.K_hcg),
        "g": conc["gonadorelin"] / c.g_ref,
        "gc": continuous / c.g_ref,
    }


_INPUT_KEYS = ("Texo", "aER", "IA", "hcg", "g")
NO_DRUGS = (0.0, 0.0, 0.0, 0.0, 0.0)
_SPECIES_NAMES = tuple(dict.fromkeys(s.name for d in _drugs.DRUGS.values() for s in d.species))


# --------------------------------------------------------------------------- the kernel
class _Kernel:
    """The model's equations for one patient (floats, ``xp=math``) or many (arrays, ``xp=numpy``)."""

    def __init__(self, patient: dict, xp):
        c = constants()
        self.c, self.xp = c, xp
        self.drive = patient["gnrh_drive"]
        self.pit = patient["pituitary_capacity"]
        self.ley = patient["leydig_capacity"]
        self.KLm = (c.KL * patient["leydig_reserve"]) ** 2
        self.sert = patient["sertoli_capacity"]
        self.germ = patient["germ_reserve"]
        self.arom = patient["aromatase"] * (patient["bmi"] / c.bmi0) ** c.a_bmi
        self.shbg = patient["shbg"]
        self.n_alb = 1.0 + c.N_alb_per_gL * patient["albumin"]

        self.loop = self._make_loop()
        self.rates = self._make_rates()
        self.slope = 2.0  # of u - F(u), remembered between solves (see solve)

    def _make_loop(self):
        """Build the closed fast loop as a function of Leydig output u (1 = healthy
        baseline), with every constant bound locally (this function is the model's
        hot path). Exponents are structural: 2 for the receptor brakes and the
        Leydig response (above a basal, LH-independent output), 1.5 for the GnRH
        response (``q * sqrt(q)``)."""
        c, sqrt = self.c, self.xp.sqrt
        T0, to_nmol, shbg, n_alb = c.T0, NG_DL_TO_NMOL_L, self.shbg, self.n_alb
        r_E2, arom = c.r_E2, self.arom
        kT, kT1, kE, kE1, inv_fT0 = c.kT, 1.0 + c.kT, c.kE, 1.0 + c.kE, 1.0 / c.fT0
        drive, KGm, KGm1 = self.drive, c.KGm, 1.0 + c.KGm
        pit, kPE, kPE1 = self.pit, c.kPE, 1.0 + c.kPE
        ley, KLm, b0 = self.ley, self.KLm, c.b0
        KLm1 = (1.0 - b0) * (1.0 + KLm)
        one_minus_r = 1.0 - r_E2

        def loop(u, st, inp):
            Hc, P, Rd, Ly = st[0], st[1], st[2], st[3]
            Texo, aER, IA, hcg, g = inp
            T = T0 * u + Texo
            Tn = T * to_nmol
            b = n_alb + shbg - Tn
            fT = 2.0 * Tn / (b + sqrt(b * b + 4.0 * n_alb * Tn))
            e = r_E2 + one_minus_r * arom * (1.0 - IA) * (T / T0)
            y = 2.0 * e / (1.0 + e + aER)  # ERalpha signal (estradiol share of occupancy), 1 at baseline
            xT = fT * inv_fT0
            aH = kT1 / (1.0 + kT * xT * xT) * kE1 / (1.0 + kE * y * y)
            G = drive * Hc * aH
            q = (G + g) * (1.0 - Rd)
            qm = q * sqrt(q)
            Sg = qm * KGm1 / (qm + KGm)
            LHr = pit * P * Sg * kPE1 / (1.0 + kPE * y)
            x = LHr + hcg
            xx = x * x
            u_new = ley * Ly * (b0 + xx * KLm1 / (xx + KLm))
            return u_new, (T, fT, e, y, aH, G, q, Sg, LHr, x)

        return loop

    def solve(self, u, st, inp, iterations=0):
        """Solve u = F(u) from the guess ``u``: F decreases in u, so u - F(u) increases
        with slope >= 1 and the root is unique.

        A quasi-Newton step with the slope remembered from the previous call (it
        changes slowly from one half-day to the next), then secant steps until the
        residual is below 1e-7 (at most three more, or ``iterations`` more if asked:
        the reference solver asks for many). Checked against
        :func:`simulate_reference`, which iterates to round-off, in tests/test_model.py."""
        loop = self.loop
        f0, parts = loop(u, st, inp)
        r0 = u - f0
        scalar = self.xp is math
        if scalar:
            u1 = u - r0 / self.slope
            if u1 < 0.0:
                u1 = 0.0
        else:
            u1 = np.maximum(u - r0 / self.slope, 0.0)
        for i in range(iterations + 4):
            f1, parts = loop(u1, st, inp)
            r1 = u1 - f1
            if scalar:
                slope = (r1 - r0) / (u1 - u) if u1 != u else 1.0
                self.slope = slope if slope > 1.0 else 1.0
                if i >= iterations and (abs(r1) <= 1e-7 * (1.0 + u1) or i == iterations + 3):
                    break
                u, r0, u1 = u1, r1, u1 - r1 / self.slope
                if u1 < 0.0:
                    u1 = 0.0
            else:
                self.slope = np.maximum((r1 - r0 + 1e-300) / (u1 - u + 1e-300), 1.0)
                if i >= iterations and (i == iterations + 3 or np.all(np.abs(r1) <= 1e-7 * (1.0 + u1))):
                    break
                u, r0, u1 = u1, r1, np.maximum(u1 - r1 / self.slope, 0.0)
        return u1, parts

    def _make_rates(self):
        """Build the function giving (A, B) of every slow state, with dx/dt = A - B x."""
        c = self.c
        cmin, ckap, ckapL = c.cmin, c.ckap, c.ckapL
        cspan = (1.0 - c.cmin) * (1.0 + c.ckap)
        cspanL = (1.0 - c.cmin) * (1.0 + c.ckapL)
        kH0, kH1, kP0, kP1, kL0, kL1 = c.kH0, c.kH1, c.kP0, c.kP1, c.kL0, c.kL1
        don, doff, dK4 = c.don, c.doff, c.dK ** 4
        wF, KF, KF1, KI, KI1, invS = c.wF, c.KF, 1.0 + c.KF, c.KI, 1.0 + c.KI, 1.0 / c.tauS
        kst, kepi, lmax, inv_lK, first = c.kst, c.kepi, c.lmax, 1.0 / c.lK, c.first_loss
        germ_in = self.germ * self.sert * kst
        pit, kPE1, kPE, kI1, kI = self.pit, 1.0 + c.kPE, c.kPE, 1.0 + c.kI, c.kI
        sert, w_inh, late_norm = self.sert, c.w_inh, 1.0 / ((N_STAGES - c.first_loss) * c.late_ref)
        B_transit, n_lossy = [kst] * first, N_STAGES - first

        def rates(u, parts, st, gc):
            aH, q, Sg, x, y = parts[4], parts[6], parts[7], parts[9], parts[3]
            S = st[4]
            kH = kH0 + kH1 * aH
            kP = kP0 + kP1 * q
            kL = kL0 + kL1 * x
            g2 = gc * gc
            g4 = g2 * g2
            D = don * g4 / (g4 + dK4)
            late = sum(st[5 + first:5 + N_STAGES])
            ib = sert * S * (1.0 - w_inh + w_inh * late * late_norm)
            f = pit * st[1] * Sg * kPE1 / (1.0 + kPE * y) * kI1 / (1.0 + kI * ib)
            Sinf = wF * f * KF1 / (f + KF) + (1.0 - wF) * u * KI1 / (u + KI)
            s2 = S * inv_lK
            s2 = s2 * s2
            loss = kst + lmax / (1.0 + s2 * s2)
            X = st[5:]
            A = [
                kH * (cmin + cspan * aH / (aH + ckap)),
                kP * (cmin + cspan * q / (q + ckap)),
                D,
                kL * (cmin + cspanL * x / (x + ckapL)),
                Sinf * invS,
                germ_in * S,
            ] + [xk * kst for xk in X]
            B = [kH, kP, D + doff, kL, invS] + B_transit + [loss] * n_lossy + [kepi]
            return A, B

        return rates

    def inhibin(self, S, X):
        c = self.c
        late = sum(X[c.first_loss:]) / (N_STAGES - c.first_loss) / c.late_ref
        return self.sert * S * (1.0 - c.w_inh + c.w_inh * late)

    def fsh(self, Sg, y, ib, P):
        c = self.c
        return self.pit * P * Sg * (1.0 + c.kPE) / (1.0 + c.kPE * y) * (1.0 + c.kI) / (1.0 + c.kI * ib)

    def outputs(self, u, parts, st):
        """Clinical outputs (in units) from the solved loop and the states."""
        c = self.c
        T, fT, e, y, aH, G, q, Sg, LHr, x = parts
        S = st[4]
        X = st[5:5 + N_STAGES]
        ib = self.inhibin(S, X)
        mass = sum(X) / N_STAGES / c.mass_ref
        return {
            "T": T,
            "free_T": fT,
            "SHBG": self.shbg,
            "E2": c.E2_0 * e,
            "LH": c.LH_0 * LHr,
            "FSH": c.FSH_0 * self.fsh(Sg, y, ib, st[1]),
            "ITT": c.ITT_0 * u,
            "inhibin_B": c.inhibin_B_0 * ib,
            "sperm": c.sperm_0 * st[-1] / c.ep_ref,
            "testis_volume": c.testis_volume_0 * (1.0 - c.w_vol + c.w_vol * mass * self.sert),
            "GnRH": G,
            "hypothalamic_capacity": st[0],
            "pituitary_capacity": st[1],
            "leydig_capacity": st[3],
            "desensitisation": st[2],
            "sertoli_support": S,
        }


# --------------------------------------------------------------------------- steady state
def _steady_state(kernel: _Kernel, n: int | None):
    """The untreated steady state: slow states and the Leydig output u.

    At rest every capacity equals its target, so the whole axis reduces to one
    decreasing function of u; its fixed point is found by bisection (vectorised
    over patients), then FSH, inhibin B and Sertoli support by fixed-point iteration
    (a contraction: inhibin's brake on FSH is weak), and the germ-cell pipeline in
    closed form.
    """
    c = kernel.c
    zero = 0.0 if n is None else np.zeros(n)
    one = 1.0 if n is None else np.ones(n)

    def capacity(a, kappa=c.ckap):
        return c.cmin + (1.0 - c.cmin) * (1.0 + kappa) * a / (a + kappa)

    def chain(u):
        # Given u: the hypothalamic capacity follows its activity, then the pituitary, then Leydig.
        none = (zero,) * 5  # no drugs
        _, parts = kernel.loop(u, (one, one, zero, one), none)
        aH = parts[4]
        Hc = capacity(aH)
        _, parts = kernel.loop(u, (Hc, one, zero, one), none)
        P = capacity(parts[6])
        _, parts = kernel.loop(u, (Hc, P, zero, one), none)
        Ly = capacity(parts[9], c.ckapL)
        u_new, parts = kernel.loop(u, (Hc, P, zero, Ly), none)
        return u_new, Hc, P, Ly, parts

    low, high = zero, 10.0 * one
    for _ in range(60):
        mid = 0.5 * (low + high)
        f, *_ = chain(mid)
        if n is None:
            low, high = (mid, high) if f > mid else (low, mid)
        else:
            up = f > mid
            low, high = np.where(up, mid, low), np.where(up, high, mid)
    u = 0.5 * (low + high)
    _, Hc, P, Ly, parts = chain(u)
    S = one
    for _ in range(200):
        Sg, y = parts[7], parts[3]
        loss = c.lmax / (1.0 + (S / c.lK) ** 4)
        X, x = [], kernel.germ * kernel.sert * S
        for k in range(N_STAGES):
            if k >= c.first_loss:
                x = x * c.kst / (c.kst + loss)
            X.append(x)
        f = kernel.fsh(Sg, y, kernel.inhibin(S, X), P)
        S_new = c.wF * f * (1.0 + c.KF) / (f + c.KF) + (1.0 - c.wF) * u * (1.0 + c.KI) / (u + c.KI)
        done = abs(S_new - S) < 1e-13 if n is None else bool(np.all(np.abs(S_new - S) < 1e-13))
        S = S_new
        if done:
            break
    Ep = X[-1] * c.kst / c.kepi
    return [Hc, P, zero, Ly, S, *X, Ep], u


def steady_state(patient: Patient | None = None) -> dict[str, float]:
    """Untreated steady-state outputs of ``patient`` (default: healthy)."""
    patient = _patient(patient)
    kernel = _Kernel(patient.values(), math)
    state, u = _steady_state(kernel, None)
    _, parts = kernel.loop(u, state, NO_DRUGS)
    out = kernel.outputs(u, parts, state)
    return out


# --------------------------------------------------------------------------- integration
def _integrate(kernel: _Kernel, state, u, inputs, steps: list):
    """Second-order exponential predictor-corrector over the nodes of ``inputs``.

    ``steps`` are the step lengths (days) between successive nodes. Returns the
    states and the solved loop at every node. ``inputs`` holds arrays over the
    nodes (shared by all patients)."""
    xp = kernel.xp
    keys = _INPUT_KEYS
    rows = list(zip(*[inputs[k].tolist() for k in keys]))
    gc = inputs["gc"].tolist()
    # Inputs just before each node: a pump that stops at a node still runs up to it.
    before = inputs["before"]
    rows_before = list(zip(*[before[k].tolist() for k in keys]))
    gc_before = before["gc"].tolist()
    nodes = len(rows)
    exp = xp.exp
    record_states = []
    record_u = []
    record_parts = []
    u, parts = kernel.solve(u, state, rows[0])
    A, B = kernel.rates(u, parts, state, gc[0])
    solve, rates = kernel.solve, kernel.rates
    for i in range(nodes):
        record_states.append(state)
        record_u.append(u)
        record_parts.append(parts)
        if i == nodes - 1:
            break
        h = steps[i]
        # predictor: exponential Euler with the rates at the start of the step
        pred = [q + (x - q) * exp(-b * h) for a, b, x in zip(A, B, state) for q in (a / b,)]
        u1, parts1 = solve(u, pred, rows_before[i + 1])
        A1, B1 = rates(u1, parts1, pred, gc_before[i + 1])
        # corrector: the same update with the rates averaged over the step (second order)
        new = []
        for a, b, a1, b1, x in zip(A, B, A1, B1, state):
            rate = 0.5 * (b + b1)
            q = 0.5 * (a + a1) / rate
            new.append(q + (x - q) * exp(-rate * h))
        state = new
        u, parts = solve(u1, state, rows[i + 1])
        A, B = rates(u, parts, state, gc[i + 1])
    return record_states, record_u, record_parts


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


def _patient(patient) -> Patient:
    if patient is None:
        return Patient(name="healthy")
    if isinstance(patient, str):
        return Patient.preset(patient)
    if not isinstance(patient, Patient):
        from .patients import PRESETS

        raise TypeError(
            f"patient must be an hpg.Patient, a preset name ({', '.join(PRESETS)}) or None, "
            f"got {type(patient).__name__} {patient!r}"
        )
    return patient


def _regimens(regimens) -> tuple:
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


def _days(days) -> float:
    days = _drugs._number("days", days, positive=True)
    if days > 36500:
        raise ValueError(f"days must be at most 36500 (100 years), got {days!r}")
    return days


MAX_STEPS_PER_DAY = 1440  # one step a minute: finer belongs to the pulse model
MAX_STEPS = 146_000  # integration steps in one run: a century at 4 steps a day (a few seconds)


def _check_steps_per_day(steps_per_day, days: float) -> int:
    """``steps_per_day`` as an int, bounded so that a run's work stays bounded."""
    steps = _whole("steps_per_day", steps_per_day, low=1)
    if steps > MAX_STEPS_PER_DAY:
        raise ValueError(f"steps_per_day must be at most {MAX_STEPS_PER_DAY} (one step a minute; "
                         f"hpg.simulate_pulses resolves minutes), got {_drugs._shown(steps_per_day)}")
    if days * steps > MAX_STEPS:
        raise ValueError(f"days x steps_per_day must be at most {MAX_STEPS:,} integration steps (for example "
                         f"36500 days at 4 steps a day), got days={days:g} x steps_per_day={steps} = {days * steps:,.0f}")
    return steps


def _run(kernel, regimens, days, steps_per_day, n):
    # Nodes every 1/steps_per_day day; a run that does not end on a node gets a last,
    # shorter step to ``days``. Outputs: every whole day, and ``days`` itself.
    t_nodes = np.arange(int(math.floor(days * steps_per_day + 1e-9)) + 1) / steps_per_day
    if days - t_nodes[-1] > 1e-9:
        t_nodes = np.append(t_nodes, days)
    nodes = len(t_nodes)
    steps = np.diff(t_nodes).tolist()
    inputs = drug_inputs(regimens, t_nodes, days)
    # Levels just before each node differ from those at it only for a drug that starts or
    # stops as a step (pulse-averaged gonadorelin); every other level is continuous.
    step_like = any(r._drug.pulse_averaged for r in regimens)
    inputs["before"] = drug_inputs(regimens, t_nodes - 1e-9, days) if step_like else inputs
    state, u = _steady_state(kernel, n)
    states, us, parts = _integrate(kernel, state, u, inputs, steps)
    rows = [i for i in range(0, nodes, steps_per_day)]
    if rows[-1] != nodes - 1:
        rows.append(nodes - 1)
    keep = np.array(rows)
    t = t_nodes[keep]
    values = {}
    outs = [kernel.outputs(us[i], parts[i], states[i]) for i in rows]
    for name in outs[0]:
        values[name] = np.array([o[name] for o in outs], dtype=float)
        if n is not None:
            values[name] = values[name].T if values[name].ndim == 2 else np.broadcast_to(values[name][:, None], (len(t), n)).T.copy()
    for name, conc in inputs["species"].items():
        if name in UNITS:  # effect-site levels are internal
            values[name] = conc[keep].copy() if n is None else np.repeat(conc[keep][None, :], n, axis=0)
    ordered = {name: values[name] for name in OUTPUTS}
    for name, array in ordered.items():
        if not np.all(np.isfinite(array)):
            raise SolverError(f"the integration produced a non-finite {name}; no result is returned")
        if np.any(array < 0):
            raise SolverError(f"the integration produced a negative {name} (min {array.min()!r}); no result is returned")
    return t, ordered


def simulate(regimens=(), patient: Patient | str | None = None, days: float = 365, *, steps_per_day: int = 2) -> Result:
    """Simulate one patient for ``days`` days under ``regimens``, from his untreated steady state.

    Parameters
    ----------
    regimens : a :class:`hpg.Regimen` or :class:`hpg.Infusion`, a list of them, or ``[]``.
    patient : an :class:`hpg.Patient`, a preset name, or ``None`` (healthy).
    days : length of the run (> 0). Outputs are given once a day, from day 0.
    steps_per_day : internal steps per day of the integrator (1 to 1440, and at most 146,000
        steps in all: ``days * steps_per_day``).

    Returns a :class:`Result`; raises :class:`SolverError` rather than return
    anything non-finite or negative.
    """
    regimens = _regimens(regimens)
    patient = _patient(patient)
    days = _days(days)
    steps_per_day = _check_steps_per_day(steps_per_day, days)
    kernel = _Kernel(patient.values(), math)
    t, values = _run(kernel, regimens, days, steps_per_day, None)
    return Result(t=t, values=values, units={k: UNITS[k] for k in values}, patient=patient, regimens=regimens)


def simulate_reference(regimens=(), patient: Patient | str | None = None, days: float = 365, *, rtol: float = 1e-8) -> Result:
    """The same model integrated by :func:`scipy.integrate.solve_ivp` (LSODA, tight
    tolerances, the fast loop solved to round-off at every call, drug levels exact at
    every time). Slow: for checking :func:`simulate`, not for use in the book."""
    from scipy.integrate import solve_ivp

    regimens = _regimens(regimens)
    patient = _patient(patient)
    days = _days(days)
    kernel = _Kernel(patient.values(), math)
    state0, u0 = _steady_state(kernel, None)
    keys = _INPUT_KEYS
    guess = [u0]

    def at(t):
        inputs = drug_inputs(regimens, np.array([t]), days)
        return tuple(float(inputs[k][0]) for k in keys), float(inputs["gc"][0]), inputs

    def rhs(t, y):
        row, gc, _ = at(t)
        u, parts = kernel.solve(guess[0], list(y), row, iterations=40)
        guess[0] = u
        A, B = kernel.rates(u, parts, list(y), gc)
        return [a - b * x for a, b, x in zip(A, B, y)]

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
    for i, t in enumerate(t_eval):
        row, gc, inputs = at(t)
        state = list(Y[:, i])
        u, parts = kernel.solve(guess[0], state, row, iterations=40)
        guess[0] = u
        out = kernel.outputs(u, parts, state)
        for name, conc in inputs["species"].items():
            if name in UNITS:
                out[name] = float(conc[0])
        for name in OUTPUTS:
            values[name].append(out[name])
    values = {name: np.array(v) for name, v in values.items()}
    return Result(t=t_eval, values=values, units={k: UNITS[k] for k in values}, patient=patient, regimens=regimens)


def _dose_times(regimen, horizon):
    if isinstance(regimen, _drugs.Infusion):
        return [t for t in (regimen.start, regimen.stop) if t is not None and t < horizon]
    if regimen.every is None:
        return [regimen.start] if regimen.start < horizon else []
    count = regimen.dose_count(horizon)
    return [regimen.start + j * regimen.every for j in range(count) if regimen.start + j * regimen.every < horizon]
