"""Amazon Seller Central flat files: the All Orders report and the listings reports.

Of the All Orders report only open merchant-fulfilled lines become order lines:
Amazon-fulfilled (FBA), Non-Amazon (Shopify's own orders fulfilled by Amazon) and
shipped or cancelled lines never draw on Shopify's stock. They are counted in the
channel summary, not kept.

Both are tab-separated with no quoting at all (a title may start with a double
quote), UTF-8 or Windows-1252, with an optional BOM and CRLF line ends.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from reconcile.sources.common import (
    ORDER_DTYPES,
    ReadContext,
    ReadResult,
    canonical,
    concat_or_empty,
    count,
    iter_tables,
    load_frame,
    text_or_blank,
    trimmed,
    unique_text,
)
from reconcile.sources.layouts import Layout
from reconcile.sources.tabular import Header
from reconcile.sources.values import Problems, clean_text, integers, timestamps

MERCHANT_FULFILLED = ("merchant", "mfn")
# Each data row lands in exactly one of the last four.
ORDER_SUMMARY = (
    "lines",
    "open_merchant_lines",
    "closed_merchant_lines",
    "amazon_fulfilled_lines",
    "non_amazon_lines",
)
CLOSED_STATUS = r"^(?:shipped|cancel|complete)"


def read_orders(header: Header, layout: Layout, ctx: ReadContext) -> ReadResult:
    problems = Problems(header.path.name)
    summary: Counter[str] = Counter(dict.fromkeys(ORDER_SUMMARY, 0))
    parts, order_ids = [], []
    for table in iter_tables(layout, header):
        order_ids.append(trimmed(table, "amazon-order-id"))
        parts.append(_demand_lines(table, problems, summary, ctx))
    lines = concat_or_empty(parts, ORDER_DTYPES)
    lines = canonical(lines, header.path.name, layout.name, ctx.as_of)
    result = ReadResult(layout, lines, summary["lines"], problems, dict(summary))
    result.order_ids = unique_text(order_ids)
    return result


def _demand_lines(
    table: pa.Table, problems: Problems, summary: Counter[str], ctx: ReadContext
) -> pd.DataFrame:
    """The open merchant-fulfilled lines of one batch; the rest only counted.

    The flags are worked out by Arrow on the whole batch; only the lines kept
    become a pandas frame.
    """
    merchant = pc.is_in(
        trimmed(table, "fulfillment-channel", lower=True),
        value_set=pa.array(MERCHANT_FULFILLED),
    )
    non_amazon = pc.equal(trimmed(table, "sales-channel", lower=True), "non-amazon")
    closed = pc.or_(
        pc.match_substring_regex(
            trimmed(table, "order-status", lower=True), CLOSED_STATUS
        ),
        pc.match_substring_regex(
            trimmed(table, "item-status", lower=True), CLOSED_STATUS
        ),
    )
    ours = pc.and_(merchant, pc.invert(non_amazon))
    demand = pc.and_(ours, pc.invert(closed))
    summary.update(
        lines=table.num_rows,
        open_merchant_lines=count(demand),
        closed_merchant_lines=count(pc.and_(ours, closed)),
        amazon_fulfilled_lines=count(
            pc.and_(pc.invert(merchant), pc.invert(non_amazon))
        ),
        non_amazon_lines=count(non_amazon),
    )

    frame = table.filter(demand).to_pandas()
    rows = frame["row"]
    quantity = integers(frame["quantity"], rows, "quantity", problems)
    created = timestamps(
        frame["purchase-date"],
        rows,
        "purchase-date",
        problems,
        formats=("ISO8601",),
        local_zone=ctx.shop_timezone,
        blank_ok=False,
    )
    order_status = frame["order-status"].str.strip()
    status = frame["item-status"].str.strip()
    sku = clean_text(frame["sku"])
    return pd.DataFrame(
        {
            "row": rows,
            "channel": "amazon",
            "order_id": frame["amazon-order-id"].str.strip(),
            # The report has no order-item id; an order lists each SKU once.
            "line_id": sku,
            "sku": sku,
            "title": "",
            "ordered_qty": quantity,
            "open_qty": quantity,
            "created_at": created,
            "status": status.where(status != "", order_status),
            "is_open": True,
            "ships_from_shopify": True,
            "merchant_order_id": text_or_blank(frame, "merchant-order-id"),
        }
    )


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
