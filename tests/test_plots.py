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
