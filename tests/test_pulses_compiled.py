"""The pulse model's minute loop compiled with numba (hpg._compiled.pulse_kernel) against the
plain one (hpg.pulses._minutes, the reference): the same function, so the same pulses and the
same outputs to round-off; pulse draws made ahead and topped up when a run needs more, without
changing a single draw; and the ``compiled`` argument as hpg.simulate has it."""
from __future__ import annotations

import os
import re
import subprocess
import sys

import numpy as np
import pytest

import hpg
from hpg import _compiled, pulses
from hpg.pulses import simulate_pulses

R, I = hpg.Regimen, hpg.Infusion
needs_numba = pytest.mark.skipif(not _compiled.available(), reason="numba is not installed or HPG_NUMBA=0")

#: Relative tolerance between the compiled and the plain loop. The compiled loop may fuse
#: multiply-adds and use reciprocals (hpg._compiled.FASTMATH) and takes the processor's square
#: root, so each operation may round differently in its last bit (~1e-16); through the feedback
#: states that carry over thousands of minutes the differences grow to about 1e-14 (seen: at most
#: 1.1e-14 over these runs). 1e-11 leaves a thousandfold margin, and is far below what a wrong
#: constant, a misplaced state or a skipped minute would give (1e-6 and more).
RTOL = 1e-11

SCENARIOS = {
    "untreated": dict(hours=48, seed=0),
    "pulsatile gonadorelin": dict(hours=168, gonadorelin="pulsatile", interval=90, dose=10, patient="gnrh_deficient", seed=1978),
    "continuous gonadorelin": dict(hours=96, gonadorelin="continuous", seed=3),
    "fast pump pulses": dict(hours=72, gonadorelin="pulsatile", interval=30, dose=20, patient="gnrh_deficient", seed=5),
    "leuprolide": dict(hours=96, regimens=[R("leuprolide", 1.0, every=1)], seed=4),
    "testosterone enanthate": dict(hours=72, regimens=[R("testosterone_enanthate", 250)], seed=3),
    "pulses then continuous": dict(hours=120, regimens=[R("gonadorelin", 10, every=90 / 1440, stop=3), I("gonadorelin", 160, start=3)], seed=9),
    "several chunks of draws": dict(hours=480, patient="gnrh_deficient", seed=11),  # about 640 pulses: 10 chunks of 64
}


def assert_same_run(a, b, rtol):
    np.testing.assert_array_equal(a.t, b.t)
    np.testing.assert_array_equal(a.pulse_times, b.pulse_times)
    assert a.outputs == b.outputs
    for name in a.outputs:
        if rtol == 0:
            np.testing.assert_array_equal(a[name], b[name], err_msg=name)
        else:
            np.testing.assert_allclose(a[name], b[name], rtol=rtol, atol=0, err_msg=name)


@needs_numba
@pytest.mark.parametrize("name", SCENARIOS)
def test_compiled_and_plain_loops_agree(name):
    compiled = simulate_pulses(**SCENARIOS[name], compiled=True)
    plain = simulate_pulses(**SCENARIOS[name], compiled=False)
    assert len(plain.pulse_times) > 0
    assert_same_run(compiled, plain, RTOL)


def test_the_long_scenario_needs_several_chunks_of_draws():
    run = simulate_pulses(**SCENARIOS["several chunks of draws"], compiled=False)
    assert len(run.pulse_times) > 4 * pulses._CHUNK


@pytest.mark.parametrize("compiled", [pytest.param(True, marks=needs_numba), False])
@pytest.mark.parametrize("ahead", [0.0, 50.0])
def test_a_run_that_runs_out_of_draws_resumes_exactly(monkeypatch, compiled, ahead):
    """However many draws are made before the run (one chunk, so that it stops and resumes at
    every 64th pulse, or all of them at once), the run is the same to the last bit."""
    scenario = SCENARIOS["several chunks of draws"]
    reference = simulate_pulses(**scenario, compiled=compiled)
    calls = []
    more = pulses._Draws.more
    monkeypatch.setattr(pulses._Draws, "more", lambda self, chunks=1: (calls.append(chunks), more(self, chunks))[1])
    monkeypatch.setattr(pulses, "_DRAWS_AHEAD", ahead)
    run = simulate_pulses(**scenario, compiled=compiled)
    assert_same_run(run, reference, 0)
    drawn = sum(calls) * pulses._CHUNK
    assert drawn > len(run.pulse_times)
    if ahead < 1:  # one chunk first, then one more at each stop
        assert calls[0] == 1 and len(calls) >= len(run.pulse_times) // pulses._CHUNK + 1
    else:
        assert len(calls) == 1


