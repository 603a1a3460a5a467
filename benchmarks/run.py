"""Time `reconcile run` against DuckDB running the same checks on the same shop.

    python benchmarks/run.py --skus 200000 --order-lines 2000000 \\
        [--keep] [--formats csv,xlsx,json]

Generates the synthetic shop once (cached under benchmarks/data/), then runs
each side in its own fresh process, measuring wall time and peak memory, and
compares the findings as sets of (kind, key, severity, expected, actual,
difference). Prints a small table and any differences, writes the figures to
benchmarks/results/latest.json and exits 1 if the findings differ (2 if a side
failed to run).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from generate import GENERATOR_VERSION

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
RESULTS = HERE / "results"
AS_OF = "2026-11-30T14:00:00Z"
SNAPSHOT_TIME = "2026-11-30T13:30:00Z"
FIELDS = ("kind", "key", "severity", "expected", "actual", "difference")
SHOWN_DIFFERENCES = 20
MEMORY_TARGET_MB = 1024

Finding = tuple[str, str, str, int, int, int]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skus", type=int, default=200_000)
    parser.add_argument("--locations", type=int, default=5)
    parser.add_argument("--order-lines", type=int, default=2_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--formats", default="csv,xlsx,json")
    parser.add_argument(
        "--keep", action="store_true", help="keep the run folder with both outputs"
    )
    parser.add_argument(
        "--regenerate", action="store_true", help="write the shop again"
    )
    parser.add_argument(
        "--results", type=Path, default=RESULTS / "latest.json", help="figures file"
    )
    args = parser.parse_args(argv)
    if "json" not in args.formats.split(","):
        # The comparison reads reconcile's findings.json.
        args.formats += ",json"
    return args


# -- the shop ---------------------------------------------------------------


def shop_folder(args: argparse.Namespace) -> Path:
    name = f"shop-{args.skus}x{args.locations}-{args.order_lines}-seed{args.seed}"
    return DATA / name


def ensure_shop(args: argparse.Namespace) -> tuple[Path, dict[str, Any]]:
    """The cached shop, generated first if missing or asked for.

    The generator writes its summary last, so a summary file means a complete
    shop; an interrupted generation is simply done again.
    """
    folder = shop_folder(args)
    summary = folder.with_suffix(".json")
    if args.regenerate or not cache_is_current(summary):
        shutil.rmtree(folder, ignore_errors=True)
        summary.unlink(missing_ok=True)
        print(f"generating {folder.name} ...", flush=True)
        subprocess.run(
            [
                sys.executable, str(HERE / "generate.py"), str(folder),
                "--skus", str(args.skus), "--locations", str(args.locations),
                "--order-lines", str(args.order_lines), "--seed", str(args.seed),
                "--summary", str(summary),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
    return folder, json.loads(summary.read_text())


def cache_is_current(summary: Path) -> bool:
    if not summary.is_file():
        return False
    written_by = json.loads(summary.read_text()).get("generator_version")
    return written_by == GENERATOR_VERSION


def warm_page_cache(folder: Path) -> None:
    """Read every input once so neither side pays for a cold disk."""
    for path in sorted(folder.iterdir()):
        with path.open("rb") as source:
            while source.read(8 << 20):
                pass


# -- the two sides ----------------------------------------------------------


def reconcile_command(folder: Path, work: Path, formats: str) -> list[str]:
    installed = Path(sys.executable).with_name("reconcile")
    program = (
        [str(installed)]
        if installed.exists()
        else [sys.executable, "-c", "from cli.app import entry; entry()"]
    )
    return program + [
        "run", str(folder),
        "--out", str(work / "reconcile"),
        "--ledger", str(work / "l.sqlite"),
        "--as-of", AS_OF,
        "--snapshot-time", SNAPSHOT_TIME,
        "--format", formats,
    ]  # fmt: skip


def duckdb_command(folder: Path, work: Path) -> list[str]:
    script = HERE / "duckdb_checks.py"
    out = work / "duckdb_findings.json"
    return [
        sys.executable,
        str(script),
        str(folder),
        "--out",
        str(out),
        "--as-of",
        AS_OF,
    ]


def measured(side: str, command: list[str], work: Path) -> dict[str, Any]:
    """Run one side under measure.py, itself a fresh process."""
    log = work / f"{side}.log"
    wrapper = [sys.executable, str(HERE / "measure.py"), "--log", str(log), "--"]
    print(f"running {side} ...", flush=True)
    done = subprocess.run(wrapper + command, check=True, capture_output=True, text=True)
    figures = json.loads(done.stdout)
    figures["peak_mb"] = round(figures.pop("max_rss_kb") / 1024, 1)
    figures["log"] = str(log)
    return figures


def side_failed(side: str, figures: dict[str, Any]) -> bool:
    # reconcile exits 1 when it has findings at the --fail-on level: that is
    # a successful run here.
    allowed = (0, 1) if side == "reconcile" else (0,)
    if figures["exit_code"] in allowed:
        return False

    tail = Path(figures["log"]).read_text(errors="replace").splitlines()[-15:]
    print(f"{side} failed with exit code {figures['exit_code']}:", file=sys.stderr)
    print("\n".join(f"  {line}" for line in tail), file=sys.stderr)
    return True


# -- the comparison ---------------------------------------------------------


def read_findings(path: Path) -> Counter[Finding]:
    """Findings as a multiset of the compared fields (duplicates would show)."""
    rows = json.loads(path.read_text())["findings"]
    return Counter(
        (
            row["kind"], row["key"], row["severity"],
            int(row["expected"]), int(row["actual"]), int(row["difference"]),
        )
        for row in rows
    )  # fmt: skip


def differences(ours: Counter[Finding], theirs: Counter[Finding]) -> list[str]:
    """One line per key whose findings differ, in key order."""
    only_ours, only_theirs = ours - theirs, theirs - ours
    by_key: dict[str, tuple[list[Finding], list[Finding]]] = {}
    for finding in only_ours.elements():
        by_key.setdefault(finding[1], ([], []))[0].append(finding)
    for finding in only_theirs.elements():
        by_key.setdefault(finding[1], ([], []))[1].append(finding)

    return [
        f"{key}: reconcile {_values(mine)} | duckdb {_values(other)}"
        for key, (mine, other) in sorted(by_key.items())
    ]


def _values(findings: list[Finding]) -> str:
    if not findings:
        return "-"
    return "; ".join(f"{f[2]} exp {f[3]} act {f[4]} diff {f[5]}" for f in findings)


# -- reporting --------------------------------------------------------------


def print_table(sides: dict[str, dict[str, Any]]) -> None:
    print(f"\n{'side':<10} {'seconds':>9} {'peak MB':>9} {'findings':>9}")
    for side, figures in sides.items():
        print(
            f"{side:<10} {figures['seconds']:>9.2f} {figures['peak_mb']:>9.1f} "
            f"{figures.get('findings', '-'):>9}"
        )


def machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "duckdb": metadata.version("duckdb"),
        "reconcile": metadata.version("reconcile"),
    }


def write_results(path: Path, results: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2) + "\n")
    print(f"figures: {path}")


def targets(sides: dict[str, dict[str, Any]]) -> dict[str, bool]:
    ours, theirs = sides["reconcile"], sides["duckdb"]
    return {
        "reconcile_not_slower_than_duckdb": ours["seconds"] <= theirs["seconds"],
        "reconcile_peak_under_1gb": ours["peak_mb"] < MEMORY_TARGET_MB,
    }


def compare(work: Path, sides: dict[str, dict[str, Any]]) -> dict[str, Any]:
    ours = read_findings(work / "reconcile" / "latest" / "findings.json")
    theirs = read_findings(work / "duckdb_findings.json")
    sides["reconcile"]["findings"] = sum(ours.values())
    sides["duckdb"]["findings"] = sum(theirs.values())
    lines = differences(ours, theirs)
    return {
        "findings_match": not lines,
        "differing_keys": len(lines),
        "first_differences": lines[:SHOWN_DIFFERENCES],
    }


def run(args: argparse.Namespace, work: Path) -> int:
    folder, summary = ensure_shop(args)
    warm_page_cache(folder)
    sides = {
        "reconcile": measured(
            "reconcile", reconcile_command(folder, work, args.formats), work
        ),
        "duckdb": measured("duckdb", duckdb_command(folder, work), work),
    }
    if any(side_failed(side, figures) for side, figures in sides.items()):
        return 2

    outcome = compare(work, sides)
    if not args.keep:
        for figures in sides.values():
            del figures["log"]  # the run folder is about to go
    print_table(sides)
    for line in outcome["first_differences"]:
        print(f"  {line}")
    if not outcome["findings_match"]:
        print(f"findings differ on {outcome['differing_keys']} key(s)")
    else:
        print("findings match")

    write_results(
        args.results,
        {
            "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": machine(),
            "shop": summary,
            "settings": {
                "as_of": AS_OF, "snapshot_time": SNAPSHOT_TIME, "formats": args.formats,
            },
            "sides": sides,
            "targets": targets(sides),
        } | outcome,
    )  # fmt: skip
    return 0 if outcome["findings_match"] else 1


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="reconcile-bench-"))
    try:
        return run(args, work)
    finally:
        if args.keep:
            print(f"kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
