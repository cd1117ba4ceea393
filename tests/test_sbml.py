"""The SBML export (hpg.sbml): built from the model's own equations, valid SBML, and
simulated by libroadrunner it reproduces hpg.simulate.

libroadrunner compiles each model to machine code and holds a lot of memory per model:
the tests load one model at a time and free it before the next.
"""
import gc
import inspect
import random
import xml.etree.ElementTree as ET

import numpy as np
import pytest
import roadrunner

import hpg
from hpg import daily, equations, sbml
from hpg.model import steady_state
from hpg.parameters import DEFAULT

R = hpg.Regimen
SBML = "{http://www.sbml.org/sbml/level3/version2/core}"

#: The four scenarios of issue 19: (regimens, days).
SCENARIOS = {
    "untreated": ((), 120),
    "weekly testosterone": ((R("testosterone_enanthate", dose=200, every=7, start=0, stop=120),), 180),
    "testosterone then clomiphene": ((R("testosterone_enanthate", dose=200, every=7, start=0, stop=120),
                                      R("clomiphene", dose=25, every=1, start=120, stop=240)), 300),
    "hCG": ((R("hcg", dose=1500, every=3, start=0, stop=120),), 150),
}
COMPARED = ("T", "LH", "FSH", "sperm")
#: Inputs the four scenarios do not reach: an infusion and a pulse-averaged pump, switched on
#: and off by events. At the instant the pump starts or stops, gonadorelin steps: the daily
#: model's loop follows at once, the exported one within a few tau_fast, so those two
#: instants are not compared.
SWITCHED = ((R("gonadorelin", dose=25, every=1 / 12, start=10, stop=50), hpg.Infusion("anastrozole", rate=1, start=5, stop=30)), 80)


def run_roadrunner(text, days, selections):
    """Simulate an exported document daily from 0 to ``days`` (stiff solver, tight tolerances)."""
    model = roadrunner.RoadRunner(text)
    try:
        model.integrator.relative_tolerance = 1e-8
        model.integrator.absolute_tolerance = 1e-10
        result = model.simulate(0, days, int(days) + 1, ["time", *selections])
        return np.array(result)
    finally:
        del model
        gc.collect()


def parameters_of(text) -> dict:
    root = ET.fromstring(text)
    return {p.get("id"): p for p in root.iter(f"{SBML}parameter")}


def test_every_equation_traced_gives_the_value_of_the_plain_equation():
    rng = random.Random(19)
    for function in equations.EQUATIONS:
        tape = sbml._Tape()
        names = list(inspect.signature(function).parameters)
        numbers = [rng.uniform(0.2, 2.0) for _ in names]
        terms = [tape.leaf(name, x) for name, x in zip(names, numbers)]
        traced = function(*terms)
        assert isinstance(traced, sbml.Term), function.__name__
        assert traced.value == pytest.approx(function(*numbers), rel=1e-14), function.__name__


def test_untreated_document_holds_the_plain_models_steady_state():
    patient = hpg.Patient.preset("aging")
    document = sbml._document((), patient, 365.0, DEFAULT)
    expected = steady_state(patient)
    for name in ("T", "free_T", "E2", "LH", "FSH", "ITT", "inhibin_B", "sperm", "testis_volume"):
        assert document.rules[name].value == pytest.approx(expected[name], rel=1e-12), name
    # named intermediates are the nodes the model uses, not copies beside them
    referenced = document.referenced()
    assert {"FSH_rel", "inhibin_B_rel", "LH_rel", "E2_rel", "ER_signal", "free_T_0"} <= referenced
    # the fast loop is closed at the initial state: u_next(u0) = u0
    assert document.rules["u_next"].value == pytest.approx(document.quantities["u"]["value"], rel=1e-9)
    # every slow state is at rest
    for name in daily.STATES:
        assert abs(document.rates[name].value) < 1e-9, name


def test_document_is_valid_sbml_with_units_and_sources():
    regimens = (R("clomiphene", dose=25, every=1, start=0, stop=30), hpg.Infusion("gonadorelin", rate=100, start=2, stop=5),
                hpg.Infusion("anastrozole", rate=1, start=3, stop=9), R("hcg", dose=5000, start=4))
    text = sbml.export(regimens, days=40)
    checks = (roadrunner.VALIDATE_GENERAL | roadrunner.VALIDATE_IDENTIFIER | roadrunner.VALIDATE_MATHML
              | roadrunner.VALIDATE_OVERDETERMINED | roadrunner.VALIDATE_UNITS)
    report = roadrunner.validateSBML(text, checks)
    assert "[Error]" not in report and "[Fatal]" not in report, report[:2000]
    parameters = parameters_of(text)
    kappa = parameters["kappa_T"]
    assert float(kappa.get("value")) == DEFAULT["kappa_T"]
    assert "calibrated to cov_TE_LH" in ET.tostring(kappa, encoding="unicode")
    assert parameters["T_0"].get("units") == "u_ng_per_dL"
    assert parameters["tau_fast"].get("value") == repr(sbml.TAU_FAST)
    assert "clomiphene_volume" in parameters and "gonadorelin_half_life" in parameters  # drug kinetics traced too
    root = ET.fromstring(text)
    assert {e.get("variable") for e in root.iter(f"{SBML}rateRule")} >= {"u", *daily.STATES}
    assert {e.get("variable") for e in root.iter(f"{SBML}assignmentRule")} >= {"T", "LH", "FSH", "sperm", "E2_rel", "ER_signal", "antagonist"}
    assert len(list(root.iter(f"{SBML}event"))) >= 6  # doses, pump and infusion switches, washouts


def test_changed_parameters_and_patient_reach_the_document():
    changed = DEFAULT.replace(kappa_T=0.7, clomiphene_volume=3000.0)
    text = sbml.export([R("clomiphene", dose=25, every=1)], patient="obese", days=30, parameters=changed)
    parameters = parameters_of(text)
    assert float(parameters["kappa_T"].get("value")) == 0.7
    assert float(parameters["clomiphene_volume"].get("value")) == 3000.0
    assert float(parameters["patient_bmi"].get("value")) == hpg.Patient.preset("obese").bmi


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="days"):
        sbml.export(days=-1)
    with pytest.raises(TypeError, match="regimens"):
        sbml.export(regimens="clomiphene")
    with pytest.raises(TypeError, match="parameters"):
        sbml.export(parameters={"kappa_T": 1.0})


@pytest.mark.parametrize("scenario", [*SCENARIOS, "switched"])
def test_libroadrunner_reproduces_simulate(scenario):
    regimens, days = SCENARIOS.get(scenario, SWITCHED)
    simulated = hpg.simulate(regimens, days=days)
    result = run_roadrunner(sbml.export(regimens, days=days), days, COMPARED)
    assert np.allclose(result[:, 0], simulated.t)
    steps = [r.start for r in regimens if r.drug == "gonadorelin"] + [r.stop for r in regimens if r.drug == "gonadorelin"]
    compared = ~np.isin(simulated.t, steps)
    for j, name in enumerate(COMPARED, start=1):
        reference = simulated[name]
        deviation = np.max(np.abs(result[compared, j] - reference[compared])) / np.max(np.abs(reference))
        assert deviation < 0.02, f"{scenario}: {name} deviates by {deviation:.2%} of its maximum"
    if regimens:  # the drugs moved the axis, so the comparison is not of two flat lines
        assert np.ptp(simulated["LH"]) > 0.3 * simulated["LH"][0]
