"""Execute the book's notebooks in place, top to bottom, storing widget state.

Notebooks are committed executed (nbval compares against the stored outputs, and
Binder users see them). Like the book's build, this tells the kernels they are making the
static site (``HPG_STATIC_SITE=1``), so the stored explorers hold their precomputed static
face. Run this after changing a notebook or hpg:

    python scripts/execute_notebooks.py            # every notebook listed in _toc.yml
    python scripts/execute_notebooks.py book/front/how-to-use.ipynb
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]


def toc_notebooks() -> list[Path]:
    """Every .ipynb file named in _toc.yml, in reading order."""
    from sphinx_external_toc.parsing import parse_toc_yaml

    names = parse_toc_yaml(ROOT / "_toc.yml")
    return [ROOT / f"{name}.ipynb" for name in names if (ROOT / f"{name}.ipynb").exists()]


def execute(path: Path) -> float:
    start = time.perf_counter()
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    nbformat.write(notebook, path)
    return time.perf_counter() - start


def main(arguments: list[str]) -> None:
    from hpg.widgets import STATIC_SITE

    os.environ[STATIC_SITE] = "1"  # inherited by every kernel started below
    paths = [Path(a).resolve() for a in arguments] or toc_notebooks()
    for path in paths:
        print(f"{path.relative_to(ROOT)}: {execute(path):.1f} s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
