"""Every number of the models (daily, pulse-level and Leydig-cell), in one place: value, unit, meaning and source.

A source is a key of ``references.bib`` or "calibrated to <target id>", the id
of a row of ``hpg/data/clinical_targets.csv``. Values marked ``FITTED`` below are
fitted by ``scripts/calibrate.py``, which writes them to ``hpg/data/calibrated.json``
(read here); ``tests/test_calibration.py`` checks every target. Numbers that are
neither measured nor calibrated are marked "assumed" and listed as such on the model
card; they are choices of model structure, not facts. Exponents marked "structural"
are written into the equations (hpg/equations.py) and documented here only.

The model works in units relative to a healthy young man (1 = his untreated level);
the ``*_0`` baselines below turn relative levels back into clinical units.

The table is a value: :data:`DEFAULT` is a frozen :class:`Parameters` built from it, and
``DEFAULT.replace(kappa_T=0.7)`` is another model, which ``hpg.simulate``, ``hpg.cohort``
and ``hpg.simulate_pulses`` take as ``parameters=``. Nothing here is ever mutated.
This module needs only the standard library.
"""
from __future__ import annotations

import json
import math
import numbers
from dataclasses import dataclass, replace
from importlib import resources

__all__ = ["Parameter", "Parameters", "DEFAULT", "MODEL", "FITTED", "fitted_values", "value", "table"]


@dataclass(frozen=True)
class Parameter:
    name: str
    value: float
    unit: str
    meaning: str
    source: str


#: Marks a value that scripts/calibrate.py fits; it is read from hpg/data/calibrated.json.
FITTED = "fitted"


def fitted_values() -> dict:
    """The contents of ``hpg/data/calibrated.json``: fitted parameters and preset fields."""
    text = resources.files("hpg").joinpath("data/calibrated.json").read_text(encoding="utf-8")
    return json.loads(text)


_FITTED = fitted_values()["parameters"]


def _p(name, value, unit, meaning, source) -> Parameter:
    return Parameter(name, float(_FITTED[name] if value is FITTED else value), unit, meaning, source)


