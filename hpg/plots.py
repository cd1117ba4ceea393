"""Plotting functions shared by the book's static figures and its widgets.

Every curve gets a colour from the Okabe-Ito palette (safe for the common forms
of colour-blindness; Okabe & Ito 2008, ``okabe2008``) *and* its own line style
and direct label, so no figure relies on colour alone.

Functions return the Matplotlib ``Figure`` so that a caller (a notebook, a
widget, a test) decides whether to show, save or close it. Each figure function
has a ``describe_*`` partner that writes its alt text from the same numbers, so
that a screen reader hears what the figure shows at every setting.

Hormones are shown in conventional units by default; ``units="SI"`` switches
every panel at once (:mod:`hpg.units`).

A live explorer redraws one figure many times: inside :func:`redrawing`, the figure functions
update the figure they made on the previous call (same panels, untouched since) instead of
making a new one, which saves most of the time of making it (the axes).
"""
from __future__ import annotations

import contextlib
import contextvars

from .outputs import REGISTRY

# Okabe-Ito colours, in the order used for successive curves.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
LINESTYLES = ("-", "--", ":", "-.", (0, (5, 1, 1, 1, 1, 1)), (0, (1, 1)), (0, (8, 2)))

__all__ = [
    "PNG",
    "png",
    "LABELS",
    "LINESTYLES",
    "PALETTE",
    "cohort_bands",
    "describe",
    "describe_cohort",
    "figure_html",
    "plot_toy",
    "png_html",
    "redrawing",
    "steady_top",
    "subplots",
    "time_course",
]

#: How each output is named on an axis and in alt text (from the registry, hpg.outputs).
LABELS = {name: output.label for name, output in REGISTRY.items()}


# ----------------------------------------------------------------------------- output metadata
# Every read of the package's tables about outputs (names, units, reference ranges) is here.
def _label(name: str) -> str:
    """How an output is named on an axis and in alt text."""
    return LABELS.get(name, name)


def _convert(name: str, values, units: str):
    """``values`` of output ``name`` in the unit system ``units``: (values, unit)."""
    from .units import convert

    return convert(name, values, units)


def _reference(name: str, units: str):
    """The healthy range of an output in ``units`` as (low, high or None), or None if it has none."""
    output = REGISTRY.get(name)
    if output is None or output.reference_range is None:
        return None
    low, high, _ = output.reference_range
    return _convert(name, low, units)[0], (_convert(name, high, units)[0] if high is not None else None)


# ----------------------------------------------------------------------------- figures, new or kept
_KEPT: contextvars.ContextVar[dict | None] = contextvars.ContextVar("hpg_plots_kept", default=None)
#: The kept figures returned within the current :func:`redrawing` context.
_RETURNED: contextvars.ContextVar[list | None] = contextvars.ContextVar("hpg_plots_returned", default=None)


@contextlib.contextmanager
def redrawing(kept: dict):
    """Within this context, :func:`time_course`, :func:`cohort_bands`, :func:`plot_toy` and
    :func:`subplots` update a figure they made on an earlier call (``kept`` remembers it), if
    it has the same panels and nothing has changed it since the context it was returned in
    ended, instead of making a new one. The figure returned is then the same object as before,
    redrawn: for a caller that shows one figure at a time (a live explorer), never for one
    that keeps its figures.

    What the caller adds to a figure within the context (a line, a text, limits, ticks, a
    title's size) is taken away before the figure is used again, and a figure that cannot be
    brought back to exactly how it was made is replaced by a new one."""
    token = _KEPT.set(kept)
    listing = _RETURNED.set([])
    try:
        yield kept
    finally:
        for figure in _RETURNED.get():
            if figure.sealed is not None and any(k is figure for k in kept.values()):
                figure.seal()  # as the caller left it; a change made after the context then shows
        _RETURNED.reset(listing)
        _KEPT.reset(token)


