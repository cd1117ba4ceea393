"""The drugs of the book: what they are, their pharmacokinetics, and dosing schedules.

Every drug is a *linear* pharmacokinetic system: a dose passes through a chain
of first-order compartments (injection depot or gut, then blood, sometimes a
metabolite), so the concentration after any schedule is a sum of exponentials
over the doses. :class:`Regimen` (repeated doses) and :class:`Infusion`
(a constant rate) compute that sum in closed form at any array of times, with
no integrator and no restart per dose: a train of ``M`` equal doses every
``tau`` days collapses to a geometric series.

Drug names and dose units (DESIGN.md section 3):

=========================  ====  ==========================================
name                       unit  route
=========================  ====  ==========================================
testosterone_cypionate     mg    intramuscular, mg of ester
testosterone_enanthate     mg    intramuscular, mg of ester
testosterone_gel           mg    transdermal, mg of testosterone applied/day
clomiphene                 mg    oral (clomiphene citrate, both isomers)
enclomiphene               mg    oral (enclomiphene citrate)
tamoxifen                  mg    oral (tamoxifen citrate)
anastrozole                mg    oral
hcg                        IU    subcutaneous
gonadorelin                ug    subcutaneous pump (pulse-averaged here)
=========================  ====  ==========================================

Every pharmacokinetic number (half-lives, volumes, fractions) lives with its
source in :mod:`hpg.parameters`; ``catalogue()`` summarises them per drug.
Where only a half-life is published, the apparent volume that turns amounts
into concentrations is stated with its source or marked as calibrated; the
*potency* of every drug in the model is calibrated to a row of
``clinical_targets.csv`` (see :mod:`hpg.parameters`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .parameters import value as _v

__all__ = ["Drug", "Species", "Study", "Regimen", "Infusion", "DRUGS", "catalogue", "names", "LN2"]

LN2 = math.log(2.0)
MINUTES = 1.0 / 1440.0  # days
HOURS = 1.0 / 24.0  # days

#: Testosterone metabolic clearance, L/day: exogenous testosterone is turned into a serum
#: level by dividing its release rate (mg/day) by this clearance. Measured MCR in men is
#: 516 +/- 108 L/m^2/day, about 1000 L/day for 1.9 m^2 (saez1972); it reproduces pk_TE and pk_gel.
TESTOSTERONE_CLEARANCE_L_PER_DAY = _v("testosterone_clearance")
#: Testosterone: 288.42 g/mol; enanthate ester 400.6 g/mol; cypionate ester 412.6 g/mol.
ENANTHATE_T_FRACTION = 288.42 / 400.6
CYPIONATE_T_FRACTION = 288.42 / 412.6


@dataclass(frozen=True)
class Species:
    """One measurable compound of a drug: the end of a chain of first-order steps.

    ``rates`` are the first-order rate constants (1/day) of the chain, from the
    dosing site to the elimination of this species; ``scale`` turns the amount in
    the last compartment into the reported concentration (for example ``1/V``,
    or ``k/CL`` when the last compartment is a depot releasing into blood);
    ``fraction`` is the share of the dose that takes this path.
    """

    name: str
    unit: str
    rates: tuple[float, ...]
    scale: float
    fraction: float = 1.0
    effect_site: bool = False  # an internal effect-site level, not reported as an output

    def __post_init__(self):
        rates = sorted(self.rates)
        if any(b / a - 1 < 1e-3 for a, b in zip(rates, rates[1:])):
            raise ValueError(f"species {self.name!r}: rate constants must differ, got {self.rates}")

    def coefficients(self) -> tuple[np.ndarray, np.ndarray]:
        """Rates ``k_i`` and weights ``c_i`` such that the response to a unit dose is
        ``scale * fraction * sum_i c_i exp(-k_i t)`` (the Bateman function of the chain)."""
        k = np.asarray(self.rates, dtype=float)
        upstream = float(np.prod(k[:-1]))
        weights = np.empty_like(k)
        for i, ki in enumerate(k):
            others = np.delete(k, i)
            weights[i] = upstream / np.prod(others - ki)
        return k, self.scale * self.fraction * weights


@dataclass(frozen=True)
class Study:
    """Doses of a drug given in one cited study, or approved in one label.

    Explorers offer a study with single values as a preset labelled "regimen used in
    <name>", and mark any setting outside the span of a drug's studies as "outside the
    validated range". ``dose`` is in the drug's unit, ``every`` in days; either may be a
    ``(lowest, highest)`` pair where a label gives a range. ``every=None``: one dose only.
    """

    name: str
    source: str
    dose: float | tuple[float, float]
    every: float | tuple[float, float] | None = None

    @property
    def doses(self) -> tuple[float, float]:
        return self.dose if isinstance(self.dose, tuple) else (self.dose, self.dose)

    @property
    def intervals(self) -> tuple[float, float] | None:
        if self.every is None:
            return None
        return self.every if isinstance(self.every, tuple) else (self.every, self.every)

    @property
    def is_regimen(self) -> bool:
        """One dose and one interval (not a label's range): usable as a preset."""
        return not isinstance(self.dose, tuple) and not isinstance(self.every, tuple)


@dataclass(frozen=True)
class Drug:
    """A drug of the catalogue: identity, route, dose unit, kinetics, mechanism, sources."""

    name: str
    unit: str
    route: str
    mechanism: str
    species: tuple[Species, ...]
    half_lives: dict[str, str]
    sources: tuple[str, ...]
    pulse_averaged: bool = False
    studied_doses: str = ""
    studies: tuple[Study, ...] = ()

    def __post_init__(self):
        object.__setattr__(self, "half_lives", dict(self.half_lives))

    @property
    def dose_range(self) -> tuple[float, float] | None:
        """Lowest and highest dose over the drug's cited studies (drug unit); None if none."""
        if not self.studies:
            return None
        return min(s.doses[0] for s in self.studies), max(s.doses[1] for s in self.studies)

    @property
    def every_range(self) -> tuple[float, float] | None:
        """Shortest and longest dosing interval over the cited repeated-dose studies (days)."""
        spans = [s.intervals for s in self.studies if s.intervals is not None]
        if not spans:
            return None
        return min(a for a, _ in spans), max(b for _, b in spans)


def _hl(days: float) -> float:
    """Rate constant (1/day) of a half-life given in days."""
    return LN2 / days


def _testosterone_ester(name: str, t_fraction: float, ester: str, sources: tuple[str, ...], studied: str, studies) -> Drug:
    # Two first-order steps: ester leaves the injection site (absorption half-life ~0.7 d,
    # which puts the peak at day ~2) and is released as testosterone with a half-life of
    # ~4.5 d (pk_TE; cypionate taken as equivalent, an assumption). Testosterone itself
    # is cleared within hours, so serum T = release rate / clearance.
    k_abs, k_rel = _hl(_v("ester_absorption_half_life")), _hl(_v("ester_release_half_life"))
    serum = Species(
        "exogenous_T",
        "ng/dL",
        rates=(k_abs, k_rel),
        scale=k_rel / TESTOSTERONE_CLEARANCE_L_PER_DAY * 1e5,  # mg/L -> ng/dL
        fraction=t_fraction,
    )
    return Drug(
        name,
        unit="mg",
        route="intramuscular injection (oily depot)",
        mechanism=f"testosterone {ester}: releases testosterone into blood; serum testosterone "
        "suppresses GnRH, LH and FSH; it does not raise intratesticular testosterone",
        species=(serum,),
        half_lives={"depot absorption": "0.7 d (calibrated: peak at 1.5-3 d, pk_TE)", "release": "4.5 d (pk_TE)"},
        sources=sources,
        studied_doses=studied,
        studies=studies,
    )


def _oral(name, unit, route, mechanism, species, half_lives, sources, studied, studies=()) -> Drug:
    return Drug(name, unit, route, mechanism, species, half_lives, sources, studied_doses=studied, studies=studies)


# Clomiphene citrate is a mixture of two isomers: about 38% zuclomiphene (cis; the label
# gives 30-50%) and 62% enclomiphene (trans). Enclomiphene's half-life is about 10 h
# (wiehle2013); zuclomiphene accumulates: the steady-state ratio zu:en of about 20 (helo2017)
# with equal apparent volumes gives a zuclomiphene half-life of about 14 d (calibrated to
# pk_clomiphene). Absorption half-life ~1 h (peak within hours; clomid_pi).
ZUCLOMIPHENE_FRACTION = _v("zuclomiphene_fraction")
_K_ABS_ORAL = _hl(_v("oral_absorption_half_life"))
_K_ENCLOMIPHENE = _hl(_v("enclomiphene_half_life"))
_K_ZUCLOMIPHENE = _hl(_v("zuclomiphene_half_life"))
# Enclomiphene swings several-fold within each day; its action on hypothalamic ERalpha is
# taken to follow the plasma level through an effect site with a one-day equilibration
# half-life (assumed; it makes the daily model respond to the day's exposure, not to the
# level at the moment of sampling).
_K_EFFECT = _hl(_v("effect_site_half_life"))


def _effect_site(species: "Species") -> "Species":
    """The effect-site level of ``species``: one more first-order step, scaled so that
    it equals the plasma level at steady state."""
    return Species(species.name + "_effect", species.unit, species.rates + (_K_EFFECT,),
                   species.scale * _K_EFFECT / species.rates[-1], species.fraction, effect_site=True)
# Apparent volume of distribution of both isomers (L), calibrated so that enclomiphene on
# clomiphene citrate 25 mg/day averages the median 2.2 ng/mL of helo2017 (zuclomiphene then
# averages ~44 ng/mL, also as reported).
_V_CLOMIPHENE = _v("clomiphene_volume")
# Tamoxifen: absorption peak at 4-7 h, half-life about 7 d; N-desmethyltamoxifen about 14 d
# (nolvadex_pi). An absorption half-life of 45 min puts the peak at ~6 h. Apparent volumes
# calibrated to the label's steady state on 20 mg/day: tamoxifen 122 ng/mL and
# N-desmethyltamoxifen 353 ng/mL (nolvadex_pi); all tamoxifen is taken to pass through the
# metabolite (assumed; it is the main route).
_K_ABS_TAM = _hl(_v("tamoxifen_absorption_half_life"))
_V_TAMOXIFEN = _v("tamoxifen_volume")
_V_DESMETHYL = _v("desmethyltamoxifen_volume")
_K_TAMOXIFEN = _hl(_v("tamoxifen_half_life"))
_K_DESMETHYL = _hl(_v("desmethyltamoxifen_half_life"))
# Anastrozole: absorption peak within 2 h, elimination half-life ~50 h (arimidex_pi).
# Apparent volume 120 L: with this half-life, CL/F = 1.7 L/h, near the 1.54 L/h measured by
# mauras2009, so 1 mg/day averages ~25 ng/mL at steady state; arimidex_pi reports 3-4-fold
# accumulation to steady state within 7 d, which this half-life reproduces.
_K_ANASTROZOLE = _hl(_v("anastrozole_half_life"))
_V_ANASTROZOLE = _v("anastrozole_volume")
# hCG subcutaneous: peak at 12-18 h, elimination half-life 33-43 h (chorionic_pi; the US Pregnyl
# label is for IM use: terminal half-life 23-37 h, drugscom2023). An
# absorption half-life of ~5 h with elimination 37 h puts the peak at ~17 h. Apparent
# volume 6 L (recombinant hCG: Vss about 5.2 L; pregnyl_pi gives no volume). hCG potency is
# calibrated to cov_hcg125/250/500 in these units.
_K_ABS_HCG = _hl(_v("hcg_absorption_half_life"))
_K_HCG = _hl(_v("hcg_half_life"))
_V_HCG = _v("hcg_volume")
# Gonadorelin SC: apparent half-life about 24 min, peak 5-15 min (lutrelef_pi). The daily
# model averages over pulses; the mean concentration uses clearance = V k with V = 15 L
# (IV half-life 4 min from ~ plasma plus interstitial volume; display scale only).
_K_GONADORELIN = _hl(_v("gonadorelin_half_life"))
_K_ABS_GONADORELIN = _hl(_v("gonadorelin_absorption_half_life"))
_V_GONADORELIN = _v("gonadorelin_volume")

_ENCLOMIPHENE = Species("enclomiphene", "ng/mL", (_K_ABS_ORAL, _K_ENCLOMIPHENE), 1000.0 / _V_CLOMIPHENE)
_ENCLOMIPHENE_IN_CLOMIPHENE = Species(
    "enclomiphene", "ng/mL", (_K_ABS_ORAL, _K_ENCLOMIPHENE), 1000.0 / _V_CLOMIPHENE, 1 - ZUCLOMIPHENE_FRACTION
)

# Aromatase inhibition is likewise read from an effect site (one-day equilibration, assumed):
# the inhibition that matters is that of the day's exposure in tissue.
_ANASTROZOLE = Species("anastrozole", "ng/mL", (_K_ABS_ORAL, _K_ANASTROZOLE), 1000.0 / _V_ANASTROZOLE)

DRUGS: dict[str, Drug] = {}


def _register(drug: Drug) -> None:
    DRUGS[drug.name] = drug


_register(
    _testosterone_ester(
        "testosterone_cypionate",
        CYPIONATE_T_FRACTION,
        "cypionate",
        ("depotestosterone_pi",),
        "50-400 mg every 2-4 weeks (depotestosterone_pi); 200 mg once (pk_TC)",
        (Study("the Depo-Testosterone label", "depotestosterone_pi", (50.0, 400.0), (14.0, 28.0)),),
    )
)
_register(
    _testosterone_ester(
        "testosterone_enanthate",
        ENANTHATE_T_FRACTION,
        "enanthate",
        ("testoviron_pi", "coviello2005", "handelsman2005"),
        "250 mg once (testoviron_pi); 200 mg weekly (coviello2005, who1990)",
        (
            Study("Coviello 2005", "coviello2005", 200.0, 7.0),
            Study("the WHO 1990 contraceptive trial", "who1990", 200.0, 7.0),
            Study("the Testoviron Depot label", "testoviron_pi", 250.0),
        ),
    )
)
_register(
    Drug(
        "testosterone_gel",
        unit="mg",
        route="transdermal gel, once daily",
        mechanism="testosterone absorbed through the skin into blood; suppresses GnRH, LH and FSH",
        species=(
            Species(
                "exogenous_T",
                "ng/dL",
                rates=(_hl(_v("gel_skin_half_life")), _hl(2.0 * HOURS)),  # skin reservoir, then blood (fast)
                scale=_hl(2.0 * HOURS) / TESTOSTERONE_CLEARANCE_L_PER_DAY * 1e5,
                fraction=_v("gel_absorbed_fraction"),
            ),
        ),
        half_lives={"skin reservoir": "2 d (calibrated to pk_gel)"},
        sources=("androgel_pi",),
        studied_doses="20.25-81 mg/day of testosterone (AndroGel 1.62%, androgel_pi)",
        studies=(Study("the AndroGel 1.62% label", "androgel_pi", (20.25, 81.0), 1.0),),
    )
)
_register(
    _oral(
        "clomiphene",
        "mg",
        "oral (clomiphene citrate)",
        "selective estrogen-receptor modulator, two isomers: enclomiphene (short-lived ERalpha "
        "antagonist, whose block of the estradiol brake raises GnRH, LH and FSH) and zuclomiphene "
        "(long-lived, weakly estrogenic: it accumulates, but the calibration targets need no effect "
        "of it, so none is modelled)",
        (
            _ENCLOMIPHENE_IN_CLOMIPHENE,
            _effect_site(_ENCLOMIPHENE_IN_CLOMIPHENE),
            Species("zuclomiphene", "ng/mL", (_K_ABS_ORAL, _K_ZUCLOMIPHENE), 1000.0 / _V_CLOMIPHENE, ZUCLOMIPHENE_FRACTION),
        ),
        {"enclomiphene": "10 h (wiehle2013)", "zuclomiphene": "13.7 d (calibrated to pk_clomiphene)", "overall": "about 5 d (clomid_pi)"},
        ("clomid_pi", "helo2017", "wiehle2013"),
        "25 mg/day (helo2017; shabsigh2005, as summarised in a review by the same group)",
        (Study("Helo 2017", "helo2017", 25.0, 1.0), Study("Shabsigh 2005", "shabsigh2005", 25.0, 1.0)),
    )
)
_register(
    _oral(
        "enclomiphene",
        "mg",
        "oral (enclomiphene citrate)",
        "ERalpha antagonist (the trans isomer of clomiphene) without the estrogenic zuclomiphene",
        (_ENCLOMIPHENE, _effect_site(_ENCLOMIPHENE)),
        {"enclomiphene": "10 h (wiehle2013)"},
        ("wiehle2013",),
        "12.5-25 mg/day (wiehle2013)",
        (Study("Wiehle 2013", "wiehle2013", (12.5, 25.0), 1.0),),
    )
)
_register(
    _oral(
        "tamoxifen",
        "mg",
        "oral (tamoxifen citrate)",
        "selective estrogen-receptor modulator: ERalpha antagonist at hypothalamus and pituitary; "
        "its metabolite N-desmethyltamoxifen is also active",
        (
            Species("tamoxifen", "ng/mL", (_K_ABS_TAM, _K_TAMOXIFEN), 1000.0 / _V_TAMOXIFEN),
            Species("N_desmethyltamoxifen", "ng/mL", (_K_ABS_TAM, _K_TAMOXIFEN, _K_DESMETHYL), 1000.0 / _V_DESMETHYL),
        ),
        {"tamoxifen": "7 d (nolvadex_pi)", "N-desmethyltamoxifen": "14 d (nolvadex_pi)"},
        ("nolvadex_pi",),
        "10-20 mg/day (used off-label in men)",
    )
)
_register(
    _oral(
        "anastrozole",
        "mg",
        "oral",
        "aromatase inhibitor: blocks conversion of testosterone to estradiol, lifting the estradiol brake",
        (_ANASTROZOLE, _effect_site(_ANASTROZOLE)),
        {"anastrozole": "50 h (arimidex_pi)"},
        ("arimidex_pi", "mauras2009", "leder2004"),
        "1 mg/day or 1 mg twice weekly for 12 weeks, the two arms of leder2004",
        (Study("Leder 2004", "leder2004", 1.0, 1.0), Study("Leder 2004, twice-weekly arm", "leder2004", 1.0, 3.5)),
    )
)
_register(
    _oral(
        "hcg",
        "IU",
        "subcutaneous injection",
        "human chorionic gonadotropin: agonist of the LH receptor (LHCGR) on Leydig cells; raises "
        "intratesticular and serum testosterone while LH is suppressed",
        (Species("hcg", "IU/L", (_K_ABS_HCG, _K_HCG), 1.0 / _V_HCG),),
        {"absorption": "5 h (peak at 12-18 h, chorionic_pi)", "elimination": "37 h (33-43 h SC, chorionic_pi)"},
        ("pregnyl_pi", "coviello2005"),
        "125-500 IU every other day with testosterone (coviello2005); 1500-2000 IU 2-3 times a week in hypogonadism",
        tuple(Study("Coviello 2005", "coviello2005", dose, 2.0) for dose in (125.0, 250.0, 500.0)),
    )
)
_register(
    Drug(
        "gonadorelin",
        unit="ug",
        route="subcutaneous pump (pulses) or continuous infusion",
        mechanism="synthetic GnRH: pulses stimulate LH and FSH; continuous exposure desensitises the "
        "GnRH receptor and suppresses them (belchetz1978). The daily model averages over pulses.",
        species=(
            Species(
                "gonadorelin",
                "pg/mL",
                (_K_ABS_GONADORELIN, _K_GONADORELIN),
                1e6 / (_V_GONADORELIN * 1000.0),  # ug per L -> pg/mL
            ),
        ),
        half_lives={"SC apparent": "24 min (lutrelef_pi)", "IV": "4 min (lutrelef_pi)"},
        sources=("lutrelef_pi", "hurley1987", "belchetz1978"),
        pulse_averaged=True,
        studied_doses="10-20 ug per pulse every 90 min (up to 120 min) by pump (ansm2019, the French Lutrelef SmPC)",
        studies=(Study("the Lutrelef label", "ansm2019", (10.0, 20.0), (90 * MINUTES, 120 * MINUTES)),),
    )
)


def names() -> tuple[str, ...]:
    """The names of every drug the model knows."""
    return tuple(DRUGS)


def get(name) -> Drug:
    """The :class:`Drug` called ``name``; a clear error for anything else."""
    if not isinstance(name, str):
        raise TypeError(f"drug must be a drug name (str), got {type(name).__name__} {name!r}; known drugs: {', '.join(DRUGS)}")
    if name not in DRUGS:
        raise ValueError(f"unknown drug {name!r}; known drugs: {', '.join(DRUGS)}")
    return DRUGS[name]


def catalogue() -> list[dict]:
    """Every drug: name, dose unit, route, half-lives, mechanism, studied doses and sources."""
    return [
        {
            "name": d.name,
            "unit": d.unit,
            "route": d.route,
            "half_lives": dict(d.half_lives),
            "mechanism": d.mechanism,
            "studied_doses": d.studied_doses,
            "dose_range": d.dose_range,
            "every_range": d.every_range,
            "outputs": tuple(s.name for s in d.species if not s.effect_site),
            "sources": d.sources,
        }
        for d in DRUGS.values()
    ]


def _shown(value) -> str:
    """A value as the caller wrote it, for error messages (NumPy scalars as plain numbers)."""
    return repr(value.item() if isinstance(value, np.generic) else value)


def _number(argument: str, value, *, allow_none=False, positive=False, signed=False) -> float | None:
    """``value`` as a finite float, or a clear error naming ``argument``: it must be >= 0
    (> 0 with ``positive``; any sign with ``signed``)."""
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{argument} must be a real number, got {type(value).__name__} {value!r}")
    shown, value = _shown(value), float(value)
    if not math.isfinite(value):
        raise ValueError(f"{argument} must be finite, got {shown}")
    if positive and value <= 0:
        raise ValueError(f"{argument} must be > 0, got {shown}")
    if not positive and not signed and value < 0:
        raise ValueError(f"{argument} must be >= 0, got {shown}")
    return value


def _check_unit(drug: Drug, unit) -> None:
    if unit is not None and unit != drug.unit:
        raise ValueError(f"unit {unit!r} is wrong for {drug.name}: its doses are in {drug.unit!r}")


def _check_schedule(schedule, amount: str) -> None:
    """Validate and normalise the fields a Regimen and an Infusion share: the drug, the
    amount (``dose`` or ``rate``), ``start``, ``stop`` and ``unit``."""
    drug = get(schedule.drug)
    object.__setattr__(schedule, "_drug", drug)
    object.__setattr__(schedule, amount, _number(amount, getattr(schedule, amount)))
    object.__setattr__(schedule, "start", _number("start", schedule.start))
    stop = _number("stop", schedule.stop, allow_none=True)
    if stop is not None and stop <= schedule.start:
        raise ValueError(f"stop must be greater than start ({schedule.start!r}), got {stop!r}")
    object.__setattr__(schedule, "stop", stop)
    _check_unit(drug, schedule.unit)


# Share of a pulse train's exposure that is continuous (the trough between pulses divided by
# the mean), for gonadorelin SC pulses every `every` days: k tau e^{-k tau} / (1 - e^{-k tau}).
def continuous_fraction(every: float | None) -> float:
    """Fraction of gonadorelin exposure that the GnRH receptor sees as continuous."""
    if every is None:
        return 0.0
    x = _K_GONADORELIN * every
    return x * math.exp(-x) / -math.expm1(-x)


@dataclass(frozen=True)
class Regimen:
    """Repeated doses of one drug: ``dose`` (in the drug's unit) at ``start``,
    ``start + every``, ... for every dose time before ``stop`` (days).

    ``every=None`` gives a single dose at ``start``; ``stop=None`` repeats to the
    end of the simulation. ``unit=`` is optional and checked against the drug's unit.

    >>> Regimen("testosterone_cypionate", dose=100, every=7, start=0, stop=365)  # doctest: +SKIP
    """

    drug: str
    dose: float
    every: float | None = None
    start: float = 0.0
    stop: float | None = None
    unit: str | None = None
    _drug: Drug = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "every", _number("every", self.every, allow_none=True, positive=True))
        _check_schedule(self, "dose")

    def dose_count(self, horizon: float) -> int:
        """How many doses are given: times ``start + j*every`` before ``stop`` (or, with
        no ``stop``, up to ``horizon``)."""
        if self.every is None:
            return 1
        end = self.stop if self.stop is not None else horizon + self.every
        return max(math.ceil((end - self.start) / self.every - 1e-9), 0)

    def mean_rate(self) -> float:
        """Average dose per day while the regimen runs (a single dose has none)."""
        return 0.0 if self.every is None else self.dose / self.every

    def concentrations(self, t: np.ndarray, horizon: float) -> dict[str, np.ndarray]:
        """Each species' concentration at times ``t`` (days), in its unit."""
        t = np.asarray(t, dtype=float)
        if self._drug.pulse_averaged:
            # Pulses averaged over the day: a mean level that starts and stops with the
            # pump. A single bolus is gone within the hour and has no daily-scale effect.
            stop = self.stop if self.stop is not None else max(horizon, self.start) + (self.every or 1.0)
            if self.every is None:
                return {s.name: np.zeros_like(t) for s in self._drug.species}
            return _step(self._drug, t, self.mean_rate(), self.start, stop)
        n = self.dose_count(horizon)
        every = self.every if self.every is not None else 1.0
        return _train(self._drug, t, self.dose, self.start, every, n)

    def continuous_fraction(self) -> float:
        return continuous_fraction(self.every) if self._drug.pulse_averaged else 0.0


