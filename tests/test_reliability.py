"""Defects found by a fuzzing campaign (issue 14), one test (or a few) each, against the public API.

1. The pulse model integrated an infusion that starts after the run as if it ran backwards
   (huge gonadorelin, doubled LH or a SolverError): a horizon guard, and a property test over
   infusions and regimens that start after, end before or straddle the run.
4. ``Patient("obese")`` was a healthy man named "obese" while ``simulate(patient="obese")``
   meant the preset: a preset name now means the preset everywhere.
5. Unbounded work: ``steps_per_day`` and ``toy.simulate(points=...)`` have upper bounds with
   clear errors; many single-dose regimens cost linear time.
6. Accidental types: NumPy integer and float scalars and 0-d arrays are numbers everywhere;
   ``Decimal`` and ``Fraction`` are refused everywhere with the same TypeError; ``cohort``'s
   ``n`` and ``seed`` raise the same exception type for the same mistake; ``unit="µg"``.
7. Raw library errors become clear ones: an overflowing dose count, a subnormal pulse
   interval, the toy's steady state at the edge of its bracket, Leydig cells with a
   vanishing number of receptors.
"""
from __future__ import annotations

import math
import re
import time
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hpg
from hpg import toy

R, I = hpg.Regimen, hpg.Infusion


def mentions(*pieces: str) -> str:
    """A regex (for ``pytest.raises(match=...)``) that finds every piece, in any order."""
    return "(?s)" + "".join(f"(?=.*{re.escape(piece)})" for piece in pieces)


# --------------------------------------------------------------------------- 1. the pulse model's horizon
@pytest.mark.parametrize("hours", [24, 36, 47])
def test_pulse_model_ignores_an_infusion_that_starts_after_the_run(hours):
    late = hpg.simulate_pulses(hours, regimens=[I("gonadorelin", 160, start=3)])
    none = hpg.simulate_pulses(hours)
    assert late["gonadorelin"].max() == 0.0
    for name in none.outputs:
        np.testing.assert_array_equal(late[name], none[name], err_msg=name)


PULSE_SETTINGS = settings(max_examples=30, deadline=None, derandomize=True, database=None,
                          suppress_health_check=[HealthCheck.too_slow])

#: Schedules placed relative to a run of `hours` hours: starting after it, ending within it,
#: or straddling its end; times in days.
WHERE = ("after", "ends_before", "straddles")


@st.composite
def pulse_scenarios(draw):
    hours = draw(st.integers(6, 60))
    horizon = hours / 24.0
    schedules = []
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.sampled_from(WHERE))
        if where == "after":
            start = horizon * draw(st.floats(1.0, 4.0)) + 1e-3
            stop = draw(st.one_of(st.none(), st.just(start + draw(st.floats(0.1, 5.0)))))
        elif where == "ends_before":
            start = horizon * draw(st.floats(0.0, 0.5))
            stop = start + (horizon - start) * draw(st.floats(0.05, 0.95))
        else:
            start = horizon * draw(st.floats(0.0, 0.9))
            stop = draw(st.one_of(st.none(), st.just(horizon * draw(st.floats(1.01, 3.0)))))
        kind = draw(st.sampled_from(["infusion", "pulses", "single", "other"]))
        if kind == "infusion":
            schedules.append(I("gonadorelin", draw(st.floats(10, 400)), start=start, stop=stop))
        elif kind == "pulses":
            schedules.append(R("gonadorelin", draw(st.floats(2, 20)), every=draw(st.floats(60, 180)) / 1440, start=start, stop=stop))
        elif kind == "single":
            schedules.append(R("gonadorelin", draw(st.floats(2, 20)), start=start))
        else:
            schedules.append(R(draw(st.sampled_from(["hcg", "testosterone_enanthate", "clomiphene"])), draw(st.floats(1, 300)),
                               every=draw(st.floats(0.5, 3)), start=start, stop=stop))
    return hours, schedules


