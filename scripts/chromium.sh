# Sourced by scripts/test: Chromium for the browser tests, installed only when they run.
#   ensure_chromium PYTEST_ARGUMENTS...   (the paths and options of the test run)
# Does nothing when CHROMIUM names a browser or `chromium` is on PATH. Otherwise it asks pytest
# which tests the arguments select (collection only, no test runs); only if some of them are
# marked `browser` does it install Debian's Chromium (as root, with apt-get) and then check that
# `chromium` is on PATH. Elsewhere it names the missing piece in one line.

selects_browser_tests() {
    local report count
    report="$(mktemp)"
    HPG_BROWSER_TEST_COUNT="$report" python -m pytest --collect-only -q -p no:cacheprovider "$@" >/dev/null 2>&1 || true
    count="$(cat "$report")"
    rm -f "$report"
    # A collection error selects nothing here: the test run itself will report it.
    [ -n "$count" ] && [ "$count" != 0 ]
}

ensure_chromium() {
    if [ -n "${CHROMIUM:-}" ] || command -v chromium >/dev/null; then
        return 0
    fi
    selects_browser_tests "$@" || return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "==> installing Chromium for the browser tests (apt-get install chromium)"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
        if ! command -v chromium >/dev/null; then
            echo "apt-get installed chromium, but no \`chromium\` command is on PATH ($PATH); set CHROMIUM=/path/to/chromium" >&2
            return 1
        fi
    else
        echo "missing: Chromium for the browser tests (on Debian, as root: apt-get install chromium; or set CHROMIUM=/path/to/chromium)" >&2
        return 1
    fi
}
