#!/bin/bash
# CPU time per article of one `stet add` of a fixed batch into copies of several archives, runs
# alternated (so that load hits all alike), REPS rounds:
#
#     bench/probe_add.sh STET BATCH_DIR REPS REPO [REPO ...]
#
# e.g. bench/probe_add.sh target/release/stet /tmp/s11-fresh500 4 /tmp/s11-10k/repo /tmp/s11-scale/repo
# (BATCH_DIR from bench/fresh_batch.py, the archives from bench/scale.py). Each run copies the
# archive to a scratch folder, adds the batch with `stet add -q --json` under /usr/bin/time and
# prints wall time, CPU ms per input (user + sys) and peak RSS.
set -eu
stet=$(realpath "$1"); batch=$2; reps=$3; shift 3
n=$(find "$batch" -type f | wc -l)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for rep in $(seq 1 "$reps"); do
  for repo in "$@"; do
    rm -rf "$scratch/repo"; cp -r "$repo" "$scratch/repo"; sync
    status=0
    /usr/bin/time -f "%e %U %S %M" -o "$scratch/time" "$stet" --repo "$scratch/repo" add -q --json "$batch" > /dev/null 2>&1 || status=$?
    # time(1) writes "Command exited with non-zero status N" before its line when add fails.
    read -r wall user sys rss < <(tail -n 1 "$scratch/time")
    echo "$repo round $rep: wall $wall s, cpu $(python3 -c "print(round(($user + $sys) / $n * 1000, 2))") ms/input, peak RSS $((rss / 1024)) MB, exit $status, load1 $(cut -d' ' -f1 /proc/loadavg)"
  done
done
