"""The book's own Sphinx glue: settings derived from one place, applied to every page.

* version and release come from ``hpg/_version.py`` (the package and the book share one number);
* the footer of every page shows that version, the build date and the licences;
* every page carries the "educational material, not medical advice" notice;
* the notebook execution cache lives in a folder keyed to a hash of ``hpg/``, so a change to the
  model re-executes every notebook and the site never publishes outputs of older code;
* the copyright line runs from the first year in ``_config.yml`` to the year of the build.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import html
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "hpg"

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


def package_hash() -> str:
    """A short hash of every Python file in hpg/ (names and contents)."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(path.relative_to(PACKAGE).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _configure(app, config):
    version = package_version()
    today = _dt.date.today()
    config.version = config.release = version
    first_year = str(config.copyright).split("-")[0].split("–")[0].strip()
    if first_year.isdigit() and int(first_year) < today.year:
        config.copyright = f"{first_year}–{today.year}"
    if not config.nb_execution_cache_path:  # a cache folder named in _config.yml wins
        cache = ROOT / "_build" / ".jupyter_cache" / f"hpg-{package_hash()}"
        config.nb_execution_cache_path = str(cache)

    options = dict(config.html_theme_options or {})
    options["extra_footer"] = (
        f'<p class="hpg-footer">Version {html.escape(version)}, built {today.isoformat()}. '
        "Code: BSD-3-Clause. Text and figures: CC BY 4.0. "
        "Educational material, not medical advice.</p>"
    )
    config.html_theme_options = options


def _notice(app, pagename, templatename, context, doctree):
    # The theme's announcement banner, at the top of every page, with a link to the
    # safety notice that is relative to each page (the site may live in any folder).
    safety = app.builder.get_relative_uri(pagename, "book/front/safety")
    context["theme_announcement"] = NOTICE.format(safety=html.escape(safety))


def setup(app):
    app.connect("config-inited", _configure)
    app.connect("html-page-context", _notice)
    return {"version": package_version(), "parallel_read_safe": True, "parallel_write_safe": True}
