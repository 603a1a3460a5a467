"""The runner measures each side on its own and compares findings as sets."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import run
from conftest import BENCHMARKS


def write_findings(path: Path, *findings: tuple) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [dict(zip(run.FIELDS, f, strict=True)) | {"title": "x"} for f in findings]
    path.write_text(json.dumps({"run": {}, "findings": rows}))


def test_measure_reports_the_peak_memory_and_exit_code_of_its_command(tmp_path):
    # Touch one byte per page so the memory is really resident.
    hold_200_mb = (
        "b = bytearray(200 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096]); "
        "raise SystemExit(3)"
    )
    done = subprocess.run(
        [
            sys.executable, str(BENCHMARKS / "measure.py"),
            "--log", str(tmp_path / "log"), "--", sys.executable, "-c", hold_200_mb,
        ],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    figures = json.loads(done.stdout)

    assert figures["exit_code"] == 3
    assert 200 * 1024 <= figures["max_rss_kb"] < 400 * 1024


def test_differences_show_both_sides_values_for_each_differing_key():
    same = ("mismatch", "mismatch:A:amazon", "high", 7, 10, 3)
    ours = Counter(
        [same, ("negative_stock", "negative_stock:B", "critical", 0, -2, -2)]
    )
    theirs = Counter(
        [same, ("negative_stock", "negative_stock:B", "critical", 0, -3, -3)]
    )
    theirs[("stale_reservation", "stale_reservation:order:#1:1", "low", 0, 1, 1)] += 1

    assert run.differences(ours, theirs) == [
        "negative_stock:B: reconcile critical exp 0 act -2 diff -2 | "
        "duckdb critical exp 0 act -3 diff -3",
        "stale_reservation:order:#1:1: reconcile - | duckdb low exp 0 act 1 diff 1",
    ]


def test_findings_compare_equal_whatever_extra_fields_reconcile_adds(tmp_path):
    finding = ("mismatch", "mismatch:0000008:amazon", "low", 30, 26, -4)
    write_findings(tmp_path / "reconcile" / "latest" / "findings.json", finding)
    write_findings(tmp_path / "duckdb_findings.json", finding)
    sides = {"reconcile": {}, "duckdb": {}}

    outcome = run.compare(tmp_path, sides)
    assert outcome["findings_match"] is True
    assert sides["reconcile"]["findings"] == sides["duckdb"]["findings"] == 1


def test_a_finding_on_one_side_only_makes_the_comparison_fail(tmp_path):
    finding = ("mismatch", "mismatch:0000008:amazon", "low", 30, 26, -4)
    write_findings(tmp_path / "reconcile" / "latest" / "findings.json", finding)
    write_findings(tmp_path / "duckdb_findings.json")

    outcome = run.compare(tmp_path, {"reconcile": {}, "duckdb": {}})
    assert outcome["findings_match"] is False
    assert outcome["first_differences"] == [
        "mismatch:0000008:amazon: reconcile low exp 30 act 26 diff -4 | duckdb -"
    ]


def reconcile_takes_snapshot_time() -> bool:
    program = Path(sys.executable).with_name("reconcile")
    if not program.exists():
        return False
    shown = subprocess.run(
        [str(program), "run", "--help"], capture_output=True, text=True
    )
    return "--snapshot-time" in shown.stdout


@pytest.mark.skipif(
    not reconcile_takes_snapshot_time(), reason="reconcile run is not ready yet"
)
def test_a_small_run_finds_the_same_findings_on_both_sides(tmp_path, monkeypatch):
    monkeypatch.setattr(run, "DATA", tmp_path / "data")
    results = tmp_path / "latest.json"
    code = run.main(
        ["--skus", "300", "--order-lines", "3000", "--formats", "json",
         "--results", str(results)]
    )  # fmt: skip
    figures = json.loads(results.read_text())

    assert code == 0 and figures["findings_match"] is True
    assert (
        figures["sides"]["reconcile"]["findings"]
        == figures["sides"]["duckdb"]["findings"]
    )
    assert figures["sides"]["reconcile"]["findings"] > 10
    shutil.rmtree(tmp_path / "data")
