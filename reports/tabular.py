"""The run as plain tables (header plus rows), and the CSV reports built from them.

The XLSX writer renders the same tables, so a column never differs between the
CSV and the spreadsheet. Cells here are plain Python values: text, numbers,
booleans or None; how each format guards or styles them is up to its writer.
"""

from __future__ import annotations

import csv
import math
import numbers
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from operator import attrgetter
from pathlib import Path
from typing import Any

from reconcile.model import KIND_FILES, KINDS, SEVERITIES, Finding, RunResult
from reports.atomic import durable_file

Cell = str | int | float | bool | None
Column = tuple[str, Callable[[Finding], Any]]

SUMMARY_FILE = "summary.csv"
SUMMARY_COLUMNS = ("kind", "severity", "new", "known", "total")
BASE_COLUMNS = (
    "status",
    "severity",
    "key",
    "sku",
    "title",
    "location",
    "channel",
    "expected",
    "actual",
    "difference",
    "action",
)

# Detail keys every report of a kind carries, in this order, even when no finding
# has them, so a merchant's lookups keep pointing at the same column. Plain values
# come first, lists (wide text) last; keys the engine adds later slot in after
# the known ones of their sort.
KNOWN_SCALARS = {
    "negative_stock": (
        "shortfall",
        "available",
        "pending",
        "held",
        "corrections",
        "incoming",
    ),
    "mismatch": (
        "reason",
        "listed",
        "projected",
        "buffer",
        "tolerance",
        "order_id",
        "qty",
        "placed",
    ),
    "stale_reservation": (
        "reason",
        "hold_id",
        "order_id",
        "line",
        "qty",
        "age_days",
        "placed",
        "expires_at",
    ),
}
KNOWN_LISTS = {"negative_stock": ("orders", "surplus_locations", "locations")}

# Field order inside one item of a list (an order, a location), so that an order
# reads "amazon 114-0000000-0000001 x2 2026-11-29T10:00:00Z".
ITEM_FIELD_ORDER = (
    "channel",
    "order_id",
    "hold_id",
    "location",
    "qty",
    "available",
    "placed",
    "expires_at",
)

FIELD_RANK = {name: rank for rank, name in enumerate(ITEM_FIELD_ORDER)}

# Spreadsheet programs run text starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Types a cell holds as they are. A large run has a quarter of a million cells,
# and checking these exact types first skips the slow abstract-type checks.
PLAIN_TYPES = frozenset({str, int, bool})


@dataclass(frozen=True)
class Table:
    """A header and its rows, every row as long as the header."""

    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def iso_time(moment: datetime | date) -> str:
    """ISO-8601 in UTC with a Z; a naive datetime is taken to be UTC already."""
    if not isinstance(moment, datetime):
        return moment.isoformat()

    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def is_missing(value: Any) -> bool:
    # NaN leaks in from pandas where a number was absent; it means "no value".
    return value is None or (isinstance(value, float) and math.isnan(value))


def cell(value: Any) -> Cell:
    """Any report value as one flat cell; lists and mappings become short text."""
    kind = type(value)
    if kind in PLAIN_TYPES:
        return value
    if kind is float:
        return None if math.isnan(value) else value
    return _flat_cell(value)


def _flat_cell(value: Any) -> Cell:
    if is_missing(value):
        return None
    if isinstance(value, bool | str):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, datetime | date):
        return iso_time(value)
    if isinstance(value, Mapping):
        return _compact_mapping(value)
    if _is_collection(value):
        return "; ".join(_compact_item(item) for item in value)
    return str(value)


def _is_collection(value: Any) -> bool:
    return isinstance(value, list | tuple | set | frozenset | Mapping)


def _compact_item(item: Any) -> str:
    if not isinstance(item, Mapping):
        return _text(item)

    fields = sorted(item, key=_field_rank)
    parts = [_item_field(name, item[name]) for name in fields]
    return " ".join(part for part in parts if part)


def _compact_mapping(value: Mapping[Any, Any]) -> str:
    return "; ".join(f"{name} {_text(item)}" for name, item in value.items())


def _field_rank(name: str) -> int:
    return FIELD_RANK.get(name, len(ITEM_FIELD_ORDER))


def _item_field(name: str, value: Any) -> str:
    if is_missing(value):
        return ""
    if name == "qty":
        return f"x{_text(value)}"
    return _text(value)


def _text(value: Any) -> str:
    flat = cell(value)
    if flat is None:
        return ""
    if isinstance(flat, bool):
        return "true" if flat else "false"
    return str(flat)


def summary_table(result: RunResult) -> Table:
    """New, known and total findings for every kind and severity (nine rows)."""
    counts = result.counts()
    rows = []
    for kind in KINDS:
        for severity in SEVERITIES:
            pair = counts[(kind, severity)]
            total = pair["new"] + pair["known"]
            rows.append((kind, severity, pair["new"], pair["known"], total))
    return Table(SUMMARY_COLUMNS, tuple(rows))


def kind_table(result: RunResult, kind: str) -> Table:
    """One row per finding of `kind`, in the order the engine gave them."""
    findings = result.by_kind(kind)
    columns = finding_columns(kind, findings)

    header = tuple(name for name, _ in columns)
    rows = tuple(tuple(cell(read(f)) for _, read in columns) for f in findings)
    return Table(header, rows)


def finding_columns(kind: str, findings: Iterable[Finding]) -> list[Column]:
    """Base fields, then detail (scalars before lists), then sources."""
    base = [(name, attrgetter(name)) for name in BASE_COLUMNS]
    detail = [_detail_column(key) for key in detail_keys(kind, findings)]
    sources = ("sources", lambda finding: "; ".join(finding.sources))
    return [*base, *detail, sources]


def detail_keys(kind: str, findings: Iterable[Finding]) -> list[str]:
    """Known plain keys, new plain keys, known list keys, new list keys."""
    scalars = list(KNOWN_SCALARS.get(kind, ()))
    lists = list(KNOWN_LISTS.get(kind, ()))
    known = {*scalars, *lists}
    for finding in findings:
        for key, value in finding.detail.items():
            if key in known:
                continue
            known.add(key)
            (lists if _is_collection(value) else scalars).append(key)
    return [*scalars, *lists]


def _detail_column(key: str) -> Column:
    # A detail key named like a base column would give two identical headers.
    taken = key in BASE_COLUMNS or key == "sources"
    header = f"detail_{key}" if taken else key
    return header, lambda finding: finding.detail.get(key)


def write_csv_files(result: RunResult, folder: Path) -> None:
    """summary.csv and one CSV per kind, header only when a kind has no finding."""
    write_csv(folder / SUMMARY_FILE, summary_table(result))
    for kind in KINDS:
        write_csv(folder / KIND_FILES[kind], kind_table(result, kind))


def write_csv(path: Path, table: Table) -> None:
    # The byte-order mark tells Excel on Windows the file is UTF-8 (accents, emoji);
    # csv readers open it with encoding="utf-8-sig".
    with durable_file(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([csv_value(name) for name in table.header])
        writer.writerows([csv_value(value) for value in row] for row in table.rows)


def csv_value(value: Cell) -> str | int | float:
    """A cell as CSV text; text a spreadsheet would run as a formula gets a '."""
    if type(value) is str:
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value
