"""Running a figure's work in a process of its own, so its peak memory is its own (not
the bench's, which has the Qt list and every earlier figure in it): the wall time from
start to exit, the peak resident set the kernel reports for it, and what it printed."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.peak import MARK

#: The repository, so `python -m app` and `python -m bench.…` import this checkout.
ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Finished:
    """A child process's run."""

    seconds: float
    peak_mb: float
    output: str


def child_env() -> dict[str, str]:
    """The bench's environment for a child: offscreen Qt, this checkout first on the path,
    no database address of the user's."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("FOOTPRINT_DATABASE_URL", None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    return env


def run_child(arguments: list[str], *, timeout: float = 3600) -> Finished:
    """Run `python ARGUMENTS…` (`-m MODULE …` or `-c CODE`) to its end, through
    `bench.peak`, which prints the child's own peak memory as it exits; a non-zero exit is
    an error naming its output."""
    with tempfile.TemporaryFile("w+") as out:
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "bench.peak", *arguments],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=child_env(),
            text=True,
            cwd=ROOT,
        )
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        seconds = time.perf_counter() - started
        out.seek(0)
        output = out.read()
    if process.returncode != 0:
        tail = " | ".join(output.strip().splitlines()[-3:])
        raise RuntimeError(f"{' '.join(arguments[:4])} exited {process.returncode}: {tail}")
    marks = [line for line in output.splitlines() if line.startswith(MARK)]
    if not marks:
        raise RuntimeError(f"{' '.join(arguments[:4])} did not report its peak memory")
    output = "\n".join(line for line in output.splitlines() if not line.startswith(MARK))
    return Finished(seconds, int(marks[-1].split()[1]) / 1024, output)
