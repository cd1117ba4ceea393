"""Package metadata: one version everywhere, a fast import."""
import re
import subprocess
import sys
from pathlib import Path

import yaml

import hpg

ROOT = Path(__file__).resolve().parents[1]


def test_version_is_semantic():
    assert re.fullmatch(r"\d+\.\d+\.\d+", hpg.__version__)


def test_citation_cff_carries_the_package_version_and_book_title():
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert citation["version"] == hpg.__version__
    assert citation["title"] == config["title"]
    assert citation["repository-code"] == config["repository"]["url"]


def test_import_does_not_load_heavy_modules():
    code = "import sys, hpg; print(','.join(m for m in ('scipy', 'matplotlib', 'ipywidgets') if m in sys.modules))"
    assert subprocess.check_output([sys.executable, "-c", code], text=True).strip() == ""
