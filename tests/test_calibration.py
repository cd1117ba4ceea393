"""Every row of clinical_targets.csv against the model, with the row's own tolerance.

The numbers come from the table's machine columns (hpg.targets) through the one function
hpg.validation.evaluate, which the report and scripts/calibrate.py use too. Rows about
single pulses are checked with the pulse-level model (``hpg.validation.PULSE_LEVEL``); rows
in ``hpg.validation.PENDING`` are computed and reported, never silently dropped.
"""
import csv
import math
from pathlib import Path

import numpy as np
import pytest

import hpg
from hpg import targets, validation
from hpg.targets import Part

ROWS = [row["id"] for row in validation.targets()]
CHECKED = [i for i in ROWS if i not in validation.PENDING]
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "clinical_targets.csv"
PACKAGED = Path(hpg.__file__).parent / "data" / "clinical_targets.csv"


@pytest.mark.parametrize("target", CHECKED)
def test_model_meets_published_target(target):
    check = validation.run(target)
    assert check.within, f"{target}: model {check.model}; allowed {check.tolerance}; published {check.published}"


def test_every_row_is_either_checked_or_reported_pending():
    assert set(CHECKED) | set(validation.PENDING) == set(ROWS)
    assert set(validation.PULSE_LEVEL) <= set(CHECKED)
    assert set(validation.PENDING) <= targets.proposed()  # every row of the shared table is asserted
    for target, reason in validation.PENDING.items():
        check = validation.run(target, n=50)
        assert check.within is None and math.isfinite(check.residual) and check.model and reason


def test_every_row_declares_a_known_scenario_statistic_and_readable_parts():
    for row in validation.targets():
        assert row["scenario"] in validation.SCENARIOS, row["id"]
        assert row["statistic"] in validation.STATISTICS, row["id"]
        if row["day"] == "end":
            assert validation.SCENARIOS[row["scenario"]].end is not None, row["id"]
        elif row["day"]:
            assert 0 <= float(row["day"]) <= validation.SCENARIOS[row["scenario"]].days, row["id"]
        parts = targets.parts(row)
        assert parts and all(p.low is not None or p.high is not None for p in parts), row["id"]
        assert len({p.key for p in parts}) == len(parts), row["id"]


def test_packaged_targets_are_the_shared_file():
    """The packaged table is the shared one, every row and column verbatim and in order, plus
    the machine columns at the right."""
    if not SHARED.exists():
        pytest.skip("the shared data folder is not beside this clone")
    shared = list(csv.reader(SHARED.read_text(encoding="utf-8").splitlines()))
    packaged = list(csv.reader(PACKAGED.read_text(encoding="utf-8").splitlines()))
    width = len(shared[0])
    assert [r[:width] for r in packaged] == shared
    assert packaged[0][width:] == list(targets.MACHINE_COLUMNS)
    assert tuple(shared[0]) == targets.SHARED_COLUMNS


def test_a_published_number_is_read_from_the_row_once():
    leder = targets.parts(targets.row("leder_ana"))[0]
    assert leder.published == pytest.approx(572 / 343 - 1) and leder.high == pytest.approx(1.3 * (572 / 343 - 1))
    assert targets.parts(targets.row("cov_TE_ITT"))[0].published == pytest.approx(100 * (72 / 1234 - 1))
    assert targets.parts(targets.row("cov_hcg125"))[0].published == -25  # already a % change
    hand = targets.parts(targets.row("hand_supp"))
    assert [(p.key, p.published) for p in hand] == [("10", 6.8), ("5", 8.7), ("3", 10.0), ("1", 13.0)]
    assert hpg.patients.PRESETS["aging"]["baseline"] == {"T": 343.0, "LH": 5.1, "E2": 26.0}
    assert hpg.patients.PRESETS["secondary_hypogonadism"]["baseline"] == {"T": 205.0, "LH": 4.0, "E2": 17.0}


