"""Every row of clinical_targets.csv against the model, with the row's own tolerance.

Rows about single pulses are checked with the pulse-level model (listed in
``hpg.validation.PULSE_LEVEL``); a row that no model checks yet would be listed in
``hpg.validation.PENDING`` and reported as pending, never silently dropped.
"""
from pathlib import Path

import pytest

import hpg
from hpg import validation

ROWS = [row["id"] for row in validation.targets()]
CHECKED = [i for i in ROWS if i not in validation.PENDING]
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "clinical_targets.csv"


@pytest.mark.parametrize("target", CHECKED)
def test_model_meets_published_target(target):
    check = validation.run(target)
    assert check.within, f"{target}: model {check.model}; allowed {check.tolerance}; published {check.published}"


def test_every_row_is_either_checked_or_reported_pending():
    assert set(CHECKED) | set(validation.PENDING) == set(ROWS)
    assert set(CHECKED) <= set(validation.CHECKS)
    assert set(validation.PULSE_LEVEL) <= set(CHECKED)
    for target in validation.PENDING:
        assert validation.run(target).within is None


def test_packaged_targets_are_the_shared_file():
    if not SHARED.exists():
        pytest.skip("the shared data folder is not beside this clone")
    packaged = Path(hpg.__file__).parent / "data" / "clinical_targets.csv"
    assert packaged.read_text() == SHARED.read_text()


def test_report_is_a_table_for_the_model_card():
    rows = validation.report()
    assert [r["id"] for r in rows] == ROWS
    assert set(rows[0]) == {"id", "source", "measure", "published", "model", "tolerance", "within"}
    assert "PASS" in validation.format_report(rows)


@pytest.mark.parametrize("name", list(hpg.patients.PRESETS))
def test_each_preset_reproduces_its_study_baseline_within_20_percent(name):
    preset = hpg.patients.PRESETS[name]
    base = hpg.model.steady_state(hpg.Patient.preset(name))
    for output, published in preset["baseline"].items():
        assert abs(base[output] / published - 1) <= 0.20, f"{name} {output}: model {base[output]:.3g}, study {published}"
