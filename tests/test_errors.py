"""Bad input never produces a number (DESIGN.md section 3).

Every bad input of the public API raises ``ValueError``, ``TypeError`` or
``KeyError`` whose message names the argument, shows the bad value and says
what is allowed (the known drugs, presets, outputs or parameters, or the
bounds). A failing integration raises :class:`hpg.model.SolverError` instead of
returning a partial result.
"""
from __future__ import annotations

import math
import re

import pytest

import hpg
from hpg import model
from hpg.drugs import DRUGS
from hpg.patients import PATIENT_PARAMETERS, PRESETS

NAN, INF = math.nan, math.inf


def mentions(*pieces: str) -> str:
    """A regex (for ``pytest.raises(match=...)``) that finds every piece, in any order."""
    return "(?s)" + "".join(f"(?=.*{re.escape(piece)})" for piece in pieces)


def regimen(drug="testosterone_cypionate", **kwargs):
    kwargs.setdefault("dose", 100)
    return hpg.Regimen(drug, **kwargs)


def infusion(drug="gonadorelin", **kwargs):
    kwargs.setdefault("rate", 120)
    return hpg.Infusion(drug, **kwargs)


MAKERS = {"Regimen": regimen, "Infusion": infusion}


@pytest.fixture(scope="module")
def result():
    return hpg.simulate([], days=20)


# --------------------------------------------------------------------------- drugs and schedules
@pytest.mark.parametrize("kind", MAKERS)
@pytest.mark.parametrize("name", ["testosterone", "Clomiphene", "hCG", ""])
def test_unknown_drug_lists_the_known_drugs(kind, name):
    with pytest.raises(ValueError, match=mentions("drug", repr(name), *DRUGS)):
        MAKERS[kind](name)


@pytest.mark.parametrize("kind", MAKERS)
@pytest.mark.parametrize("name", [None, 5])
def test_drug_that_is_not_a_name(kind, name):
    with pytest.raises(TypeError, match=mentions("drug", repr(name), *DRUGS)):
        MAKERS[kind](name)


#: (bad value, how the message shows it, what the message says is allowed)
BAD_AMOUNTS = [
    (-1, "-1", ">= 0"),
    (-0.5, "-0.5", ">= 0"),
    (INF, "inf", "finite"),
    (-INF, "-inf", "finite"),
    (NAN, "nan", "finite"),
]


@pytest.mark.parametrize("value, shown, allowed", BAD_AMOUNTS)
def test_bad_dose(value, shown, allowed):
    with pytest.raises(ValueError, match=mentions("dose", shown, allowed)):
        regimen(dose=value, every=7)


@pytest.mark.parametrize("value, shown, allowed", BAD_AMOUNTS)
def test_bad_infusion_rate(value, shown, allowed):
    with pytest.raises(ValueError, match=mentions("rate", shown, allowed)):
        infusion(rate=value)


@pytest.mark.parametrize("kind, argument", [("Regimen", "dose"), ("Infusion", "rate")])
@pytest.mark.parametrize("value", ["100", None, [100]])
def test_dose_or_rate_that_is_not_a_number(kind, argument, value):
    with pytest.raises(TypeError, match=mentions(argument, repr(value), "real number")):
        MAKERS[kind](**{argument: value})


@pytest.mark.parametrize("kind", MAKERS)
@pytest.mark.parametrize("start, stop", [(10, 5), (10, 10), (0, 0), (30.5, 30.25)])
def test_stop_not_after_start(kind, start, stop):
    allowed = mentions("stop", "start", repr(float(start)), repr(float(stop)), "greater than")
    with pytest.raises(ValueError, match=allowed):
        MAKERS[kind](start=start, stop=stop)


@pytest.mark.parametrize("kind", MAKERS)
@pytest.mark.parametrize(
    "value, shown, allowed", [(-1, "-1", ">= 0"), (-0.01, "-0.01", ">= 0"), (NAN, "nan", "finite"), (INF, "inf", "finite")]
)
def test_bad_start(kind, value, shown, allowed):
    with pytest.raises(ValueError, match=mentions("start", shown, allowed)):
        MAKERS[kind](start=value)


@pytest.mark.parametrize("value, shown, allowed", [(0, "0", "> 0"), (-7, "-7", "> 0"), (NAN, "nan", "finite"), (INF, "inf", "finite")])
def test_bad_every(value, shown, allowed):
    with pytest.raises(ValueError, match=mentions("every", shown, allowed)):
        regimen(every=value)


