#!/usr/bin/env python3
"""Write N Reuters-21578 articles as text files (title line, blank line, body) into OUT.

    python3 bench/make_reuters.py ../shared/corpora/reuters21578.jsonl OUT N [--skip K]
"""
import json, os, sys

def main():
    src, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    skip = int(sys.argv[sys.argv.index("--skip") + 1]) if "--skip" in sys.argv else 0
    os.makedirs(out, exist_ok=True)
    written = 0
    with open(src) as f:
        for i, line in enumerate(f):
            if i < skip:
                continue
            o = json.loads(line)
            body = (o.get("text") or "").strip()
            if len(body) < 200:
                continue
            title = (o.get("title") or "").strip().title()
            with open(os.path.join(out, f"{o['id']}.txt"), "w") as g:
                g.write(f"{title}\n\n{body}\n")
            written += 1
            if written >= n:
                break
    print(written)

if __name__ == "__main__":
    main()
