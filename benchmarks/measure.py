"""Run one command and report its wall time and peak memory as one JSON line.

    python benchmarks/measure.py --log FILE -- COMMAND [ARGS...]

The runner starts this in a fresh process for each side, so RUSAGE_CHILDREN
here covers that one command (and anything it waited for) and nothing else.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path


def measure(command: list[str], log: Path) -> dict[str, float | int]:
    """Run `command` with its output in `log`; seconds, peak RSS and exit code."""
    with log.open("wb") as sink:
        started = time.perf_counter()
        finished = subprocess.run(command, stdout=sink, stderr=subprocess.STDOUT)
        seconds = time.perf_counter() - started

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "seconds": round(seconds, 3),
        "max_rss_kb": usage.ru_maxrss,  # kilobytes on Linux
        "exit_code": finished.returncode,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--log", type=Path, required=True)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)

    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command to measure after --")
    print(json.dumps(measure(command, args.log)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
