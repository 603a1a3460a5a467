"""eBay Seller Hub orders report.

The file opens with a blank or comma-only line, then the header, then an empty
padding row; it ends with a record count and the seller id. A multi-item order has
a summary row (no Item Number) before its item rows: counting it would count the
order twice. The report lists no cancelled orders; a line is open until it has a
Shipped On Date.
"""

from __future__ import annotations

import re

import pandas as pd

from reconcile.sources.common import (
    ReadContext,
    ReadResult,
    canonical,
    load_frame,
    text_or_blank,
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
    frame = load_frame(layout, header, footer=FOOTER)
    rows_in_file = len(frame)

    record = frame["Sales Record Number"].str.strip()
    item = frame["Item Number"].str.strip()
    siblings = record.map(record.value_counts())
    summary_row = (item == "") & (siblings > 1)
    frame = frame.loc[~summary_row].reset_index(drop=True)
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
    order_id = order_number.where(
        order_number != "", frame["Sales Record Number"].str.strip()
    )
    transaction = text_or_blank(frame, "Transaction ID")
    is_open = frame["Shipped On Date"].str.strip() == ""

    lines = pd.DataFrame(
        {
            "row": rows,
            "channel": "ebay",
            "order_id": order_id,
            "line_id": transaction.where(
                transaction != "", frame["Item Number"].str.strip()
            ),
            "sku": clean_text(frame["Custom Label"]),
            "title": text_or_blank(frame, "Item Title"),
            "ordered_qty": quantity,
            "open_qty": quantity.where(is_open, 0),
            "created_at": created,
            "status": is_open.map({True: "unshipped", False: "shipped"}).astype("str"),
            "is_open": is_open,
            "ships_from_shopify": True,
            "merchant_order_id": "",
        }
    )
    summary = {
        "lines": len(lines),
        "open_lines": int(is_open.sum()),
        "summary_rows_skipped": int(summary_row.sum()),
    }
    lines = canonical(lines, header.path.name, layout.name, ctx.as_of)
    return ReadResult(layout, lines, rows_in_file, problems, summary)
