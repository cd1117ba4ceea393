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
