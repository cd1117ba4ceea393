"""Print the speed and weight figures of hpg and the book's explorers (not a test: it measures and prints).

Run:  python benchmarks/speed.py             (the model, the pulse model, every explorer of the book)
      python benchmarks/speed.py --model     (the model figures only)

The explorer figures come from running every notebook of the book that declares an explorer,
in this process, as a reader's kernel runs it: the time from executing an explorer's cell to
its first figure, and the median and 95th percentile of a control move (the live face
redrawing at values between the precomputed ones). Page weights are read from the built site
(_build/html) when it exists.
"""
import contextlib
import gc
import io
import json
import math
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


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


#: The same figures measured on main before the model was written once (issue 19), for comparison.
BEFORE = {
    "run": "26-35 ms",
    "cohort": "1.33-1.6 s",
    "pulses": "7-13 ms",
}
#: A hand-written C cohort kernel, vectorised across men, ran 1,000 men for 2 years in this time on 2 cores.
C_REFERENCE_S = 0.09
TREATMENT = ("[hpg.Regimen('testosterone_cypionate', dose=100, every=7, start=0, stop=365), "
             "hpg.Regimen('clomiphene', dose=25, every=1, start=365, stop=455)]")


def fresh_seconds(statement: str, env=None, repeats: int = 3) -> float:
    """Median time of ``statement`` (after ``import hpg``, included) in fresh interpreters."""
    import os

    code = f"import time; t = time.perf_counter(); import hpg; trt = {TREATMENT}; {statement}; print(time.perf_counter() - t)"
    environment = {**os.environ, **(env or {})}
    return statistics.median(
        float(subprocess.check_output([sys.executable, "-c", code], text=True, env=environment, cwd=ROOT).split()[-1])
        for _ in range(repeats))


def cohort_peak_mib(n: int = 1000, days: int = 365) -> float:
    """Peak resident memory a cohort adds to a warm interpreter (MiB), in a fresh process:
    the peak after it less the resident size before it (Linux)."""
    code = ("import os, resource, hpg; trt = " + TREATMENT + "; hpg.cohort(trt, n=10, days=30); "
            "base = int(open('/proc/self/statm').read().split()[1]) * os.sysconf('SC_PAGE_SIZE') / 1024; "
            f"hpg.cohort(trt, n={n}, days={days}, seed=0); "
            "print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024)")
    return float(subprocess.check_output([sys.executable, "-c", code], text=True, cwd=ROOT).split()[-1])


def main() -> None:
    import tempfile

    import matplotlib

    matplotlib.use("Agg")
    import hpg
    from hpg import _compiled, plots, toy

    def toy_redraw():
        # What one slider move costs in a kernel: simulate, plot, encode the PNG with alt text.
        fig = plots.plot_toy(toy.simulate(duration=40, n=12), title="Hill coefficient n = 12")
        plots.figure_html(fig, alt="benchmark figure")

    trt = eval(TREATMENT)  # noqa: S307 (our own constant)
    print(f"numba compiled path available: {_compiled.available()}  (medians; 'before' = main before issue 19)")
    print(f"import hpg (median of 5 fresh interpreters): {1000 * import_time():.0f} ms   (goal <= 500 ms)")
    hpg.simulate(trt, days=730)  # compile or load the cache first
    print(f"daily model, one patient, 2 years (731 days), compiled: {median_ms(lambda: hpg.simulate(trt, days=730), repeats=21):.1f} ms"
          f"   (goal <= 3 ms; before {BEFORE['run']})")
    print(f"  ... untreated, 2 years, compiled:               {median_ms(lambda: hpg.simulate([], days=730), repeats=21):.1f} ms")
    plain = median_ms(lambda: hpg.simulate(trt, days=730, compiled=False), repeats=7)
    print(f"  ... the same in plain Python (no numba):        {plain:.0f} ms   (goal <= 150 ms)")
    hpg.cohort(trt, n=10, days=730, seed=0)
    cohort_s = median_ms(lambda: hpg.cohort(trt, n=1000, days=730, seed=0), repeats=7) / 1000
    print(f"cohort, 1000 patients, 2 years, compiled:         {cohort_s:.2f} s   (goal <= 0.5 s; before {BEFORE['cohort']}; "
          f"{cohort_s / C_REFERENCE_S:.1f} x the vectorised C kernel's {C_REFERENCE_S} s)")
    print(f"  ... peak memory per 1000 patient-years:         {cohort_peak_mib():.0f} MiB")
    print(f"first simulate in a fresh interpreter, warm cache: {fresh_seconds('hpg.simulate(trt, days=730)'):.2f} s   (goal <= 1.5 s)")
    with tempfile.TemporaryDirectory() as empty:
        cold = fresh_seconds("hpg.simulate(trt, days=730)", env={"NUMBA_CACHE_DIR": empty}, repeats=1)
    print(f"  ... with an empty cache (compiles):              {cold:.1f} s")
    print(f"toy simulation, 601 points:                   {median_ms(lambda: toy.simulate(n=12)):.1f} ms")
    print(f"toy slider redraw (simulate, plot, PNG):      {median_ms(toy_redraw):.1f} ms   (goal well under 100 ms)")
    print(f"pulse model, 48 h at one-minute steps:        {median_ms(lambda: hpg.simulate_pulses(hours=48)):.1f} ms"
          f"   (goal <= 100 ms; before {BEFORE['pulses']})")
    print(f"  ... with pulsatile gonadorelin:             {median_ms(lambda: hpg.simulate_pulses(hours=48, gonadorelin='pulsatile')):.1f} ms")


