"""The Colab install cell: the first code cell of every notebook, written from one template.

    python scripts/install_cell.py           # write the cell into every notebook of _toc.yml
    python scripts/install_cell.py --check   # list the notebooks whose cell differs (exit 1)

Where ``hpg`` is missing (Colab, a bare JupyterHub) the cell installs the book's version of it:
the tag ``v<version>`` (``hpg/_version.py``) of the repository named in ``_config.yml``. Where
another version is imported, it warns that results may differ. Run it after changing the
version or the repository URL; only that cell's source changes (nothing is re-executed).
"""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book" / "_ext"))
sys.path.insert(0, str(ROOT / "scripts"))
from execute_notebooks import toc_notebooks  # noqa: E402
from hpg_book import package_version  # noqa: E402

TEMPLATE = """\
# Where hpg is missing (Colab, a bare JupyterHub), install the book's version of it from the
# book's repository; where another version is installed, warn that results may differ.
BOOK_HPG_VERSION = "{version}"
try:
    import hpg
except ImportError:
    %pip install --quiet "hpg @ git+{url}@v{version}"
    import hpg
if hpg.__version__ != BOOK_HPG_VERSION:
    import warnings
    warnings.warn(f"this book was written for hpg {{BOOK_HPG_VERSION}}, but hpg {{hpg.__version__}} is "
                  "imported: results may differ from the book's")"""


def source(url: str | None = None, version: str | None = None) -> str:
    """The install cell's source for the repository ``url`` and hpg ``version``
    (by default those of _config.yml and hpg/_version.py)."""
    if url is None:
        url = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["repository"]["url"]
    return TEMPLATE.format(url=url.rstrip("/"), version=version or package_version())


def first_code_cell(notebook):
    return next(cell for cell in notebook.cells if cell.cell_type == "code")


def main(arguments: list[str]) -> int:
    wanted, check = source(), "--check" in arguments
    differ = []
    for path in toc_notebooks():
        notebook = nbformat.read(path, as_version=4)
        cell = first_code_cell(notebook)
        if cell.source != wanted:
            differ.append(path.relative_to(ROOT))
            if not check:
                cell.source = wanted
                nbformat.write(notebook, path)
    for path in differ:
        print(f"{path}: {'differs' if check else 'updated'}")
    return 1 if check and differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
