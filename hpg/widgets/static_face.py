"""The static face of an explorer: every precomputed page, linked to its controls in the browser.

Each static control is linked (``ipywidgets.jslink``, which runs in the browser) to the
``selected_index`` of nested ``Stack`` containers, one level per control, whose leaves are
the precomputed pages: moving a control on the static site shows the matching figure with
no kernel at all.
"""
from __future__ import annotations

import html
import json

__all__ = ["StaticFace", "control_widget", "header"]

#: The width of a slider: the whole column, at most 34rem.
WIDTH = "min(100%, 34rem)"


def control_widget(control, value):
    """The browser-linked widget of a control, at ``value``: a selection slider over the grid
    of a Slider, buttons or a drop-down list for a Choice."""
    import ipywidgets as w

    from .controls import Slider

    style = {"description_width": "initial"}
    if isinstance(control, Slider):
        return w.SelectionSlider(options=control.options, value=control.on_grid(value), description=control.description,
                                 continuous_update=True, style=style, layout=w.Layout(width=WIDTH))
    kind = w.ToggleButtons if control.buttons else w.Dropdown
    extra = {"tooltips": [k for k, _ in control.pairs]} if control.buttons else {}
    return kind(options=control.pairs, value=value, description=control.label, style=style, **extra)


def header(title) -> list:
    """The title line of a face, if the explorer has a title."""
    import ipywidgets as w

    return [w.HTML(f"<strong>{html.escape(title)}</strong>")] if title else []


class StaticFace:
    """The static face of ``explorer`` over ``pages`` ({values of the static controls: HTML}).

    Attributes: ``widget`` (the face), ``controls`` ({name: linked widget}), ``stacks`` (the
    nested Stack containers, outermost first), ``links`` (the browser links), ``leaves``
    ({values: HTML widget of that page}) and ``footer`` (the sentence under the figure)."""

    def __init__(self, explorer, pages: dict):
        import ipywidgets as w

        self.names = explorer.static
        defaults = explorer.defaults()
        self.controls = {n: control_widget(explorer.controls[n], defaults[n]) for n in self.names}
        self.leaves = {key: w.HTML(page) for key, page in pages.items()}
        levels: list = []  # (depth, stack), outermost first
        top = self._level(explorer, (), levels)
        self.stacks = [stack for _, stack in levels]
        self.links = [w.jslink((self.controls[self.names[depth]], "index"), (stack, "selected_index")) for depth, stack in levels]
        self.footer = _footer(explorer)
        parts = [*header(explorer.title), *self.controls.values(), top,
                 w.HTML(f'<p class="hpg-explorer-footer">{html.escape(self.footer)}</p>', layout=w.Layout(margin="0"))]
        self.widget = w.VBox(parts)

    def _level(self, explorer, fixed: tuple, levels: list):
        """The Stack of the static control at depth ``len(fixed)`` (or a leaf below the last)."""
        import ipywidgets as w

        depth = len(fixed)
        if depth == len(self.names):
            return self.leaves[fixed]
        name = self.names[depth]
        at = len(levels)
        levels.append(None)  # this stack's place, before the stacks below it
        children = [self._level(explorer, (*fixed, value), levels) for value in explorer.controls[name].grid]
        levels[at] = (depth, w.Stack(children, selected_index=self.controls[name].index))
        return levels[at][1]

    def values(self) -> dict:
        """The setting the static controls show now."""
        return {name: widget.value for name, widget in self.controls.items()}

    @property
    def weight(self) -> int:
        """Bytes of widget state the face adds to a page (JSON, as embedded)."""
        widgets = [self.widget, *self.controls.values(), *self.stacks, *self.leaves.values(), *self.links,
                   *(c for c in self.widget.children if c not in self.controls.values())]
        unique = {id(x): x for x in widgets}.values()
        return sum(len(json.dumps(x.get_state(), separators=(",", ":"))) for x in unique)


def _footer(explorer) -> str:
    shown = ", ".join(explorer.controls[n].label for n in explorer.static)
    text = (f"Computed in advance for {explorer.states} settings of {shown}. "
            "In a running notebook every change recomputes the model for any value in range")
    others = [c.label for n, c in explorer.controls.items() if n not in explorer.static]
    if others:
        text += f", and you can also change: {', '.join(others)}"
    if explorer.presets:
        text += "; a list of presets sets the controls to: " + "; ".join(explorer.presets)
    return text + "."
