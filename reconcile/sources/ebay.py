"""eBay Seller Hub orders report.

The file opens with a blank or comma-only line, then the header, then an empty
padding row; it ends with a record count and the seller id. A multi-item order has
a summary row (no Item Number) before its item rows: counting it would count the
order twice. The report lists no cancelled orders; a line is open until it has a
Shipped On Date. Only open lines become order lines; shipped ones are counted in the
channel summary.
"""

from __future__ import annotations

import re

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from reconcile.frames import isin
from reconcile.sources.common import (
    ORDER_DTYPES,
    ReadContext,
    ReadResult,
    canonical,
    concat_or_empty,
    iter_tables,
    text_or_blank,
    trimmed,
    unique_text,
)
from reconcile.sources.layouts import Layout
from reconcile.sources.tabular import Header
from reconcile.sources.values import Problems, clean_text, integers, timestamps

FOOTER = re.compile(
    rb"^(?:\d+\s*,?\s*record\(s\) downloaded|seller id\s*:)", re.IGNORECASE
)
SALE_DATES = (
    "%b-%d-%y",
    "%b-%d-%Y",
    "%b-%d-%y %H:%M:%S",
    "%b-%d-%Y %H:%M:%S",
    # A date cell of the .xlsx report, as the XLSX reader writes it out.
    "%Y-%m-%d %H:%M:%S",
)


def read_orders(header: Header, layout: Layout, ctx: ReadContext) -> ReadResult:
    problems = Problems(header.path.name)
    rows_in_file, parts, item_records, order_ids = 0, [], [], []
    for table in iter_tables(layout, header, footer=FOOTER):
        rows_in_file += table.num_rows
        no_item = pc.equal(trimmed(table, "Item Number"), "")
        shipped = pc.not_equal(trimmed(table, "Shipped On Date"), "")
        record = trimmed(table, "Sales Record Number")
        item_records.append(record.filter(pc.invert(no_item)))
        number = trimmed(table, "Order Number")
        order_ids.append(pc.if_else(pc.equal(number, ""), record, number))
        # Shipped item lines no longer draw on stock; rows without an Item Number
        # are kept until every batch is read: only then is it known whether they are
        # an order's summary row.
        keep = pc.or_(no_item, pc.invert(shipped))
        kept = table.filter(keep)
        kept = kept.append_column("no_item", no_item.filter(keep))
        parts.append(kept.append_column("shipped", shipped.filter(keep)))
    frame = pa.concat_tables(parts).to_pandas() if parts else None
    if frame is None or frame.empty:
        lines = concat_or_empty([], ORDER_DTYPES)
        summary = {"lines": rows_in_file, "open_lines": 0, "summary_rows_skipped": 0}
        return ReadResult(layout, lines, rows_in_file, problems, summary)

    records = pa.chunked_array([c for r in item_records for c in r.chunks], pa.string())
    record = frame["Sales Record Number"].str.strip()
    summary_row = frame["no_item"] & isin(record, records)
    summary = {
        "lines": rows_in_file - int(summary_row.sum()),
        "open_lines": int((~summary_row & ~frame["shipped"]).sum()),
        "summary_rows_skipped": int(summary_row.sum()),
    }
    lines = _open_lines(frame.loc[~summary_row & ~frame["shipped"]], problems, ctx)
    lines = canonical(lines, header.path.name, layout.name, ctx.as_of)
    result = ReadResult(layout, lines, rows_in_file, problems, summary)
    result.order_ids = unique_text(order_ids)
    return result


def _open_lines(
    frame: pd.DataFrame, problems: Problems, ctx: ReadContext
) -> pd.DataFrame:
    rows = frame["row"]
    quantity = integers(frame["Quantity"], rows, "Quantity", problems)
    created = timestamps(
        frame["Sale Date"],
        rows,
        "Sale Date",
        problems,
        formats=SALE_DATES,
        local_zone=ctx.shop_timezone,
        blank_ok=False,
    )
    order_number = frame["Order Number"].str.strip()
    record = frame["Sales Record Number"].str.strip()
    transaction = text_or_blank(frame, "Transaction ID")
    item = frame["Item Number"].str.strip()
    lines = pd.DataFrame(
        {
            "row": rows,
            "channel": "ebay",
            "order_id": order_number.where(order_number != "", record),
            "line_id": transaction.where(transaction != "", item),
            "sku": clean_text(frame["Custom Label"]),
            "title": text_or_blank(frame, "Item Title"),
            "ordered_qty": quantity,
            "open_qty": quantity,
            "created_at": created,
            "status": "unshipped",
            "is_open": True,
            "ships_from_shopify": True,
            "merchant_order_id": "",
        }
    )
    return lines.reset_index(drop=True)
