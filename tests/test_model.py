"""The daily model: its API, steady state, feedback signs, drug effects, numerics and cohorts."""
import math

import numpy as np
import pytest

import hpg
from hpg import model

R = hpg.Regimen
HORMONES = ("T", "free_T", "SHBG", "E2", "LH", "FSH", "ITT", "inhibin_B", "sperm", "testis_volume")


@pytest.fixture(scope="module")
def untreated():
    return hpg.simulate([], days=60)


def test_result_api(untreated):
    res = untreated
    assert res.t[0] == 0 and res.t[-1] == 60 and np.all(np.diff(res.t) == 1)
    for name in HORMONES:
        assert name in res.outputs and res[name].shape == res.t.shape
    for species in ("exogenous_T", "enclomiphene", "zuclomiphene", "tamoxifen", "N_desmethyltamoxifen", "anastrozole", "hcg", "gonadorelin"):
        assert species in res.outputs
    assert res.units["T"] == "ng/dL" and res.units["LH"] == "IU/L" and res.units["sperm"] == "million/mL"
    assert res.units["ITT"] == "nmol/L" and res.units["E2"] == "pg/mL" and res.units["testis_volume"] == "mL"
    day = res.at(10.5)
    assert set(day) == set(res.outputs) and math.isclose(day["T"], 531.0, rel_tol=1e-9)


def test_untreated_healthy_man_sits_at_published_medians(untreated):
    expected = {"T": 531.0, "LH": 5.0, "FSH": 4.5, "E2": 22.0, "inhibin_B": 255.0, "ITT": 1200.0, "sperm": 64.0, "testis_volume": 18.0}
    for name, value in expected.items():
        assert np.allclose(untreated[name], value, rtol=1e-6), name


def test_simulate_accepts_a_single_regimen_an_empty_list_and_a_preset_name():
    one = hpg.simulate(R("anastrozole", 1, every=1), days=10)
    assert one["anastrozole"][-1] > 0
    assert hpg.simulate([], "aging", days=5).patient.name == "aging"


def test_regimen_superposition_matches_a_dose_by_dose_sum():
    regimen = R("testosterone_enanthate", 200, every=7, start=3, stop=60)
    t = np.linspace(0, 90, 901)
    closed = regimen.concentrations(t, 90)["exogenous_T"]
    k, c = regimen._drug.species[0].coefficients()
    brute = sum(200 * (t >= d) * sum(ci * np.exp(-ki * np.clip(t - d, 0, None)) for ki, ci in zip(k, c)) for d in np.arange(3, 60, 7))
    assert np.allclose(closed, brute, rtol=1e-10, atol=1e-9)
    assert regimen.dose_count(90) == len(np.arange(3, 60, 7))


@pytest.mark.parametrize(
    "regimens",
    [
        [R("testosterone_enanthate", 200, every=7, start=0, stop=120)],
        [R("testosterone_enanthate", 200, every=7, start=0, stop=60), R("hcg", 250, every=2, start=0, stop=60)],
        [R("clomiphene", 25, every=1, start=0, stop=60), R("anastrozole", 1, every=1, start=20, stop=80)],
        [hpg.Infusion("gonadorelin", 300, start=0, stop=30)],
    ],
    ids=["TE", "TE+hCG", "clomiphene+anastrozole", "continuous gonadorelin"],
)
def test_fast_integrator_agrees_with_solve_ivp_within_one_percent(regimens):
    fast = hpg.simulate(regimens, days=150)
    reference = model.simulate_reference(regimens, days=150)
    for name in HORMONES:
        scale = np.max(np.abs(reference[name]))
        assert np.max(np.abs(fast[name] - reference[name])) <= 0.01 * scale, name


def test_solver_failure_raises_instead_of_returning_partial_results(monkeypatch):
    monkeypatch.setattr(hpg.equations, "sertoli_target", lambda *args: float("nan"))
    with pytest.raises(model.SolverError, match="non-finite"):
        hpg.simulate([R("anastrozole", 1, every=1)], days=5, compiled=False)


# ---- the sign of every feedback and every drug's direction of effect -------------------
def _at(regimens, output, day=56, patient=None):
    return hpg.simulate(regimens, patient, days=day).at(day)[output]


def test_exogenous_testosterone_suppresses_LH_FSH_ITT_and_sperm():
    base = hpg.simulate([], days=84).at(84)
    treated = hpg.simulate([R("testosterone_cypionate", 100, every=7)], days=84).at(84)
    for name in ("LH", "FSH", "ITT", "sperm", "inhibin_B", "testis_volume"):
        assert treated[name] < 0.6 * base[name], name
    assert treated["T"] > base["T"]


def test_anastrozole_lowers_E2_and_raises_LH_and_T():
    base = hpg.simulate([], "aging", days=56).at(56)
    treated = hpg.simulate(R("anastrozole", 1, every=1), "aging", days=56).at(56)
    assert treated["E2"] < base["E2"] and treated["LH"] > base["LH"] and treated["T"] > base["T"]


@pytest.mark.parametrize("drug,dose", [("clomiphene", 25), ("enclomiphene", 25), ("tamoxifen", 20)])
def test_serms_raise_LH_FSH_and_T(drug, dose):
    base = hpg.simulate([], "secondary_hypogonadism", days=56).at(56)
    treated = hpg.simulate(R(drug, dose, every=1), "secondary_hypogonadism", days=56).at(56)
    for name in ("LH", "FSH", "T"):
        assert treated[name] > 1.1 * base[name], (drug, name)


