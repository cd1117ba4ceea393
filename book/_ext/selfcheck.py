"""Self-checks that answer back: ```{selfcheck} NAME``` renders book/selfchecks/NAME.yml.

Each bank is data: a list of questions, either multiple choice (``options``, exactly one with
``correct: true``, every option with its own ``feedback``) or numeric (``type: number`` with
``answer``, ``tolerance``, an optional ``unit`` and ``feedback`` for ``correct``, ``low`` and
``high``). The directive writes plain HTML forms (a fieldset of radio buttons, or a labelled text
box, a Check button and a live status line); book/_static/selfcheck.js marks them in the browser.
No kernel, no server, and the native controls keep them usable with a keyboard.
A malformed bank fails the build with the file and question named.
"""
from __future__ import annotations

import html
import json
import math
from pathlib import Path

import yaml
from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx.errors import ExtensionError

BANKS = Path(__file__).resolve().parents[1] / "selfchecks"


def load(name: str) -> list[dict]:
    """The checked questions of bank ``name`` (book/selfchecks/NAME.yml)."""
    path = BANKS / f"{name}.yml"
    if not path.exists():
        known = ", ".join(sorted(p.stem for p in BANKS.glob("*.yml")))
        raise ExtensionError(f"selfcheck: no bank {name!r} (book/selfchecks/{name}.yml); known banks: {known}")
    questions = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("questions") or []
    if not questions:
        raise ExtensionError(f"{path}: 'questions' must be a non-empty list")
    for number, question in enumerate(questions, 1):
        problem = _problem(question)
        if problem:
            raise ExtensionError(f"{path}, question {number}: {problem}")
    return questions


def _problem(question: dict) -> str | None:
    if not str(question.get("prompt", "")).strip():
        return "needs a 'prompt'"
    kind = question.get("type", "choice")
    if kind == "choice":
        options = question.get("options") or []
        if len(options) < 2:
            return "a choice question needs at least two 'options'"
        if sum(bool(o.get("correct")) for o in options) != 1:
            return "exactly one option must have 'correct: true'"
        if any(not str(o.get("text", "")).strip() or not str(o.get("feedback", "")).strip() for o in options):
            return "every option needs a 'text' and a 'feedback' (say why a wrong answer is wrong)"
        return None
    if kind == "number":
        feedback = question.get("feedback") or {}
        try:
            answer, tolerance = float(question["answer"]), float(question["tolerance"])
        except (KeyError, TypeError, ValueError):
            return "a number question needs a numeric 'answer' and 'tolerance'"
        if not (math.isfinite(answer) and math.isfinite(tolerance) and tolerance >= 0):
            return f"'answer' and 'tolerance' must be finite, tolerance 0 or more (got {answer}, {tolerance})"
        missing = [k for k in ("correct", "low", "high") if not str(feedback.get(k, "")).strip()]
        return f"feedback lacks {', '.join(missing)}" if missing else None
    return f"'type' must be 'choice' or 'number', got {kind!r}"


def render(name: str, questions: list[dict]) -> str:
    """The HTML of one bank: one form per question."""
    e = html.escape
    parts = [f'<section class="hpg-selfcheck" aria-label="Self-check questions that answer back" data-bank="{e(name)}">']
    for number, q in enumerate(questions, 1):
        qid = f"sc-{name}-{number}"
        prompt = f"{number}. {e(q['prompt'])}"
        status = f'<p class="hpg-sc-feedback" id="{qid}-feedback" role="status" aria-live="polite"></p>'
        button = '<button type="submit" class="hpg-sc-check">Check</button>'
        if q.get("type", "choice") == "choice":
            options = "".join(
                f'<div class="hpg-sc-option"><input type="radio" name="{qid}" id="{qid}-{i}" value="{i}"'
                f'{" data-correct" if o.get("correct") else ""} data-feedback="{e(str(o["feedback"]))}">'
                f'<label for="{qid}-{i}">{e(str(o["text"]))}</label></div>'
                for i, o in enumerate(q["options"])
            )
            body = f'<fieldset><legend>{prompt}</legend>{options}</fieldset>'
            kind = "choice"
        else:
            unit = f" ({e(str(q['unit']))})" if q.get("unit") else ""
            fb = q["feedback"]
            data = json.dumps({"answer": float(q["answer"]), "tolerance": float(q["tolerance"]),
                               "correct": fb["correct"], "low": fb["low"], "high": fb["high"]})
            body = (f'<p class="hpg-sc-prompt" id="{qid}-prompt">{prompt}</p>'
                    f'<label for="{qid}-input">Your answer{unit}</label> '
                    f'<input type="text" inputmode="decimal" autocomplete="off" id="{qid}-input" '
                    f'aria-describedby="{qid}-prompt" data-number="{e(data)}">')
            kind = "number"
        parts.append(f'<form class="hpg-sc-question" data-kind="{kind}" novalidate>{body} {button}{status}</form>')
    parts.append("</section>")
    return "".join(parts)


class SelfCheck(Directive):
    required_arguments = 1

    def run(self):
        name = self.arguments[0]
        env = self.state.document.settings.env
        env.note_dependency(str(BANKS / f"{name}.yml"))
        try:
            questions = load(name)
        except ExtensionError as error:
            return [self.state.document.reporter.error(str(error), line=self.lineno)]
        return [nodes.raw("", render(name, questions), format="html")]


def setup(app):
    app.add_directive("selfcheck", SelfCheck)
    app.add_js_file("selfcheck.js", loading_method="defer")
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