@PULSE_SETTINGS
@given(pulse_scenarios(), st.integers(0, 3))
def test_pulse_model_property_over_schedules_around_the_run(scenario, seed):
    """Whatever the schedules: finite, non-negative outputs; nothing before the first start;
    nothing at all from a schedule that starts after the run; and a run is the start of a
    longer one (the horizon never changes what happened before it)."""
    hours, schedules = scenario
    run = hpg.simulate_pulses(hours, regimens=schedules, seed=seed)
    longer = hpg.simulate_pulses(hours + 12, regimens=schedules, seed=seed)
    for name in run.outputs:
        values = run[name]
        assert np.all(np.isfinite(values)) and np.all(values >= 0), name
        np.testing.assert_array_equal(values, longer[name][: len(values)], err_msg=name)
    gonadorelin = [s for s in schedules if s.drug == "gonadorelin"]
    first = min((s.start for s in gonadorelin), default=math.inf) * 24.0
    assert np.all(run["gonadorelin"][run.t < first] == 0.0)
    within = [s for s in schedules if s.start * 24.0 <= hours]
    alone = hpg.simulate_pulses(hours, regimens=within, seed=seed)
    for name in run.outputs:
        np.testing.assert_array_equal(run[name], alone[name], err_msg=name)


# --------------------------------------------------------------------------- 4. Patient("obese")
@pytest.mark.parametrize("name", ["healthy", "obese", "aging", "secondary_hypogonadism", "gnrh_deficient"])
def test_a_preset_name_means_the_preset(name):
    assert hpg.Patient(name) == hpg.Patient.preset(name)
    assert hpg.Patient(name=name).values() == hpg.simulate([], patient=name, days=1).patient.values()


def test_a_preset_name_with_changes_is_the_preset_with_those_changes():
    assert hpg.Patient("obese", shbg=30.0) == hpg.Patient.preset("obese", shbg=30.0)
    assert hpg.Patient.preset("obese").with_(bmi=40.0).shbg == hpg.Patient.preset("obese").shbg


def test_any_other_name_is_only_a_label():
    assert hpg.Patient("Mr Smith").values() == hpg.Patient().values()


# --------------------------------------------------------------------------- 5. bounded work
@pytest.mark.parametrize("runner", ["simulate", "cohort"])
def test_steps_per_day_has_an_upper_bound(runner):
    run = {"simulate": hpg.simulate, "cohort": lambda **kw: hpg.cohort(n=2, **kw)}[runner]
    with pytest.raises(ValueError, match=mentions("steps_per_day", "10000000000", "at most 1440")):
        run(days=5, steps_per_day=10**10)
    with pytest.raises(ValueError, match=mentions("days", "steps_per_day", "36500", "20", "at most")):
        run(days=36500, steps_per_day=20)


def test_toy_points_have_an_upper_bound():
    with pytest.raises(ValueError, match=mentions("points", "10000000000", "at most")):
        toy.simulate(5, points=10**10)


def _seconds(function) -> float:
    best = math.inf
    for _ in range(3):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def test_a_single_dose_a_day_costs_no_more_than_a_daily_regimen():
    """3,650 single-dose regimens, one a day, cost as much as one daily regimen of 3,650 doses
    (the work grows linearly with the number of doses, not as doses times days)."""
    days = 3650
    singles = [R("clomiphene", 25, start=d) for d in range(days)]
    daily = R("clomiphene", 25, every=1, stop=days)
    a, b = hpg.simulate(singles, days=days), hpg.simulate(daily, days=days)
    np.testing.assert_allclose(a["LH"], b["LH"], rtol=1e-9)
    np.testing.assert_allclose(a["enclomiphene"], b["enclomiphene"], rtol=1e-9, atol=1e-12)
    assert _seconds(lambda: hpg.simulate(singles, days=days)) < 3 * _seconds(lambda: hpg.simulate(daily, days=days)) + 0.05


# --------------------------------------------------------------------------- 6. accidental types
NUMPY_NUMBERS = [np.int64(2), np.int32(2), np.float64(2.0), np.float32(2.0), np.array(2.0), np.array(2)]
ids = [f"{type(v).__name__}-{v.dtype}" for v in NUMPY_NUMBERS]

