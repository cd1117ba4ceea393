"""The model written once: named equations, parameters as a value, one output registry, a
compiled path that agrees with the plain one, and a core that runs without NumPy."""
import importlib.util
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import hpg
from hpg import daily, equations, outputs, parameters
from hpg.parameters import DEFAULT

R, I = hpg.Regimen, hpg.Infusion
ROOT = Path(__file__).resolve().parents[1]

SCENARIOS = {
    "untreated": ([], "healthy"),
    "weekly testosterone": ([R("testosterone_enanthate", 200, every=7, start=0, stop=200)], "healthy"),
    "testosterone then clomiphene": (
        [R("testosterone_cypionate", 100, every=7, start=0, stop=150), R("clomiphene", 25, every=1, start=150, stop=240)], "aging"),
    "hCG": ([R("hcg", 1500, every=3, start=10, stop=120)], "gnrh_deficient"),
    "gonadorelin pump then infusion": ([R("gonadorelin", 10, every=90 / 1440, start=0, stop=60), I("gonadorelin", 160, start=60, stop=90)],
                                       "gnrh_deficient"),
    "anastrozole, tamoxifen, gel, enclomiphene": (
        [R("anastrozole", 1, every=1, stop=60), R("tamoxifen", 20, every=1, start=60, stop=120),
         R("testosterone_gel", 50, every=1, start=120, stop=180), R("enclomiphene", 25, every=1, start=180)], "obese"),
}


# --------------------------------------------------------------------------- compiled = plain
@pytest.mark.parametrize("name", SCENARIOS)
def test_compiled_and_plain_paths_agree(name):
    regimens, patient = SCENARIOS[name]
    compiled = hpg.simulate(regimens, patient, days=250, compiled=True)
    plain = hpg.simulate(regimens, patient, days=250, compiled=False)
    assert compiled.outputs == plain.outputs
    for output in plain.outputs:
        scale = max(np.max(np.abs(plain[output])), 1e-300)
        assert np.max(np.abs(compiled[output] - plain[output])) <= 5e-8 * scale, output  # see the cohort test below


def test_a_cohort_is_its_men_simulated_one_by_one():
    regimens = SCENARIOS["testosterone then clomiphene"][0]
    group = hpg.cohort(regimens, n=4, days=200, seed=3, patient="aging")
    plain = hpg.cohort(regimens, n=4, days=200, seed=3, patient="aging", compiled=False)
    for j in range(4):
        man = hpg.Patient(**{k: float(v[j]) for k, v in group.patient.items()})
        alone = hpg.simulate(regimens, man, days=200)
        for output in ("T", "LH", "FSH", "sperm", "inhibin_B", "clomiphene" if "clomiphene" in alone else "enclomiphene"):
            scale = max(np.max(np.abs(alone[output])), 1e-300)
            assert np.max(np.abs(group[output][j] - alone[output])) <= 5e-8 * scale, output
            # the plain path agrees to the fast loop's tolerance (1e-7): where a residual sits at it, the
            # compiled path (fused multiply-adds) may take one more secant step than the plain one
            assert np.max(np.abs(plain[output][j] - alone[output])) <= 5e-8 * scale, output


def test_drug_levels_are_stored_once_for_a_cohort():
    group = hpg.cohort([R("hcg", 1000, every=3)], n=50, days=30, seed=0)
    assert group["hcg"].shape == (50, 31) and group["hcg"].strides[0] == 0  # one row, broadcast
    assert group["T"].strides[0] != 0


# --------------------------------------------------------------------------- a core without NumPy
_NO_NUMPY = r"""
import importlib.abc, json, sys
class Refuse(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("numpy", "scipy", "matplotlib", "numba", "ipywidgets"):
            raise ImportError(f"{name} is not available here")
sys.meta_path.insert(0, Refuse())
sys.path.insert(0, ROOT)
import hpg
from hpg import daily, drugs, patients
regimens = [drugs.Regimen("testosterone_enanthate", 200, every=7, start=0, stop=120), drugs.Regimen("clomiphene", 25, every=1, start=120),
            drugs.Infusion("gonadorelin", 100, start=30, stop=40), drugs.Regimen("hcg", 500, every=2, start=60, stop=90)]
t, values = daily.run(regimens, patients.Patient.preset("aging").values(), 200)
lab = daily.run_scenario({"patient": {"preset": "healthy", "bmi": 30}, "regimens": [{"drug": "anastrozole", "dose": 1, "every": 1}], "days": 30})
try:
    daily.run_scenario({"regimens": [{"drug": "hcg", "dose": -5}], "days": 30})
    error = None
except ValueError as e:
    error = str(e)
print(json.dumps({"t": t, "values": values, "lab": lab, "error": error, "modules": sorted(m for m in sys.modules if m.startswith("hpg"))}))
"""


