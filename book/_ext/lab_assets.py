"""What the virtual patient lab (book/front/lab.md) loads besides Pyodide, made at build time.

* ``<site>/_lab/hpg.zip``: every ``hpg/*.py`` and ``hpg/data/*`` file of this checkout. The lab's
  Web Worker unpacks it into Pyodide and imports ``hpg.lab``, which reaches only the numpy-free
  core (``hpg`` imports its submodules lazily), so the browser runs the same code as a kernel.
* ``<site>/_lab/catalogue.json``: :func:`hpg.lab.catalogue` (drugs, studied ranges, study
  regimens, patient presets and parameters, outputs and reference ranges), computed here in
  CPython so that the page can draw its form before Python has started in the browser.
"""
from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "hpg"
FOLDER = "_lab"


def packed_files() -> list[Path]:
    return sorted([*PACKAGE.glob("*.py"), *(p for p in PACKAGE.glob("data/*") if p.is_file())])


def write_zip(path: Path) -> None:
    """The package as a zip whose bytes depend only on the files (fixed dates, sorted names)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for file in packed_files():
            info = zipfile.ZipInfo(file.relative_to(ROOT).as_posix(), date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, file.read_bytes())


def write_lab_assets(app) -> None:
    if app.builder.format != "html":
        return
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from hpg.lab import catalogue

    out = Path(app.outdir, FOLDER)
    out.mkdir(parents=True, exist_ok=True)
    write_zip(out / "hpg.zip")
    (out / "catalogue.json").write_text(json.dumps(catalogue(), separators=(",", ":")), encoding="utf-8")


def setup(app):
    app.connect("builder-inited", write_lab_assets)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