@pytest.mark.parametrize(
    "make, unit, allowed",
    [
        (lambda u: regimen("testosterone_cypionate", unit=u), "IU", "'mg'"),
        (lambda u: regimen("testosterone_gel", dose=50, every=1, unit=u), "g", "'mg'"),
        (lambda u: regimen("hcg", dose=250, every=3, unit=u), "mg", "'IU'"),
        (lambda u: regimen("clomiphene", dose=25, every=1, unit=u), "ug", "'mg'"),
        (lambda u: infusion("gonadorelin", unit=u), "mg", "'ug'"),
    ],
)
def test_wrong_unit(make, unit, allowed):
    with pytest.raises(ValueError, match=mentions("unit", repr(unit), allowed)):
        make(unit)


# --------------------------------------------------------------------------- simulate and cohort arguments
RUNNERS = {
    "simulate": lambda **kw: hpg.simulate(**{"regimens": [], **kw}),
    "cohort": lambda **kw: hpg.cohort(**{"regimens": [], "n": 2, **kw}),
}


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize(
    "days, shown, allowed",
    [(0, "0", "> 0"), (-5, "-5", "> 0"), (NAN, "nan", "finite"), (INF, "inf", "finite"), (36501, "36501", "at most 36500")],
)
def test_bad_days(runner, days, shown, allowed):
    with pytest.raises(ValueError, match=mentions("days", shown, allowed)):
        RUNNERS[runner](days=days)


@pytest.mark.parametrize("runner", RUNNERS)
def test_days_that_is_not_a_number(runner):
    with pytest.raises(TypeError, match=mentions("days", "'365'", "real number")):
        RUNNERS[runner](days="365")


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize("steps, error, allowed", [(0, ValueError, ">= 1"), (-1, ValueError, ">= 1"),
                                                   (1.5, TypeError, "whole number"), (True, TypeError, "whole number")])
def test_bad_steps_per_day(runner, steps, error, allowed):
    with pytest.raises(error, match=mentions("steps_per_day", repr(steps), allowed)):
        RUNNERS[runner](days=10, steps_per_day=steps)


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize("item", ["clomiphene", 5, {"drug": "hcg", "dose": 250}, None])
def test_regimen_list_with_something_else(runner, item):
    regimens = [hpg.Regimen("hcg", dose=250, every=3), item]
    with pytest.raises(TypeError, match=mentions("regimen", repr(item), "Regimen", "Infusion")):
        RUNNERS[runner](regimens=regimens, days=10)


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize("regimens", ["clomiphene", 5])
def test_regimens_that_are_not_a_list(runner, regimens):
    with pytest.raises(TypeError, match=mentions("regimens", repr(regimens), "Regimen", "Infusion")):
        RUNNERS[runner](regimens=regimens, days=10)


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize("patient", [{"gnrh_drive": 0.5}, 5])
def test_patient_of_the_wrong_type(runner, patient):
    with pytest.raises(TypeError, match=mentions("patient", repr(patient), "Patient", "preset")):
        RUNNERS[runner](patient=patient, days=10)


@pytest.mark.parametrize(
    "n, error, allowed",
    [(0, ValueError, ">= 1"), (-3, ValueError, ">= 1"), (2.5, TypeError, "whole number"), (True, TypeError, "whole number"),
     ("5", TypeError, "whole number"), (100_001, ValueError, "at most 100000")],
)
def test_bad_cohort_size(n, error, allowed):
    with pytest.raises(error, match=mentions("n must", repr(n), allowed)):
        hpg.cohort([], n=n, days=10)


@pytest.mark.parametrize("seed", [None, 1.5, "0", True])
def test_cohort_seed_of_the_wrong_type(seed):
    with pytest.raises(TypeError, match=mentions("seed", repr(seed), "int")):
        hpg.cohort([], n=2, days=10, seed=seed)


@pytest.mark.parametrize("seed", [-1, -2**40])
def test_negative_cohort_seed(seed):
    with pytest.raises(ValueError, match=mentions("seed", repr(seed), ">= 0")):
        hpg.cohort([], n=2, days=10, seed=seed)


# --------------------------------------------------------------------------- patients
@pytest.mark.parametrize(
    "make", [lambda **kw: hpg.Patient(**kw), lambda **kw: hpg.Patient.preset("healthy", **kw)], ids=["Patient", "preset"]
)
@pytest.mark.parametrize("name", ["foo", "GnRH_drive", "testosterone"])
def test_unknown_patient_parameter_lists_the_known_ones(make, name):
    with pytest.raises(TypeError, match=mentions("parameter", name, *PATIENT_PARAMETERS)):
        make(**{name: 1})


def bad_patient_value(name: str, kind: str) -> float:
    """A value of patient parameter ``name`` outside its bounds (read at test time)."""
    _, low, high, _, _ = PATIENT_PARAMETERS[name]
    span = high - low
    return {"below": low - 0.25 * span, "above": high + 0.25 * span, "nan": NAN, "inf": INF, "-inf": -INF}[kind]


