#!/usr/bin/env bash
# Checks that `stet lineage --dot` output is accepted by Graphviz: builds a repository with a
# family of url versions (a branch, an article with two parents, a chain longer than the depth
# limit) whose titles carry everything DOT must escape (quotes, backslashes, a trailing
# backslash, braces, angle brackets, `\N`, a line break, non-ASCII), plus the seed articles,
# then pipes the lineage of every article (whole, and with --depth 1) into `dot -Tsvg` and
# fails if dot rejects one or draws a different number of nodes or edges than the DOT names.
# Needs Debian's graphviz (apt-get install -y graphviz).
#
# Usage: scripts/lineage_dot_check.sh [OUTDIR]   (default: target/lineage-dot-check)
# Leaves one SVG per article in OUTDIR to look at.
set -euo pipefail

cd "$(dirname "$0")/.."
out="${1:-target/lineage-dot-check}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

if ! command -v dot >/dev/null; then
    echo "lineage_dot_check: dot not found (apt-get install -y graphviz)" >&2
    exit 2
fi

cargo build --quiet --bin stet
stet="$(pwd)/target/debug/stet"
repo="$(mktemp -d)"
trap 'rm -rf "$repo"' EXIT
export STET_REPO="$repo" NO_COLOR=1 STET_NOW=2026-01-02T03:04:05Z

add() { # url title published text [suffix]
    printf '%s%s' "$4" "${5:-}" | "$stet" add -q - --url "$1" --title "$2" --published "$3" --source 'Wire "A" \ B' >/dev/null
}
u1=https://news.example/story u2=https://mirror.example/story u3=https://chain.example/x
add $u1 'Plain title' 2026-01-01 'Volcanic ash closed the northern airport. Pilots reported poor visibility.'
add $u1 'Quotes "inside" and a trailing backslash \' 2026-01-02 'The chess federation elected a president. Forty clubs voted.'
add $u2 'again' 2026-01-02 'The chess federation elected a president. Forty clubs voted.' $'\n\n'
add $u2 'Braces {x} <b>bold</b> | pipes; semi; \N \G \l' 2026-01-03 'Orchard owners expect a record harvest. Prices fell.'
add $u1 $'Line\nbreak and ünïcödé — “curly” ‘quotes’' 2026-01-04 'A ferry line will link the islands. Tickets go on sale soon.'
add $u2 'again' 2026-01-04 'A ferry line will link the islands. Tickets go on sale soon.' $'\n\n'
add $u2 '# hash & ampersand; -> arrow; digraph { }' 2025-12-31 'The museum reopened its textile gallery. Visitors queued.'
for i in 1 2 3 4 5 6; do
    add $u3 "Chain $i" "2026-02-0$i" "Chain article number $i reports on topic $i. It has a second sentence $i."
done
"$stet" add -q tests/fixtures/seeds >/dev/null

fail=0 checked=0
for id in $("$stet" log --json | sed -n 's/.*"id":"\([0-9a-f]*\)".*/\1/p'); do
    for depth in "" 1; do
        name="${id:0:12}${depth:+-depth$depth}"
        "$stet" lineage --dot ${depth:+--depth $depth} "$id" >"$out/$name.dot"
        if ! dot -Tsvg "$out/$name.dot" -o "$out/$name.svg" 2>"$out/$name.err"; then
            echo "FAIL $name: dot rejected the output:"; cat "$out/$name.err"; fail=1; continue
        fi
        want_nodes=$(grep -c '^  "[0-9a-f]*" \[label=' "$out/$name.dot" || true)
        want_edges=$(grep -c '^  "[0-9a-f]*" -> "[0-9a-f]*" ' "$out/$name.dot" || true)
        got_nodes=$(grep -c 'class="node"' "$out/$name.svg" || true)
        got_edges=$(grep -c 'class="edge"' "$out/$name.svg" || true)
        if [ "$want_nodes" != "$got_nodes" ] || [ "$want_edges" != "$got_edges" ]; then
            echo "FAIL $name: dot drew $got_nodes nodes / $got_edges edges, the DOT names $want_nodes / $want_edges"; fail=1
        fi
        checked=$((checked + 1))
    done
done
# The escaped titles reach the drawing intact.
grep -rqF 'Quotes &quot;inside&quot; and a trailing backslash \' "$out"/*.svg || { echo "FAIL: quoted title not drawn as given"; fail=1; }
grep -rqF 'Braces {x} &lt;b&gt;bold&lt;/b&gt; | pipes; semi; \N \G \l' "$out"/*.svg || { echo "FAIL: braces/backslash title not drawn as given"; fail=1; }

if [ "$fail" = 0 ]; then
    echo "lineage_dot_check: ok ($checked graphs rendered by $(dot -V 2>&1 | head -1)); SVGs in $out"
fi
exit "$fail"
