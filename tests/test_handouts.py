"""The printable handouts (scripts/handouts): one PDF per lesson plan, two per case file.

The handouts are printed once per test run from the strictly built site, then each PDF is read
back with pypdf: it exists, has a sensible number of pages, and carries as text the case's title
and the opening words of every question. The student copy leaves out the worked answers; the
instructor copy prints them.
"""
from __future__ import annotations

import functools
import re
import subprocess
import sys
import unicodedata

import nbformat
import pytest
from conftest import ROOT, SITE, toc_docnames

CASES = [n for n in toc_docnames() if n.startswith("book/cases/") and (ROOT / f"{n}.ipynb").exists()]
LESSONS = (1, 2, 3)
CURLY = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
PAGES = {"lesson": (1, 3), "student": (2, 8), "instructor": (3, 12)}


@pytest.fixture(scope="session")
def handouts(site, testrun_uid):
    """Print the handouts once per test run, however many xdist workers ask (as conftest builds)."""
    from filelock import FileLock

    folder = ROOT / "_build"
    record = folder / f".test-handouts-{testrun_uid}"
    with FileLock(str(folder / ".test-handouts.lock")):
        if not record.exists():
            for old in folder.glob(".test-handouts-*"):
                old.unlink()
            result = subprocess.run([sys.executable, str(ROOT / "scripts" / "handouts.py")], cwd=ROOT,
                                    capture_output=True, text=True)
            assert result.returncode == 0, result.stdout + result.stderr
            record.touch()
    return SITE / "handouts"


@functools.cache
def pdf_text(path) -> tuple[int, str]:
    from pypdf import PdfReader

    reader = PdfReader(path)
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    # NFKC: the PDF's ligatures (the "fi" of "fictional") read as their letters; the site's curly
    # quotes (Sphinx's smart quotes) read as the straight ones of the source.
    text = unicodedata.normalize("NFKC", text).translate(CURLY)
    return len(reader.pages), " ".join(text.split())


def words(markdown: str, n: int) -> str:
    """The first n words of a piece of MyST, as they read on the page."""
    text = re.sub(r"\{[a-z:-]+\}`([^`<]*?)\s*(<[^>]*>)?`", r"\1", markdown)
    text = text.replace("*", "").replace("`", "")
    return " ".join(text.split()[:n])


def case_parts(name):
    cells = nbformat.read(ROOT / f"{name}.ipynb", as_version=4).cells
    text = "\n\n".join(c.source for c in cells if c.cell_type == "markdown")
    title = re.search(r"^# (.+)$", text, re.MULTILINE).group(1)
    questions = re.findall(r"```\{exercise\}[^\n]*\n:label: \S+\n(?::nonumber:\n)?\n(.*?)\n```", text, re.DOTALL)
    answers = re.findall(r"```\{solution\} \S+\n:class: dropdown\n\n(.*?)\n```", text, re.DOTALL)
    return title, questions, answers


@pytest.mark.parametrize("lesson", LESSONS)
def test_lesson_plan_pdf(handouts, lesson):
    pages, text = pdf_text(handouts / f"lesson-{lesson}.pdf")
    low, high = PAGES["lesson"]
    assert low <= pages <= high, f"{pages} pages"
    assert f"Lesson {lesson} (" in text
    assert "Minutes" in text and "Activity" in text
    other = next(n for n in LESSONS if n != lesson)
    assert f"Lesson {other} (" not in text, "the handout prints more than its own lesson"
    assert "Skip to main content" not in text, "the navigation was printed"


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("copy", ("student", "instructor"))
def test_case_pdf(handouts, name, copy):
    stem = name.rsplit("/", 1)[1]
    path = handouts / (f"case-{stem}.pdf" if copy == "student" else f"case-{stem}-instructor.pdf")
    pages, text = pdf_text(path)
    low, high = PAGES[copy]
    assert low <= pages <= high, f"{pages} pages"
    title, questions, answers = case_parts(name)
    assert words(title, 8) in text, f"title {title!r} not in the PDF"
    assert len(questions) >= 3
    for question in questions:
        assert words(question, 6) in text, f"question {words(question, 6)!r} not in the PDF"
    assert answers, "the case has no prose answer to look for"
    shown = [words(a, 6) in text for a in answers]
    if copy == "student":
        assert not any(shown), "the student copy prints a worked answer"
    else:
        assert all(shown), "the instructor copy leaves out a worked answer"


def test_instructors_page_links_every_handout():
    page = (ROOT / "book" / "front" / "instructors.md").read_text(encoding="utf-8")
    links = set(re.findall(r'href="\.\./\.\./handouts/([^"]+)"', page))
    expected = {f"lesson-{n}.pdf" for n in LESSONS}
    for name in CASES:
        stem = name.rsplit("/", 1)[1]
        expected |= {f"case-{stem}.pdf", f"case-{stem}-instructor.pdf"}
    assert links == expected
