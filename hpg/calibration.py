"""What the calibration fits: each group of parameters and the published rows it is fitted to.

This is the one declaration of which rows of ``hpg/data/clinical_targets.csv`` are
*in-sample*. ``scripts/calibrate.py`` reads its parameter bounds and target rows from
here, the model card derives "fitted / not fitted" from :func:`in_sample`, and
``tests/test_calibration_declaration.py`` checks it against the ``source`` of every
parameter in :mod:`hpg.parameters` ("calibrated to ..."), so the three cannot drift apart.

A parameter named ``preset:<preset>:<field>`` is a field of a patient preset
(:data:`hpg.patients.PRESETS`); ``cohort:<field>`` is the spread of a patient parameter in a
virtual cohort (:data:`hpg.cohorts.VARIATION`). A group may also fit untreated baselines of presets
(``baselines``); those are the published baselines the preset cites, not rows of the table.
Standard library only (the lab page runs it in the browser).
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FitGroup", "GROUPS", "in_sample", "parameters", "targets"]


@dataclass(frozen=True)
class FitGroup:
    """One calibration step: what it adjusts, to which rows, and how."""

    name: str
    method: str
    bounds: dict  # parameter -> (low, high); (None, None) where the value is set by hand
    targets: tuple[str, ...]  # ids of rows of clinical_targets.csv
    baselines: tuple[str, ...] = ()  # presets whose published untreated baseline is fitted too
    note: str = ""
    held: tuple[str, ...] = ()  # parameters of ``bounds`` kept at their stored value by the latest run (sources say why)

    def free(self) -> dict:
        """The bounds of the parameters this step's run adjusts (``bounds`` less ``held``)."""
        return {name: bound for name, bound in self.bounds.items() if name not in self.held}


_HAND = (None, None)