_MODEL = [
    # --- Healthy baselines (the clinical units of relative level 1) ---
    _p("T_0", 531.0, "ng/dL", "serum total testosterone of the healthy patient", "travison2017 (median, non-obese men 19-39 y)"),
    _p("LH_0", 5.0, "IU/L", "serum LH of the healthy patient", "qin2012 (near the geometric middle of 2.2-11.6)"),
    _p("FSH_0", 4.5, "IU/L", "serum FSH of the healthy patient", "qin2012 (within 1.8-16.5)"),
    _p("E2_0", 22.0, "pg/mL", "serum estradiol of the healthy patient", "ref_E2 range 8-35 pg/mL (LC-MS/MS)"),
    _p("inhibin_B_0", 255.0, "pg/mL", "serum inhibin B of the healthy patient", "inhb2000"),
    _p("ITT_0", 1200.0, "nmol/L", "intratesticular testosterone of the healthy patient", "coviello2005 (1174-1234 nmol/L)"),
    _p("sperm_0", 64.0, "million/mL", "sperm concentration of the healthy patient", "who2021 (near the median of fertile men)"),
    _p("testis_volume_0", 18.0, "mL", "volume of one testis of the healthy patient", "nieschlag2012 (adult 15-25 mL)"),
    # --- Binding of testosterone in serum ---
    _p("K_SHBG", 1.0e9, "L/mol", "association constant of testosterone for SHBG", "vermeulen1999"),
    _p("K_albumin", 3.6e4, "L/mol", "association constant of testosterone for albumin", "vermeulen1999"),
    _p("albumin_molar_mass", 66500.0, "g/mol", "molar mass of albumin", "vermeulen1999"),
    # --- Hypothalamus: feedback on the GnRH pulse generator ---
    _p("kappa_T", FITTED, "1", "androgen-receptor brake on GnRH at baseline (higher: more of the output is braked)", "calibrated to cov_TE_LH, matsumoto_ed50 and amory_trough"),
    _p("n_T", 4.0, "1", "steepness of the androgen brake on GnRH", "structural (written into hpg/equations.py); chosen for the dose-response of matsumoto1990 and amory2001 (rows matsumoto_ed50, amory_trough, amory_azoospermia): with 2, no value of kappa_T lets 100 mg of testosterone enanthate a week suppress trough LH and FSH by 86-97%"),
    _p("kappa_E", FITTED, "1", "estrogen-receptor brake on GnRH at baseline", "calibrated to helo_clo_LH"),
    _p("n_E", 2.0, "1", "steepness of the estrogen brake", "structural (written into hpg/equations.py)"),
    _p("kappa_PE", 0.3, "1", "estradiol brake on LH at the pituitary (hayes2000: a minor, pituitary share)", "assumed"),
    _p("kappa_PT", 1.0, "1", "testosterone's direct brake on LH and FSH at the pituitary (free T relative to healthy)", "calibrated by hand to sheckter1989 (testosterone enanthate 200 mg weekly on a fixed GnRH pump, serum T about 3.3 times higher, halved LH and cut FSH to 30%)"),
    _p("kappa_I", 1.0, "1", "inhibin B brake on FSH at the pituitary", "assumed"),
    # --- Pituitary ---
    _p("K_GnRH", 1.0, "1", "GnRH stimulus (relative) giving half of the extra LH above baseline", "assumed"),
    _p("m_GnRH", 1.5, "1", "steepness of the LH and FSH response to GnRH", "structural (written into hpg/equations.py)"),
    _p("desens_n", 4.0, "1", "steepness of desensitisation in continuous exposure", "structural (written into hpg/equations.py)"),
    # --- Leydig cells ---
    _p("K_Leydig", FITTED, "1", "LH-receptor stimulus (relative to baseline LH) at which the LH-driven part of Leydig output is half its maximum", "calibrated to helo_clo_T, leder_ana and cov_hcg*"),
    _p("m_Leydig", 2.0, "1", "steepness of Leydig output in LH or hCG", "structural (written into hpg/equations.py)"),
    _p("leydig_basal", FITTED, "1", "share of baseline Leydig output that needs no LH (ITT left under full suppression)", "calibrated to cov_TE_ITT (held at its value of the earlier joint fit when the hormone group was refitted for n_T = 4: fitted again it rose to 0.088 with cov_TE_ITT no closer, and the extra ITT left under testosterone pushed the share of men recovered six months after stopping (liu2006) out of its tolerance)"),
    # --- Slow capacities (use it or lose it) ---
    _p("capacity_floor", 0.1, "1", "capacity left after indefinite suppression", "assumed"),
    _p("capacity_kappa", 0.5, "1", "hypothalamic and pituitary capacity: activity at which the target is half way to its maximum of 1.5", "assumed"),
    _p("leydig_capacity_kappa", FITTED, "1", "Leydig capacity: the same for the Leydig cells (large: capacity nearly proportional to stimulus)", "calibrated to helo_clo_T and leder_ana"),
    _p("hypothalamus_k0", 1 / 90, "1/day", "adaptation rate of hypothalamic capacity without activity", "assumed (gonadotropins recover over 3-6 months after long suppression)"),
    _p("hypothalamus_k1", 1 / 30, "1/day", "extra adaptation rate per unit activity", "assumed (gonadotropins recover over 3-6 months after long suppression)"),
    _p("pituitary_k0", 1 / 90, "1/day", "adaptation rate of pituitary capacity without activity", "assumed (gonadotropins recover over 3-6 months after long suppression)"),
    _p("pituitary_k1", 1 / 30, "1/day", "extra adaptation rate per unit GnRH", "assumed (gonadotropins recover over 3-6 months after long suppression)"),
    _p("leydig_k0", FITTED, "1/day", "adaptation rate of Leydig capacity without LH", "calibrated to the hormone rows (cov_hcg*, helo_clo_T, leder_ana), where the fit rests on its lower bound of 1/365 per day: in effect the assumption that Leydig capacity atrophies over about a year without LH"),
    _p("leydig_k1", FITTED, "1/day", "extra adaptation rate per unit LH-receptor stimulus", "calibrated to cov_hcg*, helo_clo_T, leder_ana (the fitted value also gives the slow rise of testosterone on hCG 1,500 IU twice weekly in men with hypogonadotropic hypogonadism, amh1999: 16 nmol/L at 3 months and 21-25 at 6, between doses, against the published 11 and 19)"),
    # --- Sertoli cells and spermatogenesis ---
    _p("sertoli_weight_FSH", FITTED, "1", "share of Sertoli support that FSH provides (the rest: ITT)", "calibrated to matsumoto_fsh, matsumoto_hcg and bremner_hcg (either gonadotropin alone restores only part of sperm output: bremner1981, matsumoto1983, matsumoto1986)"),
    _p("K_FSH", 0.5, "1", "relative FSH giving half of its support", "assumed"),
    _p("K_ITT", FITTED, "1", "relative ITT giving half of its share of Sertoli support", "calibrated to hand_supp and hand_rec"),
    _p("K_ITT_permissive", 0.001, "1", "relative ITT at which the permissive androgen factor of Sertoli support is half way: without any androgen there is no support, and a small fraction of normal ITT already allows it (ITT is about a hundred times serum testosterone, far above what saturates the androgen receptor)", "assumed (men on testosterone whose ITT fell to a few per cent kept part of spermatogenesis on FSH alone: matsumoto1983, coviello2005)"),
    _p("sertoli_tau", FITTED, "day", "time constant of Sertoli support", "calibrated to hand_supp"),
    _p("spermatogonia_stages", 6.0, "1", "compartments of differentiating spermatogonia (A-pale to preleptotene)", "structural (written into hpg/daily.py)"),
    _p("spermatocyte_stages", 12.0, "1", "compartments of spermatocytes (meiosis)", "structural (written into hpg/daily.py)"),
    _p("spermatid_stages", 12.0, "1", "compartments of spermatids (spermiogenesis to spermiation)", "structural (written into hpg/daily.py)"),
    _p("spermatogonia_days", 16.0, "day", "passage from A-pale spermatogonium to preleptotene spermatocyte (about one cycle of the seminiferous epithelium)", "heller1963, amann2008"),
    _p("spermatocyte_days", 25.0, "day", "passage through meiosis (preleptotene to the second meiotic division)", "heller1963, amann2008"),
    _p("spermatid_days", 23.0, "day", "passage from round spermatid to spermiation", "heller1963, amann2008"),
    _p("epididymis_days", 8.0, "day", "mean epididymal transit", "who2021"),
    _p("spermatogonial_loss_max", FITTED, "1/day", "death rate of differentiating spermatogonia without FSH", "calibrated to matsumoto1986 (hCG alone keeps about a quarter of sperm output while FSH is suppressed)"),
    _p("K_FSH_spermatogonia", 0.3, "1", "relative FSH at which half of the spermatogonial loss is prevented", "assumed"),
    _p("germ_loss_max", FITTED, "1/day", "death rate of spermatocytes and spermatids without Sertoli support", "calibrated to hand_supp, who_supp_6mo, bremner1981 and matsumoto1983"),
    _p("K_support_germ", FITTED, "1", "Sertoli support at which half of that loss is prevented, for the typical man", "calibrated to who_supp_6mo, hand_supp, bremner1981 and matsumoto1983"),
    _p("loss_n", 4.0, "1", "steepness of the germ-cell loss in Sertoli support", "structural (written into hpg/equations.py)"),
    _p("progenitor_floor", FITTED, "1", "progenitor pool left after indefinite loss of Sertoli support (the A-dark reserve keeps some)", "calibrated to liu_rec and zhengwei_progenitors"),
    _p("progenitor_kappa", 0.5, "1", "Sertoli support at which the progenitor target is half way to its maximum", "assumed (as capacity_kappa)"),
    _p("progenitor_k0", FITTED, "1/day", "rate of decline of the progenitor pool without support", "calibrated to zhengwei_progenitors (type A spermatogonia still near normal after 5 months) and liu_rec (slower recovery after longer treatment)"),
    _p("progenitor_renewal", FITTED, "1/day", "self-renewal rate of the progenitor pool per unit pool and Sertoli support, for the typical man (k_R = r S P_g)", "calibrated to who1990_baseline, liu_rec and hand_rec"),
    _p("sertoli_maturation_max", 0.028, "1/day", "rate at which immature Sertoli cells mature when intratesticular testosterone is high", "calibrated to amh1999 (hCG 1,500 IU twice weekly in men with hypogonadotropic hypogonadism: serum AMH, made by immature Sertoli cells, fell from 314 to 56 pmol/L in 3 months against 20 in normal men, so the immature share fell to 0.12 of its start; ln(294/36) over 91 days is 0.023 a day if ITT were high from the first day, and 0.028 reproduces the fall with the model's own rise of testosterone on that regimen, 16 nmol/L at 3 months and 21-25 at 6 against the published 11 and 19)"),
    _p("sertoli_reversion_max", 0.0004, "1/day", "rate at which mature Sertoli cells revert to an immature state without androgen", "amh1999 (12 months of GnRH-agonist castration raised serum AMH from 11 to 49 pmol/L against 292 in untreated congenital deficiency: a share of 0.13 reverted, -ln(1 - 0.134) over 365 days)"),
    _p("K_ITT_maturation", 0.25, "1", "relative ITT at which maturation and reversion are equally driven (steepness 2)", "assumed, placed so that a man with congenital GnRH deficiency (ITT about 1% of normal) keeps mostly immature Sertoli cells and one with acquired deficiency a mature majority, as serum AMH shows (amh1999: 292 and 107 pmol/L against 20)"),
    _p("leydig_autonomy_cv", FITTED, "1", "coefficient of variation between men of the share of Leydig output that needs no LH (log-normal in hpg.cohort): the intratesticular testosterone left when LH is suppressed", "calibrated to who_supp_6mo (men whose gonadotropins are equally suppressed differ in whether they become azoospermic, wallace1993)"),
    _p("germ_support_need_cv", FITTED, "1", "coefficient of variation between men of the Sertoli support their germ cells need (hpg.cohort draws it log-normally)", "calibrated to who_supp_6mo (the share of men who stay above 3-5 million/mL and the share who become azoospermic)"),
    _p("progenitor_renewal_cv", FITTED, "1", "coefficient of variation between men of the self-renewal rate of their spermatogonial progenitors (log-normal in hpg.cohort)", "calibrated to liu_rec (the minority not back by 12 and 16 months) and who1990_baseline (the months to a man's own baseline), with the other sperm parameters"),
    _p("azoospermia_limit", 0.1, "million/mL", "sperm concentration below which the model calls a man azoospermic (what a counting chamber can detect)", "assumed (who_supp_6mo asks the model to state one)"),
    _p("inhibin_germ_share", 0.5, "1", "share of inhibin B output that depends on late germ cells", "assumed"),
    _p("testis_germ_share", 0.7, "1", "share of testis volume made of the germ-cell compartments (the rest scales with the number of Sertoli cells)", "assumed (with it, the GnRH-deficient man's untreated testis, a third of the Sertoli cells and no germ cells beyond spermatogonia, is about 1.9 mL, and nearly triples on hCG with FSH as in burgues1997)"),
    # --- Periphery ---
    _p("E2_residual", FITTED, "1", "share of baseline estradiol not made by aromatase at the model's inhibition", "calibrated to leder_ana_E2"),
    _p("aromatase_bmi_exponent", 1.0, "1", "aromatase activity grows as (BMI / 23) to this power", "calibrated to the obese preset (wu2008)"),
    _p("bmi_0", 23.0, "kg/m^2", "body-mass index of the healthy patient", "travison2017 (non-obese cohort)"),
    # --- Drug pharmacodynamics ---
    _p("K_enclomiphene", FITTED, "ng/mL", "enclomiphene level occupying ERalpha as much as baseline estradiol", "calibrated to helo_clo_LH"),
    _p("K_tamoxifen", FITTED, "ng/mL", "tamoxifen + N-desmethyltamoxifen level occupying ERalpha as much as baseline estradiol", "calibrated to spijkstra_tam_LH (the weakest block that brings the LH rise as close to it as the model can)"),
    _p("IC50_anastrozole", 8.3, "ng/mL", "anastrozole level halving aromatase activity", "calibrated to pk_anastrozole (75% at 1 mg/day: the label's fall in serum estradiol used as an effective inhibition; whole-body aromatisation is inhibited by about 97% at 1 mg/day, geisler2002)"),
    _p("K_hCG", FITTED, "IU/L", "hCG level giving half of its maximal LH-receptor stimulus (hCG down-regulates its receptor)", "calibrated to cov_hcg125, cov_hcg250, cov_hcg500"),
    _p("hCG_max", FITTED, "1", "maximal LH-receptor stimulus of hCG, in units of baseline LH", "calibrated to cov_hcg125, cov_hcg250, cov_hcg500"),
    _p("gonadorelin_ref", 330.0, "pg/mL", "mean gonadorelin level acting like endogenous GnRH", "calibrated: 10 ug every 120 min restores LH in GnRH deficiency (lutrelef_pi)"),
]

