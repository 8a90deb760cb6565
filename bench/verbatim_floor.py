#!/usr/bin/env python3
"""Where the verbatim floor of a rewrite (`stet::detect::MIN_REWRITE_VERBATIM`) comes from: the
word-bigram overlap (Dice, lower-cased words) of MSRP train's sentence pairs, for paraphrases and
for the negatives make_cases.py takes as independent reports (label 0, at most 40% shared
5-letter stems, no shared 4-word run); then, drawing k pairs at random, how often a document of k
aligned paraphrase pairs averages below a floor (rewrites lost) and a document of k such
negatives averages at or above it (independent reports kept), the average weighted by words as
stet's verbatim share is.

    python3 bench/verbatim_floor.py [--msrp ../shared/corpora/msrp-train.jsonl] [--floors 0.25,0.3,0.35]
"""
import argparse, json, os, random, re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def bigrams(s):
    w = re.findall(r"\w+", s.lower())
    return {(w[i], w[i + 1]) for i in range(len(w) - 1)}, len(w)


def dice(p):
    (a, la), (b, _) = bigrams(p["s1"]), bigrams(p["s2"])
    return 2 * len(a & b) / max(1, len(a) + len(b)), la


def stems(x):
    return {w[:5] for w in re.findall(r"\w+", x.lower()) if len(w) > 3}


def grams4(x):
    w = re.findall(r"\w+", x.lower())
    return {tuple(w[i:i + 4]) for i in range(len(w) - 3)}


def hard_negative(p):
    s1, s2 = stems(p["s1"]), stems(p["s2"])
    return p["label"] == 0 and len(s1 & s2) / max(1, len(s1 | s2)) <= 0.4 and not grams4(p["s1"]) & grams4(p["s2"])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--msrp", default=os.path.join(ROOT, "../shared/corpora/msrp-train.jsonl"))
    ap.add_argument("--floors", default="0.25,0.3,0.35")
    ap.add_argument("--draws", type=int, default=20000)
    a = ap.parse_args()
    pairs = [json.loads(l) for l in open(a.msrp)]
    pos = [dice(p) for p in pairs if p["label"] == 1]
    neg = [dice(p) for p in pairs if hard_negative(p)]
    for name, xs in (("paraphrases", pos), ("hard negatives", neg)):
        v = sorted(d for d, _ in xs)
        q = lambda f: v[min(len(v) - 1, int(f * len(v)))]
        print(f"{name:15s} {len(v):5d} pairs: bigram overlap p5 {q(0.05):.3f} median {q(0.5):.3f} p95 {q(0.95):.3f}")
    rng = random.Random(1)
    floors = [float(f) for f in a.floors.split(",")]
    print("k pairs  " + "  ".join(f"floor {f}: rewrites lost / independents kept" for f in floors))
    for k in (3, 4, 6, 8):
        def averages(xs):
            out = []
            for _ in range(a.draws):
                ch = rng.sample(xs, k)
                out.append(sum(d * n for d, n in ch) / max(1, sum(n for _, n in ch)))
            return out
        p, n = averages(pos), averages(neg)
        cells = [f"{sum(x < f for x in p) / len(p):.4f} / {sum(x >= f for x in n) / len(n):.4f}" for f in floors]
        print(f"{k:7d}  " + "  ".join(f"{c:>43s}" for c in cells))


if __name__ == "__main__":
    main()
