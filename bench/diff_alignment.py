#!/usr/bin/env python3
"""How much of a labelled pair `stet diff` aligns: for rewrites (sentences paraphrased by people,
MSRP) the share of each side's sentences in aligned pairs should be high; for independent
reports of the same events (hard negatives) the aligned pairs are false pairings and should be
few. Runs on a case set built by ../shared/eval/make_cases.py (labels.jsonl, docs/).

    python3 bench/diff_alignment.py --stet target/release/stet --cases ../shared/eval/dev

Archives the set into a fresh repository, then runs `stet diff --json` on every labelled pair of
the kinds asked for and prints, per kind, the mean share of sentences aligned on each side and
the mean number of aligned pairs.
"""
import argparse, json, os, subprocess, sys, tempfile
from collections import defaultdict


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--stet", default="target/release/stet")
    ap.add_argument("--cases", required=True)
    ap.add_argument("--kinds", default="rewrite,independent")
    a = ap.parse_args()
    stet = os.path.abspath(a.stet)
    kinds = set(a.kinds.split(","))
    labels = [json.loads(l) for l in open(os.path.join(a.cases, "labels.jsonl"))]
    labels = [l for l in labels if l["kind"] in kinds]
    order = [l.strip() for l in open(os.path.join(a.cases, "order.txt")) if l.strip()]
    repo = tempfile.mkdtemp(prefix="stet-diffalign-")
    out = subprocess.run([stet, "--repo", repo, "add", "--json"] + order, cwd=a.cases, capture_output=True, text=True)
    ids = {}
    for line in out.stdout.splitlines():
        o = json.loads(line)
        if o.get("id"):
            ids[o["input"]] = o["id"]
    acc = defaultdict(lambda: [0, 0.0, 0.0, 0])
    for l in labels:
        ia, ib = ids.get(l["a"]), ids.get(l["b"])
        if not ia or not ib or ia == ib:
            continue
        d = json.loads(subprocess.run([stet, "--repo", repo, "diff", "--json", ia, ib], capture_output=True, text=True).stdout)
        s = d["summary"]
        aligned = s["same"] + s["edited"] + s["moved"]
        k = acc[l["kind"]]
        k[0] += 1
        k[1] += s["coverage_a_sentences"]
        k[2] += s["coverage_b_sentences"]
        k[3] += aligned
    print(f"{'kind':<12} {'pairs':>5} {'aligned a':>10} {'aligned b':>10} {'pairs aligned':>14}")
    for kind, (n, ca, cb, p) in sorted(acc.items()):
        print(f"{kind:<12} {n:>5} {ca / n:>10.3f} {cb / n:>10.3f} {p / n:>14.2f}")


if __name__ == "__main__":
    sys.exit(main())
