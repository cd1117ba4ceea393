"""The teaching toy: its algebra, its dynamics, and its errors."""
import math

import numpy as np
import pytest

from hpg import toy


def test_default_set_point_is_one():
    assert toy.steady_state() == pytest.approx({"GnRH": 1.0, "LH": 1.0, "T": 1.0}, rel=1e-10)


def test_simulation_settles_at_set_point():
    result = toy.simulate(duration=60)
    assert result.final() == pytest.approx(toy.steady_state(), rel=1e-3)


@pytest.mark.parametrize("overrides", [{}, {"n": 3}, {"exogenous_T": 2.0}, {"g2": 0.0}, {"a": 5, "b3": 0.3}])
def test_steady_state_is_an_equilibrium(overrides):
    p = toy.ToyParameters(**overrides)
    s = toy.steady_state(p)
    assert float(p.feedback(s["T"])) - p.b1 * s["GnRH"] == pytest.approx(0, abs=1e-10)
    assert p.g1 * s["GnRH"] - p.b2 * s["LH"] == pytest.approx(0, abs=1e-10)
    assert p.g2 * s["LH"] - p.b3 * s["T"] + p.exogenous_T == pytest.approx(0, abs=1e-10)


def test_exogenous_testosterone_silences_the_loop():
    baseline = toy.steady_state()
    dosed = toy.steady_state(exogenous_T=2.0)
    assert dosed["T"] > baseline["T"]
    assert dosed["GnRH"] < 0.05 * baseline["GnRH"]
    assert dosed["LH"] < 0.05 * baseline["LH"]


def test_castration_releases_the_brake():
    baseline = toy.steady_state()
    castrated = toy.steady_state(g2=0.0)
    assert castrated["T"] == 0
    assert castrated["GnRH"] == pytest.approx(2 * baseline["GnRH"])  # f(0) = a = 2 at the defaults
    assert castrated["LH"] > baseline["LH"]


def test_feedback_sign_more_testosterone_less_gnrh():
    p = toy.ToyParameters()
    levels = np.linspace(0, 5, 50)
    assert np.all(np.diff(p.feedback(levels)) < 0)
    assert all(p.feedback_slope(T) < 0 for T in levels[1:])


def test_slope_matches_finite_difference():
    p = toy.ToyParameters(n=5)
    h = 1e-6
    numeric = (float(p.feedback(1.3 + h)) - float(p.feedback(1.3 - h))) / (2 * h)
    assert p.feedback_slope(1.3) == pytest.approx(numeric, rel=1e-6)


def test_secant_condition_sets_the_onset_of_oscillation():
    # Equal clearances and T* = K: loop gain n/2 crosses the secant value 8 at n = 16 (Murray 2002).
    assert not toy.is_oscillatory(n=15.5)
    assert toy.is_oscillatory(n=16.5)


def test_oscillatory_loop_keeps_oscillating():
    result = toy.simulate(duration=200, n=24, points=4001)
    late = result["T"][result.t > 150]
    assert late.max() - late.min() > 0.2


def test_stable_loop_damps():
    result = toy.simulate(duration=200, n=8, points=4001)
    late = result["T"][result.t > 150]
    assert late.max() - late.min() < 1e-3


def test_outputs_non_negative_and_finite_from_zero():
    result = toy.simulate(initial={"GnRH": 0, "LH": 0, "T": 0}, n=30, duration=100)
    for name in result.outputs:
        assert np.all(np.isfinite(result[name])) and np.all(result[name] >= 0)


@pytest.mark.parametrize(
    ("kwargs", "error", "fragment"),
    [
        ({"n": 0.5}, ValueError, "n (the Hill coefficient) must be >= 1, got 0.5"),
        ({"b1": -1}, ValueError, "b1 must be > 0, got -1"),
        ({"exogenous_T": -0.1}, ValueError, "exogenous_T must be >= 0, got -0.1"),
        ({"a": math.nan}, ValueError, "a must be finite, got nan"),
        ({"K": "1"}, TypeError, "K must be a real number, got str '1'"),
        ({"bogus": 1}, TypeError, "unknown toy parameter(s) bogus; allowed: a, K, n"),
        ({"duration": 0}, ValueError, "duration must be > 0, got 0"),
        ({"duration": math.inf}, ValueError, "duration must be finite, got inf"),
        ({"points": 1}, ValueError, "points must be a whole number >= 2, got 1"),
        ({"initial": {"GnRH": 1, "LH": 1}}, ValueError, "initial must give exactly GnRH, LH, T"),
        ({"initial": {"GnRH": 1, "LH": -1, "T": 1}}, ValueError, "initial['LH'] must be >= 0, got -1"),
    ],
)
def test_bad_input_is_named(kwargs, error, fragment):
    with pytest.raises(error) as info:
        toy.simulate(**kwargs)
    assert fragment in str(info.value)


def test_unknown_output_names_the_allowed_ones():
    with pytest.raises(KeyError, match="known outputs: GnRH, LH, T"):
        toy.simulate()["cortisol"]


def test_plot_toy_draws_three_labelled_styled_curves():
    import matplotlib

    matplotlib.use("Agg")
    from hpg import plots

    fig = plots.plot_toy(toy.simulate())
    lines = [line for line in fig.axes[0].get_lines() if line.get_label().startswith(("GnRH", "LH", "testosterone"))]
    assert len(lines) == 3
    assert len({line.get_linestyle() for line in lines}) == 3  # never colour alone
    matplotlib.pyplot.close(fig)


def test_figure_html_carries_escaped_alt_text_and_closes_the_figure():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from hpg import plots

    fig = plots.plot_toy(toy.simulate())
    tag = plots.figure_html(fig, alt='Three curves "settling" at 1 & staying')
    assert tag.startswith('<img src="data:image/png;base64,')
    assert 'alt="Three curves &quot;settling&quot; at 1 &amp; staying"' in tag
    assert not plt.fignum_exists(fig.number)
    with pytest.raises(ValueError, match="alt must be a text describing the figure"):
        plots.figure_html(plots.plot_toy(toy.simulate()), alt=" ")