class _Kept:
    """A figure made within :func:`redrawing`, what it looked like when it was returned (or
    when the context ended), and what it looked like when it was made."""

    def __init__(self, fig, axes):
        self.fig, self.axes, self.sealed = fig, axes, None
        self.made = [_Made(ax) for ax in axes]
        self.pristine = _fingerprint(fig, limits=False)

    def seal(self) -> None:
        self.sealed = _fingerprint(self.fig)

    def reusable(self) -> bool:
        return self.sealed is not None and _fingerprint(self.fig) == self.sealed

    def wipe(self) -> bool:
        """Back to empty panels, as made: no artists, no titles, limits to be found again, the
        scales, ticks, margins and label styles of a new figure. False if that fell short (the
        caller changed something else), and the figure must not be reused."""
        from matplotlib.transforms import Bbox

        self.sealed = None
        for ax, made in zip(self.axes, self.made):
            for artist in [*ax.lines, *ax.collections, *ax.patches, *ax.texts]:
                artist.remove()
            if ax.get_legend() is not None:
                ax.get_legend().remove()
            for loc in ("left", "center", "right"):
                ax.set_title("", loc=loc)
            made.restore(ax)
            ax.set_prop_cycle(None)
            ax.dataLim.set_points(Bbox.null().get_points())
            ax.ignore_existing_data_limits = True
            ax.set_autoscale_on(True)
        return _fingerprint(self.fig, limits=False) == self.pristine


class _Made:
    """What a figure function or its caller may change in one panel, as it was made: scales,
    tick locators and formatters, margins, and the styles of the axis labels."""

    def __init__(self, ax):
        from matplotlib.text import Text

        self.scales = ax.get_xscale(), ax.get_yscale()
        self.margins = ax.margins()
        self.tickers = [_tickers(axis) for axis in (ax.xaxis, ax.yaxis)]
        self.labels = []
        for axis in (ax.xaxis, ax.yaxis):
            style = Text()
            style.update_from(axis.label)  # a copy of the label's font, colour, alignment, rotation
            self.labels.append((style, axis.labelpad))

    def restore(self, ax) -> None:
        if ax.get_xscale() != self.scales[0]:
            ax.set_xscale(self.scales[0])
        if ax.get_yscale() != self.scales[1]:
            ax.set_yscale(self.scales[1])
        ax.margins(*self.margins)
        for axis, tickers, (style, pad) in zip((ax.xaxis, ax.yaxis), self.tickers, self.labels):
            if _tickers(axis) != tickers:
                (major_locator, major_formatter, minor_locator, minor_formatter), defaults = tickers[:4], tickers[4]
                axis.set_major_locator(major_locator)
                axis.set_major_formatter(major_formatter)
                axis.set_minor_locator(minor_locator)
                axis.set_minor_formatter(minor_formatter)
                axis.isDefault_majloc, axis.isDefault_majfmt, axis.isDefault_minloc, axis.isDefault_minfmt = defaults
            axis.label.update_from(style)
            axis.label.set_text("")
            axis.labelpad = pad


def _tickers(axis) -> tuple:
    return (axis.get_major_locator(), axis.get_major_formatter(), axis.get_minor_locator(), axis.get_minor_formatter(),
            (axis.isDefault_majloc, axis.isDefault_majfmt, axis.isDefault_minloc, axis.isDefault_minfmt))


def _fingerprint(fig, limits: bool = True) -> tuple:
    """What a caller could have changed in a figure after a figure function returned it
    (without the limits: what a wiped figure must share with a new one)."""
    def text(t):
        return (t.get_text(), t.get_visible(), hash(t.get_fontproperties()), str(t.get_color()), t.get_rotation(),
                t.get_horizontalalignment(), t.get_verticalalignment())

    def axes(ax):
        return (len(ax.get_children()), tuple(ax.get_position().bounds), *((ax.get_xlim(), ax.get_ylim()) if limits else ()),
                ax.get_autoscalex_on(), ax.get_autoscaley_on(), ax.get_xscale(), ax.get_yscale(), ax.margins(),
                tuple(ax.get_title(loc) for loc in ("left", "center", "right")), text(ax.xaxis.label), text(ax.yaxis.label),
                ax.xaxis.labelpad, ax.yaxis.labelpad, id(ax.get_legend()), ax.axison, ax.get_facecolor(),
                *(repr(sorted(x.get_tick_params(which=w).items())) for x in (ax.xaxis, ax.yaxis) for w in ("major", "minor")),
                *(id(f) for x in (ax.xaxis, ax.yaxis) for f in (x.get_major_locator(), x.get_major_formatter(),
                                                                x.get_minor_locator(), x.get_minor_formatter())))

    return (tuple(fig.get_size_inches()), len(fig.get_children()), fig.get_facecolor(),
            tuple(vars(fig.subplotpars).items()), tuple(axes(ax) for ax in fig.axes))


