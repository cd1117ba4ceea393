"""The equations of the HPG axis, each once, as a named function of plain numbers.

This module is the model card in code. Every function takes floats and returns floats,
uses arithmetic only (no branches, no library calls), and is written from three
primitives (and ``sqrt``, a power of one half):

``brake(x, kappa, n)``
    ``(1 + kappa) / (1 + kappa x^n)``: a receptor-mediated brake, 1 when the signal ``x``
    is at its healthy level 1, and strong when ``kappa`` is large.
``rise(x, K, n)``
    ``x^n (1 + K^n) / (x^n + K^n)``: a saturating response, 0 without a signal, 1 at the
    healthy level, ``1 + K^n`` at saturation.
``hill(x, K, n)``
    ``x^n / (x^n + K^n)``: the share of something switched on by ``x``.

Exponents that are structural (chosen, not fitted: hpg/parameters.py lists them) appear
as named arguments at the call site, e.g. ``brake(x, kappa_T, n=2)``.

Levels are relative to a healthy young man (1 = his untreated level) unless a unit is
given; ``c`` is the model's constants (:func:`hpg.daily.constants`) and ``m`` one man's
(:func:`hpg.daily.man`), both named tuples whose fields are named as in
hpg/parameters.py. Because nothing here branches or calls a library, the same functions
run as plain Python (in a browser too), compiled by numba (hpg/_compiled.py), on NumPy
arrays, and on SymPy symbols (the SBML export).
"""
from __future__ import annotations

#: ng/dL of testosterone -> nmol/L (molar mass 288.42 g/mol, pubchem_testosterone)
T_NG_DL_TO_NMOL_L = 10.0 / 288.42

__all__ = [
    "EQUATIONS",
    "T_NG_DL_TO_NMOL_L",
    "brake",
    "rise",
    "hill",
    "sqrt",
    "serum_testosterone",
    "free_testosterone",
    "estradiol",
    "er_alpha_signal",
    "androgen_brake",
    "estrogen_brake",
    "gnrh",
    "gnrh_receptor_stimulus",
    "gonadotrope_response",
    "lh_secretion",
    "pituitary_androgen_brake",
    "fsh_secretion",
    "lh_receptor_stimulus",
    "leydig_output",
    "capacity_target",
    "adaptation_rate",
    "desensitisation_rate",
    "resensitisation_rate",
    "inhibin_b",
    "sertoli_target",
    "spermatogonial_loss",
    "germ_cell_loss",
    "self_renewal_rate",
    "progenitor_steady",
    "sertoli_maturation_rate",
    "sertoli_reversion_rate",
    "er_alpha_antagonism",
    "aromatase_inhibition",
    "hcg_lh_equivalents",
    "aromatase_activity",
    "albumin_binding",
    "testis_volume",
]

#: Every function of this module, in the order of the model card (hpg/_compiled.py
#: registers each with numba; the SBML export reads them).
EQUATIONS = []


def equation(tex: str):
    """Register the function below as one of the model's equations, with its formula in LaTeX
    (``function.tex``, printed by the model card); the function is returned unchanged."""

    def register(function):
        function.tex = tex
        EQUATIONS.append(function)
        return function

    return register


# --------------------------------------------------------------------------- primitives
@equation(r"\mathrm{brake}(x;\kappa,n) = \dfrac{1+\kappa}{1+\kappa x^{n}}")
def brake(x, kappa, n):
    """Receptor brake: ``(1 + kappa) / (1 + kappa x^n)``; 1 at ``x = 1``, falls as ``x`` rises."""
    return (1.0 + kappa) / (1.0 + kappa * x**n)


@equation(r"\mathrm{rise}(x;K,n) = \dfrac{x^{n}(1+K^{n})}{x^{n}+K^{n}}")
def rise(x, K, n):
    """Saturating response normalised to 1 at ``x = 1``: ``x^n (1 + K^n) / (x^n + K^n)``."""
    xn, Kn = x**n, K**n
    return xn * (1.0 + Kn) / (xn + Kn)


@equation(r"\sqrt{x} = x^{1/2}")
def sqrt(x):
    """Square root, as a power (symbolic and array arguments work; hpg._compiled maps it to the
    processor's square root)."""
    return x**0.5


