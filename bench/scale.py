#!/usr/bin/env python3
"""Per-article ingest time as the archive grows, plus repository size on disk and the latency of
`stet dups ID` and `stet diff A B` at each size.

    python3 bench/scale.py [--sizes 1000,3000,10000,18000] [--probe 500] [--out bench/out/scale]

Articles: reuters21578.jsonl and bbc.jsonl (items with >= 40 words; natural duplicates kept),
shuffled with a fixed seed, written as plain-text files (title, blank line, text). For each target size N the archive is
filled up to N - probe articles (one `stet add DIR`, timed; with --fill-chunk M one per M
articles, each chunk's time printed as it ends), then `probe` more articles are added in one
`stet add --json DIR` (timed): the probe's time per article is the per-article cost at ~N
archived articles. With --resume, a run continues in the repository an earlier (interrupted)
run of the same articles left. Peak RSS is reported for the probe (a process adding to an archive of N) and
for the largest fill process. Then `stet dups ID` and `stet diff A B` (a related pair from the probe
when there is one, else two probe articles) are each run 5 times; the median is reported, with
`stet show ID` (one lookup: mostly the cost of opening the repository) for reference.

The corpora give 18,854 usable articles. For bigger N, pass --extra DIR(s) of files (e.g. several
make_cases.py outputs' docs/ built with different seeds/bases) and larger --sizes, or
--synthetic K: after the real articles come K transformed copies of all of them, copy c with every
word of 4+ letters mapped through its own random permutation of the corpus vocabulary (seed c;
capitalisation kept). A copy keeps its article's structure, lengths and Zipfian word frequencies
but shares no content words with the original, so it is a new, unrelated article to stet: the
common case at scale (a candidate check that finds nothing). It still shares its original's numbers
and short words, so that once an archive holds several copies of an article every new copy finds
the full 8 candidates to verify; with --numbers the copies rewrite numbers too (each copy its own
mapping), and a new copy finds candidates only as an unrelated real article would. The runtime is roughly
N / (files/s shown for the largest size).
"""
import argparse, hashlib, json, os, random, re, resource, statistics, subprocess, sys, tempfile, time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import du, run_once  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPORA = os.path.join(ROOT, "../shared/corpora")


def articles(extra):
    for name in ("reuters21578.jsonl", "bbc.jsonl"):
        for line in open(os.path.join(CORPORA, name)):
            d = json.loads(line)
            text = d.get("text") or ""
            if len(text.split()) >= 40:
                yield (d.get("title") or "").strip() + "\n\n" + text.strip() + "\n"
    for dirpath in extra:
        for dp, _, fs in os.walk(dirpath):
            for f in sorted(fs):
                with open(os.path.join(dp, f), encoding="utf-8", errors="replace") as fh:
                    yield fh.read()


WORD = re.compile(r"[A-Za-z]{4,}")


class Synthetic:
    """The real articles followed by K vocabulary-permuted copies of them (see the module doc),
    made one at a time on access, so that a million articles need not be held at once."""

    def __init__(self, pool, k, numbers=False):
        self.pool, self.k, self.numbers = pool, k, numbers
        self.vocab = sorted({w.lower() for t in pool for w in WORD.findall(t)}) if k else []
        self.maps = {}

    def __len__(self):
        return len(self.pool) * (1 + self.k)

    def __getitem__(self, idx):
        c, i = divmod(idx, len(self.pool))
        if c == 0:
            return self.pool[i]
        m = self.maps.get(c)
        if m is None:
            perm = self.vocab[:]
            random.Random(c).shuffle(perm)  # copy c - 1 of the K, seeded c as before
            m = self.maps[c] = dict(zip(self.vocab, perm))

        def sub(mt):
            w = mt.group(0)
            r = m.get(w.lower(), w)
            return r.capitalize() if w[0].isupper() else r

        text = WORD.sub(sub, self.pool[i])
        if self.numbers:
            text = DIGITS.sub(lambda mt: renumber(c, mt.group(0)), text)
        return text


DIGITS = re.compile(r"[0-9]+")


def renumber(c, digits):
    """`digits` as copy c writes it: another digit string of the same length (the same for every
    occurrence in every article of copy c; a leading zero only where there was one)."""
    h = hashlib.blake2b(f"{c}:{digits}".encode(), digest_size=16).digest()
    out = "".join(str(b % 10) for b in h[: len(digits)])
    out += "".join(str(b % 10) for b in hashlib.blake2b(h).digest())[: max(0, len(digits) - len(out))]
    if digits[0] != "0" and out[0] == "0":
        out = str(1 + h[0] % 9) + out[1:]
    return out[: len(digits)]


