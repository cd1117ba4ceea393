"""Explorers: interactive figures that stay alive on the static site and recompute in a kernel.

An explorer is one drawing function and a few labelled controls. A chapter declares it in
one cell::

    import hpg
    from hpg import plots, widgets

    def therapy(dose=200.0, every=7.0, units="conventional"):
        result = hpg.simulate(hpg.Regimen("testosterone_enanthate", dose, every=every), days=84)
        return (plots.time_course(result, ("T", "LH"), units=units),
                plots.describe(result, ("T", "LH"), units=units))

    widgets.explore(
        therapy,
        dose=widgets.Slider("Dose", [50, 100, 150, 200, 250, 300], unit="mg", value=200, studied=(200, 250)),
        every=widgets.Slider("Interval", [7, 14, 21, 28], unit="days", value=7),
        units=widgets.units(),
    )

The drawing function takes the controls as keyword arguments and returns ``(figure, alt)``:
a Matplotlib figure and a text that says what it shows at that setting (the ``describe*``
functions of :mod:`hpg.plots` write one). The same function draws every figure, precomputed
or live; there is no second copy of the model or of the plots, in Python or in JavaScript.
A function that draws its own figure makes it with :func:`hpg.plots.subplots` (reused, emptied,
from one redraw to the next in a kernel) and ends an autoscaled axis with
:func:`hpg.plots.steady_top` (a round top, the same for neighbouring settings, whose axes are
then drawn once): both keep a live redraw quick.

The explorer has two faces.

* **Live face** (a running notebook: JupyterLab, Notebook, Binder, a JupyterHub, VS Code,
  Colab). The explorer draws the current setting only and shows it at once; every change of
  a control redraws the model for any value in range, including controls that are not
  precomputed, in a few tens of milliseconds (:mod:`~hpg.widgets.live_face`,
  :mod:`~hpg.widgets.canvas`; tested in JupyterLab: tests/test_live_kernel.py).
* **Static face** (what the built site embeds), made only when the kernel is making the
  static site: the book's build and ``scripts/execute_notebooks.py`` set the environment
  variable :data:`STATIC_SITE` (``HPG_STATIC_SITE=1``). For every combination of the grid
  values of the *static* controls (all controls unless ``static=`` names fewer) the figure is
  drawn once and stored as a compact PNG with its alt text (:mod:`~hpg.widgets.grid`); the
  controls are linked in the browser to nested ``Stack`` containers, so moving a control
  shows the matching figure with no kernel at all (:mod:`~hpg.widgets.static_face`). Should a
  live front end display it after all, the explorer switches to its live face;
  ``explorer.live()`` switches by hand.

Honest controls (:mod:`~hpg.widgets.controls`): a :class:`Slider` may carry the range
studied in the cited trials (``studied=``); every figure of a setting outside it says
"outside the validated range". ``presets=`` names settings used in studies ("regimen used
in Coviello 2005"); the note above each figure names the study whenever the controls match one.

Budget: the static face of one explorer may embed at most :data:`MAX_BYTES` (1.5 MB); a
larger one raises an error when it is made, naming its size.

Tests and benchmarks reach explorers through documented attributes (see :class:`Explorer`)
and :func:`explorers`, the explorers made in this kernel.
"""
from __future__ import annotations

from .controls import MAX_STATES, Choice, Slider, units
from .explorer import MAX_BYTES, STATIC_SITE, Explorer, explore, explorers, making_static_site

__all__ = ["MAX_BYTES", "MAX_STATES", "STATIC_SITE", "Choice", "Explorer", "Slider", "explore", "explorers",
           "making_static_site", "units"]
