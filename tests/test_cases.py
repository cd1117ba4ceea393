"""Every case file follows the case template (the chapter template of test_chapters.py does not
apply: a case is a short exercise, not a chapter).

Checked on the committed notebooks: a title, the fictional-and-not-advice notice, three to six
learning objectives, a laboratory panel shown in conventional and SI units with reference ranges,
three to five questions each with a worked answer hidden by default, a captioned simulator figure,
a section on what the model cannot tell, numbers checked by nbval, doses named as the regimen of a
cited study, and a page-local reference list.
"""
from __future__ import annotations

import functools
import re
import sys

import nbformat
import pytest
from conftest import ROOT, toc_docnames

sys.path.insert(0, str(ROOT / "book" / "_ext"))
import objectives  # the extension that gathers objectives into the instructors' page

CASES = [n for n in toc_docnames() if n.startswith("book/cases/") and (ROOT / f"{n}.ipynb").exists()]
# The vignettes that issue 17 asks for, each matched by words of its title.
REQUIRED = ("testosterone", "steroids", "estradiol", "fertile", "pump", "FSH", "agonist", "older")


@functools.cache
def cells(name):
    return nbformat.read(ROOT / f"{name}.ipynb", as_version=4).cells


def markdown(name) -> str:
    return "\n\n".join(c.source for c in cells(name) if c.cell_type == "markdown")


def outputs(name, mime) -> list[str]:
    found = []
    for cell in cells(name):
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if mime in data:
                found.append(data[mime] if isinstance(data[mime], str) else "".join(data[mime]))
    return found


def test_at_least_eight_cases_cover_the_vignettes():
    assert len(CASES) >= 8, f"{len(CASES)} case files in _toc.yml"
    titles = " ".join(objectives.objectives(ROOT / f"{n}.ipynb")[0] for n in CASES)
    for word in REQUIRED:
        assert word.lower() in titles.lower(), f"no case title mentions {word!r}"


@pytest.mark.parametrize("name", CASES)
def test_header_notice_and_objectives(name):
    first = next(c.source for c in cells(name) if c.cell_type == "markdown")
    assert re.match(r"# Case \d+: ", first), "the first cell starts with '# Case N: title'"
    notice = re.search(r":::\{admonition\} A fictional case, not medical advice\n(.*?)\n:::", first, re.DOTALL)
    assert notice and "invented" in notice.group(1), "the fictional-and-not-advice notice is missing"
    _, bullets = objectives.objectives(ROOT / f"{name}.ipynb")
    assert 3 <= len(bullets) <= 6, f"{len(bullets)} learning objectives"


@pytest.mark.parametrize("name", CASES)
def test_panel_in_both_unit_systems_with_ranges(name):
    tables = [t for t in outputs(name, "text/html") if 'class="hpg-lab-panel"' in t]
    assert tables, "no laboratory panel (hpg.labs.panel) among the outputs"
    table = tables[0]
    for column in ("Reference range", "Result (SI)", "Reference range (SI)"):
        assert f">{column}<" in table, f"panel column {column!r} missing"
    assert "ng/dL" in table and "nmol/L" in table, "testosterone is not shown in both unit systems"
    source = "\n".join(c.source for c in cells(name) if c.cell_type == "code")
    assert "labs.panel(" in source and "# NBVAL_CHECK_OUTPUT" in source


@pytest.mark.parametrize("name", CASES)
def test_three_to_five_questions_with_hidden_answers(name):
    text = markdown(name)
    questions = text.split("## Questions", 1)[1].split("## What the model cannot tell you here", 1)[0]
    labels = re.findall(r"```\{exercise\} Question \d\n:label: (\S+)\n:nonumber:\n", questions)
    # Exercises are numbered across the whole book: unnumbered, a case's questions read
    # "Question 1" to "Question N" on the page and on its handout, not "Exercise 29".
    assert len(labels) == questions.count("{exercise}"), "every question is '{exercise} Question N' with :nonumber:"
    assert 3 <= len(labels) <= 5, f"{len(labels)} questions"
    for label in labels:
        answer = re.search(rf"`{{3,4}}\{{solution(?:-start)?\}} {re.escape(label)}\n:class: dropdown\n", questions)
        assert answer, f"question {label} has no answer hidden in a dropdown"
    assert questions.count("{solution-start}") == questions.count("{solution-end}")


@pytest.mark.parametrize("name", CASES)
def test_a_captioned_simulator_figure(name):
    figures = [c for c in cells(name) if c.cell_type == "code" and "hpg." in c.source
               and any("image/png" in o.get("data", {}) for o in c.outputs)
               and c.metadata.get("mystnb", {}).get("figure", {}).get("caption")
               and len(c.metadata.get("mystnb", {}).get("image", {}).get("alt", "")) > 80]
    assert figures, "no simulator figure with a caption and alt text"


@pytest.mark.parametrize("name", CASES)
def test_model_limits_and_references(name):
    text = markdown(name)
    headings = re.findall(r"^## (.+)$", text, re.MULTILINE)
    assert headings[-3:] == ["Questions", "What the model cannot tell you here", "References"], headings
    limits = text.split("## What the model cannot tell you here", 1)[1].split("## References", 1)[0]
    assert len(re.findall(r"^- \*\*", limits, re.MULTILINE)) >= 2, "fewer than two limits named"
    assert "```{footbibliography}" in text.split("## References", 1)[1]
    assert "{cite" not in text, "cases cite with {footcite} (a page-local list of references)"
    assert len(set(re.findall(r"\{footcite(?::[a-z]+)?\}`([^`]+)`", text))) >= 3, "fewer than three citations"
    assert "{term}`" in text, "no glossary term linked"


@pytest.mark.parametrize("name", CASES)
def test_every_simulated_dose_names_its_study(name):
    code = "\n".join(c.source for c in cells(name) if c.cell_type == "code")
    if "Regimen(" in code or "gonadorelin=" in code:
        assert re.search(r"regimens? (used )?(in|by|of)", markdown(name)), "a simulated dose without 'the regimen used in study X'"


def test_instructors_page_lists_the_case_objectives():
    rendered = objectives.render(ROOT, "book/front/instructors.md")
    assert "### Case files" in rendered
    for name in CASES:
        title, bullets = objectives.objectives(ROOT / f"{name}.ipynb")
        assert title in rendered and all(b in rendered for b in bullets)