def test_the_daily_model_runs_with_the_standard_library_alone():
    code = _NO_NUMPY.replace("sys.path.insert(0, ROOT)", f"sys.path.insert(0, {str(ROOT)!r})")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd="/")
    assert done.returncode == 0, done.stderr[-3000:]
    got = json.loads(done.stdout)
    assert "hpg.model" not in got["modules"] and "hpg.drugs" in got["modules"]
    regimens = [R("testosterone_enanthate", 200, every=7, start=0, stop=120), R("clomiphene", 25, every=1, start=120),
                I("gonadorelin", 100, start=30, stop=40), R("hcg", 500, every=2, start=60, stop=90)]
    here = hpg.simulate(regimens, "aging", days=200)
    assert np.array_equal(here.t, got["t"])
    for name in here.outputs:
        assert np.allclose(got["values"][name], here[name], rtol=5e-8, atol=1e-12), name  # the fast loop's tolerance, as below
    lab = hpg.simulate(R("anastrozole", 1, every=1), hpg.Patient.preset("healthy", bmi=30), days=30)
    assert np.allclose(got["lab"]["outputs"]["E2"], lab["E2"], rtol=1e-9)
    assert got["lab"]["units"]["T"] == "ng/dL"
    assert "dose must be >= 0" in got["error"]


# --------------------------------------------------------------------------- parameters as a value
def test_a_changed_parameter_changes_the_result_and_the_default_does_not_move():
    trt = [R("testosterone_enanthate", 200, every=7, start=0, stop=60)]
    base = hpg.simulate(trt, days=60)
    braked = hpg.simulate(trt, days=60, parameters=DEFAULT.replace(kappa_T=2 * DEFAULT["kappa_T"]))
    assert braked.at(30)["LH"] < 0.9 * base.at(30)["LH"]
    assert hpg.simulate(trt, days=60)["LH"].tolist() == base["LH"].tolist()  # nothing global moved


@pytest.mark.parametrize(
    "regimen, patient, name, factor, output",
    [
        (R("clomiphene", 25, every=1), "secondary_hypogonadism", "K_enclomiphene", 5.0, "LH"),  # potency
        (R("testosterone_enanthate", 200, every=7), "healthy", "ester_release_half_life", 2.0, "T"),  # kinetics
        (R("anastrozole", 1, every=1), "aging", "IC50_anastrozole", 10.0, "E2"),
        (R("hcg", 1500, every=3), "healthy", "hcg_half_life", 0.5, "ITT"),
    ],
)
def test_a_drug_parameter_reaches_the_result(regimen, patient, name, factor, output):
    base = hpg.simulate(regimen, patient, days=60)[output]
    changed = hpg.simulate(regimen, patient, days=60, parameters=DEFAULT.replace(**{name: factor * DEFAULT[name]}))[output]
    assert np.max(np.abs(changed - base)) > 0.02 * np.max(base), name


def test_pulses_and_cohorts_take_parameters_too():
    slow = DEFAULT.replace(pulse_interval=2 * DEFAULT["pulse_interval"])
    assert len(hpg.simulate_pulses(24, parameters=slow).pulse_times) < 0.7 * len(hpg.simulate_pulses(24).pulse_times)
    trt = [R("testosterone_enanthate", 200, every=7)]
    base = hpg.cohort(trt, n=5, days=40, seed=1)["LH"][:, -1]
    braked = hpg.cohort(trt, n=5, days=40, seed=1, parameters=DEFAULT.replace(kappa_T=2 * DEFAULT["kappa_T"]))["LH"][:, -1]
    assert np.all(braked < base)


def test_parameters_are_a_frozen_hashable_value():
    changed = DEFAULT.replace(kappa_T=0.7)
    assert changed["kappa_T"] == 0.7 and DEFAULT["kappa_T"] != 0.7
    assert changed == DEFAULT.replace(kappa_T=0.7) and hash(changed) == hash(DEFAULT.replace(kappa_T=0.7)) and changed != DEFAULT
    assert "changed from" in changed.row("kappa_T").source and changed.row("kappa_T").unit == DEFAULT.row("kappa_T").unit
    with pytest.raises(AttributeError, match="frozen"):
        DEFAULT.kappa_T = 1.0
    assert [row["name"] for row in parameters.table()] == list(DEFAULT)


