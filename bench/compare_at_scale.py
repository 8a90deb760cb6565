#!/usr/bin/env python3
"""stet against `tar | zstd -3`, git and datasketch at growing N, in one run, on the same files.

    python3 bench/compare_at_scale.py --sizes 3000,30000,300000 [--stet target/release/stet]
                                      [--out /tmp/cmp-scale] [--gc]

For each N, N plain-text articles are written to OUT/N/files: the real articles of
reuters21578.jsonl and bbc.jsonl (40+ words) and, past their 18,854, vocabulary- and
number-permuted copies of them (bench/scale.py's generator with --numbers), shuffled with
scale.py's seed, so that every N has the same mix. Then, one after the other on those files:

- `stet add -q FILES` into a fresh repository (detection on): wall, CPU (user + sys), peak RSS,
  repository size (du); then the median of 5 runs of `stet dups ID` and `stet diff A B` on two
  archived articles;
- `tar -cf - FILES | zstd -q -3 -T1`: wall, CPU, size;
- `git init && git add -A && git commit`: wall, CPU, size of .git (du); with --gc, then
  `git gc --aggressive` (timed apart; slow at 300k). Automatic gc is off (`gc.auto 0`): from
  ~6,700 loose objects `git commit` starts one in the background, which would overlap the
  measurements that follow;
- datasketch MinHash LSH, detection alone (word 3-gram shingles, 128 permutations, threshold
  0.15: its best setting on eval/dev), one document at a time, query then insert, as in
  bench/detect_vs_datasketch.py, in a child process: the time of the loop over the files
  (reading included; interpreter start and import excluded) and the child's peak RSS.

Prints one table per N and the ratios stet / other (time: lower is better for stet).
Peak RSS comes from /usr/bin/time -f %M of each child.
"""
import argparse, json, os, random, statistics, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import du, run_once  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def timed(cmd, ok=(0,), **kw):
    """Wall s, CPU s (user + sys of the child and its children), peak RSS MB and stdout of one
    command; stops the benchmark when it exits with a code not in `ok`."""
    with tempfile.NamedTemporaryFile("r") as tf:
        t = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-o", tf.name, "-f", "%U %S %M"] + cmd,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
        wall = time.perf_counter() - t
        last = tf.read().strip().splitlines()[-1].split()
    if p.returncode not in ok:
        sys.exit(f"{' '.join(cmd[:4])} exited {p.returncode}: {p.stderr[-800:]}")
    return wall, float(last[0]) + float(last[1]), int(last[2]) / 1024, p.stdout


