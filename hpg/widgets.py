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

The explorer has two faces.

* **Static face** (what the built site embeds). For every combination of the grid values of
  the *static* controls (all controls unless ``static=`` names fewer) the figure is drawn
  once, when the notebook runs, and stored as a compact PNG with its alt text. The controls
  are linked in the browser (``ipywidgets.jslink``) to the ``selected_index`` of nested
  ``Stack`` containers, so moving a control shows the matching figure with no kernel at all.
* **Live face** (a running notebook: JupyterLab, Notebook, Binder, a JupyterHub, VS Code).
  As soon as a live front end displays the explorer, it reports a view (``_view_count``),
  and the explorer swaps in continuous controls: every change reruns the model for any
  value in range, including controls that are not precomputed (tested in JupyterLab:
  tests/test_live_kernel.py). A front end that does not report views (Colab may not; it is
  untested) keeps the static face, whose controls still work; ``explorer.live()`` switches
  by hand.

Honest controls: a :class:`Slider` may carry the range studied in the cited trials
(``studied=``); every figure of a setting outside it says "outside the validated range".
``presets=`` names settings used in studies ("regimen used in Coviello 2005"); the note
above each figure names the study whenever the controls match one.

Budget: the static face of one explorer may embed at most :data:`MAX_BYTES` (1.5 MB); a
larger one raises an error at construction, naming its size.
"""
from __future__ import annotations

import html
import inspect
import json
import math
from collections import OrderedDict
from itertools import pairwise

__all__ = ["MAX_BYTES", "MAX_STATES", "Choice", "Explorer", "Slider", "explore", "units"]

#: Most precomputed settings one explorer may have (the product of its static grids).
MAX_STATES = 60
#: Most bytes of embedded widget state one explorer may add to a page.
MAX_BYTES = 1_500_000
_CACHE_SIZE = 128


def _finite(argument: str, value) -> float:
    """``value`` as a finite float of any sign, or the package's clear error naming ``argument``."""
    from .drugs import _number

    return _number(argument, value, signed=True)


def _nice(x: float) -> float:
    """The number 1, 2 or 5 x 10^k nearest below ``x``."""
    power = 10.0 ** math.floor(math.log10(x))
    return max(m for m in (1.0, 2.0, 5.0) if m * power <= x * (1 + 1e-9)) * power


def _lower(label: str) -> str:
    """A label inside a sentence: "Dose" -> "dose", but "LH pulse" stays as it is."""
    return label if label[1:2].isupper() else label[:1].lower() + label[1:]


def _upper(text: str) -> str:
    """A sentence's first word: "dose 10" -> "Dose 10", but "hCG dose" stays as it is."""
    return text if text[1:2].isupper() else text[:1].upper() + text[1:]


