"""Check that a change to the integration machinery leaves the model's results as they were
(not a test: it saves and compares arrays).

Run:  python benchmarks/agreement.py save DIR [--exact]    (before the change: store the outputs)
      python benchmarks/agreement.py check DIR [--exact]   (after it: compare, print the largest relative difference)

For a few regimens (untreated; testosterone enanthate 200 mg weekly for a year, then stopped;
hCG with follitropin, in an aging man; clomiphene; a continuous gonadorelin pump) it stores
``hpg.simulate`` (compiled and plain) and a compiled ``hpg.cohort`` of 200 men over two years. ``check`` fails
(exit status 1) if any output differs from the stored one by more than ``TOLERANCE`` relative
to the larger of the two magnitudes (floored at a millionth of that output's range in the run).

``--exact`` closes the fast loop to rounding at every step (forty secant steps instead of at
most four, as :func:`hpg.model.simulate_reference` does). Without it, a step where the fast loop stops short of
its tolerance (the first step of a testosterone depot: the exposure jumps within half a day)
passes on a residual that the last bits of rounding decide, and a run can move by about 1e-5
relative after any change of rounding at all (the compiled cohort, the compiled man and the
plain man of main already differ that much). With it, only a change of the arithmetic shows.
"""
import os
import sys
from pathlib import Path

import numpy as np

import hpg  # (numba is imported later, on the first compiled run)

R = hpg.Regimen
REGIMENS = {
    "untreated": [],
    "te200_weekly_1y": [R("testosterone_enanthate", 200, every=7, start=0, stop=365)],
    "hcg_follitropin": [R("hcg", 2500, every=3.5, start=30, stop=600), R("follitropin", 150, every=7 / 3, start=30, stop=600)],
    "clomiphene": [R("clomiphene", 25, every=1, start=0, stop=365)],
    "gonadorelin_pump": [hpg.Infusion("gonadorelin", rate=200, start=100, stop=250)],
}
TOLERANCE = 1e-12


def results() -> dict:
    """Every stored array, by a name saying what produced it."""
    arrays = {}
    for name, regimens in REGIMENS.items():
        for compiled in (True, False):
            res = hpg.simulate(regimens, patient="aging" if name == "hcg_follitropin" else None, days=730, compiled=compiled)
            arrays.update({f"{name}/simulate/{'compiled' if compiled else 'plain'}/{k}": res[k] for k in res.outputs})
        res = hpg.cohort(regimens, n=200, days=730, seed=1)
        arrays.update({f"{name}/cohort/{k}": res[k] for k in res.outputs})
    return arrays


def compare(stored: dict, now: dict) -> tuple[float, str]:
    """The largest relative difference over every array (and the name of the worst)."""
    worst, where = 0.0, ""
    for key, ref in stored.items():
        new = now[key]
        floor = 1e-6 * max(float(np.ptp(ref)), 1e-300)
        rel = float(np.max(np.abs(new - ref) / np.maximum(np.maximum(np.abs(ref), np.abs(new)), floor)))
        if rel > worst:
            worst, where = rel, key
    return worst, where


def close_the_fast_loop_to_rounding() -> None:
    """Make :func:`hpg.daily.solve` take forty secant steps at every call (the compiled model is
    then compiled afresh, into a cache of its own)."""
    import tempfile

    from hpg import _compiled, daily

    assert "numba" not in sys.modules and not _compiled._kernels.cache_info().currsize, "too late to patch the solver"
    os.environ["NUMBA_CACHE_DIR"] = tempfile.mkdtemp(prefix="hpg-exact-")
    solve = daily.solve
    if _compiled.available():  # (imports numba: after the cache is set)
        from numba.extending import register_jitable

        register_jitable(solve)

    def exact(u, slope, Hc, P, Rd, Ly, T_exo, antagonist, inhibition, hcg, gonadorelin, c, m, extra):
        return solve(u, slope, Hc, P, Rd, Ly, T_exo, antagonist, inhibition, hcg, gonadorelin, c, m, 40)

    daily.solve = exact


def main(argv) -> int:
    exact = "--exact" in argv
    argv = [a for a in argv if a != "--exact"]
    if len(argv) != 3 or argv[1] not in ("save", "check"):
        print(__doc__)
        return 2
    if exact:
        close_the_fast_loop_to_rounding()
    path = Path(argv[2]) / ("exact.npz" if exact else "agreement.npz")
    if argv[1] == "save":
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(path, **results())
        print(f"saved {path}")
        return 0
    with np.load(path) as stored:
        worst, where = compare(dict(stored), results())
    print(f"largest relative difference: {worst:.3g} ({where or 'none'}); tolerance {TOLERANCE:g}")
    return 0 if worst <= TOLERANCE else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
