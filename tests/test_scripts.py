"""The two commands' rough edges (issue 14, items 8 and 10), run in isolation.

- scripts/test installs Chromium only when the selected tests drive it, and checks that
  ``chromium`` is on PATH after installing (scripts/chromium.sh, run here with stub
  ``apt-get`` and ``id`` commands and no Chromium on PATH);
- a partly deleted node_modules is found without removing its stamp by hand;
- scripts/site names a port already in use in one line.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

SELECTION = ["--nbval", "--nbval-sanitize-with", "tests/nbval_sanitize.cfg", "tests", "book"]


def stub(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(0o755)


@pytest.fixture()
def bare_path(tmp_path):
    """A PATH with the few commands scripts/chromium.sh needs, an `id` that says root and an
    `apt-get` that only records its arguments: no Chromium anywhere on it."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for tool in ("mktemp", "cat", "rm"):
        stub(folder, tool, f'exec /usr/bin/env -i PATH=/usr/bin:/bin {tool} "$@"')
    stub(folder, "python", f'exec {sys.executable} "$@"')
    stub(folder, "id", "echo 0")
    stub(folder, "apt-get", f'echo "$@" >> {tmp_path / "apt-get.log"}')
    return folder


def ensure_chromium(path: Path, *arguments: str) -> subprocess.CompletedProcess:
    script = 'source scripts/chromium.sh && ensure_chromium "$@"'
    env = {"PATH": str(path), "HOME": os.environ.get("HOME", "/tmp"), "PYTHONPATH": str(ROOT)}
    return subprocess.run(["/bin/bash", "-c", script, "ensure_chromium", *SELECTION, *arguments],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_no_chromium_is_installed_when_no_browser_test_is_selected(bare_path, tmp_path):
    result = ensure_chromium(bare_path, "-k", "toy")
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "apt-get.log").exists(), "apt-get ran although no browser test was selected"


def test_chromium_installed_off_path_is_reported(bare_path, tmp_path):
    result = ensure_chromium(bare_path, "tests/test_browser.py", "-k", "no_request_leaves")
    assert "install -y -qq chromium" in (tmp_path / "apt-get.log").read_text()
    assert result.returncode != 0
    assert "no `chromium` command is on PATH" in result.stderr and "CHROMIUM=" in result.stderr


def test_chromium_installed_on_path_passes(bare_path, tmp_path):
    stub(bare_path, "apt-get", f'echo "$@" >> {tmp_path / "apt-get.log"}; printf "#!/bin/sh\\n" > {bare_path}/chromium; '
                               f"/bin/chmod +x {bare_path}/chromium")
    result = ensure_chromium(bare_path, "tests/test_browser.py", "-k", "no_request_leaves")
    assert "install -y -qq chromium" in (tmp_path / "apt-get.log").read_text()
    assert result.returncode == 0, result.stderr


# --------------------------------------------------------------------------- node_modules
def node_modules_complete(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["node", str(ROOT / "scripts" / "node-modules-complete.js"), str(folder)],
                          capture_output=True, text=True, timeout=60)


@pytest.fixture()
def installed(tmp_path):
    """A folder with the book's package-lock.json and a node_modules holding every package it lists
    (each reduced to its package.json), stamped as installed."""
    shutil.copy2(ROOT / "package-lock.json", tmp_path / "package-lock.json")
    packages = [name for name in json.loads((ROOT / "package-lock.json").read_text())["packages"] if name]
    for name in packages:
        (tmp_path / name).mkdir(parents=True, exist_ok=True)
        (tmp_path / name / "package.json").write_text("{}")
    (tmp_path / "node_modules" / ".installed").write_text("stamp\n")
    return tmp_path, packages


def test_a_complete_node_modules_passes(installed):
    folder, _ = installed
    result = node_modules_complete(folder)
    assert result.returncode == 0, result.stderr


def test_a_partly_deleted_node_modules_is_detected_despite_its_stamp(installed):
    folder, packages = installed
    shutil.rmtree(folder / "node_modules" / "mathjax")
    result = node_modules_complete(folder)
    assert result.returncode == 1
    assert "node_modules/mathjax" in result.stderr


def test_setup_reinstalls_node_modules_when_the_check_fails():
    setup = (ROOT / "scripts" / "setup-env.sh").read_text()
    condition = next(line for line in setup.splitlines() if "node_modules/.installed" in line and line.startswith("if"))
    assert "node scripts/node-modules-complete.js" in condition, condition


# --------------------------------------------------------------------------- scripts/site
def test_a_port_in_use_is_named_in_one_line_before_building():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([str(ROOT / "scripts" / "site")], cwd=ROOT, env={**os.environ, "PORT": str(port)},
                                capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stdout == "", "scripts/site started building although it could not serve"
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(port) in lines[0] and "PORT=" in lines[0], result.stderr
    assert "Traceback" not in result.stderr
