"""The benchmark's rules once more, in plain Python over the csv module.

A second, independent reading of the same files: if it agrees with the DuckDB
SQL on every finding, both read the layouts and the rules the same way.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path

TOKEN_SPLIT = re.compile(r"[^A-Za-z0-9_-]+")
CLOSED = ("shipped", "cancel", "complete")


def sku_of(text: str | None) -> str:
    value = (text or "").strip()
    return value[1:] if value.startswith("'") else value


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as source:
        return list(csv.DictReader(source))


def read_tabs(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as source:
        rows = list(csv.reader(source, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def read_ebay(path: Path) -> list[dict[str, str]]:
    """Rows between the header and the blank line before the footer."""
    with path.open(newline="", encoding="utf-8") as source:
        rows = list(csv.reader(source))
    header = rows[1]
    body = []
    for row in rows[2:]:
        if not row:
            break
        if any(row):
            body.append(dict(zip(header, row, strict=True)))
    return body


def available_by_sku(folder: Path) -> tuple[dict[str, int], list[tuple]]:
    totals: dict[str, int] = defaultdict(int)
    negative_rows = []
    for row in read_csv(folder / "inventory_export_1.csv"):
        sku = sku_of(row["SKU"])
        if not sku:
            continue
        text = row["Available (not editable)"].strip()
        units = 0 if text.lower() == "not stocked" else int(text)
        totals[sku] += units
        if units < 0:
            negative_rows.append((sku, row["Location"], units))
    return dict(totals), negative_rows


def shopify_orders(folder: Path) -> list[dict[str, str]]:
    """Rows with order-level fields filled down from each order's first row."""
    rows = read_csv(folder / "orders_export_1.csv")
    first: dict[str, dict[str, str]] = {}
    for row in rows:
        first.setdefault(row["Name"], row)
    return [dict(row, _first=first[row["Name"]]) for row in rows]


def references(rows: list[dict[str, str]]) -> tuple[set[str], set[str]]:
    tokens: set[str] = set()
    names: set[str] = set()
    fields = ("Name", "Tags", "Note Attributes", "Notes", "Payment Reference")
    for row in rows:
        order = row["_first"]
        for field in fields:
            tokens.update(t for t in TOKEN_SPLIT.split(order[field]) if t)
        names.add(order["Name"].removeprefix("#"))
    return tokens, names


def amazon_pending(folder: Path, tokens: set[str], names: set[str]) -> list[tuple]:
    pending = []
    for row in read_tabs(folder / "amazon_all_orders.txt"):
        if row["fulfillment-channel"].lower() not in ("merchant", "mfn"):
            continue
        if row["sales-channel"].lower() == "non-amazon":
            continue
        statuses = (row["order-status"].lower(), row["item-status"].lower())
        if any(s.startswith(CLOSED) for s in statuses):
            continue
        known = row["amazon-order-id"] in tokens
        known |= row["merchant-order-id"].removeprefix("#") in names
        if not known:
            pending.append((sku_of(row["sku"]), int(row["quantity"])))
    return pending


def ebay_pending(folder: Path, tokens: set[str]) -> list[tuple]:
    pending = []
    for row in read_ebay(folder / "ebay_orders.csv"):
        if not row["Item Number"].strip() or row["Shipped On Date"].strip():
            continue
        number = row["Order Number"].strip() or row["Sales Record Number"].strip()
        if number not in tokens:
            pending.append((sku_of(row["Custom Label"]), int(row["Quantity"])))
    return pending


def finding(kind: str, key: str, severity: str, expected: int, actual: int, diff: int):
    return (kind, key, severity, expected, actual, diff)


def stock_findings(projected: dict[str, int], negative_rows: list[tuple]) -> list:
    found = [
        finding("negative_stock", f"negative_stock:{sku}", "critical", 0, p, p)
        for sku, p in projected.items()
        if p < 0
    ]
    for sku, location, units in negative_rows:
        if projected[sku] >= 0:
            key = f"negative_stock:{sku}:{location}"
            found.append(finding("negative_stock", key, "high", 0, units, units))
    return found


def listing_severity(listed: int, projected: int) -> tuple[str | None, int]:
    expected = max(0, projected)
    if listed > 0 and projected <= 0:
        return "critical", expected
    if listed - expected > 0:
        return "high", expected
    if expected - listed > max(2, 0.10 * expected):
        return "low", expected
    return None, expected


def listing_findings(folder: Path, projected: dict[str, int]) -> list:
    found = []
    for row in read_tabs(folder / "amazon_all_listings.txt"):
        if row["fulfillment-channel"].upper().startswith("AMAZON"):
            continue
        sku = sku_of(row["seller-sku"])
        if row["status"].strip().lower() != "active" or not sku:
            continue
        listed, key = int(row["quantity"]), f"mismatch:{sku}:amazon"
        if sku not in projected:
            found.append(finding("mismatch", key, "high", 0, listed, listed))
            continue
        severity, expected = listing_severity(listed, projected[sku])
        if severity:
            diff = listed - expected
            found.append(finding("mismatch", key, severity, expected, listed, diff))
    return found


def stale_findings(rows: list[dict[str, str]], as_of: datetime) -> list:
    found, position = [], defaultdict(int)
    for row in rows:
        order = row["_first"]
        position[row["Name"]] += 1
        waiting = row["Lineitem fulfillment status"].strip().lower() in ("pending", "")
        ships = row["Lineitem requires shipping"].strip().lower() == "true"
        if order["Cancelled at"].strip() or not waiting or not ships:
            continue
        age = as_of - datetime.strptime(order["Created at"], "%Y-%m-%d %H:%M:%S %z")
        unpaid = order["Financial Status"].strip().lower() == "pending"
        if (unpaid and age >= timedelta(days=3)) or age >= timedelta(days=7):
            key = f"stale_reservation:order:{row['Name']}:{position[row['Name']]}"
            units = int(row["Lineitem quantity"])
            found.append(finding("stale_reservation", key, "low", 0, units, units))
    return found


def all_findings(folder: Path, as_of: datetime) -> set[tuple]:
    available, negative_rows = available_by_sku(folder)
    rows = shopify_orders(folder)
    tokens, names = references(rows)
    demand = amazon_pending(folder, tokens, names) + ebay_pending(folder, tokens)

    pending: dict[str, int] = defaultdict(int)
    for sku, units in demand:
        pending[sku] += units
    projected = {sku: units - pending[sku] for sku, units in available.items()}
    return set(
        stock_findings(projected, negative_rows)
        + listing_findings(folder, projected)
        + stale_findings(rows, as_of)
    )
