#!/usr/bin/env python3
"""stet's ingest with detection on against datasketch MinHash LSH detection alone, in one run,
on the same labelled case set (built with ../shared/eval/make_cases.py), with quality scored by
../shared/eval/score.py for both.

    python3 ../shared/eval/make_cases.py --base ../shared/corpora/reuters21578.jsonl \
        --msrp ../shared/corpora/msrp-train.jsonl --seed 11 --n-base 2150 --n-each 150 \
        --out bench/out/cases3k
    python3 bench/detect_vs_datasketch.py --cases bench/out/cases3k [--threshold 0.15 --ngram 3]

(a) `stet add --json` of every file in order.txt, one process, fresh repository, then
    `stet dups --json`; wall and CPU time (user+sys of the child) and peak RSS.
(b) datasketch: read each file, strip front matter / HTML tags / markdown marks crudely, word
    n-gram shingles (default 3), MinHash with 128 permutations (update_batch), MinHashLSH
    (threshold 0.15, datasketch's best of nine settings on eval/dev per shared/README): query
    then insert each document in archive order; candidates whose MinHash Jaccard estimate is
    below the threshold are dropped (--no-verify keeps them). Wall and CPU time (process_time) of all of it,
    file reading included.
Both predictions are scored by score.py (stet's from the same repository, via --pairs for
datasketch). Prints one table and the time ratio.
"""
import argparse, html, json, os, re, resource, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCORE = os.path.join(ROOT, "../shared/eval/score.py")


def load():
    return os.getloadavg()[0]


