#!/usr/bin/env python3
"""`stet diff` of two big near-copies, for builds side by side: time and peak memory by size.

    python3 bench/diff_large.py --stet OLD --stet NEW --mb 1,3,6,20 [--timeout 120]

For each size: a text of random-word sentences (10-20 lowercase words, five sentences a
paragraph, seeded), and a copy with every 50th sentence's words reversed. Each build archives
both into a new repository (`stet add`), then `stet diff A B` is timed (wall, peak RSS) and its
output after the two title lines hashed, so that builds can be checked to print the same diff. A run past
--timeout seconds is stopped and reported as such.
"""
import argparse
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile
import time


def texts(mb, seed=7):
    rng = random.Random(seed)
    vocab = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 9))) for _ in range(20000)]
    sentences = []
    size = 0
    while size < mb * 1_000_000:
        s = [rng.choice(vocab) for _ in range(rng.randint(10, 20))]
        sentences.append(s)
        size += sum(len(w) + 1 for w in s)

    def render(ss):
        paras = [" ".join(" ".join(w).capitalize() + "." for w in ss[i:i + 5]) for i in range(0, len(ss), 5)]
        return "\n\n".join(paras) + "\n"

    b = [list(reversed(s)) if i % 50 == 49 else s for i, s in enumerate(sentences)]
    return render(sentences), render(b)


def run(stet, repo, args, timeout):
    """Wall seconds, peak RSS in KB and stdout of one run (None, None, None past `timeout`)."""
    t = time.perf_counter()
    p = subprocess.Popen([stet, "--repo", repo, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
        return None, None, None
    wall = time.perf_counter() - t
    if p.returncode != 0:
        sys.exit(f"{stet} {' '.join(args)} exited {p.returncode}: {err.decode(errors='replace')[:300]}")
    return wall, None, out


def run_measured(stet, repo, args, timeout):
    """Like `run`, with the peak RSS of the child from wait4."""
    t = time.perf_counter()
    p = subprocess.Popen([stet, "--repo", repo, *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    chunks = []
    deadline = time.monotonic() + timeout
    os.set_blocking(p.stdout.fileno(), True)
    import threading
    reader = threading.Thread(target=lambda: chunks.append(p.stdout.read()))
    reader.start()
    while True:
        pid, status, ru = os.wait4(p.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            p.kill()
            os.wait4(p.pid, 0)
            reader.join()
            return None, None, None
        time.sleep(0.01)
    wall = time.perf_counter() - t
    reader.join()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{stet} {' '.join(args)} failed")
    return wall, ru.ru_maxrss, b"".join(chunks)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--stet", action="append", required=True)
    ap.add_argument("--mb", default="1,3,6")
    ap.add_argument("--timeout", type=float, default=120)
    a = ap.parse_args()
    print(f"load1 {os.getloadavg()[0]:.2f}")
    print("MB  build  diff wall s  peak RSS MB  output")
    with tempfile.TemporaryDirectory() as work:
        for mb in [float(m) for m in a.mb.split(",")]:
            ta, tb = texts(mb)
            pa, pb = os.path.join(work, "a.txt"), os.path.join(work, "b.txt")
            open(pa, "w").write(ta)
            open(pb, "w").write(tb)
            for stet in a.stet:
                repo = os.path.join(work, "repo")
                subprocess.run(["rm", "-rf", repo], check=True)
                _, _, out = run(stet, repo, ["add", "--json", "--max-size", str(64 << 20), pa, pb], None)
                ids = [json.loads(l)["id"] for l in out.decode().splitlines()]
                wall, rss, out = run_measured(stet, repo, ["diff", ids[0], ids[1]], a.timeout)
                if wall is None:
                    print(f"{mb:g}  {stet}  > {a.timeout:g} (stopped)", flush=True)
                    continue
                # The first two lines name the two articles (how an untitled one is labelled
                # differs between builds); the hash covers the diff itself.
                body = b"\n".join(out.split(b"\n")[2:])
                print(f"{mb:g}  {stet}  {wall:.2f}  {rss / 1024:.0f}  {hashlib.blake2b(body, digest_size=6).hexdigest()}", flush=True)


if __name__ == "__main__":
    main()
