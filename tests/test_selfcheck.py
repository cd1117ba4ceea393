"""Self-checks that answer back: the banks (book/selfchecks/*.yml) and, in Chromium, the built pages.

In the browser, on every page with a bank: each wrong choice shows its own feedback, the right
choice and a number inside the tolerance say "Correct.", a number outside says which way it is
off, one question of each page is answered with the keyboard alone, and axe finds no critical or
serious violation once the feedback is showing.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, notebooks

sys.path.insert(0, str(ROOT / "book" / "_ext"))
import selfcheck  # noqa: E402

# the least number of questions of each chapter's bank, by part
AT_LEAST = {"fundamentals": 5, "intermediate": 5, "academic": 3}
CHAPTERS = [p for p in notebooks() if p.parent.name in AT_LEAST]
PAGES = [p.relative_to(ROOT).with_suffix("").as_posix() for p in CHAPTERS]


def bank(page: str) -> list[dict]:
    return selfcheck.load(Path(page).name)


def test_every_chapter_has_a_bank_with_both_kinds_of_question():
    assert len(CHAPTERS) >= 15
    for path in CHAPTERS:
        cells = json.loads(path.read_text())["cells"]
        text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
        assert f"```{{selfcheck}} {path.stem}\n" in text, f"{path.name}: no selfcheck directive"
        questions = selfcheck.load(path.stem)
        kinds = {q.get("type", "choice") for q in questions}
        assert len(questions) >= AT_LEAST[path.parent.name] and kinds == {"choice", "number"}, path.stem


@pytest.mark.parametrize(
    "question, complaint",
    [
        ({"prompt": "p", "options": [{"text": "a", "correct": True, "feedback": "f"}, {"text": "b"}]}, "feedback"),
        ({"prompt": "p", "options": [{"text": "a", "feedback": "f"}, {"text": "b", "feedback": "g"}]}, "exactly one"),
        ({"prompt": "p", "type": "number", "answer": 1, "tolerance": 0.1, "feedback": {"correct": "c", "low": "l"}}, "high"),
        ({"prompt": "p", "type": "number", "answer": "one", "tolerance": 0.1}, "numeric"),
        ({"prompt": "p", "type": "essay"}, "'type' must be"),
    ],
)
def test_a_malformed_question_is_named(question, complaint):
    assert complaint in selfcheck._problem(question)


def test_an_unknown_bank_fails_with_the_known_ones_listed():
    with pytest.raises(Exception, match="known banks: .*chain-of-command"):
        selfcheck.load("no-such-chapter")


def test_rendered_forms_are_labelled_native_controls():
    html = selfcheck.render("x", [
        {"prompt": "Q <b>", "options": [{"text": "a", "correct": True, "feedback": "yes"}, {"text": "b", "feedback": "no"}]},
        {"prompt": "N", "type": "number", "answer": 2, "tolerance": 0.5, "unit": "h",
         "feedback": {"correct": "c", "low": "l", "high": "h"}},
    ])
    assert "<legend>1. Q &lt;b&gt;</legend>" in html
    assert html.count('type="radio"') == 2 and html.count("<label for=") == 3
    assert 'aria-live="polite"' in html and "Your answer (h)" in html


# --------------------------------------------------------------------------- in Chromium
from test_browser import PageVisit, SERIOUS, browser, server  # noqa: E402,F401  (fixtures)


def feedback(form) -> str:
    return form.locator(".hpg-sc-feedback").inner_text().strip()


@pytest.mark.browser
@pytest.mark.parametrize("page", PAGES)
def test_every_question_answers_back_and_works_with_the_keyboard(browser, server, page):
    from axe_playwright_python.sync_playwright import Axe

    visit = PageVisit(browser, f"{server}/{page}.html")
    try:
        forms = visit.page.locator(".hpg-selfcheck form.hpg-sc-question")
        questions = bank(page)
        assert forms.count() == len(questions)
        for form, q in zip((forms.nth(i) for i in range(len(questions))), questions):
            form.scroll_into_view_if_needed()
            button = form.locator("button.hpg-sc-check")
            if q.get("type", "choice") == "choice":
                radios = form.locator("input[type=radio]")
                button.click()
                assert feedback(form) == "Choose an answer first."
                for i, option in enumerate(q["options"]):
                    radios.nth(i).check()
                    button.click()
                    verdict = "Correct. " if option.get("correct") else "Not quite. "
                    assert feedback(form) == verdict + option["feedback"].strip()
            else:
                box = form.locator("input[type=text]")
                for value, key in [(q["answer"] - 2 * q["tolerance"] - 1, "low"),
                                   (q["answer"] + 2 * q["tolerance"] + 1, "high"),
                                   (q["answer"], "correct")]:
                    box.fill(f"{value:g}")
                    button.click()
                    verdict = "Correct. " if key == "correct" else "Not quite. "
                    assert feedback(form) == verdict + q["feedback"][key].strip()
                box.fill("a few")
                button.click()
                assert feedback(form).startswith("Type a number")
        # The keyboard alone: arrows choose, Tab reaches Check, Enter checks; Enter in a number box checks.
        first = forms.nth(0)
        first.locator("input[type=radio]").nth(0).focus()
        visit.page.keyboard.press("ArrowDown")
        visit.page.keyboard.press("Tab")
        assert visit.page.evaluate("document.activeElement.className") == "hpg-sc-check"
        visit.page.keyboard.press("Enter")
        second = questions[0]["options"][1]
        assert feedback(first).endswith(second["feedback"].strip())
        number = visit.page.locator(".hpg-selfcheck form[data-kind=number]").first
        answer = next(q for q in questions if q.get("type") == "number")
        number.locator("input").fill("")
        number.locator("input").focus()
        visit.page.keyboard.type(f"{answer['answer']:g}")
        visit.page.keyboard.press("Enter")
        assert feedback(number).startswith("Correct.")
        results = Axe().run(visit.page)
        serious = [v["id"] for v in results.response["violations"] if v["impact"] in SERIOUS]
        assert serious == []
        assert visit.errors == [] and visit.external == []
    finally:
        visit.close()
