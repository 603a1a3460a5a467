"""findings.json: the whole run for scripts, with values as the engine made them.

Unlike the spreadsheet formats nothing is guarded or flattened here: text keeps a
leading "=", lists stay lists. Only types JSON lacks are converted (times become
ISO-8601 UTC text with a Z, a missing number becomes null).

The run part is indented; each finding is one compact line, which keeps a large
run fast to write (json's C encoder only runs without indentation) and lets a
merchant grep a SKU and see its whole finding.
"""

from __future__ import annotations

import json
import math
import numbers
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from reconcile.errors import InputProblem
from reconcile.model import Finding, RunResult, SourceInfo
from reports.atomic import durable_file
from reports.tabular import is_missing, iso_time, summary_table

JSON_FILE = "findings.json"
INDENT = "  "
# Raw text stays readable, and NaN (invalid JSON) is an error, never written.
JSON_OPTIONS: dict[str, Any] = {"ensure_ascii": False, "allow_nan": False}


def write_json(result: RunResult, folder: Path) -> None:
    with durable_file(folder / JSON_FILE, "w", encoding="utf-8", newline="") as out:
        out.write(document_text(result))


def document_text(result: RunResult) -> str:
    """{"run": ..., "findings": [...]} with one finding per line."""
    run = json.dumps(jsonable(run_part(result)), indent=2, **JSON_OPTIONS)
    run = run.replace("\n", "\n" + INDENT)
    findings = findings_text(finding_line(f) for f in result.findings)
    return f'{{\n{INDENT}"run": {run},\n{INDENT}"findings": {findings}\n}}\n'


def findings_text(lines: Iterable[str]) -> str:
    inner = f",\n{INDENT * 2}".join(lines)
    if not inner:
        return "[]"
    return f"[\n{INDENT * 2}{inner}\n{INDENT}]"


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


def finding_line(finding: Finding) -> str:
    """One finding as compact JSON, converting values the quick way if it can."""
    part = finding_part(finding)
    try:
        return ENCODER.encode(part)
    except (TypeError, ValueError):
        # A NaN from pandas (json refuses it) or a key json cannot write: the
        # slower full copy turns those into null and text.
        return ENCODER.encode(jsonable(part))


def json_default(value: Any) -> Any:
    """What `jsonable` makes of a value json cannot write by itself."""
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        return number if math.isfinite(number) else None
    if isinstance(value, datetime | date):
        return iso_time(value)
    if isinstance(value, Mapping):
        return {str(key): item for key, item in value.items()}
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    return str(value)


ENCODER = json.JSONEncoder(default=json_default, **JSON_OPTIONS)


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


def latest_finding_keys(out_dir: Path) -> set[str] | None:
    """The finding keys of the newest run under out_dir, or None without one."""
    path = Path(out_dir) / "latest" / JSON_FILE
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return {finding.get("key") for finding in document.get("findings", [])}