def write_chunk(gen, d, n):
    subprocess.run(["rm", "-rf", d], check=True)  # what an interrupted run left
    os.makedirs(d)
    k = 0
    for k in range(n):
        try:
            body = next(gen)
        except StopIteration:
            return k
        ext = "txt"
        with open(os.path.join(d, f"{k:06d}.{ext}"), "w") as f:
            f.write(body)
    return n


def timed(cmd, capture=False):
    """Wall and CPU seconds of one child and its result; its peak RSS in KB is `.rss_kb` of the
    result."""
    t = time.perf_counter()
    # Peak RSS from /usr/bin/time: the rusage of a child forked from this (large) Python process
    # counts the parent's pages it held before exec.
    with tempfile.TemporaryFile("w+") as errf:
        proc = subprocess.Popen(["/usr/bin/time", "-f", "STET_PEAK_RSS_KB %M"] + cmd,
                                stdout=subprocess.PIPE if capture else subprocess.DEVNULL, stderr=errf, text=True)
        out = proc.stdout.read() if capture else None
        _, status, ru = os.wait4(proc.pid, 0)
        errf.seek(0)
        err = errf.read()
    rss = re.findall(r"STET_PEAK_RSS_KB (\d+)", err)
    proc.returncode = os.waitstatus_to_exitcode(status)
    w = time.perf_counter() - t
    rss_kb = int(rss[-1]) if rss else 0
    if proc.returncode not in (0, 1, 3):
        sys.exit(f"{cmd[:4]} failed {proc.returncode}: {err[-1500:]}")
    done = subprocess.CompletedProcess(cmd, proc.returncode, out, err)
    done.rss_kb = rss_kb
    return w, ru.ru_utime + ru.ru_stime, done


