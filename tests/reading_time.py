"""How long a chapter takes to read, measured from the notebook, so the time badges stay honest.

A reader timed a Fundamentals chapter at 75-90 minutes where its badge said 45. The estimate here
adds up what a student does on the page, with these allowances:

- prose, including the worked solutions and self-checks: words / 200 words per minute;
- each captioned figure: 2 minutes; each explorer: 4 minutes (move the controls, read the note);
- each exercise: 10 minutes with the code (run, change and read the solution), 6 minutes on the
  no-code path (reason from the figures, then read the worked answer);
- code, on the path with code only: 10 lines per minute;
- each self-check question (a folded answer or a question of the bank): 1 minute.
"""
from __future__ import annotations

import json
import math
import re
from pathlib import Path

WORDS_PER_MINUTE = 200
FIGURE, EXPLORER, SELF_CHECK, CODE_LINES_PER_MINUTE = 2, 4, 1, 10
EXERCISE = {"code": 10, "no_code": 6}
BADGE = re.compile(r"\*\*Time:\*\* about (\d+) minutes(?: with the code, (\d+) without)?")


def prose_words(markdown: str) -> int:
    text = re.sub(r"```\{[^}]*\}[^\n]*|^:[a-z-]+:.*$|^:::.*$", " ", markdown, flags=re.M)
    text = re.sub(r"\{[a-z:-]+\}`([^`<]*)(?:<[^>]*>)?`", r"\1", text)  # {term}`LH` -> LH
    text = re.sub(r"\]\([^)]*\)", "]", text)  # link targets
    return len(re.findall(r"[A-Za-z0-9][\w'.%/-]*", text))


def minutes(notebook: Path) -> dict[str, float]:
    """Estimated minutes on the path with the code and on the no-code path."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    markdown = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    code = [c for c in cells if c["cell_type"] == "code"]
    figures = sum(bool(c["metadata"].get("mystnb", {}).get("figure")) for c in code)
    explorers = sum("".join(c["source"]).count("widgets.explore(") for c in code)
    exercises = markdown.count("```{exercise}")
    checks = markdown.count("```{dropdown}") + _bank_size(notebook)
    code_lines = sum(len("".join(c["source"]).splitlines()) for c in code)
    shared = prose_words(markdown) / WORDS_PER_MINUTE + FIGURE * figures + EXPLORER * explorers + SELF_CHECK * checks
    return {
        "code": shared + EXERCISE["code"] * exercises + code_lines / CODE_LINES_PER_MINUTE,
        "no_code": shared + EXERCISE["no_code"] * exercises,
    }


def _bank_size(notebook: Path) -> int:
    import yaml

    bank = notebook.parents[1] / "selfchecks" / f"{notebook.stem}.yml"
    return len(yaml.safe_load(bank.read_text())["questions"]) if bank.exists() else 0


def badge(notebook: Path) -> dict[str, int]:
    """The minutes a chapter's header states: {"code": n} or {"code": n, "no_code": m}."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    first = "".join(next(c for c in cells if c["cell_type"] == "markdown")["source"])
    found = BADGE.search(first)
    if not found:
        raise ValueError(f"{notebook.name}: no '**Time:** about N minutes' in the header")
    stated = {"code": int(found.group(1))}
    if found.group(2):
        stated["no_code"] = int(found.group(2))
    return stated


def rounded(value: float) -> int:
    """Up to the next 5 minutes."""
    return 5 * math.ceil(value / 5)
