"""The problem sets (assignments/source, nbgrader format) and scripts/assignments.

One grading run marks three kinds of submission: the instructor's sources (full marks), the
released student versions (nothing), and answers that are wrong on purpose (only their
question's points are lost, even where the visible tests pass and only a hidden test catches it).
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import problemsets  # noqa: E402

SETS = ["fundamentals", "intermediate", "academic"]
SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)
# (set, answer cell, text replaced, wrong text, test cell that must lose its points)
WRONG = [
    ("fundamentals", "q1-answer", "450 * 10 / 288.42", "450 / 288.42", "q1-tests"),
    # passes the visible test (the right keys and values), fails a hidden one
    ("intermediate", "q2-answer", '"up" if res.at(60)["FSH"] > res.at(0)["FSH"] else "down"', '"up"', "q2-tests"),
]


def cells(path: Path) -> list[dict]:
    return json.loads(path.read_text())["cells"]


def source(name: str) -> Path:
    return ROOT / "assignments" / "source" / name / f"{name}.ipynb"


def grade_cells(name: str) -> dict[str, int]:
    return {
        c["metadata"]["nbgrader"]["grade_id"]: c["metadata"]["nbgrader"]["points"]
        for c in cells(source(name))
        if c["metadata"].get("nbgrader", {}).get("grade")
    }


@pytest.fixture(scope="module")
def released(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("release")
    problemsets.release(folder)
    return folder


def wrong_copy(name: str, answer: str, right: str, wrong: str) -> dict:
    nb = json.loads(source(name).read_text())
    (cell,) = [c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == answer]
    text = "".join(cell["source"])
    assert right in text
    cell["source"] = text.replace(right, wrong)
    return nb


@pytest.fixture(scope="module")
def scores(released, tmp_path_factory) -> dict[tuple[str, str], dict]:
    folder = tmp_path_factory.mktemp("submitted")
    for name in SETS:
        (folder / "instructor").mkdir(exist_ok=True)
        shutil.copy(source(name), folder / "instructor" / f"{name}.ipynb")
        # the nbgrader layout, DIR/<student>/<set>/<set>.ipynb, is read too
        (folder / "blank" / name).mkdir(parents=True)
        shutil.copy(released / name / f"{name}.ipynb", folder / "blank" / name / f"{name}.ipynb")
    for name, answer, right, wrong, _ in WRONG:
        (folder / "wrong").mkdir(exist_ok=True)
        (folder / "wrong" / f"{name}.ipynb").write_text(json.dumps(wrong_copy(name, answer, right, wrong)))
    table = folder / "scores.csv"
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "problemsets.py"), "grade", str(folder)],
        capture_output=True, text=True, timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    import csv

    with table.open() as handle:
        return {(row["student"], row["set"]): row for row in csv.DictReader(handle)}


def test_one_set_per_part_with_points_and_hidden_tests():
    assert problemsets.problem_sets() == SETS
    for name in SETS:
        points = grade_cells(name)
        assert len(points) >= 4 and sum(points.values()) == 10, name
        tests = [c for c in cells(source(name)) if c["metadata"].get("nbgrader", {}).get("grade")]
        assert all(HIDDEN.search("".join(c["source"])) for c in tests), f"{name}: every test cell hides a test"
        code = "\n".join("".join(c["source"]) for c in cells(source(name)) if c["cell_type"] == "code")
        assert "import hpg" in code and "hpg.simulate" in code


def test_the_instructor_version_passes_its_own_tests(scores):
    for name in SETS:
        row = scores[("instructor", name)]
        assert float(row["score"]) == float(row["max_score"]) == 10, row


def test_the_released_version_fails_until_completed(scores):
    for name in SETS:
        row = scores[("blank", name)]
        assert float(row["score"]) == 0 and float(row["max_score"]) == 10, row
        assert row["lost"].split() == sorted(grade_cells(name)), row


@pytest.mark.parametrize("name, answer, right, wrong, lost", WRONG)
def test_a_wrong_answer_loses_its_points_and_only_those(scores, name, answer, right, wrong, lost):
    row = scores[("wrong", name)]
    assert row["lost"] == lost
    assert float(row["score"]) == 10 - grade_cells(name)[lost]


@pytest.mark.parametrize("name", SETS)
def test_released_notebooks_hold_no_solution_and_no_hidden_test(released, name):
    text = (released / name / f"{name}.ipynb").read_text()
    student = cells(released / name / f"{name}.ipynb")
    assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text
    assert all(not c.get("outputs") for c in student if c["cell_type"] == "code")
    secret = []
    for cell in cells(source(name)):
        for block in SOLUTION.findall("".join(cell["source"])) + HIDDEN.findall("".join(cell["source"])):
            secret += [line.strip() for line in block.splitlines() if len(line.strip()) > 12]
    assert secret
    released_lines = {line.strip() for c in student for line in "".join(c["source"]).splitlines()}
    assert [line for line in secret if line in released_lines] == []
    stubs = [c for c in student if c["cell_type"] == "code" and "raise NotImplementedError()" in "".join(c["source"])]
    assert len(stubs) == 4


def test_grading_a_missing_folder_names_it(tmp_path):
    with pytest.raises(ValueError, match="DIR must be a folder"):
        problemsets.submissions(tmp_path / "nowhere")
    with pytest.raises(ValueError, match="holds no submission"):
        problemsets.submissions(tmp_path)


def test_the_sources_are_never_built_into_the_book():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert config["only_build_toc_files"] is True
    assert "assignments" in config["exclude_patterns"]
    assert "assignments" not in (ROOT / "_toc.yml").read_text()