@pytest.mark.parametrize(
    "changes, error, words",
    [
        ({"kappa_Z": 1.0}, KeyError, "unknown parameter 'kappa_Z'"),
        ({"n_T": 3.0}, ValueError, "n_T is structural"),
        ({"kappa_T": -1.0}, ValueError, "kappa_T must be finite and >= 0"),
        ({"kappa_T": math.nan}, ValueError, "kappa_T must be finite"),
        ({"kappa_T": "1"}, TypeError, "kappa_T must be a real number"),
    ],
)
def test_bad_parameter_changes_are_refused(changes, error, words):
    with pytest.raises(error, match=words):
        DEFAULT.replace(**changes)


def test_parameters_argument_must_be_a_parameter_set():
    for run in (lambda p: hpg.simulate([], days=2, parameters=p), lambda p: hpg.cohort([], n=2, days=2, parameters=p),
                lambda p: hpg.simulate_pulses(1, parameters=p)):
        with pytest.raises(TypeError, match="parameters must be an hpg.parameters.Parameters"):
            run({"kappa_T": 1.0})


def test_fitted_values_come_from_the_data_file():
    data = parameters.fitted_values()
    for name, value in data["parameters"].items():
        assert DEFAULT[name] == value
        assert DEFAULT.row(name).source.startswith("calibrated") or "fit" in DEFAULT.row(name).source, name
    for preset, fields in data["presets"].items():
        for field, value in fields.items():
            assert getattr(hpg.Patient.preset(preset), field) == value


# --------------------------------------------------------------------------- equations
STRUCTURAL = {
    "n_T": lambda n: (equations.androgen_brake(1.7, 0.6), equations.brake(1.7, 0.6, n)),
    "n_E": lambda n: (equations.estrogen_brake(0.4, 3.0), equations.brake(0.4, 3.0, n)),
    "m_GnRH": lambda n: (equations.gonadotrope_response(2.5, 1.3), equations.rise(2.5, 1.3, n)),
    "m_Leydig": lambda n: (equations.leydig_output(1.0, 1.0, 2.5, 1.3, 0.1), 0.1 + 0.9 * equations.rise(2.5, 1.3, n)),
    "desens_n": lambda n: (equations.desensitisation_rate(0.8, 0.7, 0.5), 0.7 * equations.hill(0.8, 0.5, n)),
    "loss_n": lambda n: (equations.germ_cell_loss(0.3, 0.2, 0.4), 0.2 * (1.0 - equations.hill(0.3, 0.4, n))),
}


@pytest.mark.parametrize("name", STRUCTURAL)
def test_structural_exponents_are_the_ones_in_the_equations(name):
    assert DEFAULT.row(name).source.startswith("structural")
    written, documented = STRUCTURAL[name](DEFAULT[name])
    assert written == pytest.approx(documented, rel=1e-14)
    assert STRUCTURAL[name](DEFAULT[name] + 1)[0] != pytest.approx(STRUCTURAL[name](DEFAULT[name] + 1)[1], rel=1e-6)


def test_every_equation_is_documented_and_evaluates_on_arrays():
    assert len(equations.EQUATIONS) == len(set(equations.EQUATIONS)) >= 25
    for function in equations.EQUATIONS:
        assert function.__doc__ and function.__name__ in equations.__all__
    x = np.linspace(0.1, 3.0, 5)
    assert equations.leydig_output(1.0, 1.0, x, 1.3, 0.1).shape == (5,)
    assert equations.free_testosterone(x * 20, 35.0, 1.02).shape == (5,)


def test_the_healthy_man_closes_his_own_loop():
    c = daily.constants()
    m = daily.man(hpg.Patient().values(), c)
    s = [0.0] * len(daily.STATES)
    u = daily.untreated(c, m, s)
    loop = daily.fast_loop(u, s[0], s[1], s[2], s[3], 0.0, 0.0, 0.0, 0.0, 0.0, c, m)
    assert loop.u_next == pytest.approx(u, rel=1e-12) and u == pytest.approx(1.0, rel=1e-6)
    assert loop.LH == pytest.approx(1.0, rel=1e-6) and loop.T == pytest.approx(c.T_0, rel=1e-6)
    A, B = [0.0] * len(s), [0.0] * len(s)
    daily.slow_rates(u, loop, s, 0.0, 0.0, c, m, A, B)
    assert max(abs(a - b * x) for a, b, x in zip(A, B, s)) < 1e-10  # at rest


