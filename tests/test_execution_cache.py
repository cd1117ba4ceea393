"""The build's execution cache (book/_ext/hpg_book.py) is keyed to everything the notebooks'
outputs depend on, and old caches are removed (issue 14, item 2).

Each test works on a copy of the package and the lock files in a temporary folder, with the
extension pointed at it: the repository itself is never changed.
"""
from __future__ import annotations

import shutil
import sys
from types import SimpleNamespace

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "book" / "_ext"))
import hpg_book  # noqa: E402 - the book's extension, from the folder put on sys.path above


@pytest.fixture()
def copy(tmp_path, monkeypatch):
    """A copy of what the key reads, with the extension's ROOT and PACKAGE pointed at it."""
    shutil.copytree(ROOT / "hpg", tmp_path / "hpg", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("requirements.txt", "requirements-dev.txt", "pyproject.toml"):
        shutil.copy2(ROOT / name, tmp_path / name)
    (tmp_path / "book" / "academic").mkdir(parents=True)
    monkeypatch.setattr(hpg_book, "ROOT", tmp_path)
    monkeypatch.setattr(hpg_book, "PACKAGE", tmp_path / "hpg")
    return tmp_path


def test_editing_the_clinical_targets_changes_the_key(copy):
    before = hpg_book.execution_key()
    table = copy / "hpg" / "data" / "clinical_targets.csv"
    table.write_text(table.read_text(encoding="utf-8").replace(",", ", ", 1), encoding="utf-8")
    assert hpg_book.execution_key() != before


@pytest.mark.parametrize("name", ["hpg/data/new_table.json", "book/academic/measurements.csv", "hpg/model_card.txt"])
def test_a_new_data_file_the_notebooks_may_read_changes_the_key(copy, name):
    before = hpg_book.execution_key()
    (copy / name).write_text("1, 2, 3\n")
    assert hpg_book.execution_key() != before


@pytest.mark.parametrize("name", ["requirements.txt", "requirements-dev.txt", "hpg/parameters.py"])
def test_code_and_locks_change_the_key(copy, name):
    before = hpg_book.execution_key()
    with open(copy / name, "a") as file:
        file.write("\n# changed\n")
    assert hpg_book.execution_key() != before


def test_bytecode_and_pages_do_not_change_the_key(copy):
    before = hpg_book.execution_key()
    (copy / "hpg" / "__pycache__").mkdir()
    (copy / "hpg" / "__pycache__" / "model.cpython-311.pyc").write_bytes(b"\0" * 16)
    (copy / "book" / "academic" / "notes.md").write_text("# A page\n")
    assert hpg_book.execution_key() == before


def test_the_build_uses_the_current_key_and_removes_older_caches(copy):
    caches = copy / "_build" / ".jupyter_cache"
    for old in ("hpg-0123456789abcdef", "hpg-fedcba9876543210"):
        (caches / old / "executed").mkdir(parents=True)
    config = SimpleNamespace(copyright="2026", nb_execution_cache_path="", html_theme_options={}, version="", release="")
    hpg_book._configure(None, config)
    current = caches / f"hpg-{hpg_book.execution_key()}"
    assert config.nb_execution_cache_path == str(current)
    assert [path.name for path in caches.iterdir()] == [], "older caches were left behind"


def test_a_cache_named_in_the_configuration_is_left_alone(copy):
    mine = copy / "_build" / ".jupyter_cache" / "hpg-0123456789abcdef"
    mine.mkdir(parents=True)
    config = SimpleNamespace(copyright="2026", nb_execution_cache_path=str(mine), html_theme_options={}, version="", release="")
    hpg_book._configure(None, config)
    assert config.nb_execution_cache_path == str(mine) and mine.is_dir()
