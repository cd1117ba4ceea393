"""Virtual patients: the parameters that differ from one man to another, and presets.

``Patient()`` is a healthy young man whose untreated levels sit near published
medians (``travison2017``, ``qin2012``, ``coviello2005``). Every other patient
changes a few documented parameters; the presets say which and why.

>>> Patient.preset("aging").gnrh_drive  # doctest: +SKIP
"""
from __future__ import annotations

from dataclasses import dataclass, fields, replace

from .arguments import within
from .parameters import fitted_values
from .targets import baselines

__all__ = ["Patient", "PATIENT_PARAMETERS", "PRESETS"]

#: name: (default, low, high, unit, meaning)
PATIENT_PARAMETERS: dict[str, tuple[float, float, float, str, str]] = {
    "gnrh_drive": (1.0, 0.0, 3.0, "1", "strength of the hypothalamic GnRH pulse generator (1 = healthy young man)"),
    "pituitary_capacity": (1.0, 0.0, 3.0, "1", "gonadotrope LH/FSH output at a given GnRH stimulus"),
    "leydig_capacity": (1.0, 0.0, 3.0, "1", "maximal testosterone output of the Leydig cells"),
    "leydig_reserve": (1.0, 0.1, 3.0, "1", "how far Leydig output can rise above baseline (scales the half-saturation stimulus)"),
    "leydig_autonomy": (1.0, 0.0, 10.0, "1", "share of his Leydig output that needs no LH, relative to the typical man's: the testosterone "
                        "left in his testes when LH is suppressed (it decides how deeply testosterone therapy suppresses his spermatogenesis)"),
    "sertoli_capacity": (1.0, 0.0, 3.0, "1", "Sertoli-cell number and output (inhibin B, germ-cell support)"),
    "germ_reserve": (1.0, 0.0, 3.0, "1", "spermatogonial input into spermatogenesis (sets sperm count)"),
    "germ_support_need": (1.0, 0.05, 2.5, "1", "Sertoli support (FSH and intratesticular testosterone) his spermatocytes and spermatids need, relative to the typical man's (higher: azoospermic sooner under suppression, slower to recover; at most 2.5, beyond which a man would be subfertile untreated)"),
    "progenitor_renewal": (1.0, 0.05, 5.0, "1", "how fast his spermatogonial progenitors regrow, relative to the typical man (lower: slower recovery of sperm output)"),
    "bmi": (23.0, 15.0, 60.0, "kg/m^2", "body-mass index: aromatase activity grows with adiposity"),
    "aromatase": (1.0, 0.2, 5.0, "1", "aromatase activity at a given adiposity (rises with age)"),
    "shbg": (35.0, 5.0, 150.0, "nmol/L", "sex-hormone-binding globulin"),
    "albumin": (43.0, 20.0, 60.0, "g/L", "serum albumin (binds testosterone weakly)"),
}


@dataclass(frozen=True, init=False)
class Patient:
    """One virtual man. Every field has a unit, a meaning and allowed bounds in
    :data:`PATIENT_PARAMETERS`; out-of-range, infinite or NaN values raise ``ValueError``.
    """

    gnrh_drive: float = 1.0
    pituitary_capacity: float = 1.0
    leydig_capacity: float = 1.0
    leydig_reserve: float = 1.0
    leydig_autonomy: float = 1.0
    sertoli_capacity: float = 1.0
    germ_reserve: float = 1.0
    germ_support_need: float = 1.0
    progenitor_renewal: float = 1.0
    bmi: float = 23.0
    aromatase: float = 1.0
    shbg: float = 35.0
    albumin: float = 43.0
    name: str = "custom"

    def __init__(self, name: str = "custom", **parameters):
        """``name`` is a label, except that a preset's name starts from that preset:
        ``Patient("obese")`` is ``Patient.preset("obese")``, as ``simulate(patient="obese")`` is.
        ``parameters`` change single values."""
        unknown = set(parameters) - set(PATIENT_PARAMETERS)
        if unknown:
            raise TypeError(
                f"unknown patient parameter(s) {', '.join(repr(u) for u in sorted(unknown))}; "
                f"known parameters: {', '.join(PATIENT_PARAMETERS)}"
            )
        object.__setattr__(self, "name", name)
        preset = PRESETS[name]["parameters"] if isinstance(name, str) and name in PRESETS else {}
        for key, spec in PATIENT_PARAMETERS.items():
            object.__setattr__(self, key, parameters.get(key, preset.get(key, spec[0])))
        self.__post_init__()

    def __post_init__(self):
        for f in fields(self):
            if f.name == "name":
                if not isinstance(self.name, str):
                    raise TypeError(f"name must be a str, got {self.name!r}")
                continue
            value = getattr(self, f.name)
            _, low, high, unit, _ = PATIENT_PARAMETERS[f.name]
            object.__setattr__(self, f.name, within(f"patient parameter {f.name}", value, low, high, unit))

    @classmethod
    def preset(cls, name: str, **changes) -> "Patient":
        """A documented patient type (see :data:`PRESETS`), optionally with ``changes``."""
        if not isinstance(name, str) or name not in PRESETS:
            raise ValueError(f"unknown patient preset {name!r}; known presets: {', '.join(PRESETS)}")
        return cls(name, **changes)

    def with_(self, **changes) -> "Patient":
        """A copy with some parameters changed."""
        unknown = set(changes) - set(PATIENT_PARAMETERS)
        if unknown:
            raise TypeError(f"unknown patient parameter(s) {', '.join(sorted(unknown))}; known: {', '.join(PATIENT_PARAMETERS)}")
        return replace(self, **changes)

    def values(self) -> dict[str, float]:
        return {name: getattr(self, name) for name in PATIENT_PARAMETERS}


