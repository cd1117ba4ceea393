"""hpg.calibration, the declaration of what the calibration fits, agrees with the package:
with the rows of clinical_targets.csv, with every parameter's "calibrated to ..." source and
with the patient presets. The model card's list of in-sample rows is derived from it."""
from __future__ import annotations

import re

import pytest

from hpg import calibration, cohorts, parameters, patients, validation

ROWS = {row["id"] for row in validation.targets()}
SOURCES = {p["name"]: p["source"] for p in parameters.table()}
CALIBRATED = {name for name, source in SOURCES.items() if source.lower().startswith("calibrated")}
DECLARED = set(calibration.parameters())


def rows_named(source: str) -> set[str]:
    """The rows of the table that a source names, with "cov_hcg*" standing for cov_hcg125, 250 and 500."""
    named = set()
    for word in re.findall(r"[a-z]+_[A-Za-z0-9_]+\*?", source):
        pattern = re.escape(word.rstrip("*")) + (".*" if word.endswith("*") else "")
        named |= {row for row in ROWS if re.fullmatch(pattern, row)}
    return named


def test_every_declared_row_is_a_row_of_the_table():
    assert set(calibration.in_sample()) <= ROWS, sorted(set(calibration.in_sample()) - ROWS)


def test_every_parameter_calibrated_in_its_source_is_declared():
    assert CALIBRATED <= DECLARED, sorted(CALIBRATED - DECLARED)


def test_every_declared_model_parameter_says_calibrated_in_its_source():
    model_names = {name for name in DECLARED if ":" not in name}
    assert model_names <= set(SOURCES), sorted(model_names - set(SOURCES))
    assert model_names <= CALIBRATED, sorted(model_names - CALIBRATED)


@pytest.mark.parametrize("name", sorted(n for n in DECLARED if n.startswith("preset:")))
def test_every_declared_preset_field_exists(name):
    _, preset, field = name.split(":")
    assert field in patients.PRESETS[preset]["parameters"], name


@pytest.mark.parametrize("name", sorted(n for n in DECLARED if n.startswith("cohort:")))
def test_every_declared_cohort_spread_exists(name):
    assert name.split(":")[1] in cohorts.VARIATION, name


@pytest.mark.parametrize("name", sorted(CALIBRATED))
def test_the_rows_a_source_names_are_in_sample_for_that_parameter(name):
    used = calibration.in_sample()
    for row in rows_named(SOURCES[name]):
        assert name in used.get(row, []), f"{name}: source names {row}, but the declaration does not fit it there"


def test_bounds_hold_the_current_values():
    for group in calibration.GROUPS.values():
        for name, (low, high) in group.bounds.items():
            if low is None or ":" in name:
                continue
            assert low <= parameters.value(name) <= high, (name, low, parameters.value(name), high)


def test_rows_used_by_no_step_exist():
    """Out-of-sample rows exist, so the model card's list of them cannot be empty."""
    assert ROWS - set(calibration.in_sample())
