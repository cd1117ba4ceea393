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
leuprolide                 mg    subcutaneous, daily (dose-averaged here)
follitropin                IU    subcutaneous (recombinant or urinary FSH)
=========================  ====  ==========================================

Every pharmacokinetic number (half-lives, volumes, fractions) lives with its
source in :mod:`hpg.parameters`; ``catalogue()`` summarises them per drug. A drug's
kinetics are built from a :class:`hpg.parameters.Parameters` value on each call
(``Drug.species_for(parameters)``), so a changed parameter reaches every level.

Levels are computed by :func:`levels` on a sorted list of times, one pass per
exponential mode over all doses of a drug at once: the cost grows with the number of
times plus the number of doses, never with their product. Standard library only, so
that the daily model runs where NumPy does not (a web browser).
Where only a half-life is published, the apparent volume that turns amounts
into concentrations is stated with its source or marked as calibrated; the
*potency* of every drug in the model is calibrated to a row of
``clinical_targets.csv`` (see :mod:`hpg.parameters`).
"""
from __future__ import annotations

import functools
import math
import numbers
from dataclasses import dataclass, field
from typing import Callable, NamedTuple

from .arguments import real as _number
from .arguments import shown as _shown
from .parameters import DEFAULT, Parameters

__all__ = ["Drug", "Species", "Study", "Regimen", "Infusion", "DRUGS", "catalogue", "names", "get", "levels", "LN2"]

LN2 = math.log(2.0)
MINUTES = 1.0 / 1440.0  # days
HOURS = 1.0 / 24.0  # days

#: Testosterone: 288.42 g/mol; enanthate ester 400.6 g/mol; cypionate ester 412.6 g/mol.
ENANTHATE_T_FRACTION = 288.42 / 400.6
CYPIONATE_T_FRACTION = 288.42 / 412.6
#: A dose given within this many days after a time counts as given at it (dose times are sums).
_SAME_TIME = 1e-9


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

    def coefficients(self) -> tuple[list[float], list[float]]:
        """Rates ``k_i`` and weights ``c_i`` such that the response to a unit dose is
        ``sum_i c_i exp(-k_i t)`` (the Bateman function of the chain, times scale and fraction)."""
        k = list(self.rates)
        upstream = math.prod(k[:-1])
        weights = []
        for i, ki in enumerate(k):
            weights.append(self.scale * self.fraction * upstream / math.prod(kj - ki for j, kj in enumerate(k) if j != i))
        return k, weights

    def at_effect_site(self, k_effect: float) -> "Species":
        """This species seen through an effect site: one more first-order step, scaled so
        that it equals the plasma level at steady state."""
        return Species(self.name + "_effect", self.unit, self.rates + (k_effect,), self.scale * k_effect / self.rates[-1],
                       self.fraction, effect_site=True)


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
    """A drug of the catalogue: identity, route, dose unit, kinetics, mechanism, sources.

    ``kinetics(parameters)`` builds the drug's species from a parameter set;
    ``species`` are those of the default set.
    """

    name: str
    unit: str
    route: str
    mechanism: str
    kinetics: Callable[[Parameters], tuple[Species, ...]] = field(repr=False)
    half_lives: dict[str, str]
    sources: tuple[str, ...]
    pulse_averaged: bool = False
    studied_doses: str = ""
    studies: tuple[Study, ...] = ()

    def __post_init__(self):
        object.__setattr__(self, "half_lives", dict(self.half_lives))

    def species_for(self, parameters: Parameters = DEFAULT) -> tuple[Species, ...]:
        return _species(self.name, parameters)

    @property
    def species(self) -> tuple[Species, ...]:
        return self.species_for(DEFAULT)

    def slowest_rate(self, parameters: Parameters = DEFAULT) -> float:
        """The smallest rate constant (1/day) of the drug's kinetics: what sets how far its
        level falls between doses."""
        return min(min(s.rates) for s in self.species_for(parameters))

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


@functools.lru_cache(maxsize=256)
def _species(name: str, parameters: Parameters) -> tuple[Species, ...]:
    return DRUGS[name].kinetics(parameters)


def _hl(days: float) -> float:
    """Rate constant (1/day) of a half-life given in days."""
    return LN2 / days


# --------------------------------------------------------------------------- kinetics
# Each function builds one drug's species from a parameter set ``p``; the numbers and their
# sources are in hpg/parameters.py.
def _ester(t_fraction: float):
    # Two first-order steps: ester leaves the injection site (absorption half-life ~0.7 d,
    # which puts the peak at day ~2) and is released as testosterone with a half-life of
    # ~4.5 d (pk_TE; cypionate taken as equivalent, an assumption). Testosterone itself
    # is cleared within hours, so serum T = release rate / clearance (saez1972).
    def kinetics(p):
        k_abs, k_rel = _hl(p["ester_absorption_half_life"]), _hl(p["ester_release_half_life"])
        scale = k_rel / p["testosterone_clearance"] * 1e5  # mg/L -> ng/dL
        return (Species("exogenous_T", "ng/dL", (k_abs, k_rel), scale, t_fraction),)

    return kinetics


def _gel(p):
    k_skin, k_blood = _hl(p["gel_skin_half_life"]), _hl(2.0 * HOURS)  # skin reservoir, then blood (fast)
    return (Species("exogenous_T", "ng/dL", (k_skin, k_blood), k_blood / p["testosterone_clearance"] * 1e5,
                    p["gel_absorbed_fraction"]),)


def _enclomiphene(p, fraction):
    # Enclomiphene's half-life is about 10 h (wiehle2013); it swings several-fold within each
    # day, so its action on hypothalamic ERalpha follows an effect site (one-day equilibration,
    # assumed): the day's exposure, not the sampled moment, drives the effect.
    plasma = Species("enclomiphene", "ng/mL", (_hl(p["oral_absorption_half_life"]), _hl(p["enclomiphene_half_life"])),
                     1000.0 / p["clomiphene_volume"], fraction)
    return plasma, plasma.at_effect_site(_hl(p["effect_site_half_life"]))


def _clomiphene(p):
    # Clomiphene citrate: about 38% zuclomiphene (cis; label 30-50%) and 62% enclomiphene. The
    # zu:en ratio of about 20 at steady state (helo2017) with equal apparent volumes gives a
    # zuclomiphene half-life of about 14 d (calibrated to pk_clomiphene); the volume is
    # calibrated to helo2017's median enclomiphene level on 25 mg/day.
    zu = p["zuclomiphene_fraction"]
    zuclomiphene = Species("zuclomiphene", "ng/mL", (_hl(p["oral_absorption_half_life"]), _hl(p["zuclomiphene_half_life"])),
                           1000.0 / p["clomiphene_volume"], zu)
    return (*_enclomiphene(p, 1.0 - zu), zuclomiphene)


def _tamoxifen(p):
    # Absorption peak at 4-7 h, half-life about 7 d; N-desmethyltamoxifen about 14 d; all
    # tamoxifen taken to pass through the metabolite (nolvadex_pi; volumes calibrated to it).
    k_abs, k_tam = _hl(p["tamoxifen_absorption_half_life"]), _hl(p["tamoxifen_half_life"])
    return (
        Species("tamoxifen", "ng/mL", (k_abs, k_tam), 1000.0 / p["tamoxifen_volume"]),
        Species("N_desmethyltamoxifen", "ng/mL", (k_abs, k_tam, _hl(p["desmethyltamoxifen_half_life"])),
                1000.0 / p["desmethyltamoxifen_volume"]),
    )


def _anastrozole(p):
    # Peak within 2 h, half-life ~50 h (arimidex_pi), CL/F near mauras2009's; aromatase
    # inhibition is read from an effect site (one-day equilibration, assumed).
    plasma = Species("anastrozole", "ng/mL", (_hl(p["oral_absorption_half_life"]), _hl(p["anastrozole_half_life"])),
                     1000.0 / p["anastrozole_volume"])
    return plasma, plasma.at_effect_site(_hl(p["effect_site_half_life"]))


def _hcg(p):
    # Subcutaneous: absorption ~5 h and elimination 37 h put the peak at ~17 h (chorionic_pi; the US
    # Pregnyl label is for IM use: terminal half-life 23-37 h, drugscom2023);
    # apparent volume 6 L, in which hCG potency (K_hCG) is calibrated.
    return (Species("hcg", "IU/L", (_hl(p["hcg_absorption_half_life"]), _hl(p["hcg_half_life"])), 1.0 / p["hcg_volume"]),)


def _gonadorelin(p):
    # Subcutaneous: apparent half-life about 24 min, peak 5-15 min (lutrelef_pi); ug/L -> pg/mL.
    rates = (_hl(p["gonadorelin_absorption_half_life"]), _hl(p["gonadorelin_half_life"]))
    return (Species("gonadorelin", "pg/mL", rates, 1e6 / (p["gonadorelin_volume"] * 1000.0)),)


def _follitropin(p):
    # Subcutaneous FSH: absorbed over hours (peak at about 14 h), terminal half-life about a day,
    # clearance 0.6 L/h and 70% bioavailable (gonalf_pi); the apparent volume follows from
    # clearance and half-life: about 5 IU/L at steady state per 100 IU a day, added to the
    # pituitary's FSH.
    k_abs, k_el = _hl(p["follitropin_absorption_half_life"]), _hl(p["follitropin_half_life"])
    volume = p["follitropin_clearance"] / k_el
    return (Species("follitropin", "IU/L", (k_abs, k_el), 1.0 / volume, p["follitropin_bioavailability"]),)


def _leuprolide(p):
    # Subcutaneous aqueous leuprolide: absorbed within the hour, eliminated with a half-life of
    # about 3 h from an apparent volume of 37 L (periti2002). The receptor sees it as gonadorelin
    # equivalents: its level times its potency (mg/L -> pg/mL), in the same species as gonadorelin.
    rates = (_hl(p["leuprolide_absorption_half_life"]), _hl(p["leuprolide_half_life"]))
    return (Species("gonadorelin", "pg/mL", rates, p["leuprolide_potency"] * 1e6 / p["leuprolide_volume"]),)


# --------------------------------------------------------------------------- the catalogue
DRUGS: dict[str, Drug] = {}


def _register(drug: Drug) -> None:
    DRUGS[drug.name] = drug


def _testosterone_ester(name, t_fraction, ester, sources, studied, studies) -> Drug:
    return Drug(
        name,
        unit="mg",
        route="intramuscular injection (oily depot)",
        mechanism=f"testosterone {ester}: releases testosterone into blood; serum testosterone "
        "suppresses GnRH, LH and FSH; it does not raise intratesticular testosterone",
        kinetics=_ester(t_fraction),
        half_lives={"depot absorption": "0.7 d (calibrated: peak at 1.5-3 d, pk_TE)", "release": "4.5 d (pk_TE)"},
        sources=sources,
        studied_doses=studied,
        studies=studies,
    )


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
        ("testoviron_pi", "coviello2005", "handelsman2005", "matsumoto1990"),
        "250 mg once (testoviron_pi); 200 mg weekly (coviello2005, who1990); 25-300 mg weekly (matsumoto1990)",
        (
            Study("Coviello 2005", "coviello2005", 200.0, 7.0),
            Study("the WHO 1990 contraceptive trial", "who1990", 200.0, 7.0),
            Study("Matsumoto 1990", "matsumoto1990", (25.0, 300.0), 7.0),
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
        kinetics=_gel,
        half_lives={"skin reservoir": "2 d (calibrated to pk_gel)"},
        sources=("androgel_pi",),
        studied_doses="20.25-81 mg/day of testosterone (AndroGel 1.62%, androgel_pi)",
        studies=(Study("the AndroGel 1.62% label", "androgel_pi", (20.25, 81.0), 1.0),),
    )
)
_register(
    Drug(
        "clomiphene",
        "mg",
        "oral (clomiphene citrate)",
        "selective estrogen-receptor modulator, two isomers: enclomiphene (short-lived ERalpha "
        "antagonist, whose block of the estradiol brake raises GnRH, LH and FSH) and zuclomiphene "
        "(long-lived, weakly estrogenic: it accumulates, but the calibration targets need no effect "
        "of it, so none is modelled)",
        _clomiphene,
        {"enclomiphene": "10 h (wiehle2013)", "zuclomiphene": "13.7 d (calibrated to pk_clomiphene)", "overall": "about 5 d (clomid_pi)"},
        ("clomid_pi", "helo2017", "wiehle2013"),
        studied_doses="25 mg/day (helo2017; shabsigh2005, as summarised in a review by the same group)",
        studies=(Study("Helo 2017", "helo2017", 25.0, 1.0), Study("Shabsigh 2005", "shabsigh2005", 25.0, 1.0)),
    )
)
_register(
    Drug(
        "enclomiphene",
        "mg",
        "oral (enclomiphene citrate)",
        "ERalpha antagonist (the trans isomer of clomiphene) without the estrogenic zuclomiphene",
        lambda p: _enclomiphene(p, 1.0),
        {"enclomiphene": "10 h (wiehle2013)"},
        ("wiehle2013",),
        studied_doses="12.5-25 mg/day (wiehle2013)",
        studies=(Study("Wiehle 2013", "wiehle2013", (12.5, 25.0), 1.0),),
    )
)
_register(
    Drug(
        "tamoxifen",
        "mg",
        "oral (tamoxifen citrate)",
        "selective estrogen-receptor modulator: ERalpha antagonist at hypothalamus and pituitary; "
        "its metabolite N-desmethyltamoxifen is also active",
        _tamoxifen,
        {"tamoxifen": "7 d (nolvadex_pi)", "N-desmethyltamoxifen": "14 d (nolvadex_pi)"},
        ("nolvadex_pi",),
        studied_doses="10-20 mg/day (used off-label in men)",
    )
)
_register(
    Drug(
        "anastrozole",
        "mg",
        "oral",
        "aromatase inhibitor: blocks conversion of testosterone to estradiol, lifting the estradiol brake",
        _anastrozole,
        {"anastrozole": "50 h (arimidex_pi)"},
        ("arimidex_pi", "mauras2009", "leder2004"),
        studied_doses="1 mg/day or 1 mg twice weekly for 12 weeks, the two arms of leder2004",
        studies=(Study("Leder 2004", "leder2004", 1.0, 1.0), Study("Leder 2004, twice-weekly arm", "leder2004", 1.0, 3.5)),
    )
)
_register(
    Drug(
        "hcg",
        "IU",
        "subcutaneous injection",
        "human chorionic gonadotropin: agonist of the LH receptor (LHCGR) on Leydig cells; raises "
        "intratesticular and serum testosterone while LH is suppressed",
        _hcg,
        {"absorption": "5 h (peak at 12-18 h, chorionic_pi)", "elimination": "37 h (33-43 h SC, chorionic_pi)"},
        ("chorionic_pi", "drugscom2023", "coviello2005"),
        studied_doses="125-500 IU every other day with testosterone (coviello2005); 1500-2000 IU 2-3 times a week in hypogonadism",
        studies=tuple(Study("Coviello 2005", "coviello2005", dose, 2.0) for dose in (125.0, 250.0, 500.0)),
    )
)
_register(
    Drug(
        "gonadorelin",
        unit="ug",
        route="subcutaneous pump (pulses) or continuous infusion",
        mechanism="synthetic GnRH: pulses stimulate LH and FSH; continuous exposure desensitises the "
        "GnRH receptor and suppresses them (belchetz1978). The daily model averages over pulses.",
        kinetics=_gonadorelin,
        half_lives={"SC apparent": "24 min (lutrelef_pi)", "IV": "4 min (lutrelef_pi)"},
        sources=("lutrelef_pi", "hurley1987", "belchetz1978"),
        pulse_averaged=True,
        studied_doses="10-20 ug per pulse every 90 min (up to 120 min) by pump (ansm2019, the French Lutrelef SmPC)",
        studies=(Study("the Lutrelef label", "ansm2019", (10.0, 20.0), (90 * MINUTES, 120 * MINUTES)),),
    )
)
_register(
    Drug(
        "leuprolide",
        unit="mg",
        route="subcutaneous injection (aqueous solution, once daily) or continuous infusion",
        mechanism="long-acting GnRH-receptor agonist (a superagonist analogue of GnRH): it binds the "
        "receptor like gonadorelin, more potently and for hours instead of minutes, so a daily "
        "injection is exposure that never lets up: a flare of LH and testosterone in the first days, "
        "then desensitisation and castrate testosterone within weeks. The models see it as "
        "gonadorelin equivalents (its level times its potency) and average over doses as for gonadorelin.",
        kinetics=_leuprolide,
        half_lives={"absorption": "15 min (calibrated: peak 36-60 min, periti2002)", "elimination": "3 h (periti2002)"},
        sources=("periti2002", "garnick1984", "warner1983", "klotz2008"),
        pulse_averaged=True,
        studied_doses="1 mg/day SC (garnick1984); 1 and 10 mg/day SC (warner1983)",
        studies=(Study("Garnick 1984", "garnick1984", 1.0, 1.0), Study("Warner 1983", "warner1983", (1.0, 10.0), 1.0)),
    )
)

_register(
    Drug(
        "follitropin",
        unit="IU",
        route="subcutaneous injection",
        mechanism="follicle-stimulating hormone (recombinant follitropin alfa or beta; urinary FSH and hMG act "
        "alike): agonist of the FSH receptor on Sertoli cells, supporting spermatogonia and Sertoli function "
        "while the pituitary's FSH is suppressed; it cannot replace intratesticular testosterone",
        kinetics=_follitropin,
        half_lives={"absorption": "4.5 h (peak at about 14 h; assumed)", "elimination": "24 h (gonalf_pi)"},
        sources=("gonalf_pi", "lecotonnec1993", "matsumoto1983", "burgues1997"),
        studied_doses="75-150 IU two to three times a week with hCG in hypogonadotropic hypogonadism (burgues1997)",
        studies=(Study("Burgues 1997", "burgues1997", 150.0, 7 / 3),),
    )
)

#: Every species any drug reports or acts through, in catalogue order.
SPECIES = tuple(dict.fromkeys(s.name for d in DRUGS.values() for s in d.species))


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


# --------------------------------------------------------------------------- checking input
#: Other spellings of a unit: the book writes micrograms "µg" (micro sign or Greek mu).
UNIT_SPELLINGS = {"\u00b5g": "ug", "\u03bcg": "ug"}


def _check_unit(drug: Drug, unit) -> None:
    if unit is not None and (not isinstance(unit, str) or UNIT_SPELLINGS.get(unit, unit) != drug.unit):
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


def continuous_fraction(every: float | None, parameters: Parameters = DEFAULT, rate: float | None = None) -> float:
    """Fraction of a GnRH-receptor agonist's exposure that the receptor sees as continuous, for
    subcutaneous doses every ``every`` days: the trough between doses over the mean,
    ``k tau e^{-k tau} / (1 - e^{-k tau})``, with ``k`` the agonist's slowest rate constant
    ``rate`` (1/day; default gonadorelin's elimination)."""
    if every is None:
        return 0.0
    k = _hl(parameters["gonadorelin_half_life"]) if rate is None else rate
    x = k * every
    return x * math.exp(-x) / -math.expm1(-x)


# --------------------------------------------------------------------------- schedules
@dataclass(frozen=True)
class Regimen:
    """Repeated doses of one drug: ``dose`` (in the drug's unit) at ``start``,
    ``start + every``, ... for every dose time before ``stop`` (days).

    ``every=None`` gives a single dose at ``start``; otherwise ``every`` is at least one
    minute. ``stop=None`` repeats to the end of the simulation. ``unit=`` is optional and
    checked against the drug's unit ("µg" is accepted for "ug").

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
        every = _number("every", self.every, allow_none=True, positive=True)
        if every is not None and every < MINUTES:
            raise ValueError(f"every must be at least one minute (1/1440 day, {MINUTES:.6g}), got {_shown(self.every)}")
        object.__setattr__(self, "every", every)
        _check_schedule(self, "dose")

    def dose_count(self, horizon: float) -> int:
        """How many doses are given up to ``horizon``: times ``start + j*every`` before
        ``stop`` (or, with no ``stop``, up to ``horizon``)."""
        if self.every is None:
            return 1
        end = horizon + self.every if self.stop is None else min(self.stop, horizon + self.every)
        if end <= self.start:  # starts after the run (or ends before it starts)
            return 0
        return math.ceil((end - self.start) / self.every - 1e-9)

    def dose_times(self, horizon: float) -> list[float]:
        """The times (days) of the doses given up to ``horizon``."""
        if self.every is None:
            return [self.start]
        return [self.start + j * self.every for j in range(self.dose_count(horizon))]

    def mean_rate(self) -> float:
        """Average dose per day while the regimen runs (a single dose has none)."""
        return 0.0 if self.every is None else self.dose / self.every

    def concentrations(self, t, horizon: float, parameters: Parameters = DEFAULT) -> dict:
        """Each species' concentration at times ``t`` (days; a NumPy array), in its unit."""
        return _arrays([self], t, horizon, parameters)

    def continuous_fraction(self, parameters: Parameters = DEFAULT) -> float:
        drug = self._drug
        return continuous_fraction(self.every, parameters, drug.slowest_rate(parameters)) if drug.pulse_averaged else 0.0


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

    def concentrations(self, t, horizon: float, parameters: Parameters = DEFAULT) -> dict:
        """Each species' concentration at times ``t`` (days; a NumPy array), in its unit."""
        return _arrays([self], t, horizon, parameters)

    def continuous_fraction(self, parameters: Parameters = DEFAULT) -> float:
        return 1.0 if self._drug.pulse_averaged else 0.0


# --------------------------------------------------------------------------- levels
def _superpose(times, dose_times, amounts, k, weight, total):
    """Add ``weight * sum over doses d <= t of amount * exp(-k (t - d))`` to ``total`` at each
    time, in one pass: the sum is carried from one time to the next by a decay factor and
    each dose is added once; times evenly spaced share one decay factor. (hpg._compiled runs
    this same function compiled.)"""
    amplitude, j, count = 0.0, 0, len(dose_times)
    gap, decay = -1.0, 1.0
    for i in range(len(times)):
        t = times[i]
        if i > 0:
            if t - times[i - 1] != gap:
                gap = t - times[i - 1]
                decay = math.exp(-k * gap)
            amplitude *= decay
        while j < count and dose_times[j] <= t + _SAME_TIME:
            amplitude += amounts[j] * math.exp(-k * max(t - dose_times[j], 0.0))
            j += 1
        total[i] += weight * amplitude


class Backend(NamedTuple):
    """Where levels are stored: plain lists (:data:`PLAIN`), or NumPy arrays with the
    superposition compiled (``hpg._compiled.BACKEND``). The arithmetic is the same."""

    array: Callable  # a sequence of times as this backend's sequence
    zeros: Callable  # n -> n zeros
    superpose: Callable  # _superpose or its compiled twin
    finish: Callable  # a total -> the same, negative round-off set to 0
    rows: Callable  # (function, columns, *constants) -> rows of the function's outputs, one a time
    take: Callable  # (sequence, indices) -> the entries at those indices


def _plain_rows(function, columns, *constants):
    return [list(function(*(column[i] for column in columns), *constants)) for i in range(len(columns[0]))]


PLAIN = Backend(list, lambda n: [0.0] * n, _superpose, lambda total: [max(v, 0.0) for v in total], _plain_rows,
                lambda values, indices: [values[i] for i in indices])


def levels(regimens, times, horizon: float, parameters: Parameters = DEFAULT, *, resolve_pulses: bool = False,
           backend: Backend = PLAIN) -> dict:
    """Every species' level at each of ``times`` (days, ascending), in its unit.

    Doses add up by superposition of exponential modes, all doses of a drug in one pass
    per mode. A pulse-averaged drug (gonadorelin, cleared within minutes, or leuprolide, within
    hours) is seen on the scale of days as the steady level of its mean rate while it runs
    (``start <= t < stop``), unless ``resolve_pulses`` (the pulse-level model) asks for every dose.
    """
    times = backend.array(times)
    totals = {}  # by species: drugs can share one (every testosterone form gives exogenous_T)
    for drug in {r._drug.name: r._drug for r in regimens}.values():
        mine = [r for r in regimens if r._drug is drug]
        averaged = drug.pulse_averaged and not resolve_pulses
        doses = sorted((t, r.dose) for r in mine if not averaged and isinstance(r, Regimen) for t in r.dose_times(horizon))
        for species in drug.species_for(parameters):
            k, c = species.coefficients()
            if species.name not in totals:
                totals[species.name] = backend.zeros(len(times))
            total = totals[species.name]
            for r in mine:
                if averaged:
                    _add_step(total, times, r, horizon, k, c)
                elif isinstance(r, Infusion):
                    _add_infusion(total, times, r, horizon, k, c)
            if doses:
                dose_times, amounts = backend.array([d[0] for d in doses]), backend.array([d[1] for d in doses])
                for ki, ci in zip(k, c):
                    backend.superpose(times, dose_times, amounts, ki, ci, total)
    return {name: backend.finish(total) for name, total in totals.items()}


def _window(schedule, horizon: float) -> tuple[float, float]:
    """Start and stop of a schedule; with no stop it runs past the end of the run."""
    stop = schedule.stop if schedule.stop is not None else max(horizon, schedule.start) + (getattr(schedule, "every", None) or 1.0)
    return schedule.start, stop


def _add_infusion(total, times, infusion, horizon, k, c):
    """Closed form of a constant-rate input from start to stop."""
    start, stop = _window(infusion, horizon)
    for i, t in enumerate(times):
        on = min(max(t, start), stop) - start  # time spent infusing so far
        off = max(t - stop, 0.0)  # time since the infusion ended
        total[i] += infusion.rate * sum(ci / ki * -math.expm1(-ki * on) * math.exp(-ki * off) for ki, ci in zip(k, c))


def _add_step(total, times, schedule, horizon, k, c):
    """The steady level of a schedule's mean rate, exactly while it runs (zero for a
    single bolus, gone within the hour)."""
    start, stop = _window(schedule, horizon)
    level = schedule.mean_rate() * sum(ci / ki for ki, ci in zip(k, c))
    for i, t in enumerate(times):
        if start <= t < stop:
            total[i] += level


def _arrays(regimens, t, horizon, parameters) -> dict:
    """:func:`levels` at the times of a NumPy array (any order), as arrays."""
    import numpy as np

    t = np.asarray(t, dtype=float)
    order = np.argsort(t, kind="stable")
    flat = levels(regimens, t.ravel()[order].tolist(), horizon, parameters)
    out = {}
    for name, values in flat.items():
        array = np.empty(t.size)
        array[order] = values
        out[name] = array.reshape(t.shape)
    return out
