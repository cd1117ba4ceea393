"""Print the figures of the SBML export (not a test: it measures and prints).

Run:  python benchmarks/sbml.py              (libroadrunner against hpg.simulate, 2-year scenario)
      python benchmarks/sbml.py --reference  (also against the tight LSODA reference, about 2 minutes)

The scenario is benchmarks/speed.py's two-year run: testosterone cypionate 100 mg every 7 days
for a year, then clomiphene citrate 25 mg a day for 90 days. libroadrunner integrates the
exported document with CVODE (BDF) at relative tolerance 1e-8; deviations are printed as a
share of each series' maximum, and pointwise (relative to the reference value) where noted.
"""
import gc
import statistics
import sys
import time

import numpy as np

OUTPUTS = ("T", "LH", "FSH", "sperm")
DAYS = 730


def scenario():
    import hpg

    return [hpg.Regimen("testosterone_cypionate", dose=100, every=7, start=0, stop=365),
            hpg.Regimen("clomiphene", dose=25, every=1, start=365, stop=455)]


def median_s(function, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def deviation(a, b) -> tuple[float, float]:
    """Largest |a - b| as a share of max |b|, and largest pointwise |a - b| / |b|."""
    a, b = np.asarray(a), np.asarray(b)
    return float(np.max(np.abs(a - b)) / np.max(np.abs(b))), float(np.max(np.abs(a - b) / np.abs(b)))


def main(reference: bool = False) -> None:
    import roadrunner

    import hpg
    from hpg import sbml

    regimens = scenario()
    start = time.perf_counter()
    text = sbml.export(regimens, days=DAYS)
    export_s = time.perf_counter() - start
    start = time.perf_counter()
    model = roadrunner.RoadRunner(text)
    load_s = time.perf_counter() - start
    model.integrator.relative_tolerance = 1e-8
    model.integrator.absolute_tolerance = 1e-10

    def run(tau=sbml.TAU_FAST):
        model.resetAll()
        model["tau_fast"] = tau
        return np.array(model.simulate(0, DAYS, DAYS + 1, ["time", *OUTPUTS]))

    rr = run()
    assert np.array_equal(rr, run()), "a second run after resetAll differs: the dose counters were not reset"
    rr_s = median_s(run, repeats=5)
    model.integrator.relative_tolerance = 1e-6
    loose_s = median_s(run, repeats=5)
    loose = run()
    model.integrator.relative_tolerance = 1e-8
    halved = run(sbml.TAU_FAST / 2)
    del model
    gc.collect()
    simulated = hpg.simulate(regimens, days=DAYS)
    simulate_ms = 1000 * median_s(lambda: hpg.simulate(regimens, days=DAYS), repeats=7)

    print(f"SBML export, 2-year scenario ({len(text) / 1000:.0f} kB): {1000 * export_s:.0f} ms")
    print(f"libroadrunner: load and compile {load_s:.2f} s; simulate {DAYS} days (median of 5) {1000 * rr_s:.0f} ms")
    print(f"hpg.simulate, same scenario (median of 7): {simulate_ms:.1f} ms   (ratio libroadrunner / hpg.simulate: {1000 * rr_s / simulate_ms:.0f})")
    print(f"  ... at relative tolerance 1e-6: {1000 * loose_s:.0f} ms, largest change, share of maximum: "
          + ", ".join(f"{name} {deviation(loose[:, j], rr[:, j])[0]:.1e}" for j, name in enumerate(OUTPUTS, 1)))
    print(f"tau_fast halved to {sbml.TAU_FAST / 2:g} day: largest change, share of maximum: "
          + ", ".join(f"{name} {deviation(halved[:, j], rr[:, j])[0]:.1e}" for j, name in enumerate(OUTPUTS, 1)))
    print("hpg.simulate vs libroadrunner (share of maximum / pointwise):")
    for j, name in enumerate(OUTPUTS, 1):
        share, pointwise = deviation(simulated[name], rr[:, j])
        print(f"  {name:6s} {share:.2%} / {pointwise:.2%}")
    if reference:
        from hpg.model import simulate_reference

        start = time.perf_counter()
        tight = simulate_reference(regimens, days=DAYS)
        print(f"reference (solve_ivp LSODA, rtol 1e-8): {time.perf_counter() - start:.0f} s")
        print("libroadrunner vs reference, and hpg.simulate vs reference (share of maximum / pointwise):")
        for j, name in enumerate(OUTPUTS, 1):
            rr_share, rr_point = deviation(rr[:, j], tight[name])
            sim_share, sim_point = deviation(simulated[name], tight[name])
            print(f"  {name:6s} libroadrunner {rr_share:.1e} / {rr_point:.1e}    hpg.simulate {sim_share:.2%} / {sim_point:.2%}")


if __name__ == "__main__":
    main(reference="--reference" in sys.argv[1:])
