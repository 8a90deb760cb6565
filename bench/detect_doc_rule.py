#!/usr/bin/env python3
"""Explores document-level decision rules on figures dumped by examples/detect_eval.rs.

For each sentence-similarity threshold t, a candidate pair is related when at least N sentence
pairs reach t and the better-covered side has at least C of its words in those pairs. Prints,
per rule, recall of labelled pairs, independent pairs flagged, unlabelled pairs flagged.

    python3 bench/detect_doc_rule.py FIGURES.jsonl [FIGURES.jsonl ...]
"""
import json, sys, collections

def load(paths):
    rows = []
    for p in paths:
        for l in open(p):
            d = json.loads(l)
            d["set"] = p
            rows.append(d)
    return rows

def figures(d, t):
    ps = [p for p in d["pairs"] if p[0] >= t]
    wo, wn = max(1, d["words"][0]), max(1, d["words"][1])
    cn = sum(p[1] for p in ps) / wn
    co = sum(p[2] for p in ps) / wo
    wcn = sum(p[0] * p[1] for p in ps) / wn
    wco = sum(p[0] * p[2] for p in ps) / wo
    return len(ps), cn, co, wcn, wco

def main():
    rows = load(sys.argv[1:])
    pos = [d for d in rows if d["label"] and d["label"] not in ("independent",) and not d["label"].startswith("weak")]
    ind = [d for d in rows if d["label"] == "independent"]
    unl = [d for d in rows if d["label"] is None]
    print(f"positives {len(pos)} independent {len(ind)} unlabelled {len(unl)}")
    for t in (0.35, 0.4, 0.45, 0.5, 0.55, 0.6):
        for n_min in (2, 3, 4):
            for c in (0.2, 0.25, 0.3, 0.35, 0.4):
                def rel(d):
                    n, cn, co, wcn, wco = figures(d, t)
                    return n >= n_min and max(cn, co) >= c
                tp = sum(map(rel, pos)); fi = sum(map(rel, ind)); fu = sum(map(rel, unl))
                miss = collections.Counter(d["label"] for d in pos if not rel(d))
                print(f"t={t:.2f} n>={n_min} cov>={c:.2f}: recall {tp}/{len(pos)} indep {fi} unlabelled {fu} missed {dict(miss)}")

if __name__ == "__main__":
    main()
