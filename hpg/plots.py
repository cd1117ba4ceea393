"""Plotting functions shared by the book's static figures and its widgets.

Every curve gets a colour from the Okabe-Ito palette (safe for the common forms
of colour-blindness; Okabe & Ito 2008, ``okabe2008``) *and* its own line style
and direct label, so no figure relies on colour alone.

Functions return the Matplotlib ``Figure`` so that a caller (a notebook, a
widget, a test) decides whether to show, save or close it.
"""
from __future__ import annotations

# Okabe-Ito colours, in the order used for successive curves.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
LINESTYLES = ("-", "--", ":", "-.", (0, (5, 1, 1, 1, 1, 1)), (0, (1, 1)), (0, (8, 2)))

__all__ = ["PALETTE", "LINESTYLES", "figure_html", "plot_toy"]


def _axes(ax, figsize):
    import matplotlib.pyplot as plt

    if ax is None:
        # Fixed margins rather than a layout engine: constrained layout costs a second full
        # draw, which nearly doubles a widget redraw (benchmarks/speed.py).
        fig, ax = plt.subplots(figsize=figsize)
        fig.subplots_adjust(left=0.11, right=0.97, bottom=0.14, top=0.9)
    else:
        fig = ax.figure
    return fig, ax


def figure_html(fig, alt: str, *, dpi: int = 96) -> str:
    """Render a figure as an ``<img>`` element with alt text, and close the figure.

    Used where a figure is shown inside a widget: Matplotlib's own inline display
    has no way to carry alt text, an HTML image does.
    """
    import base64
    import html
    import io

    import matplotlib.pyplot as plt

    if not alt or not alt.strip():
        raise ValueError("alt must describe the figure, got an empty string")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    plt.close(fig)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt, quote=True)}" style="max-width: 100%">'


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
    ax.set_ylim(bottom=0)
    ax.legend(loc="lower right", frameon=False)
    if title:
        ax.set_title(title)
    return fig
