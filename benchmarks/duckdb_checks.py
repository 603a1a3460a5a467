"""The reference side of the benchmark: reconcile's checks written in DuckDB SQL.

    python benchmarks/duckdb_checks.py DIR --out findings.json

Reads the five synthetic files with DuckDB's own CSV reader (every column as
text), applies the rules from benchmarks/README.md with default settings (all
locations sellable, buffer 0, no sync, no ledger holds) and writes
{"findings": [{kind, key, severity, expected, actual, difference}, ...]}.
It imports nothing from reconcile and nothing but DuckDB, so its memory use is
DuckDB's own.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

AS_OF = "2026-11-30T14:00:00Z"
FILES = {
    "inventory_raw": "inventory_export_1.csv",
    "shop_raw": "orders_export_1.csv",
    "amazon_raw": "amazon_all_orders.txt",
    "listings_raw": "amazon_all_listings.txt",
    "ebay_raw": "ebay_orders.csv",
}
# Every column as text. Amazon quotes nothing, so a '"' inside a product name
# is just a character. eBay: skip the line of bare commas; the padding row and
# the footer lines come through as rows without an Item Number (null_padding
# lets the short footer lines through) and are dropped with summary rows.
READERS = {
    "inventory_raw": "header=true, all_varchar=true, delim=',', quote='\"'",
    "shop_raw": "header=true, all_varchar=true, delim=',', quote='\"'",
    "amazon_raw": "header=true, all_varchar=true, delim='\\t', quote='', escape=''",
    "listings_raw": "header=true, all_varchar=true, delim='\\t', quote='', escape=''",
    "ebay_raw": (
        "header=true, all_varchar=true, delim=',', quote='\"', skip=1, "
        "null_padding=true"
    ),
}

MACROS = r"""
CREATE MACRO txt(s) AS regexp_replace(coalesce(s, ''), '^\s+|\s+$', '', 'g');
CREATE MACRO sku_of(s) AS
    CASE WHEN starts_with(txt(s), '''') THEN substr(txt(s), 2) ELSE txt(s) END;
CREATE MACRO closed(s) AS
    starts_with(lower(coalesce(s, '')), 'shipped')
    OR starts_with(lower(coalesce(s, '')), 'cancel')
    OR starts_with(lower(coalesce(s, '')), 'complete');
CREATE MACRO units(s) AS
    CASE WHEN lower(txt(s)) = 'not stocked' THEN 0 ELSE CAST(txt(s) AS BIGINT) END;
"""

STOCK = """
CREATE TABLE stock_rows AS
SELECT sku_of("SKU") AS sku,
       coalesce("Location", '') AS location,
       units("Available (not editable)") AS available
FROM inventory_raw
WHERE sku_of("SKU") <> '';

CREATE TABLE available AS
SELECT sku, sum(available) AS available FROM stock_rows GROUP BY sku;
"""

# Order-level fields live on an order's first row only: take them from there.
SHOPIFY = r"""
CREATE TABLE shop_first AS
SELECT s.* FROM shop_raw s
JOIN (SELECT "Name", min(rowid) AS first FROM shop_raw GROUP BY "Name") f
  ON s.rowid = f.first;

CREATE TABLE shop_tokens AS
SELECT DISTINCT token FROM (
    SELECT unnest(regexp_split_to_array(
        concat_ws(' ', "Name", "Tags", "Note Attributes", "Notes",
                  "Payment Reference"),
        '[^A-Za-z0-9_-]+')) AS token
    FROM shop_first)
WHERE token <> '';

CREATE TABLE shop_names AS
SELECT DISTINCT regexp_replace("Name", '^#', '') AS name FROM shop_first;
"""

DEMAND = r"""
CREATE TABLE amazon_open AS
SELECT sku_of("sku") AS sku,
       CAST(txt("quantity") AS BIGINT) AS quantity,
       coalesce("amazon-order-id", '') AS order_number,
       regexp_replace(coalesce("merchant-order-id", ''), '^#', '') AS shopify_name
FROM amazon_raw
WHERE lower(coalesce("fulfillment-channel", '')) IN ('merchant', 'mfn')
  AND lower(coalesce("sales-channel", '')) <> 'non-amazon'
  AND NOT closed("order-status")
  AND NOT closed("item-status");

CREATE TABLE ebay_open AS
SELECT sku_of("Custom Label") AS sku,
       CAST(txt("Quantity") AS BIGINT) AS quantity,
       CASE WHEN txt("Order Number") <> '' THEN txt("Order Number")
            ELSE txt("Sales Record Number") END AS order_number
FROM ebay_raw
WHERE txt("Item Number") <> ''
  AND txt("Shipped On Date") = '';

CREATE TABLE pending AS
SELECT sku, sum(quantity) AS pending FROM (
    SELECT a.sku, a.quantity FROM amazon_open a
    ANTI JOIN shop_tokens t ON a.order_number = t.token
    ANTI JOIN shop_names n ON a.shopify_name = n.name
    UNION ALL
    SELECT e.sku, e.quantity FROM ebay_open e
    ANTI JOIN shop_tokens t ON e.order_number = t.token)
WHERE sku <> ''
GROUP BY sku;

CREATE TABLE projected AS
SELECT a.sku, a.available - coalesce(p.pending, 0) AS projected
FROM available a LEFT JOIN pending p USING (sku);
"""

NEGATIVE_STOCK = """
SELECT 'negative_stock' AS kind, 'negative_stock:' || sku AS key,
       'critical' AS severity, 0 AS expected, projected AS actual,
       projected AS difference
FROM projected WHERE projected < 0
UNION ALL
SELECT 'negative_stock', 'negative_stock:' || r.sku || ':' || r.location,
       'high', 0, r.available, r.available
FROM stock_rows r JOIN projected p USING (sku)
WHERE r.available < 0 AND p.projected >= 0
"""

MISMATCH = """
WITH listed AS (
    SELECT sku_of("seller-sku") AS sku, CAST(txt("quantity") AS BIGINT) AS listed
    FROM listings_raw
    WHERE NOT starts_with(upper(txt("fulfillment-channel")), 'AMAZON')
      AND lower(txt("status")) = 'active'
      AND sku_of("seller-sku") <> ''),
compared AS (
    SELECT l.sku, l.listed, p.projected, p.sku IS NULL AS unknown,
           greatest(0, p.projected) AS expected
    FROM listed l LEFT JOIN projected p USING (sku)),
judged AS (
    SELECT *, CASE
        WHEN unknown AND listed = 0 THEN 'low'
        WHEN unknown THEN 'high'
        WHEN listed > 0 AND projected <= 0 THEN 'critical'
        WHEN listed - expected > 0 THEN 'high'
        WHEN expected - listed > greatest(2, 0.10 * expected) THEN 'low'
    END AS severity
    FROM compared)
SELECT 'mismatch' AS kind, 'mismatch:' || sku || ':amazon' AS key, severity,
       CASE WHEN unknown THEN 0 ELSE expected END AS expected,
       listed AS actual,
       CASE WHEN unknown THEN listed ELSE listed - expected END AS difference
FROM judged WHERE severity IS NOT NULL
"""

STALE = """
WITH lines AS (
    SELECT s."Name" AS name,
           row_number() OVER (PARTITION BY s."Name" ORDER BY s.rowid) AS position,
           CAST(txt(s."Lineitem quantity") AS BIGINT) AS quantity,
           lower(txt(s."Lineitem fulfillment status")) AS line_status,
           lower(txt(s."Lineitem requires shipping")) AS ships,
           lower(txt(f."Financial Status")) AS financial,
           txt(f."Cancelled at") AS cancelled_at,
           epoch(strptime(f."Created at", '%Y-%m-%d %H:%M:%S %z')) AS created
    FROM shop_raw s JOIN shop_first f ON s."Name" = f."Name")
SELECT 'stale_reservation' AS kind,
       'stale_reservation:order:' || name || ':' || position AS key,
       'low' AS severity, 0 AS expected, quantity AS actual, quantity AS difference
FROM lines
WHERE cancelled_at = ''
  AND line_status IN ('pending', '')
  AND ships = 'true'
  AND ((financial = 'pending' AND created <= $as_of - 3 * 86400)
       OR created <= $as_of - 7 * 86400)
"""


def sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def load(con: duckdb.DuckDBPyConnection, folder: Path) -> None:
    """One view per file, read when a query needs it.

    The Shopify orders are copied into a table instead: their rowid then
    follows the file, which gives each line its position within its order.
    """
    for table, name in FILES.items():
        path = folder / name
        if not path.is_file():
            raise SystemExit(f"error: {path} is missing")
        source = f"read_csv({sql_text(str(path))}, {READERS[table]})"
        kind = "TABLE" if table == "shop_raw" else "VIEW"
        con.execute(f"CREATE {kind} {table} AS SELECT * FROM {source}")


def derive(con: duckdb.DuckDBPyConnection) -> None:
    for script in (MACROS, STOCK, SHOPIFY, DEMAND):
        con.execute(script)


def collect(con: duckdb.DuckDBPyConnection, as_of: datetime) -> list[dict[str, Any]]:
    """All findings, sorted by key, as plain dicts of text and ints."""
    cutoff = int(as_of.timestamp())
    rows = con.execute(NEGATIVE_STOCK).fetchall()
    rows += con.execute(MISMATCH).fetchall()
    rows += con.execute(STALE, {"as_of": cutoff}).fetchall()
    names = ("kind", "key", "severity", "expected", "actual", "difference")
    findings = [dict(zip(names, row, strict=True)) for row in rows]
    for finding in findings:
        for field in ("expected", "actual", "difference"):
            finding[field] = int(finding[field])
    return sorted(findings, key=lambda f: f["key"])


def run_checks(
    folder: Path, as_of: datetime, threads: int | None = None
) -> list[dict[str, Any]]:
    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    load(con, folder)
    derive(con)
    return collect(con, as_of)


def projected_stock(folder: Path) -> dict[str, int]:
    """available - pending per SKU, for tests that check the arithmetic."""
    con = duckdb.connect()
    load(con, folder)
    derive(con)
    return dict(con.execute("SELECT sku, projected FROM projected").fetchall())


def parse_time(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text}: give a time zone, e.g. Z")
    return moment


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--as-of", type=parse_time, default=parse_time(AS_OF))
    parser.add_argument("--threads", type=int, default=None)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    findings = run_checks(args.folder, args.as_of, args.threads)
    args.out.write_text(json.dumps({"findings": findings}, indent=1) + "\n")
    seconds = time.perf_counter() - started
    print(f"duckdb: {len(findings)} findings in {seconds:.2f} s -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
