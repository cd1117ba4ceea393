"""Every notebook follows the book's rules before nbval even runs it."""
from __future__ import annotations

import re

import nbformat
import pytest

from conftest import ROOT, config, notebooks, toc_docnames

NOTEBOOKS = notebooks()
IDS = [str(path.relative_to(ROOT)) for path in NOTEBOOKS]


def code_cells(path):
    return [cell for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"]


def test_toc_files_exist():
    for name in toc_docnames():
        assert (ROOT / f"{name}.md").exists() or (ROOT / f"{name}.ipynb").exists(), name


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebook is listed in _toc.yml"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_committed_executed_in_order(path):
    counts = [cell.execution_count for cell in code_cells(path)]
    assert None not in counts, "notebook has unexecuted cells: run scripts/execute_notebooks.py"
    assert counts == list(range(1, len(counts) + 1)), f"not executed top to bottom: {counts}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_first_code_cell_installs_hpg_only_where_missing(path):
    first = code_cells(path)[0].source
    url = config()["repository"]["url"]
    assert "except ImportError" in first and "import hpg" in first
    assert f"git+{url}" in first, f"the install cell must name the repository of _config.yml ({url})"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_numbers_are_checked_and_widgets_ignored(path):
    cells = code_cells(path)
    assert any("# NBVAL_CHECK_OUTPUT" in cell.source for cell in cells), "no cell checked by nbval"
    for cell in cells:
        shows_widget = any("application/vnd.jupyter.widget-view+json" in output.get("data", {}) for output in cell.outputs)
        if shows_widget:
            assert "# NBVAL_IGNORE_OUTPUT" in cell.source, f"widget cell not ignored by nbval:\n{cell.source[:200]}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_figure_has_alt_text_and_caption(path):
    for cell in code_cells(path):
        has_image = any("image/png" in output.get("data", {}) for output in cell.outputs if output.output_type == "display_data")
        in_widget = "# NBVAL_IGNORE_OUTPUT" in cell.source
        if has_image and not in_widget:
            meta = cell.metadata.get("mystnb", {})
            assert len(meta.get("image", {}).get("alt", "")) > 40, f"figure without alt text:\n{cell.source[:200]}"
            assert meta.get("figure", {}).get("caption"), f"figure without caption:\n{cell.source[:200]}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_memory_addresses_or_errors_in_outputs(path):
    for cell in code_cells(path):
        for output in cell.outputs:
            assert output.output_type != "error", cell.source[:200]
            text = output.get("text", "") + str(output.get("data", {}).get("text/plain", ""))
            assert not re.search(r"<[^>]+ at 0x[0-9a-f]+>", text), f"object repr in output:\n{text[:200]}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_output_widgets_hold_their_default_output(path):
    """The static site shows a widget's stored state: an empty Output widget is a blank figure."""
    metadata = nbformat.read(path, as_version=4).metadata
    state = metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    for model_id, model in state.items():
        if model["model_name"] == "OutputModel":
            assert model["state"].get("outputs"), f"Output widget {model_id} is empty (was MPLBACKEND set?)"
