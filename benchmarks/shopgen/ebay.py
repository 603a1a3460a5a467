"""eBay's Seller Hub orders report, made up.

A line of bare commas comes first, then the header (eBay quotes some names and
not others), an all-empty padding row, the data, a blank line and two footer
lines. An order of several items has a summary row first, with no Item Number.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from shopgen.catalogue import Catalogue
from shopgen.fields import (
    DAY,
    SNAPSHOT,
    ages_in_days,
    digits,
    epoch,
    group_sizes,
    join,
    money_grouped,
    pick,
    placed_times,
    positions,
    quantities,
    text,
    timestamps,
    unique_numbers,
    where,
)
from shopgen.market import (
    NO_SKU,
    MarketOrders,
    padded,
    popular_skus,
    skus_as_written,
)
from shopgen.places import (
    ADDRESSES,
    address_rows,
    buyer_emails,
    buyer_handles,
    person_names,
    streets,
)
from shopgen.text import header_names, write_table

HEADER = (
    '"Sales Record Number","Order Number","Buyer Username","Buyer Name",'
    '"Buyer Email","Buyer Note",Buyer Address 1,Buyer Address 2,Buyer City,'
    '"Buyer State","Buyer Zip","Buyer Country","Buyer Tax Identifier Name",'
    '"Buyer Tax Identifier Value",Ship To Name,"Ship To Phone",Ship To Address 1,'
    'Ship To Address 2,Ship To City,"Ship To State","Ship To Zip",'
    '"Ship To Country","Item Number","Item Title",Custom Label,'
    '"Sold Via Promoted Listings","Quantity","Sold For","Shipping And Handling",'
    'Item Location,"Item Zip Code","Item Country",'
    '"eBay Collect And Remit Tax Rate","eBay Collect And Remit Tax Type",'
    '"eBay Reference Name",eBay Reference Value,Tax Status,'
    '"Seller Collected Tax","eBay Collected Tax","Electronic Waste Recycling Fee",'
    '"Mattress Recycling Fee","Battery Recycling Fee","White Goods Disposal Tax",'
    '"Tire Recycling Fee","Additional Fee","Lumber Fee","Prepaid Wireless Fee",'
    '"Road Improvement And Food Delivery Fee","eBay Collected Charges",'
    '"Total Price","eBay Collected Tax and Fees Included in Total",'
    '"Payment Method","Sale Date","Paid On Date","Ship By Date",'
    '"Minimum Estimated Delivery Date","Maximum Estimated Delivery Date",'
    '"Shipped On Date","Feedback Left","Feedback Received","My Item Note",'
    '"PayPal Transaction ID","Shipping Service","Tracking Number",'
    '"Transaction ID",Variation Details,"Global Shipping Program",'
    '"Global Shipping Reference ID","Click And Collect",'
    '"Click And Collect Reference Number","eBay Plus",'
    '"Authenticity Verification Program","Authenticity Verification Status",'
    '"Authenticity Verification Outcome Reason","PSA Vault Program",'
    '"Vault Fulfillment Type","eBay Fulfillment Program",Tax City,"Tax State",'
    '"Tax Zip","Tax Country","eBay International Shipping"'
)
COLUMN_COUNT = len(header_names(HEADER, ","))
EMPTY_ROW = "," * (COLUMN_COUNT - 1) + "\n"
FIRST_RECORD = 700_001
ZONE = "-08:00"  # eBay writes dates in the seller's Pacific time
NOTES = ("Please ship fast, thanks!", 'Gift - write "Happy Birthday" inside')
ALWAYS_EMPTY = (
    "Buyer Address 2", "Buyer Tax Identifier Name", "Buyer Tax Identifier Value",
    "Ship To Phone", "Ship To Address 2", "eBay Collect And Remit Tax Rate",
    "eBay Collect And Remit Tax Type", "eBay Reference Name", "eBay Reference Value",
    "Tax Status", "Electronic Waste Recycling Fee", "Mattress Recycling Fee",
    "Battery Recycling Fee", "White Goods Disposal Tax", "Tire Recycling Fee",
    "Additional Fee", "Lumber Fee", "Prepaid Wireless Fee",
    "Road Improvement And Food Delivery Fee", "eBay Collected Charges",
    "Feedback Received", "My Item Note", "PayPal Transaction ID",
    "Variation Details", "Global Shipping Reference ID",
    "Click And Collect Reference Number", "Authenticity Verification Status",
    "Authenticity Verification Outcome Reason", "Vault Fulfillment Type",
)  # fmt: skip
ALWAYS_NO = (
    "Global Shipping Program", "Click And Collect", "eBay Plus",
    "Authenticity Verification Program", "PSA Vault Program",
    "eBay Fulfillment Program", "eBay International Shipping", "Feedback Left",
)  # fmt: skip


def order_numbers(rng: np.random.Generator, count: int) -> pa.Array:
    """Numbers like 12-34567-89012, all different."""
    number = unique_numbers(rng, count, 10**12)
    return join(
        digits(number // 10**10, 2), "-",
        digits(number // 10**5 % 10**5, 5), "-",
        digits(number % 10**5, 5),
    )  # fmt: skip


def line_skus(
    rng: np.random.Generator, catalogue: Catalogue, count: int
) -> tuple[np.ndarray, np.ndarray, pa.Array]:
    """Drawn SKUs, the SKU each line matches, and the Custom Label written.

    Some labels are blank (the seller never set one) and some carry stray
    spaces, which still match once trimmed.
    """
    drawn = popular_skus(rng, np.arange(catalogue.size), count)
    roll = rng.random(count)
    blank = roll < 0.005
    spaced = (roll >= 0.005) & (roll < 0.015)
    written = skus_as_written(catalogue, drawn, blank, "")
    return drawn, np.where(blank, NO_SKU, drawn), padded(written, spaced)


def build_orders(
    rng: np.random.Generator, catalogue: Catalogue, lines: int
) -> MarketOrders:
    """eBay orders with `lines` item rows in all; recent ones are often unshipped."""
    items = group_sizes(rng, lines, (1, 2, 3), (0.85, 0.11, 0.04))
    count = len(items)
    placed = placed_times(rng, count)
    line_order, _ = positions(items)
    unshipped = rng.random(count) < np.where(ages_in_days(placed) < 3, 0.45, 0.01)

    record = text(np.arange(FIRST_RECORD, FIRST_RECORD + count))
    number = where(rng.random(count) < 0.01, "", order_numbers(rng, count))
    drawn, sku, sku_text = line_skus(rng, catalogue, lines)
    return MarketOrders(
        channel="ebay",
        # With no Order Number, the Sales Record Number identifies the order.
        reference=pc.if_else(pc.equal(number, ""), record, number),
        placed=placed,
        items=items,
        line_order=line_order,
        line_sku=sku,
        line_sku_text=sku_text,
        line_quantity=quantities(rng, lines),
        line_open=unshipped[line_order],
        extra={
            "record": record,
            "number": number,
            "unshipped": unshipped,
            "drawn": drawn,
        },
    )


class Rows:
    """Where each written row comes from: an order, and an item line or none."""

    def __init__(self, orders: MarketOrders):
        per_order = orders.items + (orders.items > 1)
        order, position = positions(per_order)
        self.summary = (orders.items[order] > 1) & (position == 0)
        line = np.full(len(order), -1)
        line[~self.summary] = np.arange(len(orders.line_order))
        self.order = pa.array(order)
        self.order_index = order
        self.line = pa.array(line, mask=self.summary)
        self.line_index = line

    def of_order(self, values: pa.Array) -> pa.Array:
        return values.take(self.order)

    def of_line(self, values: pa.Array) -> pa.Array:
        """Line values on item rows, empty on summary rows."""
        return pc.fill_null(values.take(self.line), "")


def dollars(cents: np.ndarray) -> pa.Array:
    return join("$", money_grouped(cents))


def _buyer_columns(
    rng: np.random.Generator, orders: MarketOrders, rows: Rows
) -> dict[str, pa.Array]:
    count = orders.order_count
    buyer = rng.integers(1, 10 * count + 10, size=count)
    place = pa.array(address_rows(rng, count))
    name, street = person_names(rng, count), streets(rng, count)
    note = where(rng.random(count) < 0.02, pick(rng, NOTES, count), "")
    city = ADDRESSES["city"].take(place)
    state = ADDRESSES["state"].take(place)
    zip_code = ADDRESSES["zip"].take(place)
    each = {
        "Sales Record Number": orders.extra["record"],
        "Order Number": orders.extra["number"],
        "Buyer Username": buyer_handles(buyer),
        "Buyer Name": name,
        "Buyer Email": buyer_emails(buyer),
        "Buyer Note": note,
        "Buyer Address 1": street,
        "Buyer City": city,
        "Buyer State": state,
        "Buyer Zip": zip_code,
        "Ship To Name": name,
        "Ship To Address 1": street,
        "Ship To City": city,
        "Ship To State": state,
        "Ship To Zip": zip_code,
        "Tax City": city,
        "Tax State": state,
        "Tax Zip": zip_code,
    }
    return {key: rows.of_order(values) for key, values in each.items()}


def _date_columns(
    rng: np.random.Generator, orders: MarketOrders, rows: Rows
) -> dict[str, pa.Array]:
    placed = orders.placed
    shipped = np.minimum(
        placed + rng.integers(DAY // 2, 2 * DAY, size=len(placed)), epoch(SNAPSHOT)
    )
    unshipped = orders.extra["unshipped"]
    tracking = join("9400111", digits(rng.integers(0, 10**15, size=len(placed)), 15))
    each = {
        "Sale Date": timestamps(placed, "%b-%d-%y", ZONE),
        "Paid On Date": timestamps(placed, "%b-%d-%y", ZONE),
        "Ship By Date": timestamps(placed + 3 * DAY, "%b-%d-%y", ZONE),
        "Minimum Estimated Delivery Date": timestamps(
            placed + 5 * DAY, "%b-%d-%y", ZONE
        ),
        "Maximum Estimated Delivery Date": timestamps(
            placed + 9 * DAY, "%b-%d-%y", ZONE
        ),
        "Shipped On Date": where(unshipped, "", timestamps(shipped, "%b-%d-%y", ZONE)),
        "Tracking Number": where(unshipped, "", tracking),
    }
    return {key: rows.of_order(values) for key, values in each.items()}


def _item_columns(
    rng: np.random.Generator, catalogue: Catalogue, orders: MarketOrders, rows: Rows
) -> dict[str, pa.Array]:
    drawn = orders.extra["drawn"]
    quantity = orders.line_quantity
    unit = catalogue.price_cents[drawn]
    shipping = np.where(rng.random(len(drawn)) < 0.6, 0, 499)
    line_total = unit * quantity + shipping
    order_total = np.bincount(orders.line_order, line_total, orders.order_count)
    order_quantity = np.bincount(orders.line_order, quantity, orders.order_count)
    summary = rows.summary
    transaction = unique_numbers(rng, len(drawn), 9 * 10**12) + 10**12
    promoted = where(rng.random(len(drawn)) < 0.2, "Yes", "No")
    return {
        "Item Number": rows.of_line(text(280_000_000_000 + drawn)),
        "Item Title": rows.of_line(catalogue.title.take(pa.array(drawn))),
        "Custom Label": rows.of_line(orders.line_sku_text),
        "Sold Via Promoted Listings": rows.of_line(promoted),
        "Quantity": where(
            summary,
            rows.of_order(text(order_quantity.astype(np.int64))),
            rows.of_line(text(quantity)),
        ),
        "Sold For": rows.of_line(dollars(unit)),
        "Shipping And Handling": rows.of_line(dollars(shipping)),
        "Seller Collected Tax": rows.of_line(dollars(np.zeros_like(unit))),
        "eBay Collected Tax": rows.of_line(dollars(unit * quantity * 8 // 100)),
        "Total Price": where(
            summary,
            rows.of_order(dollars(order_total.astype(np.int64))),
            rows.of_line(dollars(line_total)),
        ),
        "Transaction ID": rows.of_line(text(transaction)),
    }


def _fixed_columns() -> dict[str, str]:
    fixed = {name: "" for name in ALWAYS_EMPTY} | {name: "No" for name in ALWAYS_NO}
    return fixed | {
        "Buyer Country": "United States",
        "Ship To Country": "United States",
        "Tax Country": "US",
        "Item Location": "Reno, Nevada",
        "Item Zip Code": "89501",
        "Item Country": "United States",
        "eBay Collected Tax and Fees Included in Total": "Yes",
        "Payment Method": "Managed Payments",
        "Shipping Service": "USPS Ground Advantage",
    }


def write_orders(
    path: Path, rng: np.random.Generator, catalogue: Catalogue, orders: MarketOrders
) -> int:
    """The report with its preamble and footer; returns the data rows written."""
    rows = Rows(orders)
    columns = (
        _buyer_columns(rng, orders, rows)
        | _date_columns(rng, orders, rows)
        | _item_columns(rng, catalogue, orders, rows)
        | _fixed_columns()
    )
    record_count = len(rows.order_index)
    footer = (
        f"\n{record_count},record(s) downloaded,from Nov-01-26 to Nov-30-26\n"
        "Seller ID : made_up_seller\n"
    )
    return write_table(
        path,
        HEADER,
        columns,
        preamble=EMPTY_ROW,
        after_header=EMPTY_ROW,
        footer=footer,
    )
