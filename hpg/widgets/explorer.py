"""The explorer: one drawing function, its controls, and the face it shows.

See the documentation of :mod:`hpg.widgets` for how a chapter declares one.
"""
from __future__ import annotations

import html
import inspect
import math
import os
import weakref

from . import grid
from .controls import MAX_STATES, Choice, Slider, upper, lower

__all__ = ["MAX_BYTES", "STATIC_SITE", "Explorer", "explore", "explorers", "making_static_site"]

#: Most bytes of embedded widget state one explorer may add to a page.
MAX_BYTES = 1_500_000
#: The environment variable that tells a kernel it is making the static site (set by the
#: book's build, book/_ext/hpg_book.py, and by scripts/execute_notebooks.py).
STATIC_SITE = "HPG_STATIC_SITE"

_made: list[weakref.ref] = []


def making_static_site() -> bool:
    """Whether this kernel is making the static site: :data:`STATIC_SITE` is set (not "0")."""
    return os.environ.get(STATIC_SITE, "0").strip() not in ("", "0")


def explorers() -> list[Explorer]:
    """Every explorer made in this kernel that still exists, oldest first (for tests and
    benchmarks: the book's cells display their explorers without naming them)."""
    alive = [e for ref in _made if (e := ref()) is not None]
    _made[:] = [weakref.ref(e) for e in alive]
    return alive


class Explorer:
    """An explorer: see the module documentation. Build one with :func:`explore`.

    Documented attributes (what tests and benchmarks may rely on):

    * ``name``, ``draw``, ``controls`` ({name: Slider or Choice}), ``static`` (the names of
      the precomputed controls), ``presets`` ({label: setting}), ``title``, ``dpi``;
    * ``widget``: what a notebook displays; it holds one face at a time;
    * ``face``: "static" or "live", the face shown;
    * ``static_face`` (a :class:`~hpg.widgets.static_face.StaticFace`, or None until
      :meth:`precompute`) and ``live_face`` (a :class:`~hpg.widgets.live_face.LiveFace`, or
      None until :meth:`live`).
    """

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
        self.static_face = self.live_face = None
        import ipywidgets as w

        self.widget = w.VBox([], layout=w.Layout(width="100%"))
        self.widget.add_class("hpg-explorer")
        if making_static_site():
            self.precompute()
            self.widget.children = [self.static_face.widget]
            self.widget._view_count = 0  # count front-end views: a view means a live kernel after all
            self.widget.observe(self._on_view, names="_view_count")
        else:
            self.live()
        _made.append(weakref.ref(self))

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
            for name in setting:
                if name not in self.controls:
                    raise ValueError(f"preset {label!r} sets {name!r}, which is not a control; the controls are: {', '.join(self.controls)}")
            checked[str(label)] = {name: self.controls[name].check(value) for name, value in setting.items()}
        return checked

    # ---------------------------------------------------------------- settings
    @property
    def states(self) -> int:
        """Number of settings precomputed for the static site."""
        return grid.states(self.controls, self.static)

    @property
    def face(self) -> str:
        """The face shown: "live" or "static"."""
        return "live" if self.live_face is not None else "static"

    def defaults(self) -> dict:
        return {name: control.value for name, control in self.controls.items()}

    def figure(self, **values):
        """``draw`` at ``values`` (defaults for the rest), checked: returns (figure, alt)."""
        figure, alt, _ = self.drawing(values)
        return figure, alt

    def drawing(self, values: dict):
        """``draw`` at ``values``, checked: (figure, alt, the link into the lab of the
        simulations it ran, or "")."""
        from .. import lab, model

        values = {**self.defaults(), **values}
        with model.recording() as runs:
            drawn = self.draw(**values)
        if not (isinstance(drawn, tuple) and len(drawn) == 2 and isinstance(drawn[1], str) and drawn[1].strip()):
            raise TypeError(f"{self.name}() must return (figure, alt text), got {type(drawn).__name__}")
        return (*drawn, lab.runs_link(runs))

    def note(self, values: dict) -> str:
        """The line above each figure: the setting, any study it matches, any warning."""
        setting = "; ".join(c.summary(values[n]) for n, c in self.controls.items())
        text = upper(setting) + "."
        studies = self.studies(values)
        if studies:
            text += " " + upper("; ".join(studies)) + "."
        warnings = [w for n, c in self.controls.items() if (w := c.warning(values[n]))]
        if warnings:
            text += " " + upper("; ".join(lower(w) for w in warnings)) + "."
        return text

    def studies(self, values: dict) -> list[str]:
        """The presets that ``values`` match."""
        return [label for label, preset in self.presets.items() if all(_same(values[n], v) for n, v in preset.items())]

    def page(self, values: dict, image: str, link: str = "") -> str:
        """The HTML of one setting: its note (with ``link`` into the lab, if any), then
        ``image`` (the figure as an ``<img>``)."""
        warn = any(c.warning(values[n]) for n, c in self.controls.items())
        note = (f'<p class="hpg-explorer-note{" hpg-outside" if warn else ""}">'
                f"{'&#9888; ' if warn else ''}{html.escape(self.note(values))}{' ' + link if link else ''}</p>")
        return note + image

    def render(self, values: dict) -> str:
        """The page of one setting as the static site stores it (a compact PNG)."""
        from ..plots import figure_html

        values = {**self.defaults(), **values}
        figure, alt, link = self.drawing(values)
        return self.page(values, figure_html(figure, alt, dpi=self.dpi, compact=True), link)

    # ---------------------------------------------------------------- faces
    def precompute(self):
        """Draw every setting of the static grid and build the static face (what the static
        site embeds); refuse a face over :data:`MAX_BYTES`. Returns the static face."""
        from .static_face import StaticFace

        if self.static_face is None:
            pages = grid.precompute(self.render, self.controls, self.static, self.defaults())
            face = StaticFace(self, pages)
            if face.weight > MAX_BYTES:
                raise ValueError(
                    f"the static face of explorer {self.name!r} weighs {face.weight / 1e6:.2f} MB, over the budget of "
                    f"{MAX_BYTES / 1e6:.1f} MB: use fewer grid values, fewer static controls, fewer panels or a smaller figure"
                )
            self.static_face = face
        return self.static_face

    @property
    def weight(self) -> int:
        """Bytes of widget state the static face adds to a page (0 before it is precomputed)."""
        return self.static_face.weight if self.static_face is not None else 0

    def live(self):
        """Show the live face: controls that redraw the current setting on every change."""
        from .live_face import LiveFace

        if self.live_face is None:
            values = self.defaults()
            if self.static_face is not None:
                values.update(self.static_face.values())
            self.live_face = LiveFace(self, values)
            self.widget.children = [self.live_face.widget]
        return self

    def _on_view(self, change):
        if change["new"]:
            self.live()

    # ---------------------------------------------------------------- display
    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    def __repr__(self) -> str:
        return f"<Explorer {self.name}: {self.face} face; {self.states} settings of {', '.join(self.static)} for the static site>"


def _same(a, b) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return a == b


def explore(draw, *, static=None, presets=None, title: str | None = None, dpi: int = 96, **controls) -> Explorer:
    """Declare an explorer: ``draw`` and its controls as keyword arguments (see the module
    documentation). ``static`` names the controls precomputed for the static site (default:
    all); ``presets`` maps a label such as "regimen used in Coviello 2005" to control values."""
    return Explorer(draw, controls, static=static, presets=presets, title=title, dpi=dpi)
