#!/usr/bin/env python3
"""What a repository that reads each article back on its own could weigh, against `tar | zstd -19`.

    python3 bench/solid_floor.py --stet target/release/stet bench/out/cases3k/docs ../shared/eval/dev/docs

For each folder, in one run:
- `tar -cf - FOLDER | zstd -19`: every file in one stream (zstd -19's 8 MB window holds all of
  a 7 MB set, so every copy is compressed against its original, wherever it is);
- the same files, in `stet add`'s order (sorted paths), cut into solid runs of 32 KB to 2 MB and
  each run compressed alone at level 19: what an archive pays once reading one article back may
  decode at most one run;
- `stet add -q FOLDER` into a new repository: its size on disk and, from
  `examples/repo_sizes` (built with `cargo build --release --example repo_sizes`), the stored
  bytes of the raw inputs and of everything that is not a blob (records, index, log, relations,
  urls, learned lines).
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import du  # noqa: E402

RUNS = [32 << 10, 128 << 10, 512 << 10, 2 << 20]


def zstd19(data):
    return len(subprocess.run(["zstd", "-19", "-q", "-c"], input=data, capture_output=True, check=True).stdout)


def files_in_order(folder):
    out = []
    for dp, _, fs in os.walk(folder):
        out += [os.path.join(dp, f) for f in fs]
    return sorted(out)


def solid_runs(paths, run_bytes):
    total, cur = 0, bytearray()
    for p in paths:
        with open(p, "rb") as f:
            b = f.read()
        if cur and len(cur) + len(b) > run_bytes:
            total += zstd19(bytes(cur))
            cur = bytearray()
        cur += b
    return total + (zstd19(bytes(cur)) if cur else 0)


def stet_parts(stet, folder, work):
    repo = os.path.join(work, "repo")
    subprocess.run([stet, "--repo", repo, "add", "-q", folder], check=True)
    sizes = os.path.join(os.path.dirname(stet), "examples", "repo_sizes")
    out = subprocess.run([sizes, repo], capture_output=True, text=True, check=True).stdout
    raw = sum(int(m) for m in re.findall(r"^blobs raw vs \w+ +\d+ blobs +\d+ raw bytes +(\d+) stored", out, re.M))
    meta = sum(int(m.group(2)) for m in re.finditer(r"^packed (\S+) .* (\d+) stored bytes", out, re.M) if m.group(1) != "blobs")
    size = du(repo)
    subprocess.run(["rm", "-rf", repo], check=True)
    return size, raw, meta


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--stet", required=True)
    ap.add_argument("folders", nargs="+")
    a = ap.parse_args()
    for folder in a.folders:
        paths = files_in_order(folder)
        raw = sum(os.path.getsize(p) for p in paths)
        tar = subprocess.run(["tar", "-cf", "-", "-C", folder, "."], capture_output=True, check=True).stdout
        whole = zstd19(tar)
        print(f"{folder}: {len(paths)} files, {raw:,} B")
        print(f"  tar | zstd -19                      {whole:>10,} B  1.00x")
        for r in RUNS:
            s = solid_runs(paths, r)
            print(f"  inputs in solid runs of {r >> 10:>5} KB    {s:>10,} B  {s / whole:.2f}x")
        with tempfile.TemporaryDirectory() as work:
            size, inputs, meta = stet_parts(a.stet, folder, work)
        print(f"  stet repository (du)                {size:>10,} B  {size / whole:.2f}x")
        print(f"    raw inputs stored                 {inputs:>10,} B  {inputs / whole:.2f}x")
        print(f"    records, index, log, relations... {meta:>10,} B  {meta / whole:.2f}x", flush=True)


if __name__ == "__main__":
    main()
