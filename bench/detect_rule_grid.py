#!/usr/bin/env python3
"""Grid over the rewrite rule on figures dumped by examples/detect_eval.rs (several case sets).

A pair is related when it has >= 3 substantive pairs at sim >= 0.6 and coverage >= 0.25 of the
better-covered side; pairs that are not verbatim copies must also reach evidence E (sum over
aligned pairs of logit(sim) - logit(0.67), the MSRP prior) and a coverage of the less-covered
side, unless they align at least N_MANY sentences. Prints per-set recall / false positives.

    python3 bench/detect_rule_grid.py seeds.fig.jsonl dev.fig.jsonl ...
"""
import json, math, sys, itertools

def feats(d, t=0.6):
    ps = [p for p in d["pairs"] if p[0] >= t and min(p[1], p[2]) >= 4]
    allps = [p for p in d["pairs"] if p[0] >= t]
    wo, wn = max(1, d["words"][0]), max(1, d["words"][1])
    cn = sum(p[1] for p in allps) / wn
    co = sum(p[2] for p in allps) / wo
    vw = sum(p[1] for p in allps if p[3]) / max(1, sum(p[1] for p in allps))
    lg = lambda s: math.log(max(s, 1e-6) / max(1 - s, 1e-6)) - math.log(0.67 / 0.33)
    return dict(n=len(ps), cov=max(cn, co), mincov=min(cn, co), E=sum(lg(p[0]) for p in ps), verb=vw)

def main():
    sets = {p: [(json.loads(l)) for l in open(p)] for p in sys.argv[1:]}
    pre = {p: [(d["label"], feats(d)) for d in rows] for p, rows in sets.items()}
    for e_min, mc, many in itertools.product((None, 0.0, 0.5, 1.0, 1.5), (0.0, 0.15, 0.2), (5, 6, 8, 99)):
        def rel(f):
            if f["n"] < 3 or f["cov"] < 0.25:
                return False
            if f["verb"] >= 0.6:
                return True
            if f["n"] >= many:
                return True
            return (e_min is None or f["E"] >= e_min) and f["mincov"] >= mc
        out = []
        for p, rows in pre.items():
            pos = [f for l, f in rows if l and l != "independent" and not l.startswith("weak")]
            neg = [f for l, f in rows if l is None or l == "independent"]
            tp = sum(map(rel, pos)); fp = sum(map(rel, neg))
            out.append(f"{p.split('/')[-1].split('.')[0]} {tp}/{len(pos)} fp {fp}")
        print(f"E>={e_min} mincov>={mc} many>={many}: " + " | ".join(out))

if __name__ == "__main__":
    main()
