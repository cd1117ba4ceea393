"""Print the book's handouts from the built site with headless Chromium (Playwright).

* each lesson plan of the instructors' page (its "Lesson N" section alone) -> handouts/lesson-N.pdf;
* each case file, twice: a student copy without the worked answers -> handouts/case-NAME.pdf,
  and an instructor copy with every answer printed open -> handouts/case-NAME-instructor.pdf.

The page's print stylesheet (book/_static/hpg.css, "@media print") hides the navigation; the copy
is chosen by a class set on the page before printing. The PDFs are written into _build/html, so
the published site serves them where the instructors' page links them. Run it with scripts/handouts.
"""
from __future__ import annotations

import functools
import http.server
import os
import shutil
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"
OUT = SITE / "handouts"
INSTRUCTORS = "book/front/instructors"
LESSONS = 3
PDF = {"format": "A4", "print_background": True,
       "margin": {"top": "15mm", "bottom": "15mm", "left": "14mm", "right": "14mm"}}

# Before printing: keep only one lesson section of the instructors' page (the theme's print-only
# block above the article still prints the page title).
ONLY_SECTION = """(number) => {
  const keep = document.querySelector(`section[id^="lesson-${number}-"]`);
  if (!keep) return false;
  document.querySelector("article.bd-article").replaceChildren(keep);
  return true;
}"""
# Before printing an instructor copy: open every hidden answer.
OPEN_ANSWERS = """() => {
  document.querySelectorAll(".toggle-hidden").forEach(e => e.classList.remove("toggle-hidden"));
  document.querySelectorAll("details").forEach(d => d.open = true);
}"""


def case_pages() -> list[str]:
    """Docnames of the case files, in the order of _toc.yml (the index page excluded)."""
    from sphinx_external_toc.parsing import parse_toc_yaml

    return [n for n in parse_toc_yaml(ROOT / "_toc.yml")
            if n.startswith("book/cases/") and (ROOT / f"{n}.ipynb").exists()]


def chromium() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if not path:
        sys.exit("missing: Chromium (on Debian: apt-get install chromium; or set CHROMIUM=/path/to/chromium)")
    return path


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve() -> tuple[http.server.ThreadingHTTPServer, str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(SITE)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


def jobs() -> list[tuple[str, str, str, int | None]]:
    """(docname, copy, output file name, lesson number) of every handout."""
    found = [(INSTRUCTORS, "instructor", f"lesson-{n}.pdf", n) for n in range(1, LESSONS + 1)]
    for name in case_pages():
        stem = name.rsplit("/", 1)[1]
        found += [(name, "student", f"case-{stem}.pdf", None), (name, "instructor", f"case-{stem}-instructor.pdf", None)]
    return found


def main() -> int:
    from playwright.sync_api import sync_playwright

    if not (SITE / "index.html").exists():
        sys.exit(f"no built site in {SITE}: run scripts/site --no-serve first (or scripts/handouts --build)")
    OUT.mkdir(exist_ok=True)
    httpd, base = serve()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium(), args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
            page = browser.new_page()
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base) else route.abort())
            for name, copy, filename, lesson in jobs():
                page.goto(f"{base}/{name}.html", wait_until="load", timeout=120_000)
                page.evaluate(f"document.documentElement.classList.add('hpg-handout-{copy}')")
                if lesson is not None and not page.evaluate(ONLY_SECTION, lesson):
                    sys.exit(f"{name}: no section 'Lesson {lesson}' to print")
                if copy == "instructor":
                    page.evaluate(OPEN_ANSWERS)
                page.emulate_media(media="print")
                page.pdf(path=str(OUT / filename), **PDF)
                print(f"{filename}: {(OUT / filename).stat().st_size // 1024} kB")
            browser.close()
    finally:
        httpd.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
