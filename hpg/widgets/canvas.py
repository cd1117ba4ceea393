"""Fast drawing of a live explorer's figures, one setting after another.

Most of the time Matplotlib spends on a figure goes to its axes: tick marks, tick labels and
axis labels, laid out and drawn anew on every draw (about 15 ms a panel on a slow machine),
while the curves take a fraction of a millisecond. Two neighbouring settings of an explorer
usually share those axes. :class:`Canvas` therefore draws a figure in two layers:

* the **background**, everything the axes draw (patch, ticks, tick labels, axis labels), is
  kept, keyed by a description of what it depends on (size, limits, scales, labels, ticks);
* the **foreground**, everything else (curves, shaded ranges, texts, titles, legends, spines),
  is drawn over a copy of the background, in Matplotlib's own order.

A figure that cannot be split without changing a pixel (a layout engine, images, insets,
overlapping axes, gridlines under shaded areas, anything rasterised) is drawn whole. The
pixels are those :meth:`Figure.savefig` would give (tested pixel for pixel); the PNG, with a
palette of 64 colours and the lowest compression, is made in a few milliseconds. Figures of
the same size are drawn with one renderer, which keeps the sizes of the texts it has laid out.
"""
from __future__ import annotations

import io
from collections import OrderedDict

import numpy as np

__all__ = ["Canvas"]

_KEEP = 8  # backgrounds kept per canvas


