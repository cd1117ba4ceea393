"""The Colab install cell pins hpg to the book's version and warns about another one
(issue 14, item 9). The cell's URL agreeing with _config.yml is checked in
test_notebooks_structure.py; here, its version and its behaviour."""
from __future__ import annotations

import sys
import types
import warnings

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager

import hpg
from conftest import ROOT, config, notebooks

sys.path.insert(0, str(ROOT / "scripts"))
import install_cell  # noqa: E402 - scripts/install_cell.py, from the folder put on sys.path above

NOTEBOOKS = notebooks()
IDS = [str(path.relative_to(ROOT)) for path in NOTEBOOKS]


def first_code_cell(path) -> str:
    return install_cell.first_code_cell(nbformat.read(path, as_version=4)).source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_install_cell_pins_the_books_version(path):
    cell = first_code_cell(path)
    url = config()["repository"]["url"]
    assert f'"hpg @ git+{url}@v{hpg.__version__}"' in cell, "run scripts/install_cell.py"
    assert f'BOOK_HPG_VERSION = "{hpg.__version__}"' in cell
    assert cell == install_cell.source(), "run scripts/install_cell.py"


def run_cell(monkeypatch, installed_version: str | None, installable_version: str = hpg.__version__):
    """Run the install cell as IPython would, with ``hpg`` at ``installed_version`` (None: missing)
    and a %pip that installs ``installable_version``; return the %pip lines and the warnings."""
    pips = []

    def module(version):
        return types.SimpleNamespace(__version__=version)

    class Shell:
        def run_line_magic(self, name, line):
            pips.append(f"%{name} {line}")
            monkeypatch.setitem(sys.modules, "hpg", module(installable_version))

    monkeypatch.setitem(sys.modules, "hpg", module(installed_version) if installed_version else None)
    code = TransformerManager().transform_cell(install_cell.source())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        exec(compile(code, "<install cell>", "exec"), {"get_ipython": Shell})
    return pips, [str(w.message) for w in caught]


def test_where_hpg_is_missing_the_books_version_is_installed(monkeypatch):
    pips, warned = run_cell(monkeypatch, None)
    url = config()["repository"]["url"]
    assert pips == [f'%pip install --quiet "hpg @ git+{url}@v{hpg.__version__}"']
    assert warned == []


def test_the_books_version_is_used_silently(monkeypatch):
    assert run_cell(monkeypatch, hpg.__version__) == ([], [])


def test_another_version_is_used_with_a_warning(monkeypatch):
    pips, warned = run_cell(monkeypatch, "0.0.1")
    assert pips == []
    assert len(warned) == 1 and "0.0.1" in warned[0] and hpg.__version__ in warned[0]


def test_the_cell_follows_the_version_and_the_url():
    cell = install_cell.source(url="https://github.com/someone/fork/", version="9.8.7")
    assert '"hpg @ git+https://github.com/someone/fork@v9.8.7"' in cell and 'BOOK_HPG_VERSION = "9.8.7"' in cell
