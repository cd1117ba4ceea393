"""Property-based tests of the daily model (hypothesis, deterministic).

Over random valid patients (each parameter within the middle half around its
default, or a preset) and random valid regimens of the nine drugs at doses
within their studied ranges, inside runs of 200-300 days:

(a) every output of ``simulate`` is finite and >= 0 at every time;
(b) the same for a small cohort with a random seed;

and, comparing a random base scenario (patient + 0-2 regimens of other kinds of
drug) with the same scenario plus one drug, on every day where that drug is
being given (from its start to its stop) and one of its active species is above
10% of its steady-state level (zuclomiphene, which the model gives no effect,
does not count):

(c) exogenous testosterone (enanthate, cypionate, gel) never raises LH;
(d) a SERM (clomiphene, enclomiphene, tamoxifen) never lowers LH;
(e) anastrozole never raises E2;
(f) hCG never lowers intratesticular testosterone (ITT).

Only round-off is allowed (relative 1e-6). Two choices keep the properties
about the drug itself. The slow capacities ("use it or lose it": hypothalamic,
pituitary, Leydig) remember what a drug did for months:
- after a drug is stopped that memory gives rebounds (ITT dips about 1% below
  baseline for days after hCG is withdrawn), so washout days are left out;
- a small dose added under a large dose of the same kind acts on a saturated
  receptor while its earlier effect is remembered (hCG 125 IU every 2 days under
  hCG 1573 IU left ITT 1% lower), so the base holds no drug of the added kind.
With both, 1000 examples per property find no violation. CI runs 25; run with
``HPG_PROPERTY_EXAMPLES=1000`` to search harder.
"""
from __future__ import annotations

import os
from functools import lru_cache

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hpg
from hpg.patients import PATIENT_PARAMETERS, PRESETS

SETTINGS = settings(
    max_examples=int(os.environ.get("HPG_PROPERTY_EXAMPLES", 25)),
    deadline=None,
    derandomize=True,
    database=None,
    report_multiple_bugs=False,
    suppress_health_check=[HealthCheck.too_slow],
)
RTOL, ATOL = 1e-6, 1e-9  # see the module docstring
ACTIVE = 0.10  # a drug counts as present where its level is above 10% of its steady state

TESTOSTERONE = ("testosterone_enanthate", "testosterone_cypionate", "testosterone_gel")
SERMS = ("clomiphene", "enclomiphene", "tamoxifen")


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
    # The base never holds a drug of the added kind: a small dose added under a large dose
    # of the same drug acts on a saturated receptor, and "adding" it compares nothing.
    others = tuple(drug for drug in DOSING if drug not in added_drugs)
    base = draw(st.lists(regimens(days, others), max_size=2))
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


#: Species with no modelled effect (zuclomiphene accumulates but acts on nothing in the model):
#: their level does not make a drug "present".
INERT = {"zuclomiphene"}


def active_days(regimen, t: np.ndarray, days: float) -> np.ndarray:
    """Days on which ``regimen`` is being given (from its start to its stop) and one of its
    active species is above ACTIVE x its steady-state level."""
    own = regimen.concentrations(t, days)
    stop = regimen.stop if regimen.stop is not None else np.inf
    mask = np.zeros(len(t), dtype=bool)
    for name, level in steady_level(regimen).items():
        if name not in INERT:
            mask |= own[name] > ACTIVE * level
    return mask & (t >= regimen.start) & (t < stop)


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


@SETTINGS
@given(scenarios(TESTOSTERONE))
def test_exogenous_testosterone_never_raises_LH(scenario):
    compare(scenario, "LH", "raise")


@SETTINGS
@given(scenarios(SERMS))
def test_a_SERM_never_lowers_LH(scenario):
    compare(scenario, "LH", "lower")


@SETTINGS
@given(scenarios(("anastrozole",)))
def test_anastrozole_never_raises_E2(scenario):
    compare(scenario, "E2", "raise")


@SETTINGS
@given(scenarios(("hcg",)))
def test_hCG_never_lowers_ITT(scenario):
    compare(scenario, "ITT", "lower")
