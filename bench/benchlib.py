"""Helpers shared by the bench/ scripts."""
import os
import subprocess
import sys
import time


def du(path):
    """Bytes of disk the files under `path` take (allocated blocks, like `du`)."""
    total = 0
    for dp, _, fs in os.walk(path):
        for f in fs:
            try:
                total += os.lstat(os.path.join(dp, f)).st_blocks * 512
            except OSError:
                pass
    return total


def run_once(cmd, ok=(0,)):
    """Wall seconds and peak RSS (KB) of one run of `cmd`, output discarded; stops the
    benchmark when it exits with a code not in `ok` (a failing build is not timed)."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    code = os.waitstatus_to_exitcode(status)
    if code not in ok:
        sys.exit(f"{' '.join(cmd)} exited {code}: {err.decode(errors='replace').strip()[:500]}")
    return wall, ru.ru_maxrss