GROUPS: dict[str, FitGroup] = {
    "hormones": FitGroup(
        "hormones",
        "least squares, scripts/calibrate.py hormones",
        {
            "kappa_T": (0.2, 20.0),
            "kappa_E": (0.05, 200.0),
            "K_enclomiphene": (0.1, 20.0),
            "leydig_capacity_kappa": (0.1, 100.0),
            "leydig_k0": (1 / 365, 1 / 10),
            "leydig_k1": (1 / 200, 1.0),
            "K_hCG": (5.0, 400.0),
            "K_Leydig": (0.2, 5.0),
            "hCG_max": (0.3, 10.0),
            "leydig_basal": (0.0, 0.2),
            "E2_residual": (0.0, 0.6),
            "preset:secondary_hypogonadism:gnrh_drive": (0.1, 1.5),
            "preset:secondary_hypogonadism:leydig_capacity": (0.1, 1.5),
            "preset:aging:gnrh_drive": (0.3, 2.5),
            "preset:aging:leydig_capacity": (0.1, 1.5),
            "preset:aging:leydig_reserve": (0.1, 3.0),
            "preset:aging:aromatase": (0.5, 3.0),
            "preset:secondary_hypogonadism:aromatase": (0.5, 3.0),
            "preset:obese:gnrh_drive": (0.3, 1.5),
            "preset:gnrh_deficient:gnrh_drive": (0.0001, 0.3),
        },
        (
            "cov_TE_ITT", "cov_TE_LH", "cov_TE_FSH", "cov_hcg125", "cov_hcg250", "cov_hcg500",
            "leder_ana", "leder_ana_E2", "leder_ana_LH",
            "helo_clo_T", "helo_clo_E2", "helo_clo_LH", "shab_clo", "matsumoto_ed50", "amory_trough",
        ),
        baselines=("secondary_hypogonadism", "aging", "obese", "gnrh_deficient"),
        note="all parameters are fitted jointly to all rows, so every row is in-sample for every parameter; the last "
             "two are proposed rows (hpg/data/proposed_targets.csv), the dose-response of weekly testosterone "
             "enanthate; leydig_basal is held at the value of an earlier fit (its row in hpg/parameters.py says why)",
        held=("leydig_basal",),
    ),
    "sperm": FitGroup(
        "sperm",
        "least squares on virtual cohorts, scripts/calibrate.py sperm",
        {
            "germ_loss_max": (0.01, 2.0),
            "K_support_germ": (0.02, 2.0),
            "spermatogonial_loss_max": (0.005, 1.0),
            "progenitor_floor": (0.001, 0.5),
            "progenitor_k0": (1 / 2000, 1 / 30),
            "progenitor_renewal": (0.0005, 1.0),
            "progenitor_renewal_cv": (0.05, 3.0),
            "germ_support_need_cv": (0.1, 3.0),
            "sertoli_tau": (3.0, 60.0),
            "sertoli_weight_FSH": (0.1, 0.9),
            "K_ITT": (0.02, 5.0),
            "leydig_autonomy_cv": (0.05, 3.0),
        },
        ("hand_supp", "hand_rec", "who_supp_6mo", "liu_rec", "matsumoto_hcg", "bremner_hcg", "matsumoto_fsh", "zhengwei_progenitors",
         "who1990_baseline", "amory_azoospermia"),
        note="the last six are proposed rows (hpg/data/proposed_targets.csv): the sperm output one gonadotropin keeps, "
             "the progenitors left after five months, the months to a man's own baseline after a year and more, and "
             "the share of men made azoospermic by 100 mg of testosterone enanthate a week; "
             "the pending rows among them (bremner_hcg, who1990_baseline: hpg.validation.PENDING) are fitted without the "
             "wall of scripts/calibrate.py, so that they pull without pushing the rows the model can meet out of their "
             "tolerance",
    ),
    "tamoxifen": FitGroup(
        "tamoxifen",
        "scan of a log grid, scripts/calibrate.py tamoxifen",
        {"K_tamoxifen": (1.0, 300.0)},
        ("spijkstra_tam_LH",),
        note="a proposed row; the model's LH rise levels off just below the published one as the ERalpha block "
             "becomes complete, so the weakest block that comes as close as the model can is taken",
    ),
    "pulse": FitGroup(
        "pulse",
        "grid scan and straight-line fit, scripts/calibrate.py pulse",
        {"pulse_interval": _HAND},
        ("ref_pulse",),
    ),
    "pharmacokinetics": FitGroup(
        "pharmacokinetics",
        "set by hand so that the drug level matches the label or study",
        {
            "ester_absorption_half_life": _HAND,
            "gel_skin_half_life": _HAND,
            "zuclomiphene_half_life": _HAND,
            "tamoxifen_absorption_half_life": _HAND,
            "hcg_absorption_half_life": _HAND,
            "IC50_anastrozole": _HAND,
        },
        ("pk_TE", "pk_gel", "pk_clomiphene", "pk_tamoxifen", "pk_hcg", "pk_anastrozole"),
    ),
    "cohort": FitGroup(
        "cohort",
        "set by hand: the spread of each patient parameter in a virtual cohort (hpg.cohorts.VARIATION)",
        {
            "cohort:gnrh_drive": _HAND,
            "cohort:pituitary_capacity": _HAND,
            "cohort:leydig_capacity": _HAND,
            "cohort:sertoli_capacity": _HAND,
            "cohort:germ_reserve": _HAND,
            "cohort:aromatase": _HAND,
            "cohort:shbg": _HAND,
        },
        ("ref_LH", "ref_FSH", "ref_T", "ref_inhB", "ref_sperm", "ref_E2", "ref_SHBG"),
        note="each spread is set so that the cohort's range matches one reference-range row",
    ),
    "desensitisation": FitGroup(
        "desensitisation",
        "set by hand so that continuous GnRH suppresses LH and FSH within days",
        {"receptor_desens_rate": _HAND},
        ("belchetz",),
    ),
    "by_hand": FitGroup(
        "by_hand",
        "set by hand against a published number that is not a row of the table",
        {
            "clomiphene_volume": _HAND,
            "tamoxifen_volume": _HAND,
            "desmethyltamoxifen_volume": _HAND,
            "aromatase_bmi_exponent": _HAND,
            "gonadorelin_ref": _HAND,
            "kappa_PT": _HAND,
            "sertoli_maturation_max": _HAND,
        },
        (),
        note="each is tied to a label, a study median or a preset baseline named in its source, not to a row",
    ),
}


def parameters() -> list[str]:
    """Every calibrated parameter (preset fields as ``preset:<preset>:<field>``)."""
    return [name for group in GROUPS.values() for name in group.bounds]


def targets() -> list[str]:
    """Every row of clinical_targets.csv that some calibration step uses."""
    return [row for group in GROUPS.values() for row in group.targets]


def in_sample() -> dict[str, list[str]]:
    """Each in-sample row and the parameters fitted to it.

    Rows absent from this dict were used by no calibration step: only those can test the
    model out of sample."""
    used: dict[str, list[str]] = {}
    for group in GROUPS.values():
        for row in group.targets:
            used.setdefault(row, []).extend(name for name in group.bounds if name not in used.get(row, []))
    return used