# --- Pharmacokinetics (read by hpg/drugs.py). Half-lives in days. ---
_H, _M = 1 / 24, 1 / 1440
_PK = [
    _p("testosterone_clearance", 1000.0, "L/day", "metabolic clearance of testosterone (516 +/- 108 L/m^2/day x 1.9 m^2)", "saez1972"),
    _p("ester_absorption_half_life", 0.7, "day", "testosterone ester leaving the injection site", "calibrated to pk_TE (peak at 1.5-3 d)"),
    _p("ester_release_half_life", 4.5, "day", "testosterone released from the circulating ester (enanthate and cypionate alike)", "pk_TE (testoviron_pi); cypionate taken as equivalent (assumed)"),
    _p("gel_skin_half_life", 2.0, "day", "testosterone leaving the skin reservoir after a gel application", "calibrated to pk_gel"),
    _p("gel_absorbed_fraction", 0.10, "1", "share of applied gel testosterone that is absorbed", "androgel_pi"),
    _p("oral_absorption_half_life", 1.0 * _H, "day", "absorption of clomiphene, enclomiphene and anastrozole (peak within hours)", "clomid_pi, arimidex_pi"),
    _p("enclomiphene_half_life", 10.0 * _H, "day", "elimination of enclomiphene", "wiehle2013"),
    _p("zuclomiphene_half_life", 13.7, "day", "elimination of zuclomiphene", "calibrated to pk_clomiphene (zu:en about 20 at steady state)"),
    _p("zuclomiphene_fraction", 0.38, "1", "share of zuclomiphene (cis) in clomiphene citrate (label: 30-50%)", "clomid_pi"),
    _p("clomiphene_volume", 4240.0, "L", "apparent volume of both isomers", "calibrated to helo2017 (enclomiphene median 2.2 ng/mL on 25 mg/day)"),
    _p("effect_site_half_life", 1.0, "day", "equilibration of enclomiphene and anastrozole with their sites of action", "assumed (daily exposure, not the sampled moment, drives the effect)"),
    _p("tamoxifen_absorption_half_life", 0.75 * _H, "day", "absorption of tamoxifen (peak at ~6 h)", "calibrated to pk_tamoxifen (peak 4-7 h)"),
    _p("tamoxifen_half_life", 7.0, "day", "elimination of tamoxifen", "nolvadex_pi"),
    _p("desmethyltamoxifen_half_life", 14.0, "day", "elimination of N-desmethyltamoxifen", "nolvadex_pi"),
    _p("tamoxifen_volume", 1700.0, "L", "apparent volume of tamoxifen", "calibrated to nolvadex_pi (122 ng/mL on 20 mg/day)"),
    _p("desmethyltamoxifen_volume", 1140.0, "L", "apparent volume of N-desmethyltamoxifen (all tamoxifen taken to pass through it)", "calibrated to nolvadex_pi (353 ng/mL on 20 mg/day)"),
    _p("anastrozole_half_life", 50.0 * _H, "day", "elimination of anastrozole", "arimidex_pi"),
    _p("anastrozole_volume", 120.0, "L", "apparent volume of anastrozole (CL/F 1.7 L/h; 1.54 L/h in mauras2009)", "mauras2009"),
    _p("hcg_absorption_half_life", 5.0 * _H, "day", "absorption of subcutaneous hCG (peak at ~17 h)", "calibrated to pk_hcg (peak 12-18 h)"),
    _p("hcg_half_life", 37.0 * _H, "day", "elimination of hCG after subcutaneous injection (33-43 h)", "chorionic_pi (Swiss product information; the US Pregnyl label is for intramuscular use, terminal half-life 23-37 h in drugscom2023)"),
    _p("hcg_volume", 6.0, "L", "apparent volume of hCG (recombinant hCG: Vss about 5.2 L)", "assumed; sets the IU/L scale, potency K_hCG is calibrated in it"),
    _p("gonadorelin_half_life", 24.0 * _M, "day", "apparent half-life of subcutaneous gonadorelin", "hurley1987, lutrelef_pi"),
    _p("gonadorelin_absorption_half_life", 4.0 * _M, "day", "absorption of subcutaneous gonadorelin (peak 5-15 min)", "lutrelef_pi"),
    _p("follitropin_absorption_half_life", 4.5 * _H, "day", "absorption of subcutaneous FSH (peak at about 13 h)", "assumed: puts the peak about 14 h after a subcutaneous dose, as reported for subcutaneous FSH (lecotonnec1993)"),
    _p("follitropin_half_life", 24.0 * _H, "day", "terminal elimination of FSH", "gonalf_pi (about 1 day)"),
    _p("follitropin_clearance", 14.4, "L/day", "total clearance of FSH (0.6 L/h)", "gonalf_pi"),
    _p("follitropin_bioavailability", 0.7, "1", "share of a subcutaneous FSH dose that reaches blood", "gonalf_pi"),
    _p("gonadorelin_volume", 15.0, "L", "apparent volume of gonadorelin", "assumed; sets the pg/mL scale, gonadorelin_ref is calibrated in it"),
]

