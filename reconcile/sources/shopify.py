"""Shopify admin exports: the inventory export (three shapes) and the orders export.

Inventory rows become stock rows, one per SKU and location. Orders rows become
order lines of the channel "shopify": they never add to marketplace demand (Shopify's
available already nets them out), but they show which marketplace orders a connector
copied into Shopify and which orders still hold stock after too long.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from reconcile.sources.common import (
    ReadContext,
    ReadResult,
    canonical,
    iter_frames,
    load_frame,
    text_or_blank,
)
from reconcile.sources.layouts import (
    COLUMNS_2023,
    CURRENT_COLUMNS,
    SHOPIFY_INVENTORY_CURRENT,
    SHOPIFY_INVENTORY_WIDE,
    Layout,
)
from reconcile.sources.tabular import Header
from reconcile.sources.values import Problems, clean_text, integers, timestamps

QUANTITIES = ("incoming", "unavailable", "committed", "available", "on_hand")
NOT_STOCKED = "not stocked"
SHOPIFY_TIMES = ("%Y-%m-%d %H:%M:%S %z", "ISO8601")
ORDER_LEVEL = (
    "Financial Status",
    "Fulfillment Status",
    "Cancelled at",
    "Tags",
    "Notes",
    "Note Attributes",
    "Payment Reference",
    "Payment References",
    "Source",
)


def variant_titles(frame: pd.DataFrame) -> pd.Series:
    """`Tee - Red / L`; the default variant shows the product title alone."""
    title = frame["Title"].str.strip()
    options = [text_or_blank(frame, f"Option{n} Value") for n in (1, 2, 3)]
    joined = options[0]
    for option in options[1:]:
        joined = joined.where(option == "", joined + " / " + option)
    joined = joined.str.strip(" /")
    plain = (joined == "") | (joined == "Default Title")
    return title.where(plain, title + " - " + joined)


def read_inventory(header: Header, layout: Layout, ctx: ReadContext) -> ReadResult:
    problems = Problems(header.path.name)
    wide = layout is SHOPIFY_INVENTORY_WIDE
    locations = _wide_locations(header) if wide else []
    if wide and not locations:
        problems.error(
            "has no location columns after COO; export it again with "
            "'All locations' selected",
            row=header.index + 1,
        )
        return ReadResult(
            layout,
            canonical(_no_stock(), header.path.name, layout.name, ctx.as_of),
            0,
            problems,
        )
    if wide:
        columns = {"Available": "available"}
    elif layout is SHOPIFY_INVENTORY_CURRENT:
        columns = CURRENT_COLUMNS
    else:
        columns = COLUMNS_2023

    rows, parts = 0, []
    for frame in iter_frames(layout, header, extra=locations):
        rows += len(frame)
        if wide:
            frame = _melt_wide(frame, locations)
        parts.append(_stock_rows(frame, columns, problems, per_location=wide))
    stock = pd.concat(parts, ignore_index=True) if parts else _no_stock()

    stock = _drop_blank_skus(stock, problems)
    _refuse_duplicates(stock, problems)
    stock = canonical(stock, header.path.name, layout.name, ctx.as_of)
    return ReadResult(layout, stock, rows, problems)


def _no_stock() -> pd.DataFrame:
    frame = pd.DataFrame(
        {name: pd.Series(dtype="str") for name in ("sku", "title", "location")}
    )
    for name in QUANTITIES:
        frame[name] = pd.Series(dtype="Int64")
    return frame.assign(row=pd.Series(dtype="int64"), not_stocked=pd.Series(dtype=bool))


def _wide_locations(header: Header) -> list[str]:
    """In the wide shape every column after COO (or SKU) is a location's available."""
    names = list(header.names)
    anchor = header.find("COO") or header.find("SKU") or names[-1]
    return [name for name in names[names.index(anchor) + 1 :] if name]


def _melt_wide(frame: pd.DataFrame, locations: list[str]) -> pd.DataFrame:
    keep = [column for column in frame if column not in locations]
    long = frame.melt(
        id_vars=keep, value_vars=locations, var_name="Location", value_name="Available"
    )
    return long.sort_values(["row", "Location"], kind="stable").reset_index(drop=True)


