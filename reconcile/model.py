"""The frozen result of a run: what the checks found and what was read.

Renderers and writers take a RunResult and nothing else; the engine builds it once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from reconcile.errors import InputProblem

KINDS = ("negative_stock", "mismatch", "stale_reservation")
SEVERITIES = ("critical", "high", "low")
FAIL_ON_LEVELS = (*SEVERITIES, "never")
SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}

# Report file per finding kind, inside the run folder.
KIND_FILES = {
    "negative_stock": "negative_stock.csv",
    "mismatch": "mismatches.csv",
    "stale_reservation": "stale_reservations.csv",
}


@dataclass(frozen=True)
class Finding:
    """One problem, with a key that stays the same from run to run."""

    kind: str
    severity: str
    key: str
    sku: str | None
    title: str | None
    location: str | None
    channel: str | None
    expected: int
    actual: int
    difference: int
    action: str
    status: str = "new"  # "new", or "known" when the ledger already covers it
    detail: Mapping[str, Any] = field(default_factory=dict)
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class SourceInfo:
    """One input file as read: its layout, row count and age."""

    path: str
    layout: str
    label: str
    rows: int
    as_of: datetime
    age_hours: float
    sha256: str | None = None


@dataclass(frozen=True)
class RunResult:
    """Everything a renderer needs about one run, computed before anything is shown."""

    run_id: str
    as_of: datetime
    snapshot_time: datetime | None
    fail_on: str
    sources: tuple[SourceInfo, ...]
    findings: tuple[Finding, ...]
    warnings: tuple[InputProblem, ...] = ()
    channel_summary: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    demo: bool = False

    def by_kind(self, kind: str) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.kind == kind)

    def counts(self) -> dict[tuple[str, str], dict[str, int]]:
        """(kind, severity) -> {"new": n, "known": n}, every pair present."""
        table = {(k, s): {"new": 0, "known": 0} for k in KINDS for s in SEVERITIES}
        for finding in self.findings:
            table[(finding.kind, finding.severity)][finding.status] += 1
        return table

    def failing(self) -> tuple[Finding, ...]:
        """New findings at or above the --fail-on level."""
        if self.fail_on == "never":
            return ()
        limit = SEVERITY_RANK[self.fail_on]
        return tuple(
            f
            for f in self.findings
            if f.status == "new" and SEVERITY_RANK[f.severity] <= limit
        )

    @property
    def exit_code(self) -> int:
        return 1 if self.failing() else 0