def run_timed(cmd, **kw):
    """Run cmd; return (CompletedProcess, wall s, cpu s, peak RSS MB) of that child alone."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
    out, err = p.communicate()
    wall = time.perf_counter() - t
    # communicate() has reaped the child; use its rusage via RUSAGE_CHILDREN deltas instead
    return out, err, p.returncode, wall


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime, r.ru_maxrss / 1024


TAG = re.compile(r"<[^>]+>")
SCRIPT = re.compile(r"<(script|style)\b.*?</\1>", re.S | re.I)
FRONT = re.compile(r"\A---\n.*?\n---\n", re.S)
WORD = re.compile(r"\w+")


def crude_text(raw, path):
    if path.endswith(".html") or path.endswith(".htm"):
        raw = html.unescape(TAG.sub(" ", SCRIPT.sub(" ", raw)))
    elif path.endswith(".md"):
        raw = FRONT.sub("", raw)
    return raw.lower()


def datasketch_run(cases, order, ngram, threshold, num_perm, verify):
    from datasketch import MinHash, MinHashLSH  # imported in main() before timing starts
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    sigs, pairs = {}, []
    for i, rel in enumerate(order):
        with open(os.path.join(cases, rel), encoding="utf-8", errors="replace") as f:
            words = WORD.findall(crude_text(f.read(), rel))
        sh = {" ".join(words[j:j + ngram]).encode() for j in range(max(1, len(words) - ngram + 1))}
        m = MinHash(num_perm=num_perm)
        m.update_batch(list(sh))
        for other in lsh.query(m):
            j = m.jaccard(sigs[other])
            if verify and j < threshold:
                continue
            kind = "identical" if j >= 0.999 else "near-duplicate"
            pairs.append({"a": other, "b": rel, "kind": kind, "score": j, "parent": other})
        key = rel
        lsh.insert(key, m)
        sigs[key] = m
    return pairs


def score_summary(text):
    lines = [l for l in text.strip().splitlines() if l.strip()]
    return lines[-1] if lines else "?"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", required=True)
    ap.add_argument("--stet", default=os.path.join(ROOT, "target/release/stet"))
    ap.add_argument("--ngram", type=int, default=3)
    ap.add_argument("--threshold", type=float, default=0.15)
    ap.add_argument("--num-perm", type=int, default=128)
    ap.add_argument("--no-verify", dest="verify", action="store_false",
                    help="keep every LSH candidate (default: drop those whose estimated Jaccard from the "
                         "MinHashes is below the threshold; that setting reproduces shared/README's "
                         "F1 0.897 and 25/50 rewrites on eval/dev)")
    ap.add_argument("--keep", help="keep stet's repository and the prediction files here")
    a = ap.parse_args()
    cases = os.path.abspath(a.cases)
    stet = os.path.abspath(a.stet)
    order = [l.strip() for l in open(os.path.join(cases, "order.txt")) if l.strip()]
    raw = sum(os.path.getsize(os.path.join(cases, p)) for p in order)
    work = os.path.abspath(a.keep or tempfile.mkdtemp(prefix="stet-bench-"))
    os.makedirs(work, exist_ok=True)
    repo = os.path.join(work, "repo")
    subprocess.run(["rm", "-rf", repo], check=True)
    env = dict(os.environ, NO_COLOR="1")

    print(f"cases {cases}: {len(order)} files, {raw / 1e6:.1f} MB; {os.cpu_count()} cores")
    rows = []
    # (a) stet: one add of all files in order, then dups
    l0 = load()
    c0, _ = children_cpu()
    out, err, rc, wall = run_timed([stet, "--repo", repo, "add", "--json", *order], cwd=cases, env=env)
    c1, rss = children_cpu()
    if rc not in (0, 3):
        sys.exit(f"stet add failed {rc}: {err[-2000:]}")
    path_id = {}
    for line in out.splitlines():
        o = json.loads(line)
        if o.get("id"):
            path_id[os.path.normpath(o["input"])] = o["id"]
    out2, err2, rc2, wall2 = run_timed([stet, "--repo", repo, "dups", "--json"], cwd=cases, env=env)
    c2, _ = children_cpu()
    rows.append(("stet add (detection on)", wall, c1 - c0, l0, rss))
    rows.append(("stet dups --json", wall2, c2 - c1, load(), None))
    id_path = {}
    for p, i in path_id.items():
        id_path.setdefault(i, p)
    stet_pairs = []
    for line in out2.splitlines():
        o = json.loads(line)
        stet_pairs.append({"a": id_path.get(o["a"], o["a"]), "b": id_path.get(o["b"], o["b"]),
                           "kind": o["kind"], "parent": id_path.get(o.get("parent")) if o.get("parent") else None})
    # identical inputs share one id: their pairs are reported as identical captures
    by_id = {}
    for p, i in path_id.items():
        by_id.setdefault(i, []).append(p)
    for i, ps in by_id.items():
        for x in ps[1:]:
            stet_pairs.append({"a": ps[0], "b": x, "kind": "identical", "parent": ps[0]})
    stet_file = os.path.join(work, "stet-pairs.jsonl")
    with open(stet_file, "w") as f:
        f.writelines(json.dumps(p) + "\n" for p in stet_pairs)

    # (b) datasketch, detection alone (its import, ~0.3-1 s, is not timed)
    import datasketch  # noqa: F401
    l0 = load()
    t, c = time.perf_counter(), time.process_time()
    ds_pairs = datasketch_run(cases, order, a.ngram, a.threshold, a.num_perm, a.verify)
    wall_ds, cpu_ds = time.perf_counter() - t, time.process_time() - c
    rss_ds = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows.append((f"datasketch LSH {a.ngram}-gram t={a.threshold}{'' if a.verify else ' no-verify'}", wall_ds, cpu_ds, l0, rss_ds))
    ds_file = os.path.join(work, "datasketch-pairs.jsonl")
    with open(ds_file, "w") as f:
        f.writelines(json.dumps(p) + "\n" for p in ds_pairs)

    # quality: stet scored through its own path (score.py --stet re-runs it; here we score
    # the pairs of this very run with --pairs, the same scorer)
    scores = {}
    for name, fn in (("stet", stet_file), ("datasketch", ds_file)):
        p = subprocess.run([sys.executable, SCORE, "--cases", cases, "--pairs", fn], capture_output=True, text=True)
        scores[name] = p.stdout
        print(f"--- score.py --pairs ({name})\n{p.stdout.strip()}")

    n = len(order)
    print(f"\n{'run':34s} {'wall s':>8s} {'cpu s':>8s} {'files/s':>8s} {'files/cpu-s':>11s} {'load1':>6s} {'peakRSS MB':>10s}")
    for name, w, cpu, ld, r in rows:
        print(f"{name:34s} {w:8.2f} {cpu:8.2f} {n / w:8.1f} {n / cpu:11.1f} {ld:6.2f} {'' if r is None else f'{r:10.0f}'}")
    st, ds = rows[0], rows[2]
    print(f"ratio datasketch/stet: wall {ds[1] / st[1]:.2f}x, cpu {ds[2] / st[2]:.2f}x  (>1 means stet faster; goal 20x)")
    print(f"stet       : {score_summary(scores['stet'])}")
    print(f"datasketch : {score_summary(scores['datasketch'])}")
    print(f"work dir: {work}")


if __name__ == "__main__":
    main()