def _text(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


# ------------------------------------------------------------------------------------ controls
class Slider:
    """A numeric control.

    ``grid``: the values precomputed for the static site (2 to :data:`MAX_STATES`, increasing).
    In a running notebook the slider spans ``grid[0]`` to ``grid[-1]`` in steps of ``step``
    (default: a round number near a fifth of the smallest gap of the grid).
    ``value``: the starting value, one of the grid (default: the first).
    ``unit``: shown after the label and in the notes. ``studied=(low, high)``: the range
    studied in the cited trials; settings outside it are marked "outside the validated range"
    (``hpg.drugs.get(name).dose_range`` and ``.every_range`` give a drug's studied ranges).
    ``grid_only=True`` offers only the grid values in a running notebook too: for drawings
    too slow to redraw live (a cohort takes about half a second), every setting is then
    precomputed and each move is instant.
    """

    def __init__(self, label: str, grid, *, value=None, unit: str = "", step=None, studied=None, grid_only: bool = False):
        if not isinstance(label, str) or not label.strip():
            raise ValueError(f"label must be a non-empty text, got {label!r}")
        values = [_finite("grid", v) for v in grid]
        if len(values) < 2 or len(values) > MAX_STATES:
            raise ValueError(f"grid must have 2 to {MAX_STATES} values, got {len(values)}: {list(grid)!r}")
        if any(b <= a for a, b in pairwise(values)):
            raise ValueError(f"grid must be strictly increasing, got {list(grid)!r}")
        self.label, self.unit, self.grid = label, unit, tuple(values)
        self.value = self.grid[0] if value is None else _finite("value", value)
        if not any(math.isclose(self.value, v) for v in self.grid):
            raise ValueError(f"value must be one of the grid {list(self.grid)!r} (so the starting figure is precomputed), got {value!r}")
        gap = min(b - a for a, b in pairwise(values))
        self.step = _nice(gap / 5) if step is None else _finite("step", step)
        if self.step <= 0 or self.step > values[-1] - values[0]:
            raise ValueError(f"step must be > 0 and at most the span of the grid ({values[-1] - values[0]:g}), got {step!r}")
        if studied is not None:
            low, high = (_finite("studied", v) for v in studied)
            if high < low:
                raise ValueError(f"studied must be (low, high) with low <= high, got {studied!r}")
            studied = (low, high)
        self.studied = studied
        self.grid_only = bool(grid_only)

    @property
    def description(self) -> str:
        return f"{self.label} ({self.unit})" if self.unit else self.label

    @property
    def options(self) -> list[tuple[str, float]]:
        return [(_text(v), v) for v in self.grid]

    def check(self, value) -> float:
        number = _finite(self.label, value)
        if not self.grid[0] - 1e-9 <= number <= self.grid[-1] + 1e-9:
            raise ValueError(f"{self.label} must lie within {self.grid[0]:g}-{self.grid[-1]:g}, got {value!r}")
        return number

    def summary(self, value) -> str:
        return f"{_lower(self.label)} {_text(float(value))}" + (f" {self.unit}" if self.unit else "")

    def warning(self, value) -> str | None:
        if self.studied is None:
            return None
        low, high = self.studied
        if low - 1e-9 <= value <= high + 1e-9:
            return None
        span = f"{_text(low)}" if low == high else f"{_text(low)}-{_text(high)}"
        unit = f" {self.unit}" if self.unit else ""
        return f"{self.label} outside the validated range (studied: {span}{unit})"

    def static_widget(self):
        import ipywidgets as w

        return w.SelectionSlider(
            options=self.options, value=self._on_grid(self.value), description=self.description,
            continuous_update=True, style={"description_width": "initial"}, layout=w.Layout(width="min(100%, 34rem)"),
        )

    def live_widget(self, value):
        import ipywidgets as w

        if self.grid_only:
            widget = self.static_widget()
            widget.value = self._on_grid(value)
            return widget
        decimals = max(0, -math.floor(math.log10(self.step) + 1e-9))
        return w.FloatSlider(
            value=value, min=self.grid[0], max=self.grid[-1], step=self.step, description=self.description,
            readout_format=f".{decimals}f", continuous_update=False, style={"description_width": "initial"},
            layout=w.Layout(width="min(100%, 34rem)"),
        )

    def _on_grid(self, value) -> float:
        return min(self.grid, key=lambda v: abs(v - value))


class Choice:
    """A control with a few named options: ``options`` is a dict {shown label: value} or a
    sequence of values (shown as text). Drawn as buttons for up to four short options, as a
    drop-down list otherwise (``buttons=`` forces either)."""

    def __init__(self, label: str, options, *, value=None, buttons: bool | None = None):
        if not isinstance(label, str) or not label.strip():
            raise ValueError(f"label must be a non-empty text, got {label!r}")
        pairs = list(options.items()) if isinstance(options, dict) else [(_text(v), v) for v in options]
        if len(pairs) < 2 or len(pairs) > MAX_STATES:
            raise ValueError(f"options must offer 2 to {MAX_STATES} choices, got {len(pairs)}")
        self.label, self.pairs = label, [(str(k), v) for k, v in pairs]
        self.value = self.pairs[0][1] if value is None else value
        if self.value not in [v for _, v in self.pairs]:
            raise ValueError(f"value must be one of {[v for _, v in self.pairs]!r}, got {value!r}")
        self.buttons = (len(self.pairs) <= 4 and all(len(k) <= 14 for k, _ in self.pairs)) if buttons is None else bool(buttons)

    description = property(lambda self: self.label)
    options = property(lambda self: list(self.pairs))
    grid = property(lambda self: tuple(v for _, v in self.pairs))

    def check(self, value):
        if value not in self.grid:
            raise ValueError(f"{self.label} must be one of {list(self.grid)!r}, got {value!r}")
        return value

    def summary(self, value) -> str:
        shown = next(k for k, v in self.pairs if v == value)
        return f"{_lower(self.label)}: {shown}"

    def warning(self, value) -> None:
        return None

    def _widget(self, value):
        import ipywidgets as w

        kind = w.ToggleButtons if self.buttons else w.Dropdown
        extra = {"tooltips": [k for k, _ in self.pairs]} if self.buttons else {}
        return kind(options=self.pairs, value=value, description=self.label, style={"description_width": "initial"}, **extra)

    def static_widget(self):
        return self._widget(self.value)

    def live_widget(self, value):
        return self._widget(value)


def units(value: str = "conventional") -> Choice:
    """The units switch: conventional (ng/dL, pg/mL) or SI (nmol/L, pmol/L); see :mod:`hpg.units`."""
    from .units import SYSTEMS

    return Choice("Units", {"conventional": SYSTEMS[0], "SI": SYSTEMS[1]}, value=value)


# ------------------------------------------------------------------------------------ explorer
class Explorer:
    """An explorer: see the module documentation. Build one with :func:`explore`."""

    def __init__(self, draw, controls: dict, *, static=None, presets=None, title: str | None = None, dpi: int = 96):
        if not callable(draw):
            raise TypeError(f"draw must be a function returning (figure, alt), got {type(draw).__name__} {draw!r}")
        if not controls:
            raise ValueError("an explorer needs at least one control, got none")
        self.draw, self.title, self.dpi = draw, title, dpi
        self.name = getattr(draw, "__name__", "draw")
        self.controls = dict(controls)
        self._check_controls()
        self.static = tuple(self.controls) if static is None else tuple([static] if isinstance(static, str) else static)
        self._check_static()
        self.presets = self._check_presets(presets or {})
        self._cache: OrderedDict[tuple, str] = OrderedDict()
        self._live = None
        self._static_widgets: list = []
        self.static_face = self._build_static_face()
        import ipywidgets as w

        self.widget = w.VBox([self.static_face], layout=w.Layout(width="100%"))
        self.widget.add_class("hpg-explorer")
        self.widget._view_count = 0  # start counting front-end views: a view means a live kernel
        self.widget.observe(self._on_view, names="_view_count")
        size = self.weight
        if size > MAX_BYTES:
            raise ValueError(
                f"the static face of explorer {self.name!r} weighs {size / 1e6:.2f} MB, over the budget of "
                f"{MAX_BYTES / 1e6:.1f} MB: use fewer grid values, fewer static controls, fewer panels or a smaller figure"
            )

    # ---------------------------------------------------------------- checks
    def _check_controls(self):
        try:
            parameters = inspect.signature(self.draw).parameters
        except (TypeError, ValueError):
            parameters = None
        takes_any = parameters is None or any(p.kind is p.VAR_KEYWORD for p in parameters.values())
        for name, control in self.controls.items():
            if not isinstance(control, (Slider, Choice)):
                raise TypeError(f"control {name!r} must be a widgets.Slider or widgets.Choice, got {type(control).__name__} {control!r}")
            if not takes_any and name not in parameters:
                raise ValueError(f"control {name!r} is not a parameter of {self.name}(); its parameters are: {', '.join(parameters)}")

    def _check_static(self):
        for name in self.static:
            if name not in self.controls:
                raise ValueError(f"static names {name!r}, which is not a control; the controls are: {', '.join(self.controls)}")
        if len(set(self.static)) != len(self.static) or not self.static:
            raise ValueError(f"static must name one or more different controls, got {self.static!r}")
        if self.states > MAX_STATES:
            sizes = " x ".join(f"{len(self.controls[n].grid)} ({n})" for n in self.static)
            raise ValueError(f"the static grid has {sizes} = {self.states} settings, over the limit of {MAX_STATES}: "
                             "use fewer grid values or name fewer controls in static=")

    def _check_presets(self, presets) -> dict:
        if not isinstance(presets, dict):
            raise TypeError(f"presets must be a dict {{label: {{control: value}}}}, got {type(presets).__name__}")
        checked = {}
        for label, setting in presets.items():
            if not isinstance(setting, dict) or not setting:
                raise ValueError(f"preset {label!r} must be a non-empty dict of control values, got {setting!r}")
            for name, value in setting.items():
                if name not in self.controls:
                    raise ValueError(f"preset {label!r} sets {name!r}, which is not a control; the controls are: {', '.join(self.controls)}")
                self.controls[name].check(value)
            checked[str(label)] = dict(setting)
        return checked

    # ---------------------------------------------------------------- drawing
    @property
    def states(self) -> int:
        """Number of settings precomputed for the static site."""
        return math.prod(len(self.controls[n].grid) for n in self.static)

    def defaults(self) -> dict:
        return {name: control.value for name, control in self.controls.items()}

    def figure(self, **values):
        """``draw`` at ``values`` (defaults for the rest), checked: returns (figure, alt)."""
        values = {**self.defaults(), **values}
        drawn = self.draw(**values)
        if not (isinstance(drawn, tuple) and len(drawn) == 2 and isinstance(drawn[1], str) and drawn[1].strip()):
            raise TypeError(f"{self.name}() must return (figure, alt text), got {type(drawn).__name__}")
        return drawn

    def note(self, values: dict) -> str:
        """The line above each figure: the setting, any study it matches, any warning."""
        setting = "; ".join(c.summary(values[n]) for n, c in self.controls.items())
        text = _upper(setting) + "."
        studies = [label for label, preset in self.presets.items()
                   if all(_same(values[n], v) for n, v in preset.items())]
        if studies:
            text += " " + _upper("; ".join(studies)) + "."
        warnings = [w for n, c in self.controls.items() if (w := c.warning(values[n]))]
        if warnings:
            text += " " + _upper("; ".join(_lower(w) for w in warnings)) + "."
        return text

    def render(self, values: dict, *, compact: bool) -> str:
        """The HTML of one setting: its note, then the figure as an image with its alt text."""
        from .plots import figure_html

        key = tuple(values[n] for n in self.controls)
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        figure, alt = self.figure(**values)
        warn = any(c.warning(values[n]) for n, c in self.controls.items())
        note = (f'<p class="hpg-explorer-note{" hpg-outside" if warn else ""}">'
                f"{'&#9888; ' if warn else ''}{html.escape(self.note(values))}</p>")
        page = note + figure_html(figure, alt, dpi=self.dpi, compact=compact)
        self._cache[key] = page
        if len(self._cache) > _CACHE_SIZE:
            self._cache.popitem(last=False)
        return page

    # ---------------------------------------------------------------- static face
    def _build_static_face(self):
        import ipywidgets as w

        controls = {n: self.controls[n].static_widget() for n in self.static}
        base = self.defaults()

        def level(depth: int, fixed: dict):
            if depth == len(self.static):
                leaf = w.HTML(self.render({**base, **fixed}, compact=True))
                self._static_widgets.append(leaf)
                return leaf, []
            name = self.static[depth]
            children, below = [], []
            for value in self.controls[name].grid:
                child, stacks = level(depth + 1, {**fixed, name: value})
                children.append(child)
                below.extend(stacks)
            stack = w.Stack(children, selected_index=controls[name].index)
            self._static_widgets.append(stack)
            return stack, [(depth, stack), *below]

        top, stacks = level(0, {})
        links = [w.jslink((controls[self.static[d]], "index"), (stack, "selected_index")) for d, stack in stacks]
        self._static_widgets.extend([*controls.values(), *links])
        self._static_controls = controls
        header = [w.HTML(f"<strong>{html.escape(self.title)}</strong>")] if self.title else []
        footer = w.HTML(self._static_footer(), layout=w.Layout(margin="0"))
        face = w.VBox([*header, *controls.values(), top, footer])
        self._static_widgets.extend([*header, footer, face])
        self._links = links
        return face

    def _static_footer(self) -> str:
        shown = ", ".join(self.controls[n].label for n in self.static)
        text = (f"Computed in advance for {self.states} settings of {shown}. "
                "In a running notebook every change recomputes the model for any value in range")
        others = [c.label for n, c in self.controls.items() if n not in self.static]
        if others:
            text += f", and you can also change: {', '.join(others)}"
        if self.presets:
            text += "; a list of presets sets the controls to: " + "; ".join(self.presets)
        return f'<p class="hpg-explorer-footer">{html.escape(text)}.</p>'

    @property
    def weight(self) -> int:
        """Bytes of widget state the static face adds to a page (JSON, as embedded)."""
        return sum(len(json.dumps(w.get_state(), separators=(",", ":"))) for w in self._static_widgets)

    # ---------------------------------------------------------------- live face
    def _on_view(self, change):
        if change["new"] and self._live is None:
            self.live()

    def live(self):
        """Swap in the live face: continuous controls that recompute the model on every change."""
        import ipywidgets as w

        if self._live is not None:
            return self
        current = {**self.defaults(), **{n: c.value for n, c in self._static_controls.items()}}
        self._live_controls = {n: c.live_widget(current[n]) for n, c in self.controls.items()}
        self._output = w.HTML(self.render(current, compact=False))
        children = list(self._live_controls.values())
        if self.presets:
            self._preset = w.Dropdown(options=[("(choose a study's setting)", None), *[(k, k) for k in self.presets]],
                                      value=None, description="Preset", style={"description_width": "initial"})
            self._preset.observe(self._apply_preset, names="value")
            children.insert(0, self._preset)
        for control in self._live_controls.values():
            control.observe(self._redraw, names="value")
        header = [w.HTML(f"<strong>{html.escape(self.title)}</strong>")] if self.title else []
        footer = w.HTML('<p class="hpg-explorer-footer">Live: every change reruns the model.</p>')
        self._live = w.VBox([*header, *children, self._output, footer])
        self.widget.children = [self._live]
        return self

    def _apply_preset(self, change):
        if change["new"] is None:
            return
        setting = self.presets[change["new"]]
        self._holding = True
        try:
            for name, value in setting.items():
                self._live_controls[name].value = value
        finally:
            self._holding = False
        self._redraw()

    def _redraw(self, change=None):
        if getattr(self, "_holding", False):
            return
        values = {n: c.value for n, c in self._live_controls.items()}
        try:
            self._output.value = self.render(values, compact=False)
        except Exception as error:  # noqa: BLE001 - show the reason in the explorer, not in a hidden log
            self._output.value = f'<p class="hpg-explorer-error" role="alert">Could not draw this setting: {html.escape(str(error))}</p>'

    # ---------------------------------------------------------------- display
    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    def __repr__(self) -> str:
        return f"<Explorer {self.name}: {self.states} precomputed settings of {', '.join(self.static)}>"


def _same(a, b) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return a == b


def explore(draw, *, static=None, presets=None, title: str | None = None, dpi: int = 96, **controls) -> Explorer:
    """Declare an explorer: ``draw`` and its controls as keyword arguments (see the module
    documentation). ``static`` names the controls precomputed for the static site (default:
    all); ``presets`` maps a label such as "regimen used in Coviello 2005" to control values."""
    return Explorer(draw, controls, static=static, presets=presets, title=title, dpi=dpi)