def median_latency(cmd, k=5, ok=(0,)):
    return statistics.median(run_once(cmd, ok)[0] for _ in range(k))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,3000,10000,18000")
    ap.add_argument("--probe", type=int, default=500)
    ap.add_argument("--out", default=os.path.join(ROOT, "bench/out/scale"))
    ap.add_argument("--extra", nargs="*", default=[])
    ap.add_argument("--synthetic", type=int, default=0, metavar="K")
    ap.add_argument("--numbers", action="store_true",
                    help="synthetic copies also rewrite every number (another digit string of the same length, "
                         "fixed per copy), so that a copy shares no numbers with its original either")
    ap.add_argument("--stet", default=os.path.join(ROOT, "target/release/stet"))
    ap.add_argument("--resume", action="store_true",
                    help="continue in --out's repository (same --synthetic and corpora): consumed.txt there "
                         "counts the articles already added in this order; sizes up to that count are skipped")
    ap.add_argument("--fill-chunk", type=int, default=0, metavar="M",
                    help="fill with one `stet add` per M articles (default: one per size), each chunk's "
                         "time printed as it ends")
    a = ap.parse_args()
    sizes = [int(s) for s in a.sizes.split(",")]
    if not a.resume:
        subprocess.run(["rm", "-rf", a.out], check=True)
        os.makedirs(a.out)
    repo = os.path.join(a.out, "repo")
    stet = os.path.abspath(a.stet)
    pool = Synthetic(list(articles(a.extra)), a.synthetic, a.numbers)
    # Shuffled (fixed seed) so that every size's probe has the same mix of sources and lengths
    # (the corpora come Reuters first, then the longer BBC articles). The same permutation as
    # shuffling the articles themselves with that seed (earlier runs did).
    order = list(range(len(pool)))
    random.Random(7).shuffle(order)
    if sizes[-1] > len(pool):
        print(f"only {len(pool)} articles available: largest size cut to {len(pool)}; pass --extra DIR for more",
              file=sys.stderr)
        sizes = [s for s in sizes if s < len(pool)] + [len(pool)]
    have = 0
    consumed = os.path.join(a.out, "consumed.txt")

    def record(n):
        """Keeps the count of articles added so far, for --resume (a chunk that was cut short
        is added again: its archived part as identical inputs)."""
        with open(consumed, "w") as f:
            f.write(f"{n}\n")

    settings = os.path.join(a.out, "settings.json")
    wanted = {"synthetic": a.synthetic, "numbers": a.numbers, "extra": a.extra}
    if a.resume:
        if os.path.exists(settings) and json.load(open(settings)) != wanted:
            sys.exit(f"--resume with other settings than {settings}: {json.load(open(settings))}")
        have = int(open(consumed).read())
        print(f"resuming {repo}: {have} articles already added", flush=True)
    with open(settings, "w") as f:
        json.dump(wanted, f)
    gen = (pool[j] for j in order[have:])
    rows = []
    print(f"{os.cpu_count()} cores; probe {a.probe} articles per size", flush=True)
    hdr = (f"{'N':>7s} {'fill s':>8s} {'fill ms/art':>11s} {'probe ms/art':>12s} {'probe cpu ms/art':>16s} "
           f"{'repo MB':>8s} {'probe RSS MB':>12s} {'fill RSS MB':>11s} {'dups ID ms':>10s} {'diff ms':>8s} {'show ms':>8s} {'load1':>6s}")
    for i, n in enumerate(sizes):
        if n <= have:
            continue
        fill_n = n - a.probe - have
        chunk = a.fill_chunk if a.fill_chunk > 0 else max(fill_n, 1)
        got = fw = fc = fill_rss = 0
        starts = list(range(0, max(fill_n, 0), chunk))
        # The next chunk's files are written while stet archives this one (one thread, in order).
        with ThreadPoolExecutor(max_workers=1) as writer:
            def submit(k):
                d = os.path.join(a.out, f"fill{i}-{k}")
                return d, writer.submit(write_chunk, gen, d, min(chunk, fill_n - starts[k]))

            ahead = submit(0) if starts else None
            for k in range(len(starts)):
                fill_dir, pending = ahead
                g = pending.result()
                ahead = submit(k + 1) if k + 1 < len(starts) and g else None
                if not g:
                    break
                w, c, f = timed([stet, "--repo", repo, "add", "-q", fill_dir])
                got, fw, fc, fill_rss = got + g, fw + w, fc + c, max(fill_rss, f.rss_kb)
                record(have + got)
                if a.fill_chunk > 0:
                    print(f"  fill chunk to {have + got}: {1000 * w / g:.2f} ms/article wall, {1000 * c / g:.2f} CPU, "
                          f"RSS {f.rss_kb / 1024:.0f} MB, load1 {os.getloadavg()[0]:.2f}", flush=True)
                    subprocess.run(["rm", "-rf", fill_dir], check=True)
        have += got
        probe_dir = os.path.join(a.out, f"probe{i}")
        pn = write_chunk(gen, probe_dir, a.probe)
        if pn == 0:
            print(f"out of articles at {have}; pass --extra DIR for more", file=sys.stderr)
            break
        ld = os.getloadavg()[0]
        pw, pc, p = timed([stet, "--repo", repo, "add", "--json", probe_dir], capture=True)
        have += pn
        record(have)
        objs = [json.loads(l) for l in p.stdout.splitlines() if l.strip()]
        ids = [o["id"] for o in objs if o.get("id")]
        rel = next((o for o in objs if o.get("relations")), None)
        if rel:
            x, y = rel["id"], rel["relations"][0]["other"]
        else:
            x, y = ids[0], ids[1]
        dl = median_latency([stet, "--repo", repo, "dups", x], ok=(0, 1))  # 1: no related pair
        fl = median_latency([stet, "--repo", repo, "diff", x, y])
        sl = median_latency([stet, "--repo", repo, "show", x])  # one lookup: mostly opening the repository
        size = du(repo)
        row = (have, fw, 1000 * fw / max(got, 1), 1000 * pw / pn, 1000 * pc / pn, size / 1e6, 1000 * dl, 1000 * fl, 1000 * sl, ld,
               p.rss_kb / 1024, fill_rss / 1024)
        rows.append(row)
        if len(rows) == 1:
            print(hdr)
        print(f"{row[0]:7d} {row[1]:8.1f} {row[2]:11.2f} {row[3]:12.2f} {row[4]:16.2f} {row[5]:8.1f} {row[10]:12.0f} {row[11]:11.0f} {row[6]:10.1f} {row[7]:8.1f} {row[8]:8.1f} {row[9]:6.2f}",
              flush=True)
    if len(rows) >= 2:
        print(f"probe ms/article, largest / smallest N: wall {rows[-1][3] / rows[0][3]:.2f}x, "
              f"cpu {rows[-1][4] / rows[0][4]:.2f}x (goal: flat, within 1.5x)")
    print(f"repository: {repo}")


if __name__ == "__main__":
    main()