@equation(r"\mathrm{hill}(x;K,n) = \dfrac{x^{n}}{x^{n}+K^{n}}")
def hill(x, K, n):
    """Share switched on: ``x^n / (x^n + K^n)`` (0 at ``x = 0``, 1/2 at ``x = K``)."""
    xn = x**n
    return xn / (xn + K**n)


# --------------------------------------------------------------------------- periphery
@equation(r"T = T_0\,u + T_\mathrm{exo}")
def serum_testosterone(u, T_exo, T_0):
    """Serum total testosterone (ng/dL): the testes' output ``u`` (relative) times the
    healthy level ``T_0``, plus testosterone from a drug (ng/dL)."""
    return T_0 * u + T_exo


@equation(r"fT = \dfrac{2T}{b+\sqrt{b^{2}+4NT}},\quad b = N + \mathrm{SHBG} - T \;(\text{nmol/L})")
def free_testosterone(T_nmol, shbg, albumin_term):
    """Free testosterone (nmol/L) by mass action with SHBG and albumin (vermeulen1999).

    With ``K_SHBG = 1e9 L/mol`` (1 L/nmol) free T solves
    ``N FT^2 + (N + SHBG - T) FT - T = 0``, ``N = 1 + K_albumin [albumin]``
    (:func:`albumin_binding`); the root is written as ``2T / (b + sqrt(b^2 + 4NT))``,
    which does not cancel."""
    b = albumin_term + shbg - T_nmol
    return 2.0 * T_nmol / (b + sqrt(b * b + 4.0 * albumin_term * T_nmol))


@equation(r"N = 1 + K_\mathrm{albumin}\,[\mathrm{albumin}]")
def albumin_binding(albumin_g_per_L, K_albumin, albumin_molar_mass):
    """The albumin term ``N = 1 + K_albumin [albumin]`` of :func:`free_testosterone`
    (albumin in g/L, ``K_albumin`` in L/mol)."""
    return 1.0 + K_albumin / albumin_molar_mass * albumin_g_per_L


@equation(r"a = a_\mathrm{man}\,(\mathrm{BMI}/\mathrm{BMI}_0)^{\alpha}")
def aromatase_activity(aromatase, bmi, bmi_0, exponent):
    """Aromatase activity relative to a healthy man: grows with body-mass index."""
    return aromatase * (bmi / bmi_0) ** exponent


@equation(r"e = r_{E_2} + (1-r_{E_2})\,a\,(1-I_A)\,T/T_0")
def estradiol(T_rel, activity, inhibition, residual):
    """Serum estradiol (relative): a share ``residual`` not made from circulating
    testosterone, plus aromatisation of testosterone (``T_rel`` = T / T_0) by the
    aromatase ``activity`` left after ``inhibition`` (0-1)."""
    return residual + (1.0 - residual) * activity * (1.0 - inhibition) * T_rel


@equation(r"y = \dfrac{2e}{1+e+a_\mathrm{ER}}")
def er_alpha_signal(e, antagonist):
    """Estrogen-receptor-alpha signal: estradiol's share of receptor occupancy, 1 at
    baseline, when a SERM competes with an occupancy ``antagonist`` (relative to
    baseline estradiol's)."""
    return 2.0 * e / (1.0 + e + antagonist)


# --------------------------------------------------------------------------- hypothalamus
@equation(r"a_T = \mathrm{brake}(fT/fT_0;\kappa_T,4)")
def androgen_brake(free_T_rel, kappa_T):
    """The androgen-receptor brake on the GnRH pulse generator (free T relative to the
    healthy man's). Steep above baseline: a weekly dose of testosterone enanthate that only
    halves LH and FSH (50 mg) and one that suppresses them by about 90% even just before the
    next injection (100 mg) raise serum testosterone by less than twofold (matsumoto1990,
    amory2001); below baseline it is nearly flat, so the estrogen brake sets the response
    to SERMs and aromatase inhibitors."""
    return brake(free_T_rel, kappa_T, n=4)


