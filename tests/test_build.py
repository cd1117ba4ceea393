"""The strict build: zero warnings, every page present, and strictness that really fails."""
from __future__ import annotations

import re
import shutil
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest
import yaml

import hpg
from conftest import ROOT, config, strict_build, toc_docnames

sys.path.insert(0, str(ROOT / "book" / "_ext"))

pytestmark = pytest.mark.build


def test_strict_build_has_no_warnings(site_build):
    log = site_build["log"]
    assert site_build["returncode"] == 0, log[-5000:]
    assert "build succeeded" in log
    assert not re.search(r"\bWARNING:", log), "\n".join(line for line in log.splitlines() if "WARNING:" in line)


def test_every_toc_page_is_built(site):
    for name in toc_docnames():
        assert (site / f"{name}.html").is_file(), f"{name} was not built"


def test_every_page_has_notice_version_and_build_date(site):
    version = re.escape(hpg.__version__)
    for name in toc_docnames():
        page = (site / f"{name}.html").read_text(encoding="utf-8")
        assert "Educational material, not medical advice." in page, name
        assert re.search(rf"Version {version}, built \d{{4}}-\d{{2}}-\d{{2}}", page), name


def test_title_and_copyright_come_from_config(site):
    settings = config()
    page = (site / "book" / "intro.html").read_text(encoding="utf-8")
    assert re.search(r"<title>[^<]*" + re.escape(settings["title"]) + "[^<]*</title>", page)
    assert re.search(rf"© Copyright {settings['copyright']}", page)


def test_execution_cache_is_keyed_to_the_package(site_build):
    from hpg_book import execution_key  # the book's extension, put on sys.path above

    assert f"hpg-{execution_key()}" in site_build["log"]


@pytest.fixture()
def tiny_book(tmp_path: Path):
    """A one-page book with this book's configuration, to prove the build's strictness."""
    settings = config()
    settings["only_build_toc_files"] = True
    settings["execute"]["cache"] = str(tmp_path / "cache")
    # The same extensions and static files as the book, by absolute path.
    settings["sphinx"]["local_extensions"] = {name: str(ROOT / path) for name, path in settings["sphinx"]["local_extensions"].items()}
    settings["bibtex_bibfiles"] = [str(ROOT / "references.bib")]
    static = settings["sphinx"]["config"]["html_static_path"]
    settings["sphinx"]["config"]["html_static_path"] = [str(ROOT / path) for path in static]
    (tmp_path / "_config.yml").write_text(yaml.safe_dump(settings))
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: page\n")

    def build(markdown: str = "", cells: list | None = None):
        if cells is None:
            (tmp_path / "page.md").write_text(textwrap.dedent(markdown))
        else:
            notebook = nbformat.v4.new_notebook(cells=cells)
            notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
            nbformat.write(notebook, tmp_path / "page.ipynb")
        return strict_build(tmp_path)

    yield build
    shutil.rmtree(tmp_path / "_build", ignore_errors=True)


def test_tiny_book_builds_cleanly(tiny_book):
    result = tiny_book(
        "# Fine\n\nA page on {term}`GnRH` citing {footcite:t}`smith1980` and {footcite:p}`goodwin1965`.\n\n"
        "```{glossary}\nGnRH\n  A hormone.\n```\n\n```{footbibliography}\n```\n"
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


@pytest.mark.parametrize(
    ("markdown", "message"),
    [
        ("# Bad\n\nSee {cite}`no_such_key_2026`.\n", "no_such_key_2026"),
        ("# Bad\n\nSee {footcite:p}`no_such_key_2027`.\n\n```{footbibliography}\n```\n", "no_such_key_2027"),
        ("# Bad\n\nA {term}`no such term`.\n", "no such term"),
    ],
)
def test_unknown_cite_or_term_fails_the_build(tiny_book, markdown, message):
    result = tiny_book(markdown)
    assert result.returncode != 0
    assert message in result.stdout + result.stderr


def test_failing_cell_fails_the_build(tiny_book):
    result = tiny_book(cells=[nbformat.v4.new_markdown_cell("# Bad"), nbformat.v4.new_code_cell("1 / 0")])
    assert result.returncode != 0
    assert "ZeroDivisionError" in result.stdout + result.stderr


def test_a_failed_build_leaves_no_page_to_publish(tiny_book, tmp_path):
    """No page of a failed build (here a notebook showing a traceback) stays in _build/html,
    where it could be served or uploaded; the traceback is kept in _build/reports."""
    result = tiny_book(cells=[nbformat.v4.new_markdown_cell("# Bad"), nbformat.v4.new_code_cell("1 / 0")])
    assert result.returncode != 0
    site = tmp_path / "_build" / "html"
    left = [path for path in site.rglob("*") if path.is_file() and "ZeroDivisionError" in path.read_text(errors="ignore")]
    assert not left, f"a failed build left its traceback in {left}"
    assert not (site / "page.html").exists()
    assert "ZeroDivisionError" in (tmp_path / "_build" / "reports" / "page.err.log").read_text()


def test_every_notebook_page_offers_binder_colab_and_jupyterhub(site):
    settings = config()
    repository = settings["repository"]["url"].removeprefix("https://github.com/")
    hub = settings["launch_buttons"]["jupyterhub_url"].rstrip("/")
    for name in toc_docnames():
        if not (ROOT / f"{name}.ipynb").exists():
            continue
        page = (site / f"{name}.html").read_text(encoding="utf-8")
        assert f"https://mybinder.org/v2/gh/{repository}/" in page, name
        assert f"https://colab.research.google.com/github/{repository}/blob/" in page, name
        assert f"{hub}/hub/user-redirect/git-pull?repo=" in page, name  # nbgitpuller


PAGE_BUDGET = 4_000_000  # bytes of embedded widget state per page (issue 4)
WIDGET_STATE = re.compile(r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>', re.S)


def test_embedded_widget_state_of_every_page_is_within_budget(site):
    sizes = {}
    for name in toc_docnames():
        page = (site / f"{name}.html").read_text(encoding="utf-8")
        sizes[name] = sum(len(m.encode()) for m in WIDGET_STATE.findall(page))
    assert max(sizes.values()) <= PAGE_BUDGET, sizes
    assert any(sizes.values()), "no page embeds widget state: the explorers are missing"