def _figure(kind, n: int, figsize, make):
    """A figure of ``n`` panels for the figure function ``kind``: the kept one, wiped, within
    :func:`redrawing` if it can be reused; else a new one from ``make()`` -> (fig, axes)."""
    kept = _KEPT.get()
    if kept is None:
        return make()
    key = (kind, n, tuple(figsize) if figsize is not None else None)
    figure = kept.get(key)
    if figure is None or not (figure.reusable() and figure.wipe()):
        figure = kept[key] = _Kept(*make())
    return figure.fig, figure.axes


def _made(fig):
    """Seal a figure about to be returned, so a later call can tell whether its caller changed it."""
    kept = _KEPT.get()
    for figure in (kept or {}).values():
        if figure.fig is fig:
            figure.seal()
            returned = _RETURNED.get()
            if returned is not None:
                returned.append(figure)
    return fig


def _axes(ax, figsize):
    import matplotlib.pyplot as plt

    if ax is not None:
        return ax.figure, ax

    def make():
        # Fixed margins rather than a layout engine: constrained layout costs a second full
        # draw, which nearly doubles a widget redraw (benchmarks/speed.py).
        fig, ax = plt.subplots(figsize=figsize)
        fig.subplots_adjust(left=0.11, right=0.97, bottom=0.14, top=0.9)
        return fig, [ax]

    fig, axes = _figure("single", 1, figsize, make)
    return fig, axes[0]


def subplots(n: int = 1, *, figsize=(6.4, 4.8), sharex: bool = True, **margins):
    """A new Figure (no pyplot manager, nothing to close) of ``n`` panels stacked, sharing
    their x axis if ``sharex``, with fixed ``margins`` (the arguments of
    ``Figure.subplots_adjust``: left, right, bottom, top, hspace): (figure, axes), ``axes``
    one Axes for one panel, else a list. For a chapter's own figures; within
    :func:`redrawing`, the figure of an earlier call with the same arguments is reused,
    emptied (a live explorer then skips making the figure and its axes' ticks)."""
    fig, axes = _figure(("subplots", sharex, tuple(sorted(margins.items()))), n, tuple(figsize),
                        lambda: _stack(n, figsize, sharex, margins))
    _made(fig)
    return fig, (axes[0] if n == 1 else list(axes))


def _stack(n: int, figsize, sharex: bool, margins: dict):
    """A bare Figure of ``n`` panels stacked, and its axes: quicker to make than with pyplot
    (no figure manager), and nothing to close."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize)
    axes = fig.subplots(n, 1, sharex=sharex, squeeze=False)[:, 0]
    if margins:
        fig.subplots_adjust(**margins)
    return fig, list(axes)


class PNG:
    """A rendered figure that a notebook shows as an image (its ``_repr_png_``), with no pyplot."""

    def __init__(self, data: bytes):
        self.data = data

    def _repr_png_(self) -> bytes:
        return self.data

    def __repr__(self) -> str:
        return "<PNG figure>"


def png(fig, *, dpi: int = 100) -> PNG:
    """``fig`` (a Figure from :func:`time_course` or made by hand) rendered for display as the last
    line of a notebook cell, where Matplotlib's inline display would not show a bare Figure."""
    import io

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return PNG(buffer.getvalue())