def write_files(n, d):
    """Writes the first n articles of scale.py's shuffled pool to d; returns their total bytes."""
    import scale  # noqa: E402  (bench/scale.py: the same articles and copies)
    done = os.path.join(d, ".complete")
    if os.path.exists(done):
        return int(open(done).read())
    subprocess.run(["rm", "-rf", d], check=True)
    os.makedirs(d)
    real = list(scale.articles([]))
    k = max(0, -(-n // len(real)) - 1)
    pool = scale.Synthetic(real, k, numbers=True)
    order = list(range(len(pool)))
    random.Random(7).shuffle(order)
    total = 0
    for i, idx in enumerate(order[:n]):
        body = pool[idx].encode()
        total += len(body)
        with open(os.path.join(d, f"{i:07d}.txt"), "wb") as f:
            f.write(body)
    with open(done, "w") as f:
        f.write(str(total))
    return total


def datasketch_child(files):
    """Runs in a child process: bench/detect_vs_datasketch.py's LSH detection (3-grams, threshold
    0.15, 128 permutations, verified) over the files; prints {"wall", "cpu", "pairs"}."""
    from detect_vs_datasketch import datasketch_run  # noqa: E402
    import datasketch  # noqa: F401  (imported before timing starts)
    names = sorted(f for f in os.listdir(files) if f.endswith(".txt"))
    t, c = time.perf_counter(), time.process_time()
    pairs = datasketch_run(files, names, 3, 0.15, 128, True)
    print(json.dumps({"wall": time.perf_counter() - t, "cpu": time.process_time() - c, "pairs": len(pairs)}))


def one_size(n, a, stet):
    base = os.path.join(a.out, str(n))
    files = os.path.join(base, "files")
    raw = write_files(n, files)
    rows = {}
    repo = os.path.join(base, "repo")
    subprocess.run(["rm", "-rf", repo], check=True)
    # Exit 3: some inputs were refused (a generated copy can be left without article text); the
    # count is printed with the table.
    w, c, rss, _ = timed([stet, "--repo", repo, "add", "-q", files], ok=(0, 3))
    rows["stet add"] = (w, c, rss, du(repo))
    stats = json.loads(subprocess.run([stet, "--repo", repo, "stats", "--json"], capture_output=True, text=True,
                                      check=True).stdout)
    ids = [json.loads(l)["id"] for l in subprocess.run([stet, "--repo", repo, "log", "-n", "2", "--json"],
                                                       capture_output=True, text=True, check=True).stdout.splitlines()]
    dups_ms = statistics.median(run_once([stet, "--repo", repo, "dups", ids[0]], ok=(0, 1))[0] for _ in range(5)) * 1e3
    diff_ms = statistics.median(run_once([stet, "--repo", repo, "diff", ids[0], ids[1]])[0] for _ in range(5)) * 1e3
    tz = os.path.join(base, "files.tar.zst")
    w, c, rss, _ = timed(["sh", "-c", f'tar -C "{base}" -cf - files | zstd -q -3 -T1 -f -o "{tz}"'])
    rows["tar | zstd -3"] = (w, c, rss, os.path.getsize(tz))
    g = os.path.join(base, "git")
    subprocess.run(["rm", "-rf", g], check=True)
    os.makedirs(g)
    env = dict(os.environ, GIT_AUTHOR_NAME="b", GIT_AUTHOR_EMAIL="b@b", GIT_COMMITTER_NAME="b",
               GIT_COMMITTER_EMAIL="b@b")
    w, c, rss, _ = timed(["sh", "-c", f'git init -q && git config gc.auto 0 && git --work-tree="{files}" add -A && git commit -qm x'],
                         cwd=g, env=env)
    rows["git add+commit"] = (w, c, rss, du(os.path.join(g, ".git")))
    if a.gc:
        w, c, rss, _ = timed(["git", "gc", "-q", "--aggressive"], cwd=g, env=env)
        rows["git gc --aggressive"] = (w, c, rss, du(os.path.join(g, ".git")))
    _, _, rss, out = timed([sys.executable, os.path.abspath(__file__), "--datasketch-child", files])
    d = json.loads(out)
    rows["datasketch LSH"] = (d["wall"], d["cpu"], rss, None)
    subprocess.run(["rm", "-rf", g, tz], check=True)
    print(f"\nN = {n}: {raw / 1e6:.1f} MB of text, {os.cpu_count()} cores, load1 {os.getloadavg()[0]:.2f}")
    print(f"{'tool':22s} {'wall s':>8s} {'cpu s':>8s} {'files/s':>8s} {'MB/s':>6s} {'peak MB':>8s} {'bytes':>12s}")
    for name, (w, c, rss, size) in rows.items():
        print(f"{name:22s} {w:8.2f} {c:8.2f} {n / w:8.0f} {raw / 1e6 / w:6.2f} {rss:8.0f} {size if size else '-':>12}")
    s = rows["stet add"]
    print(f"stet: {stats.get('articles')} articles, {stats.get('relations')} relations; "
          f"`dups ID` {dups_ms:.1f} ms, `diff A B` {diff_ms:.1f} ms (medians of 5)")
    for name in rows:
        if name == "stet add":
            continue
        o = rows[name]
        size = f", size {s[3] / o[3]:.2f}x" if o[3] else ""
        print(f"stet / {name}: time {s[0] / o[0]:.2f}x wall, {s[1] / max(o[1], 1e-3):.2f}x cpu{size}")


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--datasketch-child":
        return datasketch_child(sys.argv[2])
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="3000,30000")
    ap.add_argument("--stet", default=os.path.join(ROOT, "target/release/stet"))
    ap.add_argument("--out", default=os.path.join(ROOT, "bench/out/compare"))
    ap.add_argument("--gc", action="store_true", help="also time git gc --aggressive")
    a = ap.parse_args()
    import datasketch  # noqa: F401  (fail before any work when it is missing: pip install datasketch)
    stet = os.path.abspath(a.stet)
    for n in (int(x) for x in a.sizes.split(",")):
        one_size(n, a, stet)


if __name__ == "__main__":
    main()