@equation(r"a_E = \mathrm{brake}(y;\kappa_E,2)")
def estrogen_brake(er_signal, kappa_E):
    """The estrogen-receptor-alpha brake on the GnRH pulse generator."""
    return brake(er_signal, kappa_E, n=2)


@equation(r"G = D\,H_c\,a_T\,a_E")
def gnrh(drive, hypothalamic_capacity, androgen, estrogen):
    """Mean GnRH output (relative): the man's drive, his hypothalamic capacity, and the
    two feedback brakes."""
    return drive * hypothalamic_capacity * androgen * estrogen


# --------------------------------------------------------------------------- pituitary
@equation(r"q = G+g")
def gnrh_receptor_stimulus(G, gonadorelin):
    """What the gonadotropes' GnRH receptors are offered: endogenous GnRH plus a GnRH-receptor
    agonist (gonadorelin, or a long-acting agonist in gonadorelin equivalents), both relative
    to healthy mean GnRH."""
    return G + gonadorelin


@equation(r"\sigma = \mathrm{rise}(q;K_\mathrm{GnRH},1.5)")
def gonadotrope_response(q, K_GnRH):
    """Gonadotrope synthesis in response to the receptor stimulus ``q`` (on receptors that
    still signal)."""
    return rise(q, K_GnRH, n=1.5)


@equation(r"b_{PT} = \mathrm{brake}(fT/fT_0;\kappa_{PT},1)")
def pituitary_androgen_brake(free_T_rel, kappa_PT):
    """Testosterone's direct brake on the gonadotropes (LH and FSH), seen when GnRH is
    clamped by a pump (sheckter1989)."""
    return brake(free_T_rel, kappa_PT, n=1)


@equation(r"\mathrm{LH} = p\,P\,(1-R_d)\,\sigma\,b_{PT}\,\mathrm{brake}(y;\kappa_{PE},1)")
def lh_secretion(pituitary, capacity, desensitised, response, androgen, er_signal, kappa_PE):
    """LH (relative): the man's pituitary, its capacity, the share of GnRH receptors not
    desensitised, the response to GnRH, and the direct pituitary brakes of testosterone
    (``androgen``, :func:`pituitary_androgen_brake`) and estradiol. Desensitisation silences
    receptors whatever the agonist level, so a larger continuous dose cannot out-shout it."""
    return pituitary * capacity * (1.0 - desensitised) * response * androgen * brake(er_signal, kappa_PE, n=1)


@equation(r"\mathrm{FSH} = \mathrm{LH}\,\mathrm{brake}(\mathrm{InhB};\kappa_I,1)")
def fsh_secretion(lh, inhibin, kappa_I):
    """FSH (relative): made by the same cells under the same drive as LH
    (:func:`lh_secretion`), with one more brake, inhibin B."""
    return lh * brake(inhibin, kappa_I, n=1)


@equation(r"k_\mathrm{on} = k_\mathrm{desens}\,\mathrm{hill}(g_c;K_\mathrm{desens},4)")
def desensitisation_rate(continuous, desens_rate, desens_K):
    """Rate (1/day) at which continuous (non-pulsatile) GnRH-receptor exposure desensitises
    the receptor: negligible below ``desens_K`` (the troughs between pulses do not
    desensitise), at most ``desens_rate`` (uncoupling and internalisation take days)."""
    return desens_rate * hill(continuous, desens_K, n=4)


@equation(r"k_\mathrm{off} = \dfrac{k_\mathrm{rec}}{1+(g_c/K_\mathrm{rec})^{2}}")
def resensitisation_rate(continuous, recovery_rate, recovery_K):
    """Rate (1/day) at which desensitised GnRH receptors recover: ``recovery_rate`` once the
    agonist is gone, slower while it stays (a receptor that recovers under an agonist that never
    leaves is bound and desensitised again), so that a larger continuous dose desensitises more
    completely."""
    return recovery_rate / (1.0 + (continuous / recovery_K) ** 2)


# --------------------------------------------------------------------------- testis
@equation(r"x = \mathrm{LH} + h")
def lh_receptor_stimulus(lh, hcg):
    """Stimulus of the Leydig cells' LH/hCG receptor: LH plus hCG in LH equivalents."""
    return lh + hcg


