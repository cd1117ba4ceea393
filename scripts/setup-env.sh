# Sourced by scripts/site and scripts/test: make the project's own environment, once.
#   .venv/          Python 3.11+ virtual environment with requirements-dev.txt (locked) and hpg (editable)
#   node_modules/   the site's third-party JavaScript, from package-lock.json (npm ci)
# Each step is skipped when the lock file it installs from has not changed since the last run
# (and, for node_modules, every package of the lock file is still there).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

missing() { echo "missing: $1" >&2; exit 1; }

PYTHON="${PYTHON:-python3}"
command -v "$PYTHON" >/dev/null || missing "Python 3.11 or newer (python3 not found on PATH)"
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' || missing "Python 3.10 or newer (found $("$PYTHON" --version))"
"$PYTHON" -c 'import venv, ensurepip' 2>/dev/null || missing "Python's venv module (on Debian: apt-get install python3-venv)"
command -v npm >/dev/null || missing "Node.js 18+ with npm (on Debian: apt-get install nodejs npm)"

stamp() { sha256sum "$@" | sha256sum | cut -c1-16; }

if [ ! -x .venv/bin/python ]; then
    echo "==> creating .venv"
    "$PYTHON" -m venv .venv
fi
want="$(stamp requirements.txt requirements-dev.txt pyproject.toml)"
if [ "$(cat .venv/.installed 2>/dev/null)" != "$want" ]; then
    echo "==> installing the locked Python environment (requirements-dev.txt)"
    if ! { .venv/bin/python -m pip install --disable-pip-version-check -r requirements-dev.txt &&
           .venv/bin/python -m pip install --disable-pip-version-check --no-deps -e .; } > .venv/install.log 2>&1; then
        tail -n 30 .venv/install.log >&2
        echo "pip could not install the environment; the whole log is in .venv/install.log" >&2
        exit 1
    fi
    echo "$want" > .venv/.installed
fi

# Kernels started by the build and by nbval log a warning about TCP transport at start-up,
# which lands in the middle of pytest's summary; keep their log to errors (this venv only).
mkdir -p .venv/etc/ipython
echo 'c.IPKernelApp.log_level = "ERROR"' > .venv/etc/ipython/ipython_kernel_config.py

want="$(stamp package.json package-lock.json)"
if [ "$(cat node_modules/.installed 2>/dev/null)" != "$want" ] || ! node scripts/node-modules-complete.js 2>/dev/null; then
    echo "==> installing the site's JavaScript from package-lock.json (npm ci)"
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
    echo "$want" > node_modules/.installed
fi

export PATH="$ROOT/.venv/bin:$PATH"