# --------------------------------------------------------------------------- one output registry
def test_one_registry_serves_the_model_plots_units_and_validation():
    res = hpg.simulate([], days=2)
    for name in res.outputs:
        entry = outputs.get(name)
        assert res.units[name] == entry.unit
        assert hpg.plots.LABELS[name] == entry.label
        assert hpg.units.unit(name, "SI") == entry.si_unit
    for name, (low, high, target) in hpg.validation.REFERENCE_RANGES.items():
        assert outputs.get(name).reference_range == (low, high, target)
        assert target in {row["id"] for row in hpg.validation.targets()}
    pulses = hpg.simulate_pulses(1)
    assert all(pulses.units[name] == outputs.get(name).unit for name in pulses.outputs)
    assert hpg.units.convert("T", 288.42, "SI") == (pytest.approx(10.0), "nmol/L")
    with pytest.raises(KeyError, match="unknown output 'nope'"):
        outputs.get("nope")


# --------------------------------------------------------------------------- calibration through the value
def _calibrate():
    spec = importlib.util.spec_from_file_location("calibrate", ROOT / "scripts" / "calibrate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("group", ["hormones", "sperm"])
def test_the_calibration_sees_every_parameter_it_fits(group):
    calibrate = _calibrate()
    spec = calibrate.HORMONE_PARAMETERS if group == "hormones" else calibrate.SPERM_PARAMETERS
    residuals = calibrate.hormone_residuals if group == "hormones" else (lambda model: calibrate.sperm_residuals(model, n=200))
    names = list(spec)
    x0 = np.array([calibrate.current(n) for n in names])
    start = residuals(calibrate.model_at(names, x0))
    for k, name in enumerate(names):
        x = x0.copy()
        low, high = spec[name]
        x[k] = x0[k] * 1.2 if x0[k] * 1.2 <= high else x0[k] * 0.8
        assert low <= x[k] <= high
        moved = residuals(calibrate.model_at(names, x))
        assert np.max(np.abs(moved - start)) > 1e-3, f"{name}: the objective does not see it"


def test_the_tamoxifen_fit_finds_the_stored_potency():
    """K_tamoxifen in calibrated.json is what `calibrate.py tamoxifen` finds, and its row does pin
    it: twice the value (a weaker ERalpha block) moves the row's residual by more than the margin."""
    calibrate = _calibrate()
    names, values = calibrate.fit_tamoxifen()
    assert names == ["K_tamoxifen"] and values[0] == pytest.approx(DEFAULT["K_tamoxifen"], rel=2e-3)
    (row,) = hpg.calibration.GROUPS["tamoxifen"].targets

    def distance(k):
        return abs(hpg.validation.evaluate(row, calibrate.model_at(names, [k])).residual)

    assert distance(2 * values[0]) > distance(values[0]) + calibrate.SATURATION_MARGIN


def test_the_calibration_writes_a_data_file_not_source(tmp_path):
    calibrate = _calibrate()
    target = tmp_path / "calibrated.json"
    calibrate.write(["kappa_T", "preset:aging:gnrh_drive"], [0.61234567, 0.9], path=target)
    data = json.loads(target.read_text())
    assert data["parameters"]["kappa_T"] == 0.6123 and data["presets"]["aging"]["gnrh_drive"] == 0.9
    assert data["parameters"]["K_ITT"] == DEFAULT["K_ITT"]  # the rest unchanged
    assert DEFAULT["kappa_T"] != 0.6123  # nothing written into the package


def test_a_cohort_states_its_memory_and_refuses_one_over_budget():
    assert hpg.cohorts.memory(1000, 730) < 300 * 2**20
    with pytest.raises(ValueError, match=r"n=100000 men over days=730 needs about 21\.\d GiB"):
        hpg.cohort([], n=100000, days=730)


def test_drugs_that_share_a_species_add_up():
    both = [R("testosterone_enanthate", 200, every=7), R("testosterone_gel", 50, every=1)]
    levels = hpg.drugs.levels(both, [10.0, 20.0], 30)["exogenous_T"]
    alone = [hpg.drugs.levels([r], [10.0, 20.0], 30)["exogenous_T"] for r in both]
    assert levels == pytest.approx([a + b for a, b in zip(*alone)], rel=1e-12)
    both = [R("clomiphene", 25, every=1), R("enclomiphene", 25, every=1)]
    for compiled in (True, False):
        res = hpg.simulate(both, days=10, compiled=compiled)
        parts = sum(hpg.simulate(r, days=10, compiled=compiled)["enclomiphene"] for r in both)
        assert np.allclose(res["enclomiphene"], parts, rtol=1e-12)
