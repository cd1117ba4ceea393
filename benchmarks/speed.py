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
    from hpg import plots, toy

    def toy_redraw():
        # What one slider move costs in a kernel: simulate, plot, encode the PNG with alt text.
        fig = plots.plot_toy(toy.simulate(duration=40, n=12), title="Hill coefficient n = 12")
        plots.figure_html(fig, alt="benchmark figure")

    print(f"import hpg (median of 5 fresh interpreters): {1000 * import_time():.0f} ms   (goal <= 500 ms)")
    print(f"toy simulation, 601 points:                  {median_ms(lambda: toy.simulate(n=12)):.1f} ms")
    print(f"toy slider redraw (simulate, plot, PNG):     {median_ms(toy_redraw):.1f} ms   (goal well under 100 ms)")


if __name__ == "__main__":
    main()