def _stock_rows(
    frame: pd.DataFrame,
    columns: dict[str, str],
    problems: Problems,
    per_location: bool = False,
) -> pd.DataFrame:
    stock = pd.DataFrame(
        {
            "row": frame["row"],
            "sku": clean_text(frame["SKU"]),
            "title": variant_titles(frame),
            "location": frame["Location"].str.strip(),
        }
    )
    for column, name in columns.items():
        cell = frame[column]
        word = cell.str.strip().str.lower() == NOT_STOCKED
        # The wide shape has no Available column: each location is a column.
        label = frame["Location"] if per_location else column
        stock[name] = integers(cell, frame["row"], label, problems, extra_ok=word)
        if name == "available":
            stock["not_stocked"] = word
    for name in QUANTITIES:
        if name not in stock:
            stock[name] = pd.Series(pd.NA, index=stock.index, dtype="Int64")
    return stock


def _drop_blank_skus(stock: pd.DataFrame, problems: Problems) -> pd.DataFrame:
    """Rows without a SKU cannot be matched to any channel: reported, then set aside."""
    blank = stock["sku"] == ""
    if blank.any():
        rows = stock.loc[blank, "row"].drop_duplicates()
        shown = ", ".join(str(r) for r in rows.iloc[:10])
        more = f" and {len(rows) - 10} more" if len(rows) > 10 else ""
        problems.warn(
            f"{len(rows)} row(s) have no SKU (rows {shown}{more}); they are left out "
            "of the checks. Give them a SKU in Shopify to have them reconciled.",
            column="SKU",
        )
    return stock.loc[~blank].reset_index(drop=True)


def _refuse_duplicates(stock: pd.DataFrame, problems: Problems) -> None:
    twice = stock.duplicated(["sku", "location"], keep="first")
    for row, sku, location in (
        stock.loc[twice, ["row", "sku", "location"]].head(20).itertuples(index=False)
    ):
        problems.error(
            f"SKU {sku!r} at {location!r} appears twice; two variants share a SKU. "
            "Give each variant its own SKU in Shopify.",
            int(row),
            "SKU",
        )


def read_orders(header: Header, layout: Layout, ctx: ReadContext) -> ReadResult:
    problems = Problems(header.path.name)
    frame = load_frame(layout, header)
    frame = _fill_order_fields(frame)
    rows = frame["row"]

    created = timestamps(
        frame["Created at"],
        rows,
        "Created at",
        problems,
        formats=SHOPIFY_TIMES,
        local_zone=ctx.shop_timezone,
        blank_ok=False,
    )
    quantity = integers(frame["Lineitem quantity"], rows, "Lineitem quantity", problems)
    status = frame["Lineitem fulfillment status"].str.strip().str.lower()
    is_open = (
        (frame["Cancelled at"].str.strip() == "")
        & status.isin(["pending", ""])
        & (frame["Lineitem requires shipping"].str.strip().str.lower() == "true")
    )

    lines = pd.DataFrame(
        {
            "row": rows,
            "channel": "shopify",
            "order_id": frame["Name"].str.strip(),
            "line_id": (frame.groupby("Name", sort=False).cumcount() + 1).astype("str"),
            "sku": clean_text(frame["Lineitem sku"]),
            "title": text_or_blank(frame, "Lineitem name"),
            "ordered_qty": quantity,
            "open_qty": quantity.where(is_open, 0),
            "created_at": created,
            "status": status,
            "is_open": is_open,
            "ships_from_shopify": True,
            "financial_status": frame["Financial Status"].str.strip().str.lower(),
            **_reference_fields(frame),
            "merchant_order_id": "",
        }
    )
    summary = {"lines": len(lines), "open_lines": int(is_open.sum())}
    lines = canonical(lines, header.path.name, layout.name, ctx.as_of)
    result = ReadResult(layout, lines, len(frame), problems, summary)
    result.order_ids = pa.array(lines["order_id"].unique(), pa.string())
    return result


def _fill_order_fields(frame: pd.DataFrame) -> pd.DataFrame:
    """Order fields sit on an order's first row only; copy them to its other lines."""
    present = [column for column in ORDER_LEVEL if column in frame]
    first = frame.drop_duplicates("Name", keep="first").set_index("Name")[present]
    filled = first.reindex(frame["Name"]).set_axis(frame.index)
    frame = frame.copy()
    frame[present] = filled
    return frame


REFERENCE_FIELDS = ("Tags", "Notes", "Note Attributes", "Payment Reference")


def _reference_fields(frame: pd.DataFrame) -> dict[str, pd.Series]:
    """The order fields a connector writes a marketplace order number into."""
    fields = {f"ref:{name}": text_or_blank(frame, name) for name in REFERENCE_FIELDS}
    extra = text_or_blank(frame, "Payment References")
    fields["ref:Payment Reference"] = fields["ref:Payment Reference"] + " " + extra
    return fields