#: Presets: the parameters each changes, why, and the study whose untreated
#: baseline it reproduces (within :data:`BASELINE_TOLERANCE`, tests/test_calibration.py). A
#: baseline is read from the rows of clinical_targets.csv that publish it (hpg.targets), or,
#: where no row does, declared here once with its source. The values of
#: gnrh_drive, leydig_capacity, leydig_reserve and aromatase are calibrated by
#: scripts/calibrate.py to that baseline and to the study's drug response
#: (helo_clo_*, leder_ana_*) and read from hpg/data/calibrated.json below; bmi and shbg
#: are assumed typical of each population.
#: How far a preset's untreated steady state may lie from its published baseline (relative).
BASELINE_TOLERANCE = 0.20
PRESETS: dict[str, dict] = {
    "healthy": {
        "parameters": {},
        "why": "A healthy young man: every parameter at its default.",
        "baseline": {**baselines("ref_T", "ref_ITT"), "LH": 5.0},
        "study": "travison2017 (T), qin2012 (LH), coviello2005 (ITT)",
    },
    "secondary_hypogonadism": {
        "parameters": {"bmi": 30.0, "shbg": 28.0},
        "why": "Low testosterone with inappropriately normal LH: a weaker GnRH drive and Leydig cells "
        "that have lost capacity after years of low stimulation; the men studied were mostly overweight.",
        "baseline": baselines("helo_clo_T", "helo_clo_LH", "helo_clo_E2"),
        "study": "helo2017 (men treated with clomiphene citrate)",
    },
    "obese": {
        "parameters": {"bmi": 34.0, "shbg": 24.0},
        "why": "More adipose aromatase turns more testosterone into estradiol, whose brake lowers LH; "
        "insulin resistance lowers SHBG, so total testosterone falls more than free testosterone.",
        "baseline": {"T": 384.0},
        "study": "wu2008 (EMAS): total T 5.09 nmol/L lower at BMI >= 30 than at BMI < 25; 384 ng/dL is the "
        "travison2017 median minus that difference",
    },
    "aging": {
        "parameters": {"bmi": 27.0, "shbg": 45.0},
        "why": "Older men lose Leydig-cell capacity and reserve (a partly primary deficit), gain weight, "
        "SHBG and aromatase activity (estradiol holds up while testosterone falls), and their GnRH drive "
        "weakens, so LH fails to rise enough.",
        "baseline": baselines("leder_ana", "leder_ana_LH", "leder_ana_E2"),
        "study": "leder2004 (older men with mildly low testosterone)",
    },
    "gnrh_deficient": {
        "parameters": {"sertoli_capacity": 0.3},
        "why": "Congenital GnRH deficiency: the pulse generator is nearly silent, so LH, FSH and "
        "testosterone are very low and the man is azoospermic; the testes never went through puberty "
        "(few Sertoli cells: sertoli_capacity 0.3, assumed from testes of about 1.5-5 mL against "
        "18 mL; and, with intratesticular testosterone near 1% of normal, most of them immature, amh1999), but the pituitary and testes respond to gonadorelin pulses or to hCG with FSH, and sperm "
        "appear only after months (liu2009).",
        "baseline": {"LH": 0.4},
        "study": "boehm2015 (congenital hypogonadotropic hypogonadism: LH typically below 1 IU/L, testosterone below 100 ng/dL)",
    },
}
for _name, _fitted in fitted_values()["presets"].items():
    PRESETS[_name]["parameters"].update(_fitted)
