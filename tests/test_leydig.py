"""The Leydig-cell cascade (hpg.leydig): spare receptors, agreement with the daily model,
StAR limitation, hCG versus LH, time course, and bad input."""
from __future__ import annotations

import math

import numpy as np
import pytest

import hpg
from hpg import leydig

# Physiological serum LH of young men (qin2012: 2.2-11.6 IU/L).
LH_RANGE = np.geomspace(2.2, 11.6, 25)


def test_registered_and_lazy():
    assert "leydig" in hpg._SUBMODULES
    assert hpg.leydig is leydig


def test_baseline_is_one():
    s = leydig.steady_state()
    for name in ("cAMP", "StAR", "pregnenolone", "testosterone"):
        assert s[name] == pytest.approx(1.0, abs=1e-12)


# --------------------------------------------------------------------------- spare receptors
def test_spare_receptors_testosterone_saturates_at_a_few_percent_occupancy():
    """catt1973: maximal testosterone at low occupancy, while cAMP keeps rising."""
    curve = leydig.dose_response(np.geomspace(0.1, 1e6, 400))
    T, occ, cAMP = curve["testosterone"], curve["occupancy"], curve["cAMP"]
    T_max = leydig.steady_state(lh=1e6)["testosterone"]
    first = np.argmax(T >= 0.95 * T_max)
    assert T[first] >= 0.95 * T_max
    assert occ[first] <= 0.05, f"95% of maximal testosterone needs {occ[first]:.1%} occupancy"
    # cAMP keeps rising: beyond that point it at least triples, and never falls.
    assert cAMP[-1] >= 3.0 * cAMP[first]
    assert np.all(np.diff(cAMP) >= 0) and np.all(np.diff(T) >= -1e-12)
    # ... and its EC50 lies far to the right of testosterone's.
    assert leydig.ec50("LH", "cAMP") > 10.0 * leydig.ec50("LH", "testosterone")


def test_spare_receptors_losing_most_receptors_keeps_the_maximum():
    """Receptor loss shifts sensitivity but, with spare receptors, hardly the maximum."""
    full = leydig.steady_state(lh=1e5)["testosterone"]
    quarter = leydig.steady_state(lh=1e5, receptors=0.25)["testosterone"]
    assert quarter >= 0.98 * full
    assert leydig.ec50("LH", receptors=0.25) > 3.0 * leydig.ec50("LH")


# --------------------------------------------------------------------------- daily model
def test_agrees_with_the_daily_model_over_the_physiological_range():
    cell = leydig.dose_response(LH_RANGE)["testosterone"]
    daily = leydig.daily_curve(LH_RANGE)
    assert np.max(np.abs(cell / daily - 1.0)) < 0.10


def test_daily_curve_is_the_daily_model_itself():
    """daily_curve must be the daily model's own Leydig equation: evaluate the model's fast loop
    with the pituitary switched off (P = 0) and the stimulus fed in as hCG-equivalent LH units."""
    d = hpg.daily.constants()
    man = hpg.daily.man(hpg.Patient().values(), d)

    def loop_output(x):  # Leydig output of the daily model's loop at LH-receptor stimulus x, Ly = 1
        return hpg.daily.fast_loop(1.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, x, 0.0, d, man).u_next

    for lh in (0.0, 2.2, 5.0, 11.6, 40.0):
        assert leydig.daily_curve(lh)[0] == pytest.approx(loop_output(lh / d.LH_0), rel=1e-12)
    hcg = 30.0
    assert leydig.daily_curve(0.0, hcg)[0] == pytest.approx(loop_output(d.hCG_max * hcg / (hcg + d.K_hCG)), rel=1e-12)


def test_basal_output_is_the_daily_models():
    assert leydig.steady_state(lh=0.0)["testosterone"] == pytest.approx(hpg.parameters.value("leydig_basal"), rel=1e-12)


# --------------------------------------------------------------------------- StAR
def test_star_limits_the_maximum_not_the_sensitivity():
    full_max = leydig.steady_state(lh=1e5)["testosterone"]
    half_max = leydig.steady_state(lh=1e5, star=0.5)["testosterone"]
    basal = leydig.steady_state(lh=0.0)["testosterone"]
    # The hormone-driven part of the maximum halves ...
    assert (half_max - basal) == pytest.approx(0.5 * (full_max - basal), rel=1e-6)
    # ... while the LH level giving half of it does not move.
    assert leydig.ec50("LH", star=0.5) == pytest.approx(leydig.ec50("LH"), rel=1e-6)
    # and upstream signalling is untouched.
    assert leydig.steady_state(lh=20.0, star=0.5)["cAMP"] == pytest.approx(leydig.steady_state(lh=20.0)["cAMP"])


def test_without_star_only_the_basal_supply_is_left():
    none = leydig.dose_response(np.geomspace(0.1, 1e5, 50), star=0.0)["testosterone"]
    assert np.allclose(none, leydig.steady_state(lh=0.0)["testosterone"])