@equation(r"u = \ell\,L_y\,\bigl(b_0 + (1-b_0)\,\mathrm{rise}(x;K_\mathrm{Leydig}\rho,2)\bigr)")
def leydig_output(leydig, capacity, x, K, basal):
    """Leydig testosterone output ``u`` (relative; also intratesticular testosterone):
    a basal share that needs no LH plus a share that rises with the receptor stimulus
    ``x``; ``K`` is ``K_Leydig`` times the man's Leydig reserve."""
    return leydig * capacity * (basal + (1.0 - basal) * rise(x, K, n=2))


@equation(r"\mathrm{InhB} = s\,S\,(1 - w + w\,X_\mathrm{late})")
def inhibin_b(sertoli, support, late_germ_rel, germ_share):
    """Inhibin B (relative): made by Sertoli cells in proportion to their support, a
    share of it only in the presence of late germ cells (``late_germ_rel``, relative to
    healthy)."""
    return sertoli * support * (1.0 - germ_share + germ_share * late_germ_rel)


@equation(r"S_\infty = \mathrm{rise}(u;K_\mathrm{AR},1)\,\bigl(w_F\,\mathrm{rise}(\mathrm{FSH};K_\mathrm{FSH},1) + (1-w_F)\,\mathrm{rise}(u;K_\mathrm{ITT},1)\bigr)")
def sertoli_target(fsh, itt, weight_FSH, K_FSH, K_ITT, K_AR):
    """The level towards which Sertoli support moves: FSH's share and intratesticular
    testosterone's share, each saturating, added; and a permissive androgen factor that
    saturates at a small fraction of normal ITT (``K_AR``), so that without any androgen
    there is no support at all, whatever the FSH (meiosis and spermiogenesis need it)."""
    return rise(itt, K_AR, n=1) * (weight_FSH * rise(fsh, K_FSH, n=1) + (1.0 - weight_FSH) * rise(itt, K_ITT, n=1))


@equation(r"\lambda_F = \lambda_{F}\,\bigl(1-\mathrm{hill}(F;K_{F,g},2)\bigr)")
def spermatogonial_loss(fsh, loss_max, K):
    """Extra death rate (1/day) of differentiating spermatogonia as FSH, their survival
    factor, falls (``fsh`` relative to the healthy man's)."""
    return loss_max * (1.0 - hill(fsh, K, n=2))


@equation(r"\lambda = \lambda_{\max}\,\bigl(1-\mathrm{hill}(S;K_{S}\theta,4)\bigr)")
def germ_cell_loss(support, loss_max, K):
    """Death rate (1/day) of spermatocytes and spermatids when Sertoli support ``support``
    (FSH and intratesticular testosterone together) falls below what meiosis and
    spermiogenesis need (``K``: the man's threshold, ``K_S`` times his own need ``theta``);
    steep, so that a little residual support decides between azoospermia and a few million
    sperm per mL, and either hormone alone keeps part of the output."""
    return loss_max * (1.0 - hill(support, K, n=4))


@equation(r"k_R = r\,S\,P_g")
def self_renewal_rate(support, pool, renewal):
    r"""Rate (1/day) at which self-renewal refills the spermatogonial niche: faster the
    stronger the Sertoli support and the more progenitors are left to divide
    (``renewal``: the man's rate). The pool obeys
    :math:`\dot P_g = k_{P,0}\,(P_\infty - P_g) + k_R\,(1 - P_g)`: it relaxes slowly
    (``progenitor_k0``) to the level :math:`P_\infty` that support holds
    (:func:`capacity_target`), and self-renewal fills it towards the full niche, a logistic
    growth. The two flows are separate, so the pool is lost slowly and regained fast."""
    return renewal * support * pool


@equation(r"P_g^* = \dfrac{2\,k_{P,0}\,P_\infty}{k_{P,0} - rS + \sqrt{(k_{P,0} - rS)^2 + 4\,rS\,k_{P,0}\,P_\infty}}")
def progenitor_steady(support, target, k0, renewal):
    """The progenitor pool at rest under Sertoli support ``support``, where its slow relaxation
    to ``target`` and its self-renewal (:func:`self_renewal_rate`) balance: the positive root,
    written so that it holds without self-renewal too (then it is ``target``)."""
    g = renewal * support
    return 2.0 * k0 * target / (k0 - g + sqrt((k0 - g) ** 2 + 4.0 * g * k0 * target))


