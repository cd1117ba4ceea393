"""Property-based tests of the daily model (hypothesis, deterministic).

Over random valid patients (each parameter within the middle half around its
default, or a preset) and random valid regimens of the nine drugs at doses
within their studied ranges, inside runs of 200-300 days:

(a) every output of ``simulate`` is finite and >= 0 at every time;
(b) the same for a small cohort with a random seed;

and, comparing a random base scenario (patient + 0-2 regimens) with the same
scenario plus one drug, on every day where that drug's own concentration is
above 10% of its steady-state level:

(c) exogenous testosterone (enanthate, cypionate, gel) never raises LH;
(d) a SERM (clomiphene, enclomiphene, tamoxifen) never lowers LH;
(e) anastrozole never raises E2;
(f) hCG never lowers intratesticular testosterone (ITT).

(c), (d) and (f) do not hold in the model as it stands: each is marked
``xfail(strict=True)`` with its minimal counterexample as an explicit
``@example`` and the mechanism in the reason (a physiology decision is pending).
A strict xfail turns into a failure as soon as the property holds again.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import hpg
from hpg.patients import PATIENT_PARAMETERS, PRESETS

SETTINGS = settings(max_examples=25, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow])
RTOL, ATOL = 1e-6, 1e-9
ACTIVE = 0.10  # a drug counts as present where its level is above 10% of its steady state

TESTOSTERONE = ("testosterone_enanthate", "testosterone_cypionate", "testosterone_gel")
SERMS = ("clomiphene", "enclomiphene", "tamoxifen")

# Presets as calibrated when the counterexamples below were found (HEAD 6062ca5), spelled out
# so that the counterexamples do not move when a preset is refitted.
AGING = hpg.Patient(name="aging", gnrh_drive=0.6689, leydig_capacity=0.6206, leydig_reserve=1.319, aromatase=1.618, bmi=27.0, shbg=45.0)
GNRH_DEFICIENT = hpg.Patient(name="gnrh_deficient", gnrh_drive=0.01848)
R = hpg.Regimen

#: Shared cause of the counterexamples below: the slow capacities ("use it or lose it":
#: hypothalamic, pituitary, Leydig) keep the memory of the drug's earlier effect for months, and
#: where the drug is at a trough or washing out (still above 10% of its steady state) that memory
#: can outweigh the drug's instant effect. Each was checked against simulate_reference (solve_ivp).
MEMORY = (
    "genuine model behaviour, needs a physiology decision: slow capacity memory (capacities built up "
    "or atrophied while the drug acted) outweighs the drug's waning instant effect; confirmed by "
    "simulate_reference (solve_ivp). "
)


# --------------------------------------------------------------------------- strategies
def _moderate(name: str):
    """Half way from the default towards each bound: a moderate range around the default."""
    default, low, high, _, _ = PATIENT_PARAMETERS[name]
    return st.floats(0.5 * (low + default), 0.5 * (default + high), allow_nan=False)


patients = st.one_of(
    st.sampled_from(sorted(PRESETS)).map(hpg.Patient.preset),
    st.fixed_dictionaries({name: _moderate(name) for name in PATIENT_PARAMETERS}).map(lambda p: hpg.Patient(**p)),
)

#: drug -> strategy of (dose, every) within the studied range (every=None: an Infusion of rate `dose`).
DOSING = {
    "testosterone_enanthate": st.tuples(st.floats(50, 250), st.floats(7, 14)),
    "testosterone_cypionate": st.tuples(st.floats(50, 250), st.floats(7, 14)),
    "testosterone_gel": st.tuples(st.floats(20, 81), st.just(1.0)),
    "clomiphene": st.tuples(st.floats(12.5, 50), st.sampled_from([1.0, 2.0])),
    "enclomiphene": st.tuples(st.floats(12.5, 25), st.just(1.0)),
    "tamoxifen": st.tuples(st.floats(10, 20), st.just(1.0)),
    "anastrozole": st.tuples(st.floats(0.5, 1), st.sampled_from([1.0, 2.0])),
    "hcg": st.tuples(st.floats(125, 3000), st.floats(2, 4)),
    "gonadorelin": st.one_of(
        st.tuples(st.floats(5, 20), st.floats(90 / 1440, 120 / 1440)),  # pulses every 90-120 min
        st.tuples(st.floats(20, 300), st.none()),  # continuous infusion, ug/day
    ),
}


@st.composite
def regimens(draw, days: int, drugs=tuple(DOSING)):
    """One valid Regimen (or gonadorelin Infusion) starting within the run."""
    drug = draw(st.sampled_from(drugs))
    dose, every = draw(DOSING[drug])
    start = draw(st.floats(0, 0.8 * days))
    stop = draw(st.one_of(st.none(), st.floats(7, days).map(lambda length: start + length)))
    if every is None:
        return hpg.Infusion(drug, rate=dose, start=start, stop=stop)
    return hpg.Regimen(drug, dose=dose, every=every, start=start, stop=stop)


@st.composite
def scenarios(draw, added_drugs=()):
    """(days, patient, base regimens[, added regimen]) of a random run of 200-300 days."""
    days = draw(st.integers(200, 300))
    patient = draw(patients)
    base = draw(st.lists(regimens(days), max_size=2))
    if not added_drugs:
        return days, patient, base
    return days, patient, base, draw(regimens(days, added_drugs))


# --------------------------------------------------------------------------- helpers
#: drug -> the concentration outputs it reports (internal effect-site levels excluded)
SPECIES = {entry["name"]: entry["outputs"] for entry in hpg.drugs.catalogue()}


@lru_cache(maxsize=None)
def steady_level(regimen) -> dict[str, float]:
    """Each reported species' highest level under ``regimen`` given from day 0 for 400
    days (past 5 half-lives of the slowest species, 14 days), sampled every 30 minutes."""
    if isinstance(regimen, hpg.Infusion):
        reference = hpg.Infusion(regimen.drug, rate=regimen.rate)
    else:
        reference = hpg.Regimen(regimen.drug, dose=regimen.dose, every=regimen.every)
    levels = reference.concentrations(np.arange(0.0, 400.0, 1 / 48), 400.0)
    return {name: float(levels[name].max()) for name in SPECIES[regimen.drug]}


def active_days(regimen, t: np.ndarray, days: float) -> np.ndarray:
    """Where any reported species of ``regimen`` alone is above ACTIVE x its steady-state level."""
    own = regimen.concentrations(t, days)
    mask = np.zeros(len(t), dtype=bool)
    for name, level in steady_level(regimen).items():
        mask |= own[name] > ACTIVE * level
    return mask


def compare(scenario, output: str, direction: str):
    """Simulate base and base + added; assert ``output`` does not go the forbidden way on active days."""
    days, patient, base, added = scenario
    without = hpg.simulate(base, patient=patient, days=days)
    with_ = hpg.simulate([*base, added], patient=patient, days=days)
    mask = active_days(added, with_.t, days)
    a, b = with_[output][mask], without[output][mask]
    slack = RTOL * np.abs(b) + ATOL
    bad = (a > b + slack) if direction == "raise" else (a < b - slack)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        day = float(with_.t[mask][i])
        raise AssertionError(
            f"adding {added!r} {'raised' if direction == 'raise' else 'lowered'} {output} on day {day:g}: "
            f"{b[i]!r} without -> {a[i]!r} with ({int(bad.sum())} of {int(mask.sum())} active days); "
            f"patient={patient!r}, base={base!r}, days={days}"
        )
    return int(mask.sum())


def assert_finite_non_negative(res, shape):
    assert set(res.outputs) >= {"T", "free_T", "SHBG", "LH", "FSH", "E2", "ITT", "inhibin_B", "sperm", "testis_volume"}
    for name in res.outputs:
        values = res[name]
        assert values.shape == shape, (name, values.shape)
        assert np.all(np.isfinite(values)), f"{name} is not finite"
        assert np.all(values >= 0), f"{name} is negative (min {values.min()!r})"


# --------------------------------------------------------------------------- properties
@SETTINGS
@given(scenarios())
def test_simulate_outputs_are_finite_and_non_negative(scenario):
    days, patient, base = scenario
    res = hpg.simulate(base, patient=patient, days=days)
    assert res.t[0] == 0 and res.t[-1] == days
    assert_finite_non_negative(res, (days + 1,))


@SETTINGS
@given(scenarios(), st.integers(0, 2**32 - 1))
def test_cohort_outputs_are_finite_and_non_negative(scenario, seed):
    days, patient, base = scenario
    res = hpg.cohort(base, n=5, days=days, seed=seed, patient=patient)
    assert_finite_non_negative(res, (5, days + 1))


@pytest.mark.xfail(
    strict=True,
    reason=MEMORY + "TE 50 mg on days 0 and 7 with enclomiphene 13 mg/day, aging: on day 22 (exogenous T "
    "87 ng/dL, 14% of its steady-state peak) LH is 13.7459 vs 13.7427 IU/L without TE (+0.024%): Leydig capacity "
    "atrophied 1.85 -> 1.53, so total T is lower than without TE. Found with 150 examples.",
)
@SETTINGS
@example((200, AGING, [R("enclomiphene", 13, every=1)], R("testosterone_enanthate", 50, every=7, stop=8)))
@given(scenarios(TESTOSTERONE))
def test_exogenous_testosterone_never_raises_LH(scenario):
    compare(scenario, "LH", "raise")


@pytest.mark.xfail(
    strict=True,
    reason="genuine model behaviour, needs a physiology decision: clomiphene's zuclomiphene is a strong "
    "partial agonist (zuclomiphene_efficacy 0.9), net estrogenic where ERalpha is already blocked or "
    "estradiol is low, and it accumulates (half-life 13.7 d). Clomiphene 13 mg/day added to enclomiphene "
    "13 mg/day, aging: LH lower from day 9 (15.512 vs 15.548 IU/L, -0.23%; solve_ivp -0.29%) to day 200 "
    "(-7.5% from day 60 on). Clomiphene 13 mg/day alone, gnrh_deficient: LH lower from day 35 (-0.19%), "
    "-30% by day 100 (0.281 vs 0.400 IU/L). Also " + MEMORY + "Clomiphene 13 mg every 2 days added to TE 50 mg/week + clomiphene 22 mg/day from day 13, "
    "aging, day 56: LH 7.1418 vs 7.1467 IU/L (-0.07%; Leydig capacity 1.12 -> 1.19).",
)
@SETTINGS
@example((200, AGING, [R("enclomiphene", 13, every=1)], R("clomiphene", 13, every=1)))
@example((200, GNRH_DEFICIENT, [], R("clomiphene", 13, every=1)))
@example((200, AGING, [R("testosterone_enanthate", 50, every=7), R("clomiphene", 22, every=1, start=13)], R("clomiphene", 13, every=2)))
@given(scenarios(SERMS))
def test_a_SERM_never_lowers_LH(scenario):
    compare(scenario, "LH", "lower")


@SETTINGS
@given(scenarios(("anastrozole",)))
def test_anastrozole_never_raises_E2(scenario):
    compare(scenario, "E2", "raise")


@pytest.mark.xfail(
    strict=True,
    reason=MEMORY + "Here hypothalamic and pituitary capacity, lowered by the T that hCG raised, "
    "blunt the LH response to enclomiphene started later. hCG 125 IU every 4 days added to TE 66 mg/week "
    "+ enclomiphene 13 mg/day from day 100, aging: on day 104 (hCG 4.8 IU/L, 25% of its steady-state peak) "
    "ITT is 617.49 vs 617.60 nmol/L without hCG (-0.018%; solve_ivp -0.11%). Found with 1000 examples.",
)
@SETTINGS
@example((200, AGING, [R("testosterone_enanthate", 66, every=7), R("enclomiphene", 13, every=1, start=100)], R("hcg", 125, every=4)))
@given(scenarios(("hcg",)))
def test_hCG_never_lowers_ITT(scenario):
    compare(scenario, "ITT", "lower")
