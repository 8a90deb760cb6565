#!/usr/bin/env python3
"""Archive N Reuters-21578 articles with `stet add` and report files/s, MB/s and size on disk
against raw size. In the same run, on the same files: `tar | zstd -3`, `tar | zstd -19` and
`git add && git commit && git gc --aggressive`, reported as ratios.

    python3 bench/ingest.py [--n 3000] [--corpus ../shared/corpora/reuters21578.jsonl] [--files DIR]

--files DIR archives an existing folder instead (e.g. ../shared/eval/dev/docs, or the docs/ of a
make_cases.py set: see bench/detect_vs_datasketch.py). Sizes: du of stet's repository folder
(sled's files included), the .tar.zst file, du of the .git folder after gc --aggressive.
"""
import argparse, os, resource, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import du  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


CPU = {}


def timed(cmd, **kw):
    """Wall seconds; the children's CPU seconds (user+sys) go to CPU[wall]."""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(cmd, check=True, **kw)
    w = time.perf_counter() - t
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU[w] = (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime)
    return w


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=3000)
    ap.add_argument("--corpus", default=os.path.join(ROOT, "../shared/corpora/reuters21578.jsonl"))
    ap.add_argument("--files")
    ap.add_argument("--stet", default=os.path.join(ROOT, "target/release/stet"))
    a = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "-q"], cwd=ROOT, check=True)
    with tempfile.TemporaryDirectory() as work:
        files = a.files
        if not files:
            files = os.path.join(work, "files")
            subprocess.run([sys.executable, os.path.join(ROOT, "bench/make_reuters.py"), a.corpus, files, str(a.n)],
                           check=True, stdout=subprocess.DEVNULL)
        files = os.path.abspath(files)
        names = [os.path.join(dp, f) for dp, _, fs in os.walk(files) for f in fs]
        raw = sum(os.path.getsize(p) for p in names)
        n = len(names)
        repo = os.path.join(work, "repo")
        rows = []
        s = timed([a.stet, "--repo", repo, "add", "-q", files])
        rows.append(("stet add", s, du(repo)))
        parent, base = os.path.dirname(files), os.path.basename(files)
        for lvl in (3, 19):
            out = os.path.join(work, f"z{lvl}.tar.zst")
            s = timed(["sh", "-c", f'tar -C "{parent}" -cf - "{base}" | zstd -q -{lvl} -T1 -o "{out}"'])
            rows.append((f"tar | zstd -{lvl}", s, os.path.getsize(out)))
        g = os.path.join(work, "git")
        os.makedirs(g)
        subprocess.run(["cp", "-r", files, g], check=True)
        env = dict(os.environ, GIT_AUTHOR_NAME="b", GIT_AUTHOR_EMAIL="b@b", GIT_COMMITTER_NAME="b", GIT_COMMITTER_EMAIL="b@b")
        s = timed(["sh", "-c", "git init -q && git add -A && git commit -qm x && git gc -q --aggressive"], cwd=g, env=env)
        rows.append(("git add+commit+gc", s, du(os.path.join(g, ".git"))))
        print(f"files {n} in {files}, raw {raw} bytes (du {du(files)}), {os.cpu_count()} cores, load1 {os.getloadavg()[0]:.2f}")
        print(f"{'tool':22s} {'wall s':>9s} {'cpu s':>7s} {'files/s':>9s} {'MB/s':>7s} {'bytes':>11s} {'size/raw':>8s}")
        for name, s, size in rows:
            print(f"{name:22s} {s:9.2f} {CPU.get(s, 0):7.2f} {n / s:9.0f} {raw / 1e6 / s:7.2f} {size:11d} {size / raw:8.3f}")
        st, z3, z19, git = rows[0], rows[1], rows[2], rows[3]
        print(f"time: stet / zstd-3 = {st[1] / z3[1]:.2f}x wall, {CPU.get(st[1], 0) / max(CPU.get(z3[1], 0), 1e-3):.2f}x cpu")
        print(f"size: stet / zstd-19 = {st[2] / z19[2]:.2f}, stet / git = {st[2] / git[2]:.2f}, stet / raw = {st[2] / raw:.3f}")


if __name__ == "__main__":
    main()