def test_hcg_raises_ITT_and_T_and_lowers_LH():
    base = hpg.simulate([], days=28).at(28)
    treated = hpg.simulate(R("hcg", 1500, every=3), days=28).at(28)
    assert treated["ITT"] > base["ITT"] and treated["T"] > base["T"] and treated["LH"] < base["LH"]


def test_gonadorelin_pulses_restore_and_continuous_exposure_suppresses():
    patient = hpg.Patient.preset("gnrh_deficient")
    pulses = hpg.simulate(R("gonadorelin", 10, every=120 / 1440), patient, days=60).at(60)
    continuous = hpg.simulate(hpg.Infusion("gonadorelin", 120), patient, days=60)
    assert pulses["LH"] > 5 * continuous.at(60)["LH"]
    assert continuous["LH"][1:4].max() > continuous.at(60)["LH"]  # flare, then suppression
    assert continuous.at(60)["desensitisation"] > 0.5


def test_inhibin_B_brakes_FSH():
    low_sertoli = hpg.model.steady_state(hpg.Patient(sertoli_capacity=0.5))
    assert low_sertoli["inhibin_B"] < 255 and low_sertoli["FSH"] > 4.5


def test_testis_volume_follows_the_sertoli_cells_and_the_germ_cells_they_hold():
    """Besides its germ cells, a testis is tissue whose amount follows its Sertoli cells: the
    GnRH-deficient man's testis, with a third of the Sertoli cells and no germ cells beyond
    spermatogonia, is under the 4 mL that marks complete deficiency (burris1988), and a healthy
    man with fewer Sertoli cells has a proportionally smaller testis, to within the small
    change of Sertoli support that inhibin's feedback on FSH brings."""
    assert 1.0 < hpg.model.steady_state(hpg.Patient.preset("gnrh_deficient"))["testis_volume"] < 4.0
    healthy = hpg.model.steady_state()["testis_volume"]
    for sertoli in (0.6, 1.5):
        ratio = hpg.model.steady_state(hpg.Patient(sertoli_capacity=sertoli))["testis_volume"] / healthy
        assert abs(ratio / sertoli - 1) < 0.1, (sertoli, ratio)


def test_obesity_raises_E2_and_lowers_SHBG_total_T_more_than_free_T():
    obese = hpg.model.steady_state(hpg.Patient.preset("obese"))
    healthy = hpg.model.steady_state()
    assert obese["E2"] > healthy["E2"]
    assert obese["T"] / healthy["T"] < obese["free_T"] / healthy["free_T"] < 1


def test_recovery_after_suppression_lengthens_with_its_duration():
    def weeks_to_recover(months):
        stop = 30 * months
        res = hpg.simulate(R("testosterone_enanthate", 200, every=7, start=0, stop=stop), days=stop + 400)
        after = res.t >= stop
        back = np.nonzero(res["sperm"][after] >= 0.8 * 64)[0]
        return back[0] / 7 if back.size else math.inf

    short, long = weeks_to_recover(3), weeks_to_recover(24)
    assert 8 < short < 0.75 * long and long < 104


# ---- cohorts --------------------------------------------------------------------------
def test_cohort_is_reproducible_and_shaped_patients_by_days():
    a = hpg.cohort([], n=20, days=10, seed=3)
    b = hpg.cohort([], n=20, days=10, seed=3)
    c = hpg.cohort([], n=20, days=10, seed=4)
    assert a["T"].shape == (20, 11)
    assert np.array_equal(a["T"], b["T"]) and not np.array_equal(a["T"], c["T"])


def test_cohort_patient_matches_the_same_patient_simulated_alone():
    regimens = [R("testosterone_enanthate", 200, every=7, start=0, stop=60)]
    group = hpg.cohort(regimens, n=4, days=90, seed=11)
    for i in range(4):
        patient = hpg.Patient(**{name: float(values[i]) for name, values in group.patient.items()})
        alone = hpg.simulate(regimens, patient, days=90)
        for name in HORMONES:
            assert np.allclose(group[name][i], alone[name], rtol=1e-6, atol=1e-9), name  # the loop is solved to 1e-7


def test_untreated_cohort_spans_the_reference_ranges():
    group = hpg.cohort([], n=2000, days=1, seed=0)
    ranges = {"T": (264, 916), "LH": (2.2, 11.6), "FSH": (1.8, 16.5), "E2": (8, 35)}
    for name, (low, high) in ranges.items():
        p2, p97 = np.percentile(group[name][:, 0], [2.5, 97.5])
        assert low <= p2 and p97 <= high, (name, p2, p97)
    # the lower reference limit of sperm concentration is itself the 5th centile of fertile men (who2021)
    assert np.percentile(group["sperm"][:, 0], 5) >= 16


def test_a_run_that_ends_between_days_reports_its_last_moment():
    res = hpg.simulate(R("hcg", 500, every=2), days=10.5)
    assert list(res.t) == [*range(11), 10.5]
    short = hpg.simulate([], days=0.1)
    assert list(short.t) == [0.0, 0.1] and np.allclose(short["T"], 531.0)
    group = hpg.cohort([], n=3, days=2.5, seed=1)
    assert list(group.t) == [0, 1, 2, 2.5] and group["T"].shape == (3, 4)


@pytest.mark.parametrize("name", list(hpg.patients.PRESETS))
def test_untreated_preset_stays_at_its_steady_state(name):
    # The steady state is solved with its own formulas (capacity targets, Sertoli target,
    # germ-cell losses); the integrator uses the rates. They must describe the same model.
    res = hpg.simulate([], name, days=120)
    for output in HORMONES:
        assert np.allclose(res[output], res[output][0], rtol=1e-6), output
