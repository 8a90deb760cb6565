#!/usr/bin/env bash
# Renders the diff engine's HTML report for two fixture pairs and checks it in headless
# Chromium: the page renders (screenshot written and non-trivial) and the DOM has the aligned
# rows. Needs Debian's `chromium` (apt-get install -y chromium).
#
# Usage: scripts/diff_html_check.sh [OUTDIR]   (default: target/diff-html-check)
# Leaves report-*.html, report-*.png and report-*.dom.html in OUTDIR to look at.
set -euo pipefail

cd "$(dirname "$0")/.."
out="${1:-target/diff-html-check}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

chrome="$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)"
if [ -z "$chrome" ]; then
    echo "diff_html_check: chromium not found (apt-get install -y chromium)" >&2
    exit 2
fi

cargo build --quiet --example diff_html
bin="target/debug/examples/diff_html"

fail=0
check() { # name expected-rows
    local name="$1" rows="$2" html="$out/report-$1.html"
    local profile
    profile="$(mktemp -d)"
    local flags=(--headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking
        --disable-component-update --disable-sync --user-data-dir="$profile")
    rm -f "$out/report-$name.png"
    timeout 90 "$chrome" "${flags[@]}" --screenshot="$out/report-$name.png" --window-size=1400,1000 \
        "file://$html" >/dev/null 2>&1 || true
    timeout 90 "$chrome" "${flags[@]}" --dump-dom "file://$html" >"$out/report-$name.dom.html" 2>/dev/null || true
    rm -rf "$profile"

    local size=0
    [ -f "$out/report-$name.png" ] && size=$(stat -c %s "$out/report-$name.png")
    if [ "$size" -lt 20000 ]; then
        echo "FAIL $name: screenshot missing or blank ($size bytes)"; fail=1
    else
        echo "ok   $name: screenshot $out/report-$name.png ($size bytes)"
    fi
    local got
    got=$(grep -o '<tr class="row [a-z]*" data-op="[a-z]*"' "$out/report-$name.dom.html" | wc -l)
    if [ "$got" -ne "$rows" ]; then
        echo "FAIL $name: $got aligned rows in the rendered DOM, expected $rows"; fail=1
    else
        echo "ok   $name: $got aligned rows in the rendered DOM"
    fi
    if grep -Eo '<(link|script|img|iframe)[^>]*>' "$html" | grep -q .; then
        echo "FAIL $name: the page loads external resources or runs scripts"; fail=1
    fi
}

# 1. Hand-made rewrite with a hand-made alignment: edits, moves, an added and a removed sentence.
fx=tests/fixtures/diff
"$bin" "$fx/flood_a.txt" "$fx/flood_b.txt" "$out/report-flood.html" --pairs "$fx/flood.pairs.json" --kind rewrite
rows=$(( $(grep -vc '^# ' "$fx/flood_a.txt") + $(grep -vc '^# ' "$fx/flood_b.txt") - $(grep -c '"a"' "$fx/flood.pairs.json") ))
check flood "$rows"

# 2. The seeds 000 / 002 through the library's own splitter and aligner.
"$bin" tests/fixtures/seeds/000_*.txt tests/fixtures/seeds/002_*.txt "$out/report-seeds.html"
rows=$(grep -o '<tr class="row [a-z]*" data-op=' "$out/report-seeds.html" | wc -l)
check seeds "$rows"

exit "$fail"