def figure_html(fig, alt: str, *, dpi: int = 96, compact: bool = False) -> str:
    """Render a figure as an ``<img>`` element with alt text, and close the figure.

    Used where a figure is shown inside a widget: Matplotlib's own inline display
    has no way to carry alt text, an HTML image does. ``compact=True`` reduces the
    PNG to a palette of 48 colours (about a third of the bytes, no visible change to
    line art); the static site's precomputed figures use it, live redraws do not
    (it costs 20-50 ms).
    """
    import io

    import matplotlib.pyplot as plt

    _check_alt(alt)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    plt.close(fig)
    data = buffer.getvalue()
    if compact:
        from PIL import Image

        image = Image.open(io.BytesIO(data)).convert("RGB").quantize(colors=48, method=Image.Quantize.MEDIANCUT)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=True)
        data = buffer.getvalue()
    return png_html(data, alt)


def png_html(data: bytes, alt: str) -> str:
    """PNG bytes as an ``<img>`` element with alt text."""
    import base64
    import html

    _check_alt(alt)
    encoded = base64.b64encode(data).decode("ascii")
    return f'<img src="data:image/png;base64,{encoded}" alt="{html.escape(alt, quote=True)}" style="max-width: 100%">'


def _check_alt(alt) -> None:
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError(f"alt must be a text describing the figure, got {alt!r}")


def steady_top(ax) -> None:
    """Start the y axis at 0 and end it on a round value at or above the autoscaled top
    (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 x 10^k): neighbouring settings of an explorer then
    share their axes, which a live explorer draws only once (hpg.widgets.canvas)."""
    import math

    top = ax.get_ylim()[1]
    if top > 0 and math.isfinite(top):
        power = 10.0 ** math.floor(math.log10(top))
        top = next(m * power for m in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10) if m * power >= top * (1 - 1e-9))
    ax.set_ylim(0, top)


def plot_toy(result, ax=None, *, title: str | None = None, figsize=(6.4, 3.6)):
    """Draw GnRH, LH and testosterone of a :class:`hpg.toy.ToyResult` over time.

    Each hormone is drawn relative to the loop's set point (1 = set point), so
    the three share one axis; the set point is the dotted grey line.
    """
    from .toy import OUTPUTS, steady_state

    fig, ax = _axes(ax, figsize)
    target = steady_state(result.parameters)
    labels = {"GnRH": "GnRH (hypothalamus)", "LH": "LH (pituitary)", "T": "testosterone (testes)"}
    for i, name in enumerate(OUTPUTS):
        scale = target[name] if target[name] > 0 else 1.0
        ax.plot(result.t, result[name] / scale, color=PALETTE[i], linestyle=LINESTYLES[i], linewidth=2, label=labels[name])
    ax.axhline(1.0, color="0.5", linestyle=":", linewidth=1)
    ax.set_xlabel("time (arbitrary units)")
    ax.set_ylabel("level / set point")
    ax.set_xlim(result.t[0], result.t[-1])
    steady_top(ax)
    ax.legend(loc="lower right", frameon=False)
    if title:
        ax.set_title(title)
    return _made(fig)


# ----------------------------------------------------------------------------- the daily model
def _runs(results) -> dict:
    """``results`` as {label: Result}: one Result gets the empty label."""
    from .model import Result

    if isinstance(results, Result):
        runs = {"": results}
    elif isinstance(results, dict) and results and all(isinstance(r, Result) for r in results.values()):
        runs = dict(results)
    else:
        raise TypeError(f"results must be an hpg Result or a non-empty dict of label -> Result, got {type(results).__name__}")
    for label, result in runs.items():
        _single(result, f"results[{label!r}]" if label else "results")
    return runs


def _single(result, argument: str) -> None:
    """A clear error if ``result`` is a virtual cohort (one row per patient), not one run."""
    import numpy as np

    name = next(iter(result.outputs), None)
    if name is not None and np.ndim(result[name]) == 2:
        raise TypeError(
            f"{argument} is a virtual cohort of {np.shape(result[name])[0]} patients (from hpg.cohort), and this "
            "function draws single runs: draw a cohort with plots.cohort_bands and describe it with plots.describe_cohort"
        )