@dataclass(frozen=True)
class Infusion:
    """A constant infusion of ``rate`` (the drug's unit per day) from ``start`` to ``stop`` (days).

    ``stop=None`` runs to the end of the simulation. Continuous gonadorelin is the
    case that matters: it desensitises the GnRH receptor (belchetz1978).
    """

    drug: str
    rate: float
    start: float = 0.0
    stop: float | None = None
    unit: str | None = None
    _drug: Drug = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        _check_schedule(self, "rate")

    def mean_rate(self) -> float:
        return self.rate

    def concentrations(self, t: np.ndarray, horizon: float) -> dict[str, np.ndarray]:
        stop = self.stop if self.stop is not None else max(horizon, self.start) + 1.0
        if self._drug.pulse_averaged:
            return _step(self._drug, np.asarray(t, dtype=float), self.rate, self.start, stop)
        return _infusion(self._drug, np.asarray(t, dtype=float), self.rate, self.start, stop)

    def continuous_fraction(self) -> float:
        return 1.0 if self._drug.pulse_averaged else 0.0


def _train(drug: Drug, t: np.ndarray, dose: float, start: float, every: float, count: int) -> dict[str, np.ndarray]:
    """Superpose ``count`` equal doses at ``start + j*every`` in closed form.

    For one exponential mode ``exp(-k s)``, the doses given up to time ``t`` add up to
    ``exp(-k (t - t_J)) (1 - exp(-k every (J+1))) / (1 - exp(-k every))`` where ``t_J`` is
    the last dose time not after ``t``: a geometric series, so the cost does not grow
    with the number of doses and every exponent is <= 0 (no overflow).
    """
    out = {}
    since = t - start
    given = since >= 0
    last = np.clip(np.floor(since / every + 1e-9), 0, max(count - 1, 0))
    for species in drug.species:
        k, c = species.coefficients()
        total = np.zeros_like(t)
        if count > 0:
            for ki, ci in zip(k, c):
                decay = np.exp(-ki * np.where(given, since - last * every, 0.0))
                series = -np.expm1(-ki * every * (last + 1)) / -np.expm1(-ki * every)
                total += ci * decay * series
            total = np.where(given, dose * total, 0.0)
        out[species.name] = np.maximum(total, 0.0)
    return out


def _infusion(drug: Drug, t: np.ndarray, rate: float, start: float, stop: float) -> dict[str, np.ndarray]:
    """Closed form of a constant-rate input from ``start`` to ``stop``."""
    out = {}
    on = np.clip(t, start, stop) - start  # time spent infusing so far
    off = np.maximum(t - stop, 0.0)  # time since the infusion ended
    for species in drug.species:
        k, c = species.coefficients()
        total = np.zeros_like(t)
        for ki, ci in zip(k, c):
            total += ci / ki * -np.expm1(-ki * on) * np.exp(-ki * off)
        out[species.name] = np.maximum(rate * total, 0.0)
    return out


def _step(drug: Drug, t: np.ndarray, rate: float, start: float, stop: float) -> dict[str, np.ndarray]:
    """A drug cleared within minutes, seen on the scale of days: its level is the
    steady state of the infusion, ``rate * scale * sum(c_i / k_i)``, exactly while
    it runs (``start <= t < stop``) and zero otherwise."""
    on = (t >= start) & (t < stop)
    out = {}
    for species in drug.species:
        k, c = species.coefficients()
        out[species.name] = np.where(on, rate * float(np.sum(c / k)), 0.0)
    return out
