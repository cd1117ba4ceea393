"""The live face of an explorer: controls that redraw the current setting in a running kernel.

Only the setting shown is drawn: the face appears as soon as its first figure is ready, and
each change draws one figure: a figure of :mod:`hpg.plots` is updated rather than made anew
(:func:`hpg.plots.redrawing`), and drawn over the kept background of the last one when the
axes have not changed (:mod:`hpg.widgets.canvas`). Pages already drawn are kept (the last
:data:`KEEP_PAGES`), so going back to a setting costs nothing. The settings of ``grid_only``
controls (drawings too slow to redraw at any value, such as a cohort) are drawn in advance,
one at a time while the kernel is idle, after the first figure is shown.

While a slider is dragged, intermediate positions are dropped by the front end itself:
ipywidgets sends a new value only once the kernel has finished with the previous one, and
then only the latest, so the last position always wins and the kernel never falls behind.

Figures are drawn one at a time in the kernel (:data:`DRAWING`). JupyterLab 4 sends widget
messages through a kernel subshell, which ipykernel 7 runs in a thread of its own, while the
settings drawn in advance are drawn on the main thread: without the lock, a redraw could wipe
the kept figure (:func:`hpg.plots.redrawing`) that the other thread was drawing.
"""
from __future__ import annotations

import asyncio
import html
import threading
from collections import OrderedDict

from . import grid
from .canvas import Canvas
from .controls import Slider
from .static_face import WIDTH, control_widget, header

__all__ = ["DRAWING", "KEEP_PAGES", "LIVE_FOOTER", "LiveFace"]

#: Pages (note and figure) kept per explorer.
KEEP_PAGES = 128
#: The sentence under a live explorer.
LIVE_FOOTER = "Live: every change reruns the model."
#: Seconds the kernel is left to other work between two settings drawn in advance.
IDLE = 0.05
#: Held while a live face reads its controls and draws: one figure at a time in this kernel,
#: whichever thread asks (Matplotlib, the kept figures and the kept pages are not thread-safe).
DRAWING = threading.RLock()


def live_widget(control, value):
    """The kernel-linked widget of a control at ``value``: a continuous slider over the grid's
    span in steps of ``step`` (grid values only for ``grid_only``), as on the static face
    for a Choice. The readout has as many decimals as the values the slider can take (from
    a grid value, in steps of ``step``), so it agrees with the notes."""
    import ipywidgets as w

    if not isinstance(control, Slider) or control.grid_only:
        return control_widget(control, value)
    decimals = max(_decimals(x) for x in (control.step, *control.grid))
    return w.FloatSlider(
        value=value, min=control.grid[0], max=control.grid[-1], step=control.step, description=control.description,
        readout_format=f".{decimals}f", continuous_update=True, style={"description_width": "initial"},
        layout=w.Layout(width=WIDTH),
    )


def _decimals(x: float) -> int:
    """Decimals needed to write ``x`` to six significant digits: 12.5 -> 1, 0.05 -> 2, 20 -> 0."""
    mantissa, _, exponent = f"{x:.6g}".partition("e")
    return max(0, len(mantissa.partition(".")[2]) - int(exponent or 0))


class LiveFace:
    """The live face of ``explorer``, starting at ``values``.

    Attributes: ``widget`` (the face), ``controls`` ({name: widget}), ``preset`` (the list of
    presets, or None), ``output`` (the HTML widget showing the page), ``pages`` (the kept
    pages, by setting), ``canvas`` (what draws the figures) and ``figures`` (the figures of
    :mod:`hpg.plots` updated from one setting to the next)."""

    def __init__(self, explorer, values: dict):
        import ipywidgets as w

        self.explorer = explorer
        self.canvas = Canvas(dpi=explorer.dpi)
        self.pages: OrderedDict[tuple, str] = OrderedDict()
        self.figures: dict = {}  # the figures hpg.plots keeps to redraw (plots.redrawing)
        self.controls = {n: live_widget(c, values[n]) for n, c in explorer.controls.items()}
        self.output = w.HTML(self._page(self.values()))
        self.preset = None
        self._holding = False
        children = list(self.controls.values())
        if explorer.presets:
            self.preset = w.Dropdown(options=[("(choose a study's setting)", None), *[(k, k) for k in explorer.presets]],
                                     value=None, description="Preset", style={"description_width": "initial"})
            self.preset.observe(self._on_preset, names="value")
            children.insert(0, self.preset)
        for control in self.controls.values():
            control.observe(self.redraw, names="value")
        footer = w.HTML(f'<p class="hpg-explorer-footer">{LIVE_FOOTER}</p>')
        self.widget = w.VBox([*header(explorer.title), *children, self.output, footer])
        self._draw_ahead()

    def values(self) -> dict:
        """The setting the controls show now."""
        return {name: widget.value for name, widget in self.controls.items()}

    def set(self, **values):
        """Move several controls at once, then redraw once."""
        with DRAWING:
            self._holding = True
            try:
                for name, value in values.items():
                    self.controls[name].value = value
            finally:
                self._holding = False
            self.redraw()

    def redraw(self, change=None):
        """Show the page of the current setting (drawn now unless kept)."""
        with DRAWING:  # the controls are read inside: of two redraws at once, the later shows the latest setting
            if self._holding:
                return
            values = self.values()
            try:
                self.output.value = self._page(values)
            except Exception as error:  # noqa: BLE001 - show the reason in the explorer, not in a hidden log
                self.output.value = f'<p class="hpg-explorer-error" role="alert">Could not draw this setting: {html.escape(str(error))}</p>'
            if self.preset is not None and self.preset.value is not None and self.preset.value not in self.explorer.studies(values):
                self.preset.value = None  # the controls have left the study's setting

    def _page(self, values: dict) -> str:
        with DRAWING:
            key = tuple(values[n] for n in self.explorer.controls)
            if key in self.pages:
                self.pages.move_to_end(key)
                return self.pages[key]
            from ..plots import png_html, redrawing

            with redrawing(self.figures):
                figure, alt, link = self.explorer.drawing(values)
            image = png_html(self.canvas.png(figure), alt)
            _close(figure)
            page = self.pages[key] = self.explorer.page(values, image, link)
            if len(self.pages) > KEEP_PAGES:
                self.pages.popitem(last=False)
            return page

    def _draw_ahead(self) -> None:
        """Draw the settings of the grid-only controls in advance, one per turn of the kernel's
        event loop, so that moving them is instant; without an event loop (a script), each is
        drawn when first shown."""
        names = [n for n, c in self.explorer.controls.items() if isinstance(c, Slider) and c.grid_only]
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        pending = grid.settings(self.explorer.controls, names, self.values()) if names else []

        def step():
            if pending and self.explorer.live_face in (self, None):
                try:
                    self._page(pending.pop(0))
                except Exception:  # noqa: BLE001, S110 - the setting will show its error if the reader picks it
                    pass
                loop.call_later(IDLE, step)

        loop.call_later(IDLE, step)

    def _on_preset(self, change):
        if change["new"] is not None:
            self.set(**self.explorer.presets[change["new"]])


def _close(figure) -> None:
    """Forget a figure made with pyplot (a bare Figure needs nothing)."""
    import sys

    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close(figure)
