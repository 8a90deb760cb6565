#!/usr/bin/env python3
"""Repository size after one `stet add` of each folder, for builds side by side.

    python3 bench/repo_size.py --stet OLD --stet NEW bench/out/cases3k/docs ../shared/eval/dev/docs

For each folder and build: `stet add -q FOLDER` into a new repository, then the bytes of disk
its files take (benchlib.du: allocated blocks, as bench/ingest.py counts them), and whether
`stet dups --json` is byte-identical to the first build's.
"""
import argparse
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import du  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--stet", action="append", required=True, help="a stet binary (repeat to compare)")
    ap.add_argument("folders", nargs="+")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as work:
        for folder in a.folders:
            first = None
            for i, stet in enumerate(a.stet):
                repo = os.path.join(work, f"r{i}")
                subprocess.run([stet, "--repo", repo, "add", "-q", folder], check=True)
                dups = subprocess.run([stet, "--repo", repo, "dups", "--json"], capture_output=True).stdout
                first = dups if first is None else first
                same = "identical" if dups == first else "DIFFERENT"
                print(f"{folder}\t{stet}\t{du(repo)} B\tdups --json {same}", flush=True)
                subprocess.run(["rm", "-rf", repo], check=True)


if __name__ == "__main__":
    main()