def _outputs(outputs, result) -> tuple[str, ...]:
    outputs = (outputs,) if isinstance(outputs, str) else tuple(outputs)
    if not outputs:
        raise ValueError("outputs must name at least one output, got none")
    for name in outputs:
        result[name]  # a clear KeyError for an unknown name
    return outputs


def _time_axis(result):
    """The time axis of a run in its display unit: hours for the pulse-level model, days for
    daily runs up to 120 days, weeks beyond."""
    t = result.t
    if getattr(result, "time_unit", "day") == "hour":
        return t, "hour"
    return (t, "day") if t[-1] <= 120 else (t / 7.0, "week")


_PER_DAY = {"hour": 24.0, "day": 1.0, "week": 1.0 / 7.0}  # axis units in one day


def _fmt(x: float) -> str:
    return f"{x:,.3g}" if abs(x) < 1000 else f"{x:,.0f}"


def time_course(results, outputs=("T", "LH"), *, units: str = "conventional", reference: bool = True,
                treatment=None, title: str | None = None, figsize=None):
    """One panel per output of one or more runs of :func:`hpg.simulate`, sharing the time axis.

    ``results`` is a Result or a dict {label: Result} (each drawn in its own colour and line
    style, labelled in a legend). ``reference=True`` shades the healthy range
    (``hpg.outputs``); ``treatment=(start, stop)`` (days) marks the treatment window.
    Time is in days for runs up to 120 days and in weeks beyond.
    """
    runs = _runs(results)
    first = next(iter(runs.values()))
    outputs = _outputs(outputs, first)
    fig, axes = _panels(len(outputs), figsize)
    for ax, name in zip(axes, outputs):
        unit = None
        for i, (label, result) in enumerate(runs.items()):
            t, t_unit = _time_axis(result)
            y, unit = _convert(name, result[name], units)
            ax.plot(t, y, color=PALETTE[i], linestyle=LINESTYLES[i], linewidth=2, label=label or None)
        _decorate(ax, name, unit, units, reference, treatment, t_unit)
    axes[-1].set_xlabel(f"time ({t_unit}s)")
    if len(runs) > 1:
        axes[0].legend(loc="best", frameon=False, fontsize="small")
    if title:
        axes[0].set_title(title)
    return _made(fig)


def _panels(n: int, figsize):
    width, height = figsize or (6.4, 0.9 + 1.7 * n)
    # margins in inches, whatever the height: 0.55 below (axis label), 0.35 above (title, legend)
    margins = dict(left=0.13, right=0.97, bottom=0.55 / height, top=1 - 0.35 / height, hspace=0.15)
    return _figure("panels", n, (width, height), lambda: _stack(n, (width, height), True, margins))


def _decorate(ax, name, unit, units, reference, treatment, t_unit):
    healthy = _reference(name, units) if reference else None
    if healthy is not None:
        low, high = healthy
        if high is None:
            ax.axhline(low, color="0.45", linestyle=":", linewidth=1)
        else:
            ax.axhspan(low, high, color="0.92", zorder=0)
    if treatment is not None:
        start, stop = treatment
        scale = _PER_DAY[t_unit]
        ax.axvspan(start * scale, stop * scale, facecolor="none", edgecolor="0.75", hatch="//", linewidth=0, zorder=0)
    ax.set_ylabel(f"{_label(name)}\n({unit})", fontsize="small")
    ax.margins(x=0)
    steady_top(ax)