# --- Pulse-level model (read by hpg/pulses.py). Times in minutes; GnRH relative to the
# healthy man's mean portal level (1), as in the daily model. It shares the daily model's
# feedback, capacity and desensitisation parameters above and adds only what resolves pulses.
_PULSE = [
    _p("pulse_interval", FITTED, "min", "mean interval of the GnRH pulse generator at baseline androgen feedback (Cluster misses LH pulses that come close together, so detected intervals are longer, about 95 min)", "calibrated to ref_pulse"),
    _p("pulse_interval_shape", 12.0, "1", "shape of the gamma distribution of intervals (coefficient of variation 1/sqrt(12) = 0.29)", "assumed"),
    _p("pulse_size_cv", 0.3, "1", "coefficient of variation of the amount of GnRH per pulse (log-normal)", "assumed"),
    _p("pulse_burst", 5.0, "min", "duration of the GnRH secretory burst of one pulse", "assumed"),
    _p("GnRH_half_life", 4.0, "min", "half-life of GnRH in portal and peripheral blood (IV gonadorelin)", "lutrelef_pi"),
    _p("receptor_K", 30.0, "1", "GnRH level (relative) occupying half of the free receptors: portal GnRH stays well below it, so binding is nearly linear", "assumed"),
    _p("receptor_off_half_life", 5.0, "min", "dissociation of GnRH from its receptor", "assumed"),
    _p("desens_window", 120.0, "min", "desensitisation needs GnRH that has not fallen for this long: its drive is the lowest GnRH level in the last window (the trough, the daily model's continuous exposure)", "assumed"),
    _p("synthesis_tau", 120.0, "min", "time constant of LH and FSH synthesis following receptor signalling", "assumed"),
    _p("LH_release", 0.02, "1/min", "rate of release of the releasable LH pool per unit receptor signal (1 = healthy mean)", "assumed (heinze1998: a limited releasable pool)"),
    _p("LH_basal_share", 0.1, "1", "share of the healthy man's LH secretion released between pulses (constitutive)", "assumed"),
    _p("LH_fast_half_life", 20.0, "min", "half-life of the fast (distribution) component of LH clearance", "veldhuis1986, keenan1998 (pk_LH: minutes to about 40 min)"),
    _p("LH_slow_half_life", 120.0, "min", "half-life of the slow (elimination) component of LH clearance", "veldhuis1986, keenan1998 (pk_LH: about 2 h)"),
    _p("LH_fast_share", 0.5, "1", "share of secreted LH cleared along the fast component", "assumed"),
    _p("FSH_half_life", 274.0, "min", "half-life of FSH in blood (single exponential)", "urban1991"),
    _p("FSH_brake_K", 0.5, "1", "occupancy of the receptors able to signal (1 = healthy mean) at which the frequency sensor is half on", "assumed"),
    _p("FSH_brake_kappa", 1.0, "1", "strength of the frequency-dependent brake on FSH synthesis (a follistatin-like repressor)", "assumed"),
    _p("FSH_brake_tau", 480.0, "min", "time constant of the frequency sensor (the repressor's turnover)", "assumed"),
    _p("leydig_lag", 60.0, "min", "time constant of Leydig testosterone output following LH", "assumed (testosterone pulses follow LH pulses; veldhuis1987)"),
    _p("T_half_life", 45.0, "min", "half-life of serum testosterone", "assumed"),
    _p("assay_cv_LH", 0.05, "1", "intra-assay coefficient of variation of serum LH (noise added to sampled LH before pulse detection)", "assumed (typical immunoassay precision)"),
    # GnRH-receptor desensitisation, resolved pulse by pulse. The drive is the trough S of the
    # last desens_window minutes (GnRH-receptor agonist in gonadorelin equivalents, relative).
    _p("receptor_desens_rate", 0.7, "1/day", "rate at which exposure that never lets up moves GnRH receptors into the desensitised state (at saturating exposure); both models", "calibrated to belchetz, by hand (a continuous infusion suppresses LH and FSH within days)"),
    _p("receptor_desens_K", 0.5, "1", "continuous exposure S (relative to mean GnRH) giving half the maximal rate of desensitisation (Hill coefficient 4: pump pulses that fall back between doses spare the receptor)", "assumed"),
    _p("receptor_recovery_rate", 0.15, "1/day", "rate at which desensitised receptors recover once exposure stops (half-time 4.6 days); both models", "assumed (days to weeks; millar2004)"),
    _p("receptor_recovery_K", 1.0, "1", "continuous exposure S at which recovery is halved: recovery falls as 1 / (1 + (S/K)^2), since a receptor that recovers under an agonist that never leaves is bound and desensitised again, so suppression deepens with dose instead of saturating", "assumed (dose-dependent castration: warner1983; castrate testosterone within 4 weeks: klotz2008)"),
    # --- Leuprolide, a long-acting GnRH-receptor agonist (read by hpg/drugs.py; both models see
    # it as gonadorelin equivalents). Half-lives in days.
    _p("leuprolide_absorption_half_life", 15.0 * _M, "day", "absorption of subcutaneous leuprolide (aqueous solution)", "periti2002 (set so that the peak falls 36-60 min after 1 mg SC)"),
    _p("leuprolide_half_life", 3.0 * _H, "day", "elimination half-life of leuprolide", "periti2002 (about 3 h)"),
    _p("leuprolide_volume", 37.0, "L", "apparent volume of leuprolide after 1 mg subcutaneously", "periti2002 (37 L; total clearance 9.1 L/h)"),
    _p("leuprolide_potency", 20.0, "1", "potency of leuprolide at the GnRH receptor relative to gonadorelin, per unit mass (gonadorelin equivalents per leuprolide)", "assumed (the low end of the 20-60-fold LH-releasing potency of the D-Leu6, des-Gly10 ethylamide analogue over GnRH in rat bioassays; superagonists bind the receptor more tightly and resist degradation, millar2004)"),
]