@pytest.mark.parametrize(
    "make", [lambda **kw: hpg.Patient(**kw), lambda **kw: hpg.Patient.preset("obese", **kw)], ids=["Patient", "preset"]
)
@pytest.mark.parametrize("kind", ["below", "above"])
@pytest.mark.parametrize("name", PATIENT_PARAMETERS)
def test_patient_value_out_of_bounds(make, name, kind):
    _, low, high, _, _ = PATIENT_PARAMETERS[name]
    value = bad_patient_value(name, kind)
    with pytest.raises(ValueError, match=mentions(name, repr(value), f"{low}-{high}")):
        make(**{name: value})


@pytest.mark.parametrize("name, kind", [("gnrh_drive", "nan"), ("shbg", "inf"), ("albumin", "-inf"), ("bmi", "nan")])
def test_patient_value_not_finite(name, kind):
    _, low, high, _, _ = PATIENT_PARAMETERS[name]
    value = bad_patient_value(name, kind)
    with pytest.raises(ValueError, match=mentions(name, repr(value), f"{low}-{high}")):
        hpg.Patient(**{name: value})


@pytest.mark.parametrize("value", ["1.0", None, [1.0], True])
def test_patient_value_that_is_not_a_number(value):
    with pytest.raises(TypeError, match=mentions("gnrh_drive", repr(value), "real number")):
        hpg.Patient(gnrh_drive=value)


@pytest.mark.parametrize(
    "make",
    [
        lambda name: hpg.Patient.preset(name),
        lambda name: hpg.simulate([], patient=name, days=10),
        lambda name: hpg.cohort([], n=2, days=10, patient=name),
    ],
    ids=["Patient.preset", "simulate", "cohort"],
)
@pytest.mark.parametrize("name", ["athlete", "Healthy", ""])
def test_unknown_preset_lists_the_known_ones(make, name):
    with pytest.raises(ValueError, match=mentions("preset", repr(name), *PRESETS)):
        make(name)


# --------------------------------------------------------------------------- results
@pytest.mark.parametrize("name", ["nope", "testosterone", "lh"])
def test_unknown_output_lists_the_known_ones(result, name):
    with pytest.raises(KeyError, match=mentions("output", repr(name), *result.outputs)):
        result[name]


def test_unknown_output_of_a_cohort():
    res = hpg.cohort([], n=2, days=5)
    with pytest.raises(KeyError, match=mentions("output", "'nope'", *res.outputs)):
        res["nope"]


@pytest.mark.parametrize("day, shown", [(21, "21"), (20.5, "20.5"), (1e9, "1000000000"), (-1, "-1"), (-0.25, "-0.25")])
def test_day_outside_the_run(result, day, shown):
    with pytest.raises(ValueError, match=mentions("day", shown, "0-20")):
        result.at(day)


@pytest.mark.parametrize(
    "day, error, allowed", [(NAN, ValueError, "finite"), ("5", TypeError, "real number"), (None, TypeError, "real number")]
)
def test_day_that_is_not_a_day(result, day, error, allowed):
    with pytest.raises(error, match=mentions("day", repr(day), allowed)):
        result.at(day)


# --------------------------------------------------------------------------- solver failure
def poison_rates(monkeypatch, value, after_calls=0):
    """Make the plain model's slow-state rates (hpg.daily.slow_rates) return ``value`` after
    ``after_calls`` calls; return the list holding the number of calls made so far. (The
    compiled model cannot be patched; the two run the same functions.)"""
    original = hpg.daily.slow_rates
    calls = [0]

    def poisoned(u, loop, s, continuous, fsh, c, m, A, B):
        original(u, loop, s, continuous, fsh, c, m, A, B)
        calls[0] += 1
        if value is not None and calls[0] > after_calls:
            for k in range(len(A)):
                A[k] = value

    monkeypatch.setattr(hpg.daily, "slow_rates", poisoned)
    return calls


REGIMENS = [hpg.Regimen("testosterone_enanthate", dose=200, every=7)]


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize("value", [NAN, INF])
@pytest.mark.parametrize("when", ["from the start", "half way"])
def test_solver_failure_raises_instead_of_returning(monkeypatch, runner, value, when):
    after = 0
    if when == "half way":  # count the calls of a healthy run, then fail in its middle
        with monkeypatch.context() as m:
            calls = poison_rates(m, None)
            RUNNERS[runner](regimens=REGIMENS, days=200, compiled=False)
        after = calls[0] // 2
        assert after > 100
    poison_rates(monkeypatch, value, after)
    with pytest.raises(hpg.model.SolverError, match="non-finite"):
        RUNNERS[runner](regimens=REGIMENS, days=200, compiled=False)


def test_solver_error_is_public():
    assert hpg.SolverError is model.SolverError
    assert issubclass(model.SolverError, RuntimeError)
