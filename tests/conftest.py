"""Shared fixtures: the book's layout, and one strict build per test run.

The build runs once per run however many xdist workers ask for it: the first
takes a file lock and builds, the others wait and read the recorded result.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"
BIN = Path(sys.executable).parent


def config() -> dict:
    return yaml.safe_load((ROOT / "_config.yml").read_text())


def toc_docnames() -> list[str]:
    """Every document named in _toc.yml, in reading order (root first), without suffix."""
    from sphinx_external_toc.parsing import parse_toc_yaml

    return list(parse_toc_yaml(ROOT / "_toc.yml"))


def notebooks() -> list[Path]:
    return [ROOT / f"{name}.ipynb" for name in toc_docnames() if (ROOT / f"{name}.ipynb").exists()]


def strict_build(source: Path, *extra: str) -> subprocess.CompletedProcess:
    command = [str(BIN / "jupyter-book"), "build", str(source), "-W", "-n", "--keep-going", *extra]
    return subprocess.run(command, cwd=source, capture_output=True, text=True)


@pytest.fixture(scope="session")
def site_build(testrun_uid) -> dict:
    """Build the book strictly, once per test run; return its exit code, log and duration."""
    from filelock import FileLock

    folder = ROOT / "_build"
    folder.mkdir(exist_ok=True)
    record = folder / f".test-build-{testrun_uid}.json"
    with FileLock(str(folder / ".test-build.lock")):
        if not record.exists():
            for old in folder.glob(".test-build-*.json"):
                old.unlink()
            start = time.perf_counter()
            result = strict_build(ROOT)
            record.write_text(
                json.dumps(
                    {
                        "returncode": result.returncode,
                        "log": result.stdout + result.stderr,
                        "seconds": time.perf_counter() - start,
                    }
                )
            )
    return json.loads(record.read_text())


@pytest.fixture(scope="session")
def site(site_build) -> Path:
    """The built site's folder; skips nothing: a failed build fails every test that needs it."""
    assert site_build["returncode"] == 0, "the strict build failed:\n" + site_build["log"][-5000:]
    return SITE


def explorer_count(notebook: Path) -> int:
    """How many explorers a notebook declares: calls of widgets.explore in its code cells."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    return sum("".join(c["source"]).count("widgets.explore(") for c in nb["cells"] if c["cell_type"] == "code")


def explorer_pages() -> dict[str, int]:
    """Every page of the book with an explorer: docname -> number of explorers."""
    pages = {}
    for path in notebooks():
        if count := explorer_count(path):
            pages[path.relative_to(ROOT).with_suffix("").as_posix()] = count
    return pages


def pytest_collection_finish(session):
    """For scripts/chromium.sh: how many selected tests drive Chromium (marked ``browser``),
    written to the file that HPG_BROWSER_TEST_COUNT names."""
    report = os.environ.get("HPG_BROWSER_TEST_COUNT")
    if report:
        Path(report).write_text(str(sum(1 for item in session.items if item.get_closest_marker("browser"))))
