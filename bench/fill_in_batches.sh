#!/bin/bash
# Archives a folder of files into one repository in batches of B files, one `stet add` per
# batch, and prints per batch: articles archived before it, wall and CPU ms per file, peak RSS
# and the repository's size on disk after it (du -sb). How per-article time grows with the
# archive, the way users fill one: an add of new files at a time.
#
#     bench/fill_in_batches.sh STET FILES_DIR B REPO [WORK_DIR]
#
# e.g. bench/fill_in_batches.sh target/release/stet /tmp/cmp-scale/1000000/files 100000 /tmp/r1m
# (FILES_DIR from bench/compare_at_scale.py, whose files are named in their shuffled order).
# Batches are folders of hard links under WORK_DIR (default REPO.batches), made once. REPO must
# not exist. Extra environment (STET_PROFILE_CACHE_MB, ...) passes through to stet.
set -eu
stet=$(realpath "$1"); files=$2; per=$3; repo=$4; work=${5:-$4.batches}
[ -e "$repo" ] && { echo "$repo exists" >&2; exit 2; }
mkdir -p "$work"
if [ ! -e "$work/.complete" ]; then
  find "$files" -maxdepth 1 -type f -name '*.txt' | sort | split -l "$per" -d -a 3 - "$work/list."
  for list in "$work"/list.*; do
    dir="$work/batch${list##*.}"; mkdir -p "$dir"
    xargs -a "$list" ln -t "$dir"
  done
  touch "$work/.complete"
fi
done_n=0
echo "before  files  wall_s  cpu_s  wall_ms/file  cpu_ms/file  peak_rss_MB  repo_bytes  load1"
for dir in "$work"/batch*; do
  n=$(find "$dir" -type f | wc -l)
  /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$stet" --repo "$repo" add -q "$dir" > /dev/null
  read -r wall user sys rss < <(tail -n 1 "$work/time")
  python3 - "$done_n" "$n" "$wall" "$user" "$sys" "$rss" "$(du -sb "$repo" | cut -f1)" "$(cut -d' ' -f1 /proc/loadavg)" <<'EOF'
import sys
before, n, wall, user, sys_, rss, size, load = sys.argv[1:]
n, wall, cpu = int(n), float(wall), float(user) + float(sys_)
print(f"{before:>7} {n:>6} {wall:7.1f} {cpu:7.1f} {wall / n * 1e3:10.2f} {cpu / n * 1e3:11.2f} {int(rss) // 1024:11} {size:>11} {load}")
EOF
  done_n=$((done_n + n))
done
