"""Show a glossary term's definition when the reader hovers over (or focuses) a {term} link.

Every ``{term}`` reference gets a native ``title`` attribute holding the plain text of the
term's definition: no tooltip library, no JavaScript, nothing loaded from elsewhere.
"""
from __future__ import annotations

from docutils import nodes
from sphinx import addnodes


def collect_definitions(app, doctree) -> None:
    # A document's old definitions were dropped by purge() before it was read again.
    definitions = app.env.__dict__.setdefault("term_definitions", {})
    docname = app.env.docname
    for glossary in doctree.findall(addnodes.glossary):
        for item in glossary.findall(nodes.definition_list_item):
            text = " ".join(" ".join(d.astext() for d in item.findall(nodes.definition)).split())
            for term in item.findall(nodes.term):
                for anchor in term["ids"]:
                    definitions[anchor] = (docname, text)


def purge(app, env, docname) -> None:
    definitions = getattr(env, "term_definitions", {})
    for anchor in [anchor for anchor, (doc, _) in definitions.items() if doc == docname]:
        del definitions[anchor]


def merge(app, env, docnames, other) -> None:
    env.__dict__.setdefault("term_definitions", {}).update(getattr(other, "term_definitions", {}))


def add_titles(app, doctree, docname) -> None:
    definitions = getattr(app.env, "term_definitions", {})
    for reference in doctree.findall(nodes.reference):
        if not any("std-term" in inline.get("classes", []) for inline in reference.findall(nodes.inline)):
            continue
        anchor = reference.get("refid") or reference.get("refuri", "").rpartition("#")[2]
        if anchor in definitions:
            reference["reftitle"] = definitions[anchor][1]  # the HTML writer emits it as title=""


def setup(app):
    app.connect("doctree-read", collect_definitions)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
    app.connect("doctree-resolved", add_titles)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
