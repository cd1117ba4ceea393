"""Release and autograde the book's problem sets (nbgrader format); called by scripts/assignments.

The sources live in assignments/source/<set>/<set>.ipynb, one set per part of the book, in
nbgrader's format: answer cells hold the solution between "### BEGIN SOLUTION" and
"### END SOLUTION", test cells carry points and hide part of their code between
"### BEGIN HIDDEN TESTS" and "### END HIDDEN TESTS".

    release [--to DIR]        student versions (solutions and hidden tests stripped, outputs
                              cleared) into DIR, by default assignments/release/<set>/<set>.ipynb
    grade DIR [--csv FILE]    autograde every submission found in DIR, laid out as
                              DIR/<student>/<set>.ipynb or DIR/<student>/<set>/<set>.ipynb
                              (nbgrader's own "submitted" layout), into a CSV of scores
                              (by default DIR/scores.csv)

Both work in a scratch course folder, so the repository never gains a gradebook: grading first
regenerates each set from its source, which records the hidden tests and points in the
scratch gradebook; the autograder then restores them into each submission, so a student who
edits or deletes a test cell gains nothing.
"""
from __future__ import annotations

import argparse
import csv
import os
import shutil
import sys
import tempfile
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "assignments" / "source"
FIELDS = ["student", "set", "score", "max_score", "lost"]


def problem_sets() -> list[str]:
    """The names of the problem sets, in the order of the book's parts."""
    order = ["fundamentals", "intermediate", "academic"]
    found = sorted(p.name for p in SOURCE.iterdir() if (p / f"{p.name}.ipynb").exists())
    return sorted(found, key=lambda name: order.index(name) if name in order else len(order))


class Course:
    """A scratch nbgrader course folder holding a copy of the sources and its own gradebook."""

    def __init__(self, folder: Path):
        from nbgrader.apps import NbGraderAPI
        from sqlalchemy.exc import SAWarning
        from traitlets.config import Config

        # nbgrader 0.9's gradebook trips SQLAlchemy 2's autoflush warnings; the scores are unaffected.
        warnings.filterwarnings("ignore", category=SAWarning)

        self.folder = folder
        shutil.copytree(SOURCE, folder / "source")
        config = Config()
        config.CourseDirectory.root = str(folder)
        config.Exchange.root = str(folder / "exchange")
        # A loaded two-core machine can be slow to start a kernel; a cell still has a time limit.
        config.Execute.timeout = 120
        config.Execute.startup_timeout = 120
        # The notebooks import hpg: make their kernels import this checkout's package.
        os.environ["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
        self.api = NbGraderAPI(config=config)

    def run(self, step: str, *args) -> None:
        result = getattr(self.api, step)(*args)
        if not result["success"]:
            raise RuntimeError(f"nbgrader {step} {' '.join(args)} failed:\n{result.get('error') or result.get('log')}")

    def release(self) -> None:
        for name in problem_sets():
            self.run("generate_assignment", name)


def release(to: Path) -> list[Path]:
    """Write the student version of every set into ``to``; return the notebooks written."""
    written = []
    with tempfile.TemporaryDirectory() as scratch:
        course = Course(Path(scratch))
        course.release()
        for name in problem_sets():
            target = to / name
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(course.folder / "release" / name, target)
            written.append(target / f"{name}.ipynb")
    return written


def submissions(folder: Path) -> dict[tuple[str, str], Path]:
    """(student, set) -> notebook, for every notebook of a known set under ``folder``."""
    if not folder.is_dir():
        raise ValueError(f"DIR must be a folder of submissions, got {str(folder)!r} (not a folder)")
    names = set(problem_sets())
    found = {}
    for path in sorted(folder.rglob("*.ipynb")):
        parts = path.relative_to(folder).parts
        if ".ipynb_checkpoints" in parts or path.stem not in names or len(parts) not in (2, 3):
            continue
        if len(parts) == 3 and parts[1] != path.stem:
            continue
        found[(parts[0], path.stem)] = path
    if not found:
        raise ValueError(
            f"DIR {str(folder)!r} holds no submission: expected DIR/<student>/<set>.ipynb or "
            f"DIR/<student>/<set>/<set>.ipynb with <set> one of {', '.join(sorted(names))}"
        )
    return found


def grade(folder: Path, table: Path) -> list[dict]:
    """Autograde every submission in ``folder``; write and return one row per (student, set)."""
    found = submissions(folder)
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        course = Course(Path(scratch))
        course.release()  # records every set, its tests and points in the scratch gradebook
        for (student, name), path in found.items():
            target = course.folder / "submitted" / student / name
            target.mkdir(parents=True)
            shutil.copy(path, target / f"{name}.ipynb")
            course.run("autograde", name, student)
        with course.api.gradebook as gradebook:
            for (student, name) in found:
                submission = gradebook.find_submission(name, student)
                lost = [
                    grade.name
                    for notebook in submission.notebooks
                    for grade in notebook.grades
                    if grade.score < grade.max_score
                ]
                rows.append(
                    {
                        "student": student,
                        "set": name,
                        "score": submission.score,
                        "max_score": submission.max_score,
                        "lost": " ".join(sorted(lost)),
                    }
                )
    table.parent.mkdir(parents=True, exist_ok=True)
    with table.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/assignments", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    out = commands.add_parser("release", help="write the student versions")
    out.add_argument("--to", type=Path, default=ROOT / "assignments" / "release", help="output folder")
    marks = commands.add_parser("grade", help="autograde a folder of submissions into a CSV")
    marks.add_argument("dir", type=Path, help="DIR/<student>/<set>.ipynb or DIR/<student>/<set>/<set>.ipynb")
    marks.add_argument("--csv", type=Path, help="the table of scores (default DIR/scores.csv)")
    args = parser.parse_args(argv)
    try:
        if args.command == "release":
            for path in release(args.to.resolve()):
                print(path)
        else:
            table = (args.csv or args.dir / "scores.csv").resolve()
            rows = grade(args.dir.resolve(), table)
            for row in rows:
                print(f"{row['student']:20s} {row['set']:14s} {row['score']:g} / {row['max_score']:g}")
            print(f"scores: {table}")
    except ValueError as error:
        parser.error(str(error))
    return 0


if __name__ == "__main__":
    sys.exit(main())