def test_a_residual_is_one_at_the_edges_of_the_tolerance():
    lopsided = Part("", 5.0, 0.0, 15.0)
    assert [lopsided.residual(x) for x in (0.0, 5.0, 10.0, 15.0, 20.0)] == [-1.0, 0.0, 0.5, 1.0, 1.5]
    assert Part("", None, 16.0, None).residual(32.0) == 0.5 and Part("", None, 16.0, None).residual(8.0) == 2.0
    assert Part("", None, None, 0.2).residual(0.3) == pytest.approx(1.5)
    assert Part("", 1.0, 0.0, 2.0).residual(float("nan")) == math.inf
    with pytest.raises(ValueError, match="cannot read the part 'peak~3'"):
        targets.parts({**targets.row("pk_TC"), "values": "peak~3"})


def test_a_row_with_several_numbers_reports_its_worst_part():
    e = validation.evaluate("hand_supp", n=100)
    assert [p.key for p, _, _ in e.parts] == ["10", "5", "3", "1"]
    assert e.residual == max(e.residuals, key=abs)


def test_a_candidate_model_is_evaluated_without_changing_anything_global():
    before = validation.evaluate("leder_ana").residual
    model = validation.Model(hpg.parameters.DEFAULT, {"aging": {"aromatase": 2.5}})
    moved = validation.evaluate("leder_ana", model).residual
    assert moved != pytest.approx(before, abs=1e-3)
    assert validation.evaluate("leder_ana").residual == before
    assert hpg.Patient.preset("aging").aromatase != 2.5


def test_recovery_is_counted_as_liu_2006_defines_it():
    """Back to 20 million/mL, or to his own baseline if that was lower, from the end of treatment."""
    t = np.arange(0.0, 101.0)
    sperm = np.array([np.where(t < 60, 60.0, 0.05), np.where(t < 60, 10.0, 0.05), np.where(t < 60, 60.0, 0.05)])
    sperm[0, t >= 90] = 25.0  # recovers 30 days after the end (day 60)
    sperm[1, t >= 70] = 10.0  # recovers to his own baseline, below 20, after 10 days
    run = hpg.model.Result(t=t, values={"sperm": sperm}, units={})
    measure = validation.Measure(run, targets.row("liu_rec"), 60.0, ["recovered@0.5", "recovered@1", "median_months@3"],
                                 validation.SCENARIOS["who_TE"], validation.Model())
    shares = validation.STATISTICS["recovery"](measure)
    assert shares["recovered@0.5"] == pytest.approx(100 / 3) and shares["recovered@1"] == pytest.approx(200 / 3)
    # times to 3 million/mL, interpolated between days: about 9.3 d, 29.1 d and never; the median is the second
    assert shares["median_months@3"] == pytest.approx((29 + 2.95 / 24.95) / validation.MONTH)


def test_evaluate_refuses_what_is_not_a_model():
    with pytest.raises(TypeError, match="model must be an hpg.validation.Model"):
        validation.evaluate("leder_ana", hpg.parameters.DEFAULT)
    with pytest.raises(KeyError, match="unknown target 'nope'"):
        validation.evaluate("nope")


def test_report_is_a_table_for_the_model_card():
    rows = validation.report()
    assert [r["id"] for r in rows] == ROWS
    assert set(rows[0]) == {"id", "source", "measure", "published", "model", "tolerance", "within", "residual", "parts"}
    assert "PASS" in validation.format_report(rows)


@pytest.mark.parametrize("name", list(hpg.patients.PRESETS))
def test_each_preset_reproduces_its_study_baseline(name):
    preset = hpg.patients.PRESETS[name]
    base = hpg.model.steady_state(hpg.Patient.preset(name))
    for output, published in preset["baseline"].items():
        assert abs(base[output] / published - 1) <= hpg.patients.BASELINE_TOLERANCE, \
            f"{name} {output}: model {base[output]:.3g}, study {published}"