#: Every place of the public API where a (positive) number is expected, as a call of one value.
NUMBER_TAKERS = {
    "Regimen dose": lambda v: R("hcg", v, every=2),
    "Regimen every": lambda v: R("hcg", 250, every=v),
    "Regimen start": lambda v: R("hcg", 250, every=2, start=v),
    "Infusion rate": lambda v: I("gonadorelin", v),
    "Patient parameter": lambda v: hpg.Patient(gnrh_drive=v),
    "Patient.preset change": lambda v: hpg.Patient.preset("aging", leydig_capacity=v),
    "simulate days": lambda v: hpg.simulate([], days=v),
    "cohort days": lambda v: hpg.cohort([], n=2, days=v),
    "Result.at": lambda v: hpg.simulate([], days=3).at(v),
    "simulate_pulses hours": lambda v: hpg.simulate_pulses(v),
    "simulate_pulses interval": lambda v: hpg.simulate_pulses(1, "pulsatile", interval=v),
    "simulate_pulses dose": lambda v: hpg.simulate_pulses(1, "pulsatile", dose=v),
    "PulseResult.mean": lambda v: hpg.simulate_pulses(3).mean("LH", 0, v),
    "measure every": lambda v: hpg.pulses.measure(hpg.simulate_pulses(1), every=v),
    "toy duration": lambda v: toy.simulate(v),
    "toy parameter": lambda v: toy.ToyParameters(a=v),
    "toy override": lambda v: toy.steady_state(K=v),
    "toy initial": lambda v: toy.simulate(1, initial={"GnRH": v, "LH": 1, "T": 1}),
    "leydig lh": lambda v: hpg.leydig.steady_state(v),
    "leydig receptors": lambda v: hpg.leydig.steady_state(receptors=v),
    "leydig hours": lambda v: hpg.leydig.simulate(hours=v),
    "leydig levels": lambda v: hpg.leydig.dose_response([v, 2 * v]),
}
#: ... and where a whole number is expected.
WHOLE_TAKERS = {
    "simulate steps_per_day": lambda v: hpg.simulate([], days=2, steps_per_day=v),
    "cohort steps_per_day": lambda v: hpg.cohort([], n=2, days=2, steps_per_day=v),
    "cohort n": lambda v: hpg.cohort([], n=v, days=2),
    "cohort seed": lambda v: hpg.cohort([], n=2, days=2, seed=v),
    "simulate_pulses seed": lambda v: hpg.simulate_pulses(1, seed=v),
    "toy points": lambda v: toy.simulate(1, points=v),
}
WHOLE_NUMPY = [np.int64(2), np.int32(2), np.uint8(2), np.array(2)]


@pytest.mark.parametrize("value", NUMPY_NUMBERS, ids=ids)
@pytest.mark.parametrize("where", NUMBER_TAKERS)
def test_numpy_numbers_are_numbers(where, value):
    NUMBER_TAKERS[where](value)  # accepted, like the plain number
    NUMBER_TAKERS[where](2)


@pytest.mark.parametrize("value", WHOLE_NUMPY, ids=[type(v).__name__ + str(v.dtype) for v in WHOLE_NUMPY])
@pytest.mark.parametrize("where", WHOLE_TAKERS)
def test_numpy_integers_are_whole_numbers(where, value):
    WHOLE_TAKERS[where](value)


def test_a_numpy_number_gives_the_same_result_as_the_plain_number():
    plain = hpg.simulate(R("hcg", 250, every=2), days=30)
    numpy = hpg.simulate(R("hcg", np.array(250.0), every=np.float32(2)), days=np.int64(30), steps_per_day=np.int64(2))
    np.testing.assert_array_equal(plain["T"], numpy["T"])


@pytest.mark.parametrize("value", [Decimal(2), Fraction(2)], ids=["Decimal", "Fraction"])
@pytest.mark.parametrize("where", list(NUMBER_TAKERS) + list(WHOLE_TAKERS))
def test_decimal_and_fraction_are_refused_everywhere_alike(where, value):
    take = {**NUMBER_TAKERS, **WHOLE_TAKERS}[where]
    with pytest.raises(TypeError, match=mentions(type(value).__name__, "int")):
        take(value)


@pytest.mark.parametrize("value", [1.5, 2.0, "2", True])
def test_a_whole_number_of_the_wrong_type_is_a_type_error_everywhere(value):
    for where, take in WHOLE_TAKERS.items():
        with pytest.raises(TypeError, match=mentions("whole number", repr(value))):
            take(value)
    with pytest.raises(TypeError, match=mentions("peak", "whole number", repr(value))):
        hpg.pulses.detect_pulses(np.arange(20) / 6, np.ones(20), peak=value)


@pytest.mark.parametrize("value", [2.5, "2", True, None, Decimal(2)])
def test_cohort_n_and_seed_raise_the_same_exception_for_the_same_mistake(value):
    with pytest.raises(Exception) as n_error:
        hpg.cohort([], n=value, days=2)
    with pytest.raises(Exception) as seed_error:
        hpg.cohort([], n=2, days=2, seed=value)
    assert type(n_error.value) is type(seed_error.value) is TypeError
    assert "n must" in str(n_error.value) and "seed must" in str(seed_error.value)


