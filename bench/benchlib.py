"""Helpers shared by the bench/ scripts."""
import os


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
