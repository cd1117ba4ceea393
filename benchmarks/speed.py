"""Print the speed figures of the hpg package (not a test: it measures and prints).

Run:  python benchmarks/speed.py
"""
import statistics
import subprocess
import sys
import time


def import_time(repeats: int = 5) -> float:
    code = "import time; t = time.perf_counter(); import hpg; print(time.perf_counter() - t)"
    return statistics.median(float(subprocess.check_output([sys.executable, "-c", code], text=True)) for _ in range(repeats))


def median_ms(function, repeats: int = 20) -> float:
    function()  # warm-up: first-use imports are not part of a redraw
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def main() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import hpg
    from hpg import plots, toy

    def toy_redraw():
        # What one slider move costs in a kernel: simulate, plot, encode the PNG with alt text.
        fig = plots.plot_toy(toy.simulate(duration=40, n=12), title="Hill coefficient n = 12")
        plots.figure_html(fig, alt="benchmark figure")

    trt = [hpg.Regimen("testosterone_cypionate", dose=100, every=7, start=0, stop=365), hpg.Regimen("clomiphene", dose=25, every=1, start=365, stop=455)]
    print(f"import hpg (median of 5 fresh interpreters): {1000 * import_time():.0f} ms   (goal <= 500 ms)")
    print(f"daily model, one patient, 2 years (731 days): {median_ms(lambda: hpg.simulate(trt, days=730)):.1f} ms   (goal <= 20 ms)")
    print(f"  ... untreated, 2 years:                     {median_ms(lambda: hpg.simulate([], days=730)):.1f} ms")
    print(f"cohort, 1000 patients, 2 years:               {median_ms(lambda: hpg.cohort(trt, n=1000, days=730, seed=0), repeats=5) / 1000:.2f} s   (goal <= 1 s)")
    print(f"toy simulation, 601 points:                   {median_ms(lambda: toy.simulate(n=12)):.1f} ms")
    print(f"toy slider redraw (simulate, plot, PNG):      {median_ms(toy_redraw):.1f} ms   (goal well under 100 ms)")


if __name__ == "__main__":
    main()
