#!/usr/bin/env python3
"""Writes N synthetic articles that no `bench/scale.py --synthetic K` run has archived: the
vocabulary-permuted copies numbered K+1 onwards (scale.py's module doc says how copies are made),
shuffled with a fixed seed. Used to time one big `stet add` into an archive scale.py built.

    python3 bench/fresh_batch.py --after 53 --n 100000 --out /tmp/fresh100k
"""
import argparse, os, random, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from scale import Synthetic, articles, write_chunk  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--after", type=int, required=True, metavar="K", help="the --synthetic K of the archive")
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--numbers", action="store_true", help="as scale.py --numbers (pass it when the archive was built with it)")
    a = ap.parse_args()
    real = list(articles([]))
    copies = -(-a.n // len(real))
    pool = Synthetic(real, a.after + copies, a.numbers)
    order = list(range((a.after + 1) * len(real), len(pool)))
    random.Random(11).shuffle(order)
    n = write_chunk((pool[j] for j in order[: a.n]), a.out, a.n)
    print(f"{n} articles in {a.out} (copies {a.after + 1}..{a.after + copies})")


if __name__ == "__main__":
    main()
