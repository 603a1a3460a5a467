"""findings.json: the whole run for scripts, with values as the engine made them.

Unlike the spreadsheet formats nothing is guarded or flattened here: text keeps a
leading "=", lists stay lists. Only types JSON lacks are converted (times become
ISO-8601 UTC text with a Z, a missing number becomes null).
"""

from __future__ import annotations

import json
import math
import numbers
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from reconcile.errors import InputProblem
from reconcile.model import Finding, RunResult, SourceInfo
from reports.atomic import durable_file
from reports.tabular import is_missing, iso_time, summary_table

JSON_FILE = "findings.json"


def write_json(result: RunResult, folder: Path) -> None:
    document = {"run": run_part(result), "findings": findings_part(result)}
    text = json.dumps(jsonable(document), indent=2, ensure_ascii=False, allow_nan=False)

    with durable_file(folder / JSON_FILE, "w", encoding="utf-8", newline="") as out:
        out.write(text + "\n")


def run_part(result: RunResult) -> dict[str, Any]:
    return {
        "run_id": result.run_id,
        "as_of": result.as_of,
        "snapshot_time": result.snapshot_time,
        "fail_on": result.fail_on,
        "exit_code": result.exit_code,
        "demo": result.demo,
        "sources": [source_part(source) for source in result.sources],
        "counts": counts_part(result),
        "warnings": [warning_part(problem) for problem in result.warnings],
        "channel_summary": result.channel_summary,
    }


def source_part(source: SourceInfo) -> dict[str, Any]:
    return {
        "path": source.path,
        "label": source.label,
        "layout": source.layout,
        "rows": source.rows,
        "as_of": source.as_of,
        "age_hours": source.age_hours,
    }


def counts_part(result: RunResult) -> list[dict[str, Any]]:
    table = summary_table(result)
    return [dict(zip(table.header, row, strict=True)) for row in table.rows]


def warning_part(problem: InputProblem) -> dict[str, Any]:
    return {
        "file": problem.file,
        "row": problem.row,
        "column": problem.column,
        "message": problem.message,
    }


def findings_part(result: RunResult) -> list[dict[str, Any]]:
    return [finding_part(finding) for finding in result.findings]


def finding_part(finding: Finding) -> dict[str, Any]:
    return {
        "kind": finding.kind,
        "severity": finding.severity,
        "status": finding.status,
        "key": finding.key,
        "sku": finding.sku,
        "title": finding.title,
        "location": finding.location,
        "channel": finding.channel,
        "expected": finding.expected,
        "actual": finding.actual,
        "difference": finding.difference,
        "action": finding.action,
        "detail": finding.detail,
        "sources": finding.sources,
    }


def jsonable(value: Any) -> Any:
    """A copy of `value` that json can write without losing the raw text."""
    if is_missing(value):
        return None
    if isinstance(value, bool | str):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        return number if math.isfinite(number) else None
    if isinstance(value, datetime | date):
        return iso_time(value)
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, set | frozenset):
        return [jsonable(item) for item in sorted(value, key=str)]
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    return str(value)