# ----------------------------------------------------------------------------- explorers
# For every explorer of the book, as a reader meets it in a kernel: the time from executing its
# cell to its first figure, and the time of a control move between grid values (each move draws
# a setting not shown before: kept pages are forgotten first).
MOVES = 12


def book_explorers():
    """Run every notebook of the book that declares an explorer, as a kernel does; yield
    (page, explorer, seconds from executing its cell to its first figure, and of CPU time)."""
    from IPython.core.interactiveshell import InteractiveShell
    from sphinx_external_toc.parsing import parse_toc_yaml

    from hpg import widgets

    os.environ.pop(widgets.STATIC_SITE, None)  # a reader's kernel, not the build's
    shell = InteractiveShell.instance()
    shell.enable_gui = lambda gui=None: None  # a chapter's %matplotlib inline needs no event loop here
    for name in parse_toc_yaml(ROOT / "_toc.yml"):
        path = ROOT / f"{name}.ipynb"
        if not path.exists() or "widgets.explore(" not in path.read_text(encoding="utf-8"):
            continue
        shell.run_cell(f"import os; os.chdir({str(path.parent)!r})")
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] != "code":
                continue
            known = len(widgets.explorers())
            start, start_cpu = time.perf_counter(), time.thread_time()
            with contextlib.redirect_stdout(io.StringIO()):
                shell.run_cell("".join(cell["source"])).raise_error()
            seconds, cpu = time.perf_counter() - start, time.thread_time() - start_cpu
            made = widgets.explorers()[known:]
            if made:
                # A reader's kernel holds one notebook: the objects of the notebooks run before are
                # set aside, so that the garbage collector's full passes do not walk them all.
                gc.collect()
                gc.freeze()
            for explorer in made:
                yield name, explorer, seconds, cpu


def moves(explorer, count: int = MOVES) -> list[dict]:
    """Settings to move to, none of them the starting one: values of the first slider between
    its grid values (in steps of the slider), or else every setting of the controls in turn."""
    from itertools import product

    from hpg.widgets import Slider

    sliders = [(n, c) for n, c in explorer.controls.items() if isinstance(c, Slider) and not c.grid_only]
    if sliders:
        name, control = sliders[0]
        steps = round((control.grid[-1] - control.grid[0]) / control.step)
        values = [control.grid[0] + i * control.step for i in range(1, steps)]
        values = [v for v in values if min(abs(v - g) for g in control.grid) > control.step / 2]
        picked = [values[round(i * (len(values) - 1) / (count - 1))] for i in range(count)] if len(values) > count else values
        return [{name: v} for v in picked]
    names = list(explorer.controls)
    every = [dict(zip(names, values)) for values in product(*(explorer.controls[n].grid for n in names))]
    every = [s for s in every if s != explorer.defaults()]
    return (every * count)[:max(count, len(every))]


def redraws(explorer) -> tuple[list[float], list[float]]:
    """Milliseconds of each move of :func:`moves` in the live face: wall-clock, and CPU time of
    this thread (the fair figure on a machine busy with other work)."""
    face = explorer.live_face
    wall, cpu = [], []
    for setting in moves(explorer):
        face.pages.clear()
        start, start_cpu = time.perf_counter(), time.thread_time()
        face.set(**setting)
        wall.append(1000 * (time.perf_counter() - start))
        cpu.append(1000 * (time.thread_time() - start_cpu))
    return wall, cpu


def percentile(values: list[float], q: float) -> float:
    """The nearest-rank ``q``-th percentile."""
    ranked = sorted(values)
    return ranked[max(0, math.ceil(q / 100 * len(ranked)) - 1)]


def page_weights() -> dict[str, int]:
    pattern = re.compile(r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>', re.DOTALL)
    site = ROOT / "_build" / "html"
    weights = {}
    for page in sorted(site.rglob("*.html")) if site.exists() else []:
        size = sum(len(m.encode()) for m in pattern.findall(page.read_text(encoding="utf-8")))
        if size:
            weights[page.relative_to(site).with_suffix("").as_posix()] = size
    return weights


def explorers_report() -> None:
    import matplotlib

    matplotlib.use("Agg")

    print()
    print(f"explorers of the book in a kernel (goals: first figure <= 1 s; redraw median <= 50 ms, p95 <= 80 ms over {MOVES}+ moves);")
    print(f"wall-clock, then (in brackets) CPU time of the kernel's thread; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    total = 0
    for page, explorer, seconds, cpu in book_explorers():
        total += 1
        wall, used = redraws(explorer)
        canvas = explorer.live_face.canvas
        print(f"  {page} :: {explorer.name}: first figure {seconds:.2f} s [{cpu:.2f}]; redraw median "
              f"{statistics.median(wall):.0f} ms [{statistics.median(used):.0f}], p95 {percentile(wall, 95):.0f} ms "
              f"[{percentile(used, 95):.0f}] over {len(wall)} moves (axes kept {canvas.hits}, drawn {canvas.misses}, "
              f"whole {canvas.whole}); {explorer.states} settings for the static site")
    print(f"  {total} explorers; load average now {os.getloadavg()[0]:.1f}")
    weights = page_weights()
    if weights:
        print("embedded widget state per built page (budget 4000 kB)")
        for page, size in weights.items():
            print(f"  {page}: {size / 1e3:.0f} kB")
    else:
        print("(build the site to see the weight of each page)")


if __name__ == "__main__":
    main()
    if "--model" not in sys.argv:
        explorers_report()