@equation(r"k_{M} = k_{M,\max}\,\mathrm{hill}(u;K_M,2)")
def sertoli_maturation_rate(itt, rate_max, K):
    r"""Rate (1/day) at which immature Sertoli cells mature, driven by intratesticular
    testosterone through their androgen receptors (``itt`` relative). The mature share
    :math:`S_m` obeys :math:`\dot S_m = k_M (1 - S_m) - k_D S_m` (:func:`sertoli_reversion_rate`);
    only mature Sertoli cells carry germ cells into meiosis and through spermiogenesis."""
    return rate_max * hill(itt, K, n=2)


@equation(r"k_{D} = k_{D,\max}\,\bigl(1-\mathrm{hill}(u;K_M,2)\bigr)")
def sertoli_reversion_rate(itt, rate_max, K):
    """Rate (1/day) at which mature Sertoli cells fall back to an immature state when the
    androgen that keeps them mature is missing: slow, so that it takes a year of deep
    suppression to undo a share of maturation."""
    return rate_max * (1.0 - hill(itt, K, n=2))


@equation(r"V = (1 - w_V)\,s + w_V\,M")
def testis_volume(germ_mass_rel, sertoli, germ_share):
    """Testis volume (relative): the germ-cell compartments (``germ_mass_rel``, which already
    counts the man's Sertoli cells, since they set how many germ cells enter) and the rest of
    the tissue, which scales with his number of Sertoli cells ``sertoli``: each Sertoli cell
    holds a fixed stretch of tubule (johnson1984: Sertoli cells are evenly spread through the
    testis and their number sets sperm production), and a testis with Sertoli cells but no
    germ cells beyond spermatogonia is small (cortes1987: before puberty they are packed
    about eight times as densely as in the adult testis)."""
    return (1.0 - germ_share) * sertoli + germ_share * germ_mass_rel


# --------------------------------------------------------------------------- slow capacities
@equation(r"C_\infty = c_\mathrm{floor} + (1-c_\mathrm{floor})\,\mathrm{rise}(a;\kappa_C,1)")
def capacity_target(activity, floor, kappa):
    """Capacity towards which a tissue adapts at a given activity ("use it or lose it"):
    ``floor`` after indefinite silence, 1 at healthy activity, at most ``1 + kappa``
    above the floor's share."""
    return floor + (1.0 - floor) * rise(activity, kappa, n=1)


@equation(r"k = k_0 + k_1 a")
def adaptation_rate(activity, k0, k1):
    """Rate (1/day) at which a capacity moves to its target: faster when the tissue is active."""
    return k0 + k1 * activity


# --------------------------------------------------------------------------- drug actions
@equation(r"a_\mathrm{ER} = \dfrac{[\mathrm{enclomiphene}]}{K_\mathrm{en}} + \dfrac{[\mathrm{tamoxifen}]+[\mathrm{NDM}]}{K_\mathrm{tam}}")
def er_alpha_antagonism(enclomiphene, K_enclomiphene, tamoxifen_total, K_tamoxifen):
    """ERalpha occupancy by SERMs relative to baseline estradiol's (levels in ng/mL)."""
    return enclomiphene / K_enclomiphene + tamoxifen_total / K_tamoxifen


@equation(r"I_A = \dfrac{[\mathrm{anastrozole}]}{[\mathrm{anastrozole}] + IC_{50}}")
def aromatase_inhibition(anastrozole, IC50):
    """Share of aromatase activity blocked by anastrozole (ng/mL)."""
    return anastrozole / (anastrozole + IC50)


@equation(r"h = h_\mathrm{max}\dfrac{[\mathrm{hCG}]}{[\mathrm{hCG}] + K_\mathrm{hCG}}")
def hcg_lh_equivalents(hcg, hCG_max, K_hCG):
    """hCG (IU/L) as LH-receptor stimulus, in units of healthy LH."""
    return hCG_max * hcg / (hcg + K_hCG)
