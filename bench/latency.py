#!/usr/bin/env python3
"""Latency and peak RSS of `stet dups ID`, `stet diff A B` and `stet show ID` on an existing
repository, for one or more stet builds side by side (runs interleaved, so load hits all alike).

    python3 bench/latency.py --repo /tmp/scale/repo [--runs 15] [--id ID] STET [STET ...]

Without --id, the pair is the first related pair among the newest 500 articles (`stet log -n
500 --json`, then `stet dups ID --json` on each until one has a pair), else the two newest
articles. Each command runs --runs times per build; the median and minimum wall time and the
largest peak RSS are printed. The commands only read, but a build may upgrade the repository's
format marker when it opens it (then older builds refuse it: the script stops with their error).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import run_once  # noqa: E402


def pick_pair(stet, repo):
    out = subprocess.run([stet, "--repo", repo, "log", "-n", "500", "--json"], capture_output=True, text=True, check=True).stdout
    ids = [json.loads(l)["id"] for l in out.splitlines() if l.strip()]
    if len(ids) < 2:
        sys.exit("the repository holds fewer than two articles")
    for x in ids:
        p = subprocess.run([stet, "--repo", repo, "dups", x, "--json"], capture_output=True, text=True)
        for line in p.stdout.splitlines():
            r = json.loads(line)
            return x, (r["b"] if r["a"] == x else r["a"])
    return ids[0], ids[1]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repo", required=True)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--id", help="article for dups/show (its first related article is diffed against it)")
    ap.add_argument("stet", nargs="+")
    a = ap.parse_args()
    if a.id:
        p = subprocess.run([a.stet[0], "--repo", a.repo, "dups", a.id, "--json"], capture_output=True, text=True)
        lines = [json.loads(l) for l in p.stdout.splitlines() if l.strip()]
        other = (lines[0]["b"] if lines[0]["a"] == a.id else lines[0]["a"]) if lines else a.id
        x, y = a.id, other
    else:
        x, y = pick_pair(a.stet[0], a.repo)
    print(f"repository {a.repo}; dups/show {x[:12]}, diff {x[:12]} {y[:12]}; {a.runs} runs; load1 {os.getloadavg()[0]:.2f}")
    # `dups` exits 1 when the article has no related pair, like grep.
    cmds = {"dups ID": (["dups", x], (0, 1)), "diff A B": (["diff", x, y], (0,)), "show ID": (["show", x], (0,))}
    results = {(s, c): [] for s in a.stet for c in cmds}
    for _ in range(a.runs):
        for c, (args, ok) in cmds.items():
            for s in a.stet:
                results[(s, c)].append(run_once([s, "--repo", a.repo, *args], ok))
    print(f"{'build':30s} {'command':9s} {'median ms':>9s} {'min ms':>7s} {'RSS MB':>7s}")
    for s in a.stet:
        for c in cmds:
            ws = [w for w, _ in results[(s, c)]]
            rss = max(r for _, r in results[(s, c)])
            print(f"{s[-30:]:30s} {c:9s} {1000 * statistics.median(ws):9.1f} {1000 * min(ws):7.1f} {rss / 1024:7.0f}")


if __name__ == "__main__":
    main()