# --- Leydig-cell steroidogenic cascade (read by hpg/leydig.py). Times in minutes. The cell
# model reproduces the daily model's acute LH -> testosterone curve (K_Leydig, leydig_basal)
# and hCG potency (hCG_max, K_hCG) by construction: the cAMP scale, the StAR-independent
# cholesterol supply and hCG's receptor affinity are derived from those parameters in
# hpg/leydig.py, so only what resolves the cascade is added here.
_LEYDIG_CELL = [
    _p("LHCGR_Kd_LH", 1000.0, "IU/L", "LH level occupying half of the LH/hCG receptors (LHCGR); baseline LH (5 IU/L) then occupies 0.5% of them", "assumed (spare receptors: maximal testosterone at a few percent occupancy, catt1973)"),
    _p("LHCGR_off_half_life", 20.0, "min", "dissociation half-life of LH and hCG from LHCGR (sets how fast occupancy follows the hormone)", "assumed"),
    _p("AC_K_occupancy", 0.25, "1", "receptor occupancy (full receptor complement) giving half-maximal activation of Gs and adenylyl cyclase: large, so cAMP keeps rising long after testosterone saturates", "assumed (so that cAMP rises over a wider range of occupancy than testosterone)"),
    _p("cAMP_half_life", 2.0, "min", "half-life of cAMP hydrolysis by phosphodiesterases", "assumed"),
    _p("PKA_n", 2.0, "1", "steepness (Hill coefficient) of protein kinase A activation by cAMP; equal to m_Leydig of the daily model", "structural (fixed in hpg/leydig.py)"),
    _p("StAR_tau", 30.0, "min", "time constant of StAR activity (synthesis of new StAR protein and its PKA phosphorylation) following PKA", "assumed (the acute response needs new StAR protein within minutes to an hour, selvaraj2018)"),
    _p("CYP11A1_tau", 10.0, "min", "mean residence of cholesterol at the inner mitochondrial membrane before side-chain cleavage to pregnenolone", "assumed"),
    _p("CYP17A1_tau", 5.0, "min", "mean residence of pregnenolone before CYP17A1 (17alpha-hydroxylase and 17,20-lyase) in the smooth ER makes DHEA", "assumed (pathway: payne2004)"),
    _p("HSD3B2_tau", 5.0, "min", "mean residence of DHEA before 3beta-HSD2 in the smooth ER makes androstenedione", "assumed (pathway: payne2004)"),
    _p("HSD17B3_tau", 5.0, "min", "mean residence of androstenedione before 17beta-HSD3 in the smooth ER makes testosterone, which leaves the cell by diffusion", "assumed (pathway: payne2004)"),
]