# --------------------------------------------------------------------------- hCG and LH
def test_hcg_is_a_full_agonist_with_the_daily_models_potency():
    d = hpg.daily.constants()
    equivalence = d.hCG_max * d.LH_0 / d.K_hCG  # IU/L of LH per IU/L of hCG
    assert leydig.ec50("LH") / leydig.ec50("hCG") == pytest.approx(equivalence, rel=1e-6)
    assert leydig.steady_state(lh=0.0, hcg=1e6)["testosterone"] == pytest.approx(leydig.steady_state(lh=1e6)["testosterone"], rel=1e-3)
    # At low levels one IU/L of hCG stimulates like `equivalence` IU/L of LH, as in the daily model.
    assert leydig.steady_state(lh=0.0, hcg=2.0)["testosterone"] == pytest.approx(leydig.steady_state(lh=2.0 * equivalence)["testosterone"], rel=0.01)
    # At low hCG levels cell and daily model agree within 10%; above them the daily model's hCG
    # response saturates (K_hCG: receptor down-regulation over days), which an acute cell lacks.
    low = np.array([0.2, 0.5, 1.0])
    cell = leydig.dose_response(low, "hCG")["testosterone"]
    assert np.max(np.abs(cell / leydig.daily_curve(0.0 * low, low) - 1.0)) < 0.10
    high = np.array([20.0, 50.0])
    assert np.all(leydig.dose_response(high, "hCG")["testosterone"] > 1.5 * leydig.daily_curve(0.0 * high, high))


def test_hcg_and_lh_compete_for_one_receptor():
    s = leydig.steady_state(lh=50.0, hcg=100.0)
    assert s["occupancy"] == pytest.approx(s["occupancy_LH"] + s["occupancy_hCG"])
    assert s["occupancy_LH"] < leydig.steady_state(lh=50.0)["occupancy"]


# --------------------------------------------------------------------------- time course
def test_time_course_settles_to_the_steady_state():
    r = leydig.simulate(lh=20.0, hours=8.0)
    target = leydig.steady_state(lh=20.0)
    for name in leydig.OUTPUTS:
        assert r[name][-1] == pytest.approx(target[name], rel=1e-3)
    assert r["testosterone"][0] == pytest.approx(1.0, abs=1e-9)


def test_cascade_order_cAMP_before_StAR_before_testosterone():
    r = leydig.simulate(lh=50.0, hours=4.0)

    def half_time(name):
        y = r[name]
        return r.t[np.argmax(y >= y[0] + 0.5 * (y[-1] - y[0]))]

    assert half_time("cAMP") < half_time("StAR") < half_time("pregnenolone") < half_time("testosterone")
    assert half_time("testosterone") < 2.0


def test_washout_returns_to_the_initial_state():
    r = leydig.simulate(lh=0.0, hcg=100.0, hours=12.0, initial_lh=0.0, washout=2.0)
    basal = leydig.steady_state(lh=0.0)["testosterone"]
    assert r["testosterone"].max() > 5.0 * basal
    assert r["testosterone"][-1] == pytest.approx(basal, rel=1e-3)
    assert r.at(2.0)["occupancy_hCG"] > 0


def test_no_negative_or_non_finite_values():
    for kwargs in ({"lh": 0.0, "initial_lh": 1e4}, {"hcg": 1e5, "initial_lh": 0.0}, {"lh": 3.0, "star": 0.0, "receptors": 0.0}):
        r = leydig.simulate(hours=3.0, **kwargs)
        for name in leydig.OUTPUTS:
            assert np.all(np.isfinite(r[name])) and np.all(r[name] >= 0.0), (kwargs, name)
    curve = leydig.dose_response()
    for name in leydig.OUTPUTS:
        assert np.all(np.isfinite(curve[name])) and np.all(curve[name] >= 0.0)


def test_result_api():
    r = leydig.simulate(hours=1.0)
    assert r.time_unit == "hour" and r.t[-1] == pytest.approx(1.0)
    assert set(r.outputs) == set(leydig.OUTPUTS) and r.units["testosterone"] == "relative"
    with pytest.raises(KeyError, match="known outputs"):
        r["T"]
    with pytest.raises(ValueError, match="hour must lie within the run"):
        r.at(2.0)


# --------------------------------------------------------------------------- errors
@pytest.mark.parametrize(
    "kwargs, argument, allowed",
    [
        ({"lh": -1.0}, "lh", ">= 0"),
        ({"hcg": float("nan")}, "hcg", "finite"),
        ({"lh": 1e7}, "lh", "at most"),
        ({"star": -0.1}, "star", ">= 0"),
        ({"star": 11.0}, "star", "0 or between 1e-06 and 10"),
        ({"receptors": float("inf")}, "receptors", "finite"),
        ({"hours": 0.0}, "hours", "> 0"),
        ({"hours": 1000.0}, "hours", "at most 240"),
        ({"washout": 7.0}, "washout", "earlier than the end"),
        ({"step_minutes": 0.0}, "step_minutes", "> 0"),
        ({"initial_lh": -2.0}, "initial_lh", ">= 0"),
    ],
)
def test_bad_input_to_simulate(kwargs, argument, allowed):
    with pytest.raises(ValueError) as error:
        leydig.simulate(**{"hours": 6.0, **kwargs})
    message = str(error.value)
    assert argument in message and allowed in message


def test_bad_types_and_names():
    with pytest.raises(TypeError, match="lh must be a real number, got str"):
        leydig.steady_state(lh="5")
    with pytest.raises(ValueError, match="hormone must be one of 'LH', 'hCG', got 'FSH'"):
        leydig.dose_response([1.0], hormone="FSH")
    with pytest.raises(ValueError, match=r"levels\[1\] must be >= 0, got -3.0"):
        leydig.dose_response([1.0, -3.0])
    with pytest.raises(ValueError, match="at least one level"):
        leydig.dose_response([])
    with pytest.raises(TypeError, match="levels must be a list"):
        leydig.dose_response(5.0)
    with pytest.raises(KeyError, match="unknown output 'T'"):
        leydig.ec50("LH", "T")
    with pytest.raises(ValueError, match="no EC50"):
        leydig.ec50("LH", star=0.0)
