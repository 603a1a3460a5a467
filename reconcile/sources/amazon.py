"""Amazon Seller Central flat files: the All Orders report and the listings reports.

Both are tab-separated with no quoting at all (a title may start with a double
quote), UTF-8 or Windows-1252, with an optional BOM and CRLF line ends.
"""

from __future__ import annotations

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

MERCHANT_FULFILLED = ("merchant", "mfn")
CLOSED_STATUS = r"^(?:shipped|cancel|complete)"


def read_orders(header: Header, layout: Layout, ctx: ReadContext) -> ReadResult:
    problems = Problems(header.path.name)
    frame = load_frame(layout, header)
    rows = frame["row"]

    fulfilment = frame["fulfillment-channel"].str.strip().str.lower()
    merchant = fulfilment.isin(MERCHANT_FULFILLED)
    non_amazon = frame["sales-channel"].str.strip().str.lower() == "non-amazon"
    order_status = frame["order-status"].str.strip()
    item_status = frame["item-status"].str.strip()
    closed = order_status.str.lower().str.contains(
        CLOSED_STATUS
    ) | item_status.str.lower().str.contains(CLOSED_STATUS)
    is_open = ~closed
    ships_from_shopify = merchant & ~non_amazon

    # A blank quantity only matters on a line that still has to ship.
    quantity = integers(
        frame["quantity"], rows, "quantity", problems, blank_ok=~is_open
    )
    created = timestamps(
        frame["purchase-date"],
        rows,
        "purchase-date",
        problems,
        formats=("ISO8601",),
        local_zone=ctx.shop_timezone,
        blank_ok=False,
    )
    order_id = frame["amazon-order-id"].str.strip()
    lines = pd.DataFrame(
        {
            "row": rows,
            "channel": "amazon",
            "order_id": order_id,
            "line_id": (order_id.groupby(order_id, sort=False).cumcount() + 1).astype(
                "str"
            ),
            "sku": clean_text(frame["sku"]),
            "title": text_or_blank(frame, "product-name"),
            "ordered_qty": quantity.fillna(0),
            "open_qty": quantity.fillna(0).where(is_open, 0),
            "created_at": created,
            "status": item_status.where(item_status != "", order_status),
            "is_open": is_open,
            "ships_from_shopify": ships_from_shopify,
            "merchant_order_id": text_or_blank(frame, "merchant-order-id"),
        }
    )
    summary = {
        "lines": len(lines),
        "open_merchant_lines": int((is_open & ships_from_shopify).sum()),
        "amazon_fulfilled_lines": int((~merchant & ~non_amazon).sum()),
        "non_amazon_lines": int(non_amazon.sum()),
    }
    lines = canonical(lines, header.path.name, layout.name, ctx.as_of)
    return ReadResult(layout, lines, len(frame), problems, summary)


def read_listings(header: Header, layout: Layout, ctx: ReadContext) -> ReadResult:
    problems = Problems(header.path.name)
    frame = load_frame(layout, header)
    rows = frame["row"]

    fulfilment = text_or_blank(frame, "fulfillment-channel").str.upper()
    merchant = ~fulfilment.str.startswith("AMAZON")
    status = text_or_blank(frame, "status").str.lower()
    active = (status == "") | (status == "active")
    compared = merchant & active

    # Amazon-fulfilled rows carry no merchant quantity; only compared rows need one.
    listed = integers(frame["quantity"], rows, "quantity", problems, blank_ok=~compared)
    listings = pd.DataFrame(
        {
            "row": rows,
            "channel": "amazon",
            "sku": clean_text(frame["seller-sku"]),
            "title": text_or_blank(frame, "item-name"),
            "listed_qty": listed,
            "merchant_fulfilled": merchant,
            "active": active,
            "compared": compared,
        }
    )
    _refuse_duplicate_listings(listings, problems)
    summary = {
        "listings": len(listings),
        "compared": int(compared.sum()),
        "amazon_fulfilled": int((~merchant).sum()),
        "inactive": int((merchant & ~active).sum()),
    }
    listings = canonical(listings, header.path.name, layout.name, ctx.as_of)
    return ReadResult(layout, listings, len(frame), problems, summary)


def _refuse_duplicate_listings(listings: pd.DataFrame, problems: Problems) -> None:
    compared = listings.loc[listings["compared"]]
    twice = compared.duplicated("sku", keep="first")
    for row, sku in (
        compared.loc[twice, ["row", "sku"]].head(20).itertuples(index=False)
    ):
        problems.error(
            f"seller-sku {sku!r} is listed twice as an active merchant-fulfilled offer; "
            "keep one row per SKU (download the report again if it was edited).",
            int(row),
            "seller-sku",
        )