_ROWS = _MODEL + _PK + _PULSE + _LEYDIG_CELL
if set(_FITTED) - {p.name for p in _ROWS}:
    raise ValueError(f"hpg/data/calibrated.json fits unknown parameters: {sorted(set(_FITTED) - {p.name for p in _ROWS})}")


class Parameters:
    """A frozen set of model parameters: every row of the table, each with its value.

    ``p["kappa_T"]`` is a value; ``p.row("kappa_T")`` the whole :class:`Parameter`
    (unit, meaning, source); ``p.replace(kappa_T=0.7)`` a new set with some values
    changed (the rows' sources then say "changed from <value>"). Sets are hashable and
    compare by value, so results computed from one can be cached.
    """

    __slots__ = ("_rows", "_key")

    def __init__(self, rows):
        rows = {p.name: p for p in rows}
        object.__setattr__(self, "_rows", rows)
        object.__setattr__(self, "_key", tuple((name, p.value) for name, p in rows.items()))

    def __setattr__(self, name, value):
        raise AttributeError("Parameters are frozen: use .replace(name=value) for a changed set")

    def __getitem__(self, name: str) -> float:
        return self.row(name).value

    def row(self, name: str) -> Parameter:
        try:
            return self._rows[name]
        except (KeyError, TypeError):
            raise KeyError(f"unknown parameter {name!r}; known parameters are listed by hpg.parameters.table()") from None

    def __contains__(self, name) -> bool:
        return name in self._rows

    def __iter__(self):
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def __eq__(self, other) -> bool:
        return isinstance(other, Parameters) and self._key == other._key

    def __hash__(self) -> int:
        return hash(self._key)

    def __repr__(self) -> str:
        changed = [f"{n}={v!r}" for (n, v), (_, d) in zip(self._key, DEFAULT._key) if v != d] if self is not DEFAULT else []
        return f"<hpg Parameters: {len(self)} values{', changed ' + ', '.join(changed) if changed else ''}>"

    def rows(self) -> list[Parameter]:
        return list(self._rows.values())

    def replace(self, **values) -> "Parameters":
        """A copy with ``values`` changed; each must name a non-structural parameter and be a
        finite real number >= 0."""
        rows = dict(self._rows)
        for name, new in values.items():
            row = self.row(name)
            if row.source.startswith("structural"):
                raise ValueError(f"parameter {name} is structural (written into the equations) and cannot be changed by value")
            if isinstance(new, bool) or not isinstance(new, numbers.Real):
                raise TypeError(f"parameter {name} must be a real number, got {type(new).__name__} {new!r}")
            if not math.isfinite(new) or new < 0:
                raise ValueError(f"parameter {name} must be finite and >= 0 ({row.unit}), got {new!r}")
            rows[name] = replace(row, value=float(new), source=f"changed from {row.value!r} ({row.source})")
        return Parameters(rows.values())


#: The model's parameters as published in the table above (fitted values from the data file).
DEFAULT = Parameters(_ROWS)
#: Every row by name (read-only use; the values of :data:`DEFAULT`).
MODEL: dict[str, Parameter] = {p.name: p for p in _ROWS}


def value(name: str) -> float:
    """The default value of parameter ``name``."""
    return DEFAULT[name]


def table(parameters: Parameters | None = None) -> list[dict]:
    """Every model parameter as a row: name, value, unit, meaning, source."""
    return [vars(p).copy() for p in (parameters or DEFAULT).rows()]


def check(parameters) -> Parameters:
    """``parameters`` if it is a :class:`Parameters` (``None``: the default); a clear error otherwise."""
    if parameters is None:
        return DEFAULT
    if not isinstance(parameters, Parameters):
        raise TypeError(
            f"parameters must be an hpg.parameters.Parameters (e.g. hpg.parameters.DEFAULT.replace(kappa_T=0.7)) or None, "
            f"got {type(parameters).__name__} {parameters!r}"
        )
    return parameters
