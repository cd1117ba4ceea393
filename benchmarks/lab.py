"""Print the virtual patient lab's figures in a real Chromium (not a test: it measures and prints).

Run:  python benchmarks/lab.py [SITE]     (SITE: a built site, default _build/html; build it first)

- time from opening the lab to its first result, and how much of it is Python starting;
- a two-year run of one patient in the browser (the default scenario), timed inside the worker,
  the median of several runs, and as the reader waits for it (click to drawn chart);
- the bytes the page fetches, with and without Pyodide and the packed hpg, as served (this
  server does not compress) and gzip-compressed, as most static hosts would send them.
Every request to another host is blocked, as in the tests.
"""
from __future__ import annotations

import functools
import gzip
import http.server
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
LAB = "book/front/lab.html"
RUNS = 7


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(site: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


def sizes(site: Path, paths: list[str]) -> tuple[int, int]:
    """Bytes of these site files: as they are, and gzip-compressed."""
    raw = packed = 0
    for path in paths:
        data = (site / path.lstrip("/")).read_bytes()
        raw += len(data)
        packed += len(gzip.compress(data, compresslevel=6))
    return raw, packed


def main(site: Path) -> None:
    from playwright.sync_api import sync_playwright

    if not (site / LAB).exists():
        sys.exit(f"{site / LAB} is missing: build the site first (scripts/site --no-serve)")
    httpd, base = serve(site)
    fetched: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.route("**/*", lambda route: route.continue_() if urlparse(route.request.url).hostname == "127.0.0.1" else route.abort())
        page = context.new_page()
        page.on("requestfinished", lambda request: fetched.append(urlparse(request.url).path))
        start = time.perf_counter()
        page.goto(f"{base}/{LAB}")
        page.wait_for_function("document.getElementById('hpg-lab').dataset.runs >= 1", timeout=300_000)
        first = time.perf_counter() - start
        lab = page.locator("#hpg-lab")
        python_ms = float(lab.get_attribute("data-python-ms"))
        days = page.evaluate("window.hpgLab.state.days")
        worker, waited = [], []
        for run in range(2, RUNS + 2):
            start = time.perf_counter()
            page.get_by_role("button", name="Run", exact=True).click()
            page.wait_for_function("n => Number(document.getElementById('hpg-lab').dataset.runs) >= n", arg=run)
            waited.append(1000 * (time.perf_counter() - start))
            worker.append(float(lab.get_attribute("data-ms")))
        browser.close()
    httpd.shutdown()

    files = sorted({path for path in fetched if (site / path.lstrip("/")).is_file()})
    python = [p for p in files if p.startswith("/_vendor/pyodide/") or p.startswith("/_lab/hpg.zip")]
    page_only = [p for p in files if p not in python]
    all_raw, all_gz = sizes(site, files)
    page_raw, page_gz = sizes(site, page_only)
    print(f"Virtual patient lab ({site / LAB})")
    print(f"  opening the lab -> first result:          {first:6.1f} s   (Python starting in the worker: {python_ms / 1000:.1f} s)")
    print(f"  a {days}-day run in the browser (worker): {statistics.median(worker):6.0f} ms  median of {RUNS} (min {min(worker):.0f}, max {max(worker):.0f})")
    print(f"  the same, click -> chart and table drawn:  {statistics.median(waited):6.0f} ms  median of {RUNS}")
    print(f"  transferred with Pyodide and hpg:          {all_raw / 1e6:6.2f} MB   ({all_gz / 1e6:.2f} MB gzip-compressed; {len(files)} files)")
    print(f"  transferred without them (the page alone): {page_raw / 1e6:6.2f} MB   ({page_gz / 1e6:.2f} MB gzip-compressed)")
    print("  a 50-man cohort: not built in the lab")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "_build" / "html")
