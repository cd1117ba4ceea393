"""hpg.plots: what the shared plotting functions promise beyond drawing (the explorers' tests
draw them too, in test_widgets.py)."""
from __future__ import annotations

import math

import pytest

import hpg
from hpg import plots


@pytest.fixture(scope="module")
def group():
    return hpg.cohort([], n=5, days=30, seed=0)


@pytest.mark.parametrize("function", [plots.time_course, plots.describe])
def test_a_cohort_given_to_a_single_run_function_points_to_cohort_bands(group, function):
    with pytest.raises(TypeError, match=r"results is a virtual cohort of 5 patients .from hpg.cohort.*plots\.cohort_bands"):
        function(group, ("T",))
    with pytest.raises(TypeError, match=r"results\['men'\] is a virtual cohort"):
        function({"one man": hpg.simulate([], days=30), "men": group}, ("T",))


def test_axes_end_on_a_round_value_above_the_data():
    result = hpg.simulate(hpg.Regimen("clomiphene", 25, every=1), patient="obese", days=84)
    fig = plots.time_course(result, ("T", "E2", "LH"))
    for ax, name in zip(fig.axes, ("T", "E2", "LH")):
        low, top = ax.get_ylim()
        mantissa = top / 10 ** math.floor(math.log10(top))
        assert low == 0 and top >= result[name].max()
        assert round(mantissa, 9) in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8), (name, top)


def test_png_html_carries_the_alt_text_and_refuses_none():
    tag = plots.png_html(b"\x89PNG", 'a "quoted" alt')
    assert tag.startswith('<img src="data:image/png;base64,iVBORw==" alt="a &quot;quoted&quot; alt"')
    with pytest.raises(ValueError, match="alt must be a text describing the figure"):
        plots.png_html(b"\x89PNG", "")


def png(fig) -> bytes:
    import io

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=72)
    return buffer.getvalue()


def clomiphene(dose):
    return hpg.simulate(hpg.Regimen("clomiphene", dose, every=1), patient="obese", days=84)


CALLS = [  # successive drawings of a live explorer, each with the same number of panels
    lambda: plots.time_course(clomiphene(25), ("T", "E2"), title="25 mg", treatment=(0, 40)),
    lambda: plots.time_course(clomiphene(50), ("T", "LH"), units="SI"),
    lambda: plots.time_course({"a": clomiphene(25), "b": clomiphene(12.5)}, ("E2", "FSH"), reference=False),
    lambda: plots.time_course(clomiphene(12.5), ("T", "E2"), title="12.5 mg"),
]


def test_within_redrawing_a_figure_is_updated_and_looks_as_if_made_anew():
    kept = {}
    figures = []
    for call in CALLS:
        expected = png(call())
        with plots.redrawing(kept):
            fig = call()
        assert png(fig) == expected
        figures.append(fig)
    assert all(fig is figures[0] for fig in figures)  # one figure, updated each time
    toy = [lambda n=n: plots.plot_toy(hpg.toy.simulate(duration=10, n=n), title=f"n = {n}") for n in (4, 12)]
    for call in toy:
        expected = png(call())
        with plots.redrawing(kept):
            assert png(call()) == expected


def test_a_figure_its_caller_changed_is_not_reused():
    kept = {}
    with plots.redrawing(kept):
        first = CALLS[0]()
        first.axes[0].axvline(10)  # as a chapter's drawing function may add to a figure
        second = CALLS[0]()
        third = CALLS[0]()
    assert second is not first and third is second
    assert len(second.axes[0].lines) == 1  # the added line is not carried over
    outside = CALLS[0]()
    assert outside is not third  # outside redrawing, always a new figure


def treated(dose):
    return hpg.simulate(hpg.Regimen("testosterone_enanthate", dose, every=7, stop=100), days=200)


def changed_by_its_caller(dose, change=True):
    """A figure of time_course, then changed as a chapter's drawing function may change it."""
    fig = plots.time_course(treated(dose), ("T", "LH"), treatment=(0, 100))
    if change:
        for ax in fig.axes:
            ax.set_xlim(20, 180)
        fig.axes[0].axvline(50, color="k")
        fig.axes[0].text(50, 100, "a note", fontsize="x-small")
        fig.axes[0].set_ylabel("relabelled", fontsize="large")
        fig.axes[1].set_xticks([20, 60, 100])
        fig.axes[1].semilogy()
    return fig


def test_what_a_caller_changes_within_redrawing_is_undone_before_the_figure_is_reused():
    kept = {}
    figures = []
    for dose, change in [(100, True), (150, True), (200, False), (250, True)]:
        expected = png(changed_by_its_caller(dose, change))
        with plots.redrawing(kept):
            fig = changed_by_its_caller(dose, change)
        assert png(fig) == expected, (dose, change)
        figures.append(fig)
    assert all(fig is figures[0] for fig in figures)  # one figure, brought back to new each time


def chapter_figure(k, grid=False):
    fig, (top, bottom) = plots.subplots(2, figsize=(6, 4), left=0.14, right=0.97, hspace=0.1)
    top.plot(range(10), [k * i for i in range(10)])
    top.set_ylabel("rising", fontsize="small")
    bottom.plot([0, 9], [1, 0], linestyle="--")
    bottom.set_xticks([0, 3, 9])
    if grid:
        bottom.grid(True)  # tick settings a wiped figure cannot take back: a new figure next time
    top.set_title(f"k = {k}", fontsize="small")
    return fig


def test_subplots_makes_a_chapter_figure_that_redrawing_reuses():
    fig, axes = plots.subplots(3, figsize=(5, 6), left=0.2, hspace=0.3)
    assert len(axes) == 3 and axes[0].get_shared_x_axes().joined(axes[0], axes[2])
    assert fig.subplotpars.left == 0.2 and tuple(fig.get_size_inches()) == (5, 6)
    assert plots.subplots(figsize=(5, 6))[0] is not plots.subplots(figsize=(5, 6))[0]  # outside redrawing, new
    kept = {}
    figures = []
    for k, grid in [(1, False), (2, False), (3, True), (4, False), (5, False)]:
        expected = png(chapter_figure(k, grid))
        with plots.redrawing(kept):
            fig = chapter_figure(k, grid)
        assert png(fig) == expected, k
        figures.append(fig)
    assert figures[1] is figures[0] and figures[2] is figures[0]
    assert figures[3] is not figures[0] and figures[4] is figures[3]


@pytest.mark.parametrize(("top", "rounded"), [(0.93, 1), (1.01, 1.2), (2.001, 2.5), (5.4, 6), (8.1, 10), (870, 1000), (2.0, 2)])
def test_steady_top_starts_at_zero_and_ends_on_a_round_value_at_or_above_the_top(top, rounded):
    fig, ax = plots.subplots()
    ax.set_ylim(0.5, top)
    plots.steady_top(ax)
    assert ax.get_ylim() == (0, pytest.approx(rounded))
