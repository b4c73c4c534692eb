"""`python -m bench.peak -m MODULE ARGS…` or `python -m bench.peak -c CODE`: run a module or
code as `python` would, then print its peak resident set (`bench-peak-kb N`) on the way
out. Read in the process itself because Linux carries the parent's peak across fork and
exec into the child's rusage, so the bench's own memory would show as every child's."""

from __future__ import annotations

import atexit
import resource
import runpy
import sys
from pathlib import Path

MARK = "bench-peak-kb"


def peak_kb() -> int:
    """This process's peak resident set in KiB (VmHWM: this program's memory alone)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return usage // 1024 if sys.platform == "darwin" else usage


def _report() -> None:
    sys.stdout.flush()
    print(f"{MARK} {peak_kb()}", flush=True)


def main() -> None:
    atexit.register(_report)
    flag, target, *rest = sys.argv[1:]
    if flag == "-m":
        sys.argv = [target, *rest]
        runpy.run_module(target, run_name="__main__", alter_sys=True)
    else:
        sys.argv = ["-c", *rest]
        exec(compile(target, "<bench>", "exec"), {"__name__": "__main__"})


if __name__ == "__main__":
    main()
