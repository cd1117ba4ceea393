"""Gather every chapter's (and case file's) learning objectives into the instructors' page.

A page that contains the line ``<!-- chapter-objectives -->`` gets, in its place, one section per
part of the book listing each chapter (linked) with the objectives written in that chapter's own
"Learning objectives" box. The chapters stay the one place where objectives are written.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

MARKER = "<!-- chapter-objectives -->"
PARTS = ("fundamentals", "intermediate", "academic", "cases")
TITLES = {"cases": "Case files"}
BOX = re.compile(r":::\{admonition\} Learning objectives\n(?::class:[^\n]*\n)?(.*?)\n:::", re.DOTALL)


def chapters(root: Path) -> list[str]:
    """Docnames of the chapter notebooks of the three parts, in the order of _toc.yml."""
    from sphinx_external_toc.parsing import parse_toc_yaml

    names = parse_toc_yaml(root / "_toc.yml")
    return [name for name in names
            if name.split("/")[1:2] and name.split("/")[1] in PARTS and (root / f"{name}.ipynb").exists()]


def objectives(notebook: Path) -> tuple[str, list[str]]:
    """The title and the objective bullets of a chapter notebook (its first markdown cell)."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    first = "".join(next(c for c in cells if c["cell_type"] == "markdown")["source"])
    title = re.search(r"^# (.+)$", first, re.MULTILINE)
    box = BOX.search(first)
    if not title or not box:
        raise ValueError(f"{notebook}: the first markdown cell needs a '# title' and a Learning objectives box")
    bullets: list[str] = []
    for line in box.group(1).splitlines():
        if line.startswith("- "):
            bullets.append(line[2:].strip())
        elif bullets and line.startswith(" ") and line.strip():
            bullets[-1] += " " + line.strip()  # a bullet wrapped onto the next line
    if not bullets:
        raise ValueError(f"{notebook}: the Learning objectives box lists no '- ' bullets")
    return title.group(1).strip(), bullets


def render(root: Path, page: str) -> str:
    lines, found = [], chapters(root)
    for part in PARTS:
        names = [n for n in found if n.split("/")[1] == part]
        if not names:
            continue
        lines += [f"### {TITLES.get(part, part.capitalize())}", ""]
        for name in names:
            title, bullets = objectives(root / f"{name}.ipynb")
            link = os.path.relpath(root / f"{name}.ipynb", (root / page).parent)
            lines += [f"**[{title}]({link})**", ""] + [f"- {b}" for b in bullets] + [""]
    return "\n".join(lines)


def _source_read(app, docname, source):
    if MARKER in source[0]:
        source[0] = source[0].replace(MARKER, render(Path(app.srcdir), docname))
        app.env.__dict__.setdefault("objective_pages", set()).add(docname)


def _always_reread(app, env, added, changed, removed):
    # Such a page depends on every chapter's first cell: read it again on every build.
    return sorted(getattr(env, "objective_pages", set()) & env.found_docs)


def _purge(app, env, docname):
    getattr(env, "objective_pages", set()).discard(docname)


def _merge(app, env, docnames, other):
    env.__dict__.setdefault("objective_pages", set()).update(getattr(other, "objective_pages", set()))


def setup(app):
    app.connect("source-read", _source_read)
    app.connect("env-get-outdated", _always_reread)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
