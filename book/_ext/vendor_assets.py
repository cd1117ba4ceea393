"""Serve the site's third-party JavaScript from the site itself.

``npm ci`` installs pinned packages (package.json, package-lock.json) into node_modules/;
this extension copies what the pages need into ``<site>/_vendor/`` when the build starts.
Nothing third-party is committed, and no page loads anything from another host.

_config.yml points the pages at ``../_vendor/...``: Sphinx prefixes relative script paths
with ``_static/``, so each page receives ``<relative root>/_static/../_vendor/x.js``.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from sphinx.errors import ExtensionError

HERE = Path(__file__).parent
NODE_MODULES = HERE.parents[1] / "node_modules"  # beside package.json, at the repository root

# node_modules/<source> (file or folder) -> <site>/_vendor/<destination>
ASSETS = {
    "requirejs/require.js": "requirejs/require.js",
    "@jupyter-widgets/html-manager/dist/embed-amd.js": "html-manager/embed-amd.js",
    "@fortawesome/fontawesome-free/LICENSE.txt": "html-manager/FONTAWESOME-LICENSE.txt",
    "mathjax/es5": "mathjax",
    "mathjax/LICENSE": "mathjax/LICENSE",
    # The lab page only (book/front/lab.md): Python in a Web Worker, and its charts.
    **{f"pyodide/{name}": f"pyodide/{name}" for name in (
        "pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json", "package.json",
    )},
    "uplot/dist/uPlot.iife.min.js": "uplot/uPlot.iife.min.js",
    "uplot/dist/uPlot.min.css": "uplot/uPlot.min.css",
    "uplot/LICENSE": "uplot/LICENSE",
}
# The widget manager's icon fonts (webpack-hashed names), fetched from beside embed-amd.js.
FONTS = ("*.woff2", "*.woff", "*.ttf", "*.eot", "*.svg")


def copy_assets(app) -> None:
    if app.builder.format != "html":
        return
    modules = NODE_MODULES
    if not modules.is_dir():
        raise ExtensionError(f"{modules} is missing: run `npm ci --ignore-scripts` (scripts/site does) before building")
    out = Path(app.outdir, "_vendor")
    for source, destination in ASSETS.items():
        source, destination = modules / source, out / destination
        if not source.exists():
            raise ExtensionError(f"{source} is missing: node_modules does not match package-lock.json; run `npm ci`")
        destination.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, destination, dirs_exist_ok=True)
        else:
            shutil.copy2(source, destination)
    for pattern in FONTS:
        for font in (modules / "@jupyter-widgets/html-manager/dist").glob(pattern):
            shutil.copy2(font, out / "html-manager" / font.name)
    shutil.copy2(HERE / "widgets-setup.js", out / "widgets-setup.js")


def setup(app):
    app.connect("builder-inited", copy_assets)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