def describe(results, outputs=("T", "LH"), *, units: str = "conventional", treatment=None) -> str:
    """Alt text for :func:`time_course` with the same arguments: for each run and output,
    where it starts, its lowest and highest values (and when) and where it ends."""
    runs = _runs(results)
    first = next(iter(runs.values()))
    outputs = _outputs(outputs, first)
    t, t_unit = _time_axis(first)
    names = " and ".join(_label(n) for n in outputs)
    parts = [f"Line chart of {names} over {_fmt(t[-1])} {t_unit}s"
             + (f", {len(runs)} runs compared" if len(runs) > 1 else "") + "."]
    if treatment is not None:
        parts.append(f"Treatment from day {_fmt(treatment[0])} to day {_fmt(treatment[1])}.")
    for label, result in runs.items():
        t, _ = _time_axis(result)
        for name in outputs:
            y, unit = _convert(name, result[name], units)
            lo, hi = int(y.argmin()), int(y.argmax())
            who = f"{label}: " if label else ""
            what = _label(name)
            parts.append(
                f"{who}{what if what[1:2].isupper() else what[0].upper() + what[1:]} ({unit}) starts at {_fmt(y[0])}, lowest {_fmt(y[lo])} at "
                f"{t_unit} {_fmt(t[lo])}, highest {_fmt(y[hi])} at {t_unit} {_fmt(t[hi])}, ends at {_fmt(y[-1])}."
            )
    return " ".join(parts)


# ----------------------------------------------------------------------------- cohorts
def _band(result, name, units, band):
    import numpy as np

    values, unit = _convert(name, result[name], units)
    if np.ndim(values) != 2:
        raise ValueError(f"results must come from hpg.cohort (one row per patient); {name} has shape {np.shape(values)}")
    low, mid, high = np.percentile(values, [band[0], 50, band[1]], axis=0)
    return low, mid, high, unit


def _check_band(band):
    if not (isinstance(band, tuple) and len(band) == 2 and 0 <= band[0] < 50 < band[1] <= 100):
        raise ValueError(f"band must be a pair of percentiles (low, high) with 0 <= low < 50 < high <= 100, got {band!r}")


def cohort_bands(result, outputs=("T",), *, units: str = "conventional", band=(10, 90), reference: bool = True,
                 treatment=None, title: str | None = None, figsize=None):
    """Median (line) and the ``band`` percentiles (shaded) of a virtual cohort from
    :func:`hpg.cohort`, one panel per output."""
    _check_band(band)
    outputs = _outputs(outputs, result)
    fig, axes = _panels(len(outputs), figsize)
    t, t_unit = _time_axis(result)
    for ax, name in zip(axes, outputs):
        low, mid, high, unit = _band(result, name, units, band)
        ax.fill_between(t, low, high, color=PALETTE[5], alpha=0.35, linewidth=0,
                        label=f"{band[0]:g}th-{band[1]:g}th percentile")
        ax.plot(t, mid, color=PALETTE[0], linewidth=2, label="median")
        _decorate(ax, name, unit, units, reference, treatment, t_unit)
    axes[-1].set_xlabel(f"time ({t_unit}s)")
    axes[0].legend(loc="best", frameon=False, fontsize="small")
    if title:
        axes[0].set_title(title)
    return _made(fig)


def describe_cohort(result, outputs=("T",), *, units: str = "conventional", band=(10, 90)) -> str:
    """Alt text for :func:`cohort_bands`: for each output, the median and the band at the
    start, at the median's lowest point and at the end."""
    _check_band(band)
    outputs = _outputs(outputs, result)
    t, t_unit = _time_axis(result)
    n = len(result[outputs[0]])
    parts = [(f"Band chart of a virtual cohort of {n} men over {_fmt(t[-1])} {t_unit}s: the median as a line, "
             f"the {band[0]:g}th to {band[1]:g}th percentiles shaded.")]
    for name in outputs:
        low, mid, high, unit = _band(result, name, units, band)
        k = int(mid.argmin())
        what = _label(name)
        parts.append(
            f"{what if what[1:2].isupper() else what[0].upper() + what[1:]} ({unit}): median {_fmt(mid[0])} (band {_fmt(low[0])}-{_fmt(high[0])}) at the start, "
            f"lowest median {_fmt(mid[k])} (band {_fmt(low[k])}-{_fmt(high[k])}) at {t_unit} {_fmt(t[k])}, "
            f"median {_fmt(mid[-1])} (band {_fmt(low[-1])}-{_fmt(high[-1])}) at the end."
        )
    return " ".join(parts)
