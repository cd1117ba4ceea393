"""The book's own Sphinx glue: settings derived from one place, applied to every page.

* version and release come from ``hpg/_version.py`` (the package and the book share one number);
* the footer of every page shows that version, the build date and the licences;
* every page carries the "educational material, not medical advice" notice;
* the notebook execution cache lives in a folder keyed to a hash of everything the notebooks'
  outputs depend on (the whole of ``hpg/`` with its data, data files in ``book/``, the locked
  requirements, the Python version), so a change to any of them re-executes every notebook and
  the site never publishes outputs of older code or data; caches of other keys are removed;
* a failed build leaves no site: ``_build/html`` is removed (tracebacks go to ``_build/reports``);
* the copyright line runs from the first year in ``_config.yml`` to the year of the build.
* the kernels that execute the notebooks are told they are making the static site (the
  environment variable ``HPG_STATIC_SITE``, :data:`hpg.widgets.STATIC_SITE`), so each
  explorer precomputes its static face; anywhere else an explorer draws only what it shows.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import html
import os
import re
import shutil
import sys
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "hpg"
SAFETY = "book/front/safety"

NOTICE = (
    '<strong>Educational material, not medical advice.</strong> '
    'Nothing here tells anyone what to take. <a href="{safety}">Read the safety notice</a>.'
)


def package_version() -> str:
    text = (PACKAGE / "_version.py").read_text(encoding="utf-8")
    match = re.search(r'__version__\s*=\s*"([^"]+)"', text)
    if not match:
        raise RuntimeError("hpg/_version.py does not define __version__")
    return match.group(1)


#: Files beside the notebooks that a notebook may read (data, not pages or code of the build).
NOTEBOOK_DATA = ("*.csv", "*.tsv", "*.json", "*.txt", "*.npz", "*.npy", "*.parquet", "*.xlsx", "*.yml", "*.yaml")


def execution_inputs() -> list[Path]:
    """Every file that notebook outputs depend on besides the notebooks themselves: the whole
    hpg package (code and its data, such as hpg/data/clinical_targets.csv), data files in
    book/ that a notebook may read, the locked versions of every library and the package's
    metadata."""
    package = [path for path in PACKAGE.rglob("*") if path.is_file() and "__pycache__" not in path.parts]
    data = [path for pattern in NOTEBOOK_DATA for path in (ROOT / "book").rglob(pattern)]
    locks = [ROOT / name for name in ("requirements.txt", "requirements-dev.txt", "pyproject.toml")]
    return sorted({*package, *data, *(path for path in locks if path.exists())})


def execution_key() -> str:
    """A short hash of :func:`execution_inputs` (names and contents) and of the Python version."""
    digest = hashlib.sha256(sys.version.encode())
    for path in execution_inputs():
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def prune_caches(keep: Path) -> None:
    """Remove the execution caches of other keys beside ``keep`` (each holds every
    notebook's outputs, megabytes that no later build reads)."""
    for old in keep.parent.glob("hpg-*"):
        if old != keep and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)


def _configure(app, config):
    from hpg.widgets import STATIC_SITE

    os.environ[STATIC_SITE] = "1"  # inherited by every kernel the build starts
    version = package_version()
    today = _dt.date.today()
    config.version = config.release = version
    first_year = str(config.copyright).split("-")[0].split("–")[0].strip()
    if first_year.isdigit() and int(first_year) < today.year:
        config.copyright = f"{first_year}–{today.year}"
    if not config.nb_execution_cache_path:  # a cache folder named in _config.yml wins
        cache = ROOT / "_build" / ".jupyter_cache" / f"hpg-{execution_key()}"
        config.nb_execution_cache_path = str(cache)
        prune_caches(cache)

    options = dict(config.html_theme_options or {})
    options["extra_footer"] = (
        f'<p class="hpg-footer">Version {html.escape(version)}, built {today.isoformat()}. '
        "Code: BSD-3-Clause. Text and figures: CC BY 4.0. "
        "Educational material, not medical advice.</p>"
    )
    config.html_theme_options = options


def _page(app, pagename, templatename, context, doctree):
    # The theme's announcement banner, at the top of every page, with a link to the
    # safety notice that is relative to each page (the site may live in any folder).
    safety = app.builder.get_relative_uri(pagename, SAFETY) or app.builder.get_target_uri(SAFETY).rpartition("/")[2]
    context["theme_announcement"] = NOTICE.format(safety=html.escape(safety))

    # sphinx-thebe (always loaded by Jupyter Book) registers its inline script twice, which
    # redeclares a constant and throws on every page: keep the first copy of each script.
    if "script_files" in context:
        seen, unique = set(), []
        for script in context["script_files"]:
            # an inline script's filename is None or "" depending on how it was registered
            key = (getattr(script, "filename", None) or "", repr(sorted(getattr(script, "attributes", {}).items())))
            if key not in seen:
                seen.add(key)
                unique.append(script)
        context["script_files"][:] = unique  # in place: it is the builder's own list

    # Sphinx 7 marks the citation list role="list" although its entries are not list items,
    # an ARIA error (axe: aria-required-children); the entries keep role="doc-biblioentry".
    if "body" in context:
        context["body"] = context["body"].replace('<div role="list" class="citation-list">', '<div class="citation-list">')


def _withdraw_failed_site(app, exception) -> None:
    """A failed build publishes nothing: its site folder is removed, so no page of it (such
    as a notebook showing a traceback) can be served or uploaded. myst-nb's execution
    reports (the tracebacks) are kept beside it, in ``_build/reports``."""
    failed = exception is not None or (app.keep_going and app._warncount)
    if not failed or app.builder.format != "html":
        return
    site = Path(app.outdir)
    reports, kept = site / "reports", site.parent / "reports"
    if reports.is_dir():
        shutil.rmtree(kept, ignore_errors=True)
        shutil.move(str(reports), str(kept))
    shutil.rmtree(site, ignore_errors=True)
    where = f"; execution tracebacks are in {kept}" if kept.is_dir() else ""
    logger.info(f"the build failed: removed {site} so that no page of it is published{where}")


def setup(app):
    app.connect("config-inited", _configure)
    app.connect("build-finished", _withdraw_failed_site)
    app.connect("html-page-context", _page, priority=900)  # after others add scripts
    return {"version": package_version(), "parallel_read_safe": True, "parallel_write_safe": True}
