"""One registry of every output the models report: unit, label, SI unit and reference range.

The model fills these outputs, the plots label their axes and shade their ranges from
here, the units switch converts with the factors here, and the validation checks the
healthy man against the same ranges. Standard library only.

SI units turn mass concentrations of the two steroids into molar ones with their molar
masses (testosterone 288.42 g/mol, ``pubchem_testosterone``; estradiol 272.38 g/mol,
``pubchem_estradiol``). Reference ranges are those of healthy young men, rows ``ref_*``
of ``clinical_targets.csv``.
"""
from __future__ import annotations

from dataclasses import dataclass

from .equations import T_NG_DL_TO_NMOL_L

__all__ = ["Output", "REGISTRY", "DAILY", "PULSE", "TESTOSTERONE_G_PER_MOL", "ESTRADIOL_G_PER_MOL", "get"]

TESTOSTERONE_G_PER_MOL = 288.42  # pubchem_testosterone (also T_NG_DL_TO_NMOL_L in hpg.equations)
ESTRADIOL_G_PER_MOL = 272.38  # pubchem_estradiol


@dataclass(frozen=True)
class Output:
    """One reported quantity: its unit, how it is named on an axis, its SI unit and factor
    (value in SI = value x ``si_factor``), and the healthy reference range, if any, as
    ``(low, high or None, target id)``."""

    name: str
    unit: str
    label: str
    si_unit: str | None = None
    si_factor: float = 1.0
    reference_range: tuple | None = None


def _o(name, unit, label, si_unit=None, si_factor=1.0, reference_range=None) -> Output:
    return Output(name, unit, label, si_unit or unit, si_factor, reference_range)


_STEROID_T = ("nmol/L", T_NG_DL_TO_NMOL_L)  # ng/dL -> ng/L (x10) -> nmol/L

REGISTRY: dict[str, Output] = {
    o.name: o
    for o in (
        # the daily model's physiology
        _o("T", "ng/dL", "total testosterone", *_STEROID_T, (264.0, 916.0, "ref_T")),
        _o("free_T", "nmol/L", "free testosterone", reference_range=(0.24, 0.69, "ref_fT")),
        _o("SHBG", "nmol/L", "SHBG", reference_range=(18.2, 95.1, "ref_SHBG")),
        _o("E2", "pg/mL", "estradiol", "pmol/L", 1000.0 / ESTRADIOL_G_PER_MOL, (8.0, 35.0, "ref_E2")),
        _o("LH", "IU/L", "LH", reference_range=(2.2, 11.6, "ref_LH")),
        _o("FSH", "IU/L", "FSH", reference_range=(1.8, 16.5, "ref_FSH")),
        _o("ITT", "nmol/L", "intratesticular testosterone"),
        _o("inhibin_B", "pg/mL", "inhibin B", "ng/L", 1.0),
        _o("sperm", "million/mL", "sperm concentration", reference_range=(16.0, None, "ref_sperm")),
        _o("testis_volume", "mL", "testis volume"),
        _o("GnRH", "relative", "GnRH"),
        _o("hypothalamic_capacity", "relative", "hypothalamic capacity"),
        _o("pituitary_capacity", "relative", "pituitary capacity"),
        _o("leydig_capacity", "relative", "Leydig-cell capacity"),
        _o("desensitisation", "fraction", "GnRH-receptor desensitisation"),
        _o("sertoli_support", "relative", "Sertoli support"),
        _o("progenitors", "relative", "spermatogonial progenitors"),
        _o("spermatocytes", "relative", "spermatocytes"),
        _o("spermatids", "relative", "spermatids"),
        _o("sertoli_maturity", "fraction", "mature share of Sertoli cells"),
        # drug levels (hpg.drugs species)
        _o("exogenous_T", "ng/dL", "testosterone from the drug", *_STEROID_T),
        _o("enclomiphene", "ng/mL", "enclomiphene"),
        _o("zuclomiphene", "ng/mL", "zuclomiphene"),
        _o("tamoxifen", "ng/mL", "tamoxifen"),
        _o("N_desmethyltamoxifen", "ng/mL", "N-desmethyltamoxifen"),
        _o("anastrozole", "ng/mL", "anastrozole"),
        _o("hcg", "IU/L", "hCG"),
        _o("gonadorelin", "pg/mL", "gonadorelin"),
        _o("follitropin", "IU/L", "FSH from the drug"),
        # the pulse-level model's own
        _o("receptor_free", "fraction", "free GnRH receptors"),
        _o("receptor_bound", "fraction", "bound GnRH receptors"),
        _o("receptor_desensitised", "fraction", "desensitised GnRH receptors"),
    )
}

#: What hpg.simulate reports, in order: the physiology, then every drug level.
PHYSIOLOGY = ("T", "free_T", "SHBG", "E2", "LH", "FSH", "ITT", "inhibin_B", "sperm", "testis_volume", "GnRH",
              "hypothalamic_capacity", "pituitary_capacity", "leydig_capacity", "desensitisation", "sertoli_support", "progenitors", "spermatocytes", "spermatids",
              "sertoli_maturity")
DRUG_LEVELS = ("exogenous_T", "enclomiphene", "zuclomiphene", "tamoxifen", "N_desmethyltamoxifen", "anastrozole", "hcg", "gonadorelin",
               "follitropin")
DAILY = PHYSIOLOGY + DRUG_LEVELS
#: What hpg.simulate_pulses reports, in order.
PULSE = ("GnRH", "gonadorelin", "receptor_free", "receptor_bound", "receptor_desensitised", "LH", "FSH", "T", "free_T", "E2")


def get(name: str) -> Output:
    """The registry entry of output ``name``; a clear error for an unknown one."""
    try:
        return REGISTRY[name]
    except (KeyError, TypeError):
        raise KeyError(f"unknown output {name!r}; known outputs: {', '.join(REGISTRY)}") from None
