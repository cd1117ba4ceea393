"""Binder: repo2docker reads our configuration and installs the requirements and hpg."""
import re
import subprocess

import pytest

from conftest import BIN, ROOT

pytestmark = pytest.mark.binder


@pytest.fixture(scope="module")
def dockerfile() -> str:
    result = subprocess.run(
        [str(BIN / "jupyter-repo2docker"), "--no-build", "--debug", "."], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout + result.stderr


def test_python_version_comes_from_runtime_txt(dockerfile):
    assert (ROOT / "runtime.txt").read_text().strip() == "python-3.11"
    assert "python=3.11" in dockerfile


def test_requirements_are_installed(dockerfile):
    assert re.search(r'pip install --no-cache-dir -r "?requirements\.txt"?', dockerfile)


def test_hpg_package_is_installed(dockerfile):
    assert re.search(r"pip install --no-cache-dir \.\s*$", dockerfile, flags=re.M), "hpg (pip install .) missing"


def test_no_binder_folder_hides_the_root_files():
    assert not (ROOT / "binder").exists() and not (ROOT / ".binder").exists()


def test_post_build_warms_the_compiled_model(dockerfile):
    script = (ROOT / "postBuild").read_text()
    assert "hpg.simulate(" in script and "hpg.cohort(" in script and "hpg.simulate_pulses(" in script
    assert "postBuild" in dockerfile