@pytest.mark.parametrize("unit", ["µg", "μg", "ug"])  # micro sign, Greek mu, ASCII
def test_micrograms_may_be_written_as_the_book_writes_them(unit):
    assert R("gonadorelin", 10, every=90 / 1440, unit=unit).dose == 10
    assert I("gonadorelin", 160, unit=unit).rate == 160
    with pytest.raises(ValueError, match=mentions("unit", repr(unit), "'IU'")):
        R("hcg", 250, unit=unit)


# --------------------------------------------------------------------------- 7. raw library errors
@pytest.mark.parametrize("stop", [1e308, 1e300, 1e20])
def test_a_regimen_stopping_in_the_far_future_is_one_without_stop(stop):
    far = hpg.simulate(R("hcg", 500, every=0.5, stop=stop), days=10)
    open_ended = hpg.simulate(R("hcg", 500, every=0.5), days=10)
    np.testing.assert_array_equal(far["hcg"], open_ended["hcg"])
    pulses = hpg.simulate_pulses(6, regimens=[R("gonadorelin", 10, every=90 / 1440, stop=stop)])
    np.testing.assert_array_equal(pulses["gonadorelin"], hpg.simulate_pulses(6, "pulsatile")["gonadorelin"])


@pytest.mark.parametrize("start", [1e308, 1e20])
def test_a_regimen_starting_in_the_far_future_gives_nothing(start):
    res = hpg.simulate(R("hcg", 500, every=0.5, start=start), days=10)
    assert res["hcg"].max() == 0.0


@pytest.mark.parametrize("every", [1e-310, 1e-12, 1e-4])
def test_dose_interval_below_a_minute_is_refused(every):
    with pytest.raises(ValueError, match=mentions("every", repr(every), "at least", "minute")):
        R("gonadorelin", 10, every=every)


@pytest.mark.parametrize("kind", ["pulsatile", "continuous"])
@pytest.mark.parametrize("interval", [1e-310, 1e-3])
def test_pulse_interval_below_a_minute_is_reported_as_interval(kind, interval):
    with pytest.raises(ValueError, match=mentions("interval", repr(interval), "at least 1")) as info:
        hpg.simulate_pulses(1, kind, interval=interval)
    assert "rate" not in str(info.value) and "every" not in str(info.value)


def test_an_overflowing_continuous_rate_names_dose_and_interval():
    with pytest.raises(ValueError, match=mentions("dose", "interval", "1e+308")) as info:
        hpg.simulate_pulses(1, "continuous", dose=1e308, interval=1)
    assert "rate" not in str(info.value).split("(")[0]


def test_toy_steady_state_at_the_edge_of_its_bracket():
    p = dict(a=1.9, K=6, n=23, b1=17, b2=17, b3=17, g1=24.25, g2=1.025, exogenous_T=25.374)
    state = toy.steady_state(**p)
    gain = p["g1"] * p["g2"] / (p["b1"] * p["b2"])
    T = state["T"]
    residual = gain * p["a"] / (1 + (T / p["K"]) ** p["n"]) + p["exogenous_T"] - p["b3"] * T
    assert abs(residual) < 1e-12 * p["exogenous_T"]


@pytest.mark.parametrize("argument", ["receptors", "star"])
@pytest.mark.parametrize("value", [1e-306, 2.2e-308, 5e-324, 1e-9])
def test_leydig_cells_with_a_vanishing_capacity_are_refused_clearly(argument, value):
    for call in (lambda: hpg.leydig.simulate(lh=1000, hcg=1000, hours=48, **{argument: value}),
                 lambda: hpg.leydig.steady_state(**{argument: value})):
        with pytest.raises(ValueError, match=mentions(argument, repr(value), "0 or between")):
            call()


@pytest.mark.parametrize("argument", ["receptors", "star"])
def test_leydig_cells_without_receptors_or_star_still_work(argument):
    res = hpg.leydig.simulate(lh=1000, hcg=1000, hours=48, **{argument: 0.0})
    assert np.all(np.isfinite(res["testosterone"]))
    hpg.leydig.simulate(lh=1000, hcg=1000, hours=48, **{argument: 1e-6})