class Canvas:
    """Draws figures to PNG, reusing the background of an earlier figure with the same axes.

    ``hits`` and ``misses`` count the figures drawn over a kept background and those whose
    background was drawn; ``whole`` those that could not be split."""

    def __init__(self, dpi: int = 96):
        self.dpi = dpi
        self._backgrounds: OrderedDict[tuple, _Background] = OrderedDict()
        self._renderer = None  # (size, renderer) of the last figure drawn
        self.hits = self.misses = self.whole = 0

    def png(self, fig) -> bytes:
        """The figure as PNG bytes (it is not closed: a caller that made it with pyplot closes it)."""
        return _encode(self._draw(fig))

    def rgba(self, fig) -> np.ndarray:
        """The figure's pixels (height x width x RGBA), as :meth:`Figure.savefig` draws them."""
        return self._draw(fig).copy()

    def _share_renderer(self, canvas) -> None:
        """Give ``canvas`` the renderer of the last figure of the same size: Matplotlib keeps the
        sizes of the texts it has laid out (tick labels, legends, titles) per renderer, and a new
        renderer would lay every text out again."""
        size = (*canvas.get_width_height(physical=True), canvas.figure.dpi)
        if self._renderer is not None and self._renderer[0] == size:
            canvas.renderer, canvas._lastKey = self._renderer[1], size  # what FigureCanvasAgg.get_renderer keeps
        else:
            self._renderer = (size, canvas.get_renderer())

    def _draw(self, fig) -> np.ndarray:
        """The figure's pixels, in the shared renderer's buffer (overwritten by the next figure)."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        fig.set_dpi(self.dpi)
        canvas = FigureCanvasAgg(fig)
        self._share_renderer(canvas)
        layers = _layers(fig)
        if layers is None:
            self.whole += 1
            canvas.draw()
            return np.asarray(canvas.buffer_rgba())
        key = (_rc_key(), layers.key)
        background = self._backgrounds.get(key)
        if background is None:
            self.misses += 1
            _draw_background(canvas, layers.artists)
            background = _Background(canvas.copy_from_bbox(fig.bbox), layers.axes, canvas.get_renderer())
            self._backgrounds[key] = background
            if len(self._backgrounds) > _KEEP:
                self._backgrounds.popitem(last=False)
        else:
            self.hits += 1
            self._backgrounds.move_to_end(key)
            canvas.get_renderer().restore_region(background.region)
            background.place_titles(layers.axes, canvas.get_renderer())
        renderer = canvas.get_renderer()
        for step in layers.steps:
            step(renderer)
        return np.asarray(canvas.buffer_rgba())


class _Background:
    """A kept background: its pixels, and where the axes' titles went when it was drawn.

    Matplotlib places a title above whatever the axes draw at their top, which takes most of
    a foreground's time; with no offset text on a y axis (say "1e6", which a title could
    collide with) the place depends on the axes alone, and is kept with the background."""

    def __init__(self, region, axes, renderer):
        self.region = region
        for ax in axes:
            ax._update_title_position(renderer)  # as Axes.draw does (the titles were hidden then)
        steady = all(not (ax.yaxis.offsetText.get_visible() and ax.yaxis.offsetText.get_text()) for ax in axes)
        self.titles = [tuple(t.get_position()[1] for t in _titles(ax)) for ax in axes] if steady else None

    def place_titles(self, axes, renderer) -> None:
        for i, ax in enumerate(axes):
            if getattr(ax, "_autotitlepos", None) is False:
                continue  # the figure placed its titles itself
            if self.titles is None:
                ax._update_title_position(renderer)  # as Axes.draw does
            else:
                for title, y in zip(_titles(ax), self.titles[i]):
                    title.set_y(y)


def _titles(ax) -> tuple:
    return tuple(t for t in (ax.title, getattr(ax, "_left_title", None), getattr(ax, "_right_title", None)) if t is not None)


def _encode(rgba: np.ndarray) -> bytes:
    """PNG bytes of an image, reduced to a palette of 64 colours (no visible change to line art,
    a third of the bytes to send) and compressed fast."""
    from PIL import Image

    height, width = rgba.shape[:2]
    image = Image.frombuffer("RGBA", (width, height), np.ascontiguousarray(rgba), "raw", "RGBA", 0, 1)
    if bool((rgba[..., 3] == 255).all()):  # opaque
        image = image.convert("RGB").quantize(colors=64, method=Image.Quantize.FASTOCTREE)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


# ----------------------------------------------------------------------------- layers
class _Layers:
    """How to draw one figure in two layers: the background's key, the foreground's drawing
    steps (in Matplotlib's order) and the artists the background must leave out."""

    def __init__(self, key: tuple, axes: list, steps: list, artists: list):
        self.key, self.axes, self.steps, self.artists = key, axes, steps, artists


def _layers(fig) -> _Layers | None:
    """The two layers of ``fig``, or None to draw it whole."""
    from matplotlib.axes import Axes

    if fig.get_layout_engine() is not None or fig.subfigs or fig.images or fig.get_rasterized():
        return None
    children = [a for a in fig.get_children() if a is not fig.patch]
    axes = sorted((a for a in children if isinstance(a, Axes)), key=lambda a: a.get_zorder())
    others = sorted((a for a in children if not isinstance(a, Axes) and a.get_visible()), key=lambda a: a.get_zorder())
    if not axes or _overlap(axes) or any(a.get_zorder() < axes[-1].get_zorder() for a in others):
        return None
    keys, steps, artists = [_figure_key(fig)], [], list(others)
    axes = [ax for ax in axes if ax.get_visible()]
    for ax in axes:
        layer = _axes_layers(ax)
        if layer is None:
            return None
        key, step, drawn = layer
        keys.append(key)
        steps.append(step)
        artists.extend(drawn)
    steps.extend(a.draw for a in others)
    return _Layers(tuple(keys), axes, steps, artists)


def _overlap(axes) -> bool:
    boxes = [ax.get_position() for ax in axes if ax.get_visible()]
    return any(min(a.x1, b.x1) > max(a.x0, b.x0) and min(a.y1, b.y1) > max(a.y0, b.y0)
               for i, a in enumerate(boxes) for b in boxes[i + 1:])


def _axes_layers(ax):
    """(background key, foreground step, foreground artists) of one Axes, or None if it
    cannot be split."""
    if ax.child_axes or ax.images or ax.get_rasterized() or ax.get_rasterization_zorder() is not None:
        return None
    ax.apply_aspect()
    ax.get_xlim(), ax.get_ylim()  # brings autoscaled limits up to date
    axis = [ax.xaxis, ax.yaxis] if ax.axison else []
    children = [a for a in ax.get_children() if a is not ax.patch and a not in axis]
    if not (ax.axison and ax.get_frame_on()):
        children = [a for a in children if a not in ax.spines.values()]
    children = sorted((a for a in children if a.get_visible()), key=lambda a: a.get_zorder())
    if any(a.get_rasterized() for a in children):
        return None
    # The axes' ticks and labels draw at their own zorder, after anything lower: a lower
    # foreground artist could then cover a gridline or an inward tick, or (unclipped) a tick
    # label. Such a figure is drawn whole.
    if axis:
        below = [a for a in children if a.get_zorder() < max(x.get_zorder() for x in axis)]
        if below and (any(_draws_inside(x) for x in axis) or not all(a.get_clip_on() for a in below)):
            return None

    def draw(renderer):
        renderer.open_group("axes", gid=ax.get_gid())
        for artist in children:
            artist.draw(renderer)
        renderer.close_group("axes")

    return _axes_key(ax, axis), draw, children


def _draws_inside(axis) -> bool:
    """Whether an axis draws inside the axes box: gridlines, inward ticks or tick labels."""
    for which in ("major", "minor"):
        params = axis.get_tick_params(which=which)
        if params.get("gridOn") or params.get("direction", "out") != "out" or params.get("pad", 1) < 0:
            return True
    return False


def _draw_background(canvas, artists) -> None:
    """Draw the figure without the foreground ``artists``."""
    for artist in artists:
        artist.set_visible(False)
    try:
        canvas.draw()
    finally:
        for artist in artists:
            artist.set_visible(True)


# ----------------------------------------------------------------------------- keys
_RC = ("axes.", "xtick.", "ytick.", "font.", "text.", "mathtext.", "grid.", "figure.", "agg.", "path.")


def _rc_key() -> tuple:
    """The Matplotlib settings an axis reads when it is drawn (not the colour cycle of curves)."""
    from matplotlib import rcParams

    return tuple((k, _plain(v)) for k, v in rcParams.items() if k.startswith(_RC) and k != "axes.prop_cycle")


def _figure_key(fig) -> tuple:
    return ("figure", tuple(fig.get_size_inches()), fig.get_dpi(), _plain(fig.get_facecolor()),
            fig.patch.get_visible(), _plain(fig.patch.get_edgecolor()), fig.patch.get_linewidth())


def _axes_key(ax, axis) -> tuple:
    return ("axes", tuple(ax.get_position().bounds), ax.get_xlim(), ax.get_ylim(), ax.get_xscale(), ax.get_yscale(),
            ax.axison, ax.get_frame_on(), _plain(ax.get_facecolor()), ax.patch.get_visible(),
            tuple(_axis_key(x) for x in axis))


def _axis_key(axis) -> tuple:
    label = axis.label
    manual = not getattr(axis, "_autolabelpos", True)
    return (axis.axis_name, axis.get_visible(), axis.get_zorder(), _text_key(label), axis.get_label_position(), axis.labelpad,
            label.get_position() if manual else None, axis.get_ticks_position(),
            _plain(axis.get_tick_params(which="major")), _plain(axis.get_tick_params(which="minor")),
            _plain(axis.get_major_locator()), _plain(axis.get_major_formatter()),
            _plain(axis.get_minor_locator()), _plain(axis.get_minor_formatter()), _text_key(axis.offsetText),
            _plain(axis.get_converter()) if hasattr(axis, "get_converter") else None)


def _text_key(text) -> tuple:
    font = text.get_fontproperties()
    return (text.get_text(), text.get_visible(), text.get_usetex(), _plain(text.get_color()), text.get_rotation(), text.get_alpha(),
            text.get_horizontalalignment(), text.get_verticalalignment(),
            tuple(font.get_family()), font.get_style(), font.get_variant(), font.get_weight(), font.get_stretch(),
            font.get_size_in_points(), font.get_file())


def _plain(value):
    """A hashable stand-in for ``value`` that is equal only for values that draw alike.

    Numbers, texts and containers are compared by content; a tick locator or formatter by its
    class and settings; any other object by identity (the key keeps it alive, so its identity
    is never reused)."""
    if value is None or isinstance(value, (bool, int, float, str, bytes)):
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple, np.ndarray)):
        return tuple(_plain(v) for v in value)
    if isinstance(value, (set, frozenset)):
        return frozenset(_plain(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((str(k), _plain(v)) for k, v in value.items()))
    module = type(value).__module__ or ""
    if module.startswith("matplotlib.ticker"):
        derived = _DRAWN if hasattr(value, "format_ticks") else ()  # a formatter's state from its last draw
        return (type(value).__qualname__, _plain({k: v for k, v in vars(value).items() if k != "axis" and k not in derived}))
    try:
        hash(value)
    except TypeError:
        return _Unique()
    return value


# What a tick formatter works out from the ticks each time it is drawn (the ticks follow from the
# limits and the locator, both in the key): left out, so a figure drawn before matches a new one.
_DRAWN = frozenset(prefix + name for prefix in ("", "_") for name in ("locs", "offset", "orderOfMagnitude", "format", "sublabels"))


class _Unique:
    """Equal to nothing: a key holding one never matches a kept background."""

    __slots__ = ()