def test_draws_come_from_one_generator_in_order_whatever_the_chunking():
    """The start phase, then chunk after chunk 64 thresholds (gamma) and 64 sizes (log-normal),
    from numpy.random.default_rng(seed): the order in which the model has always drawn them."""
    c = pulses.constants()
    one_by_one, at_once = pulses._Draws(5, c), pulses._Draws(5, c)
    for _ in range(3):
        one_by_one.more()
    at_once.more(3)
    rng = np.random.default_rng(5)
    start = rng.random()
    thresholds, sizes = [], []
    for _ in range(3):
        thresholds += rng.gamma(c.shape, 1.0 / c.shape, pulses._CHUNK).tolist()
        sizes += rng.lognormal(-0.5 * c.size_sigma**2, c.size_sigma, pulses._CHUNK).tolist()
    for draws in (one_by_one, at_once):
        assert draws.start == start and draws.thresholds == thresholds and draws.sizes == sizes


def test_pulses_fire_at_the_thresholds_drawn():
    """The first pulse fires when the phase, from ``start * threshold_0``, has advanced by the
    rest of the first threshold: the generator reads the draws of its own seed, in order."""
    run = simulate_pulses(6, seed=2, compiled=False)
    c = pulses.constants()
    draws = pulses._Draws(2, c)
    draws.more()
    remaining_minutes = (1.0 - draws.start) * draws.thresholds[0] * c.mu  # at the healthy brake aT = 1
    assert run.pulse_times[0] * 60 == pytest.approx(remaining_minutes, abs=1.0)


@needs_numba
def test_compiled_is_the_default_where_numba_is_available(monkeypatch):
    used = []
    kernel = _compiled.pulse_kernel()
    monkeypatch.setattr(_compiled, "pulse_kernel", lambda: (used.append(True), kernel)[1])
    simulate_pulses(2)
    assert used
    used.clear()
    simulate_pulses(2, compiled=False)
    assert not used


def test_plain_path_when_numba_is_switched_off(monkeypatch):
    def refuse():
        raise AssertionError("the compiled loop was asked for")

    monkeypatch.setattr(_compiled, "pulse_kernel", refuse)
    monkeypatch.setattr(_compiled, "available", lambda: False)
    plain = simulate_pulses(12, seed=4)
    assert_same_run(plain, simulate_pulses(12, seed=4, compiled=False), 0)


def test_hpg_numba_0_runs_the_plain_loop_without_importing_numba():
    code = ("import sys, hpg; r = hpg.simulate_pulses(6, 'pulsatile'); "
            "print('numba' in sys.modules, len(r.pulse_times) > 0)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "HPG_NUMBA": "0"}).stdout.split()
    assert out == ["False", "True"]


@pytest.mark.parametrize("value", [1, 0, "yes", "True", 1.0, np.bool_(True), [True]])
def test_bad_compiled_value(value):
    with pytest.raises(TypeError, match=re.escape(f"compiled must be True, False or None (use numba where installed), got {value!r}")):
        simulate_pulses(1, compiled=value)


@needs_numba
def test_one_compiled_signature_for_every_run():
    """Every run passes the kernel the same types (a new type would compile it again, seconds)."""
    for name in ("untreated", "leuprolide", "testosterone enanthate"):
        simulate_pulses(**{**SCENARIOS[name], "hours": 6}, compiled=True)
    simulate_pulses(6, "pulsatile", patient=hpg.Patient(pituitary_capacity=2, leydig_capacity=1), seed=3, compiled=True,
                    parameters=hpg.parameters.DEFAULT)
    assert len(_compiled.pulse_kernel().signatures) == 1


def test_the_compiled_cache_is_cleared_when_the_pulse_model_changes():
    assert "pulses.py" in _compiled._SOURCES


def test_the_loop_unpacks_its_constants_in_their_order():
    """_minutes unpacks a _Minute by position (names, not attribute reads, in the hot loop): the
    names it unpacks must be the fields, in order, or a constant would silently take another's value."""
    import ast
    import inspect
    import textwrap

    tree = ast.parse(textwrap.dedent(inspect.getsource(pulses._minutes)))
    unpack = next(node for node in ast.walk(tree)
                  if isinstance(node, ast.Assign) and isinstance(node.value, ast.Name) and node.value.id == "const")
    assert [name.id for name in unpack.targets[0].elts] == list(pulses._Minute._fields)
