"""Shopify's orders export, made up.

One row per line item. Name, Email, Created at, the Lineitem columns and Vendor
repeat on every row of an order; every other field is written on the order's
first row only, as Shopify does.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from shopgen.catalogue import Catalogue
from shopgen.fields import (
    DAY,
    HOUR,
    SNAPSHOT,
    ages_in_days,
    digits,
    epoch,
    join,
    money,
    pick,
    placed_times,
    positions,
    quantities,
    text,
    timestamps,
    unique_numbers,
    where,
)
from shopgen.places import ADDRESSES, address_rows, buyer_emails, person_names, streets
from shopgen.text import write_table

HEADER = (
    "Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,"
    "Accepts Marketing,Currency,Subtotal,Shipping,Taxes,Total,Discount Code,"
    "Discount Amount,Shipping Method,Created at,Lineitem quantity,Lineitem name,"
    "Lineitem price,Lineitem compare at price,Lineitem sku,"
    "Lineitem requires shipping,Lineitem taxable,Lineitem fulfillment status,"
    "Billing Name,Billing Street,Billing Address1,Billing Address2,"
    "Billing Company,Billing City,Billing Zip,Billing Province,Billing Country,"
    "Billing Phone,Shipping Name,Shipping Street,Shipping Address1,"
    "Shipping Address2,Shipping Company,Shipping City,Shipping Zip,"
    "Shipping Province,Shipping Country,Shipping Phone,Notes,Note Attributes,"
    "Cancelled at,Payment Method,Payment Reference,Refunded Amount,Vendor,"
    "Outstanding Balance,Employee,Location,Device ID,Id,Tags,Risk Level,Source,"
    "Lineitem discount,Tax 1 Name,Tax 1 Value,Tax 2 Name,Tax 2 Value,Tax 3 Name,"
    "Tax 3 Value,Tax 4 Name,Tax 4 Value,Tax 5 Name,Tax 5 Value,Phone,"
    "Receipt Number,Duties,Billing Province Name,Shipping Province Name,"
    "Payment ID,Payment Terms Name,Next Payment Due At,Payment References"
)
REPEATED = {"Name", "Email", "Created at", "Vendor"}  # plus every Lineitem column
FIRST_NAME = 1001
ZONE = "-05:00"  # the shop's time zone, as Shopify writes it
STAMP = "%Y-%m-%d %H:%M:%S %z"
REFERENCE_FIELDS = ("Tags", "Notes", "Note Attributes", "Payment Reference")

# Order states: (order Fulfillment Status, first line status, other lines status,
# cancelled). "partial" has its first line shipped and the rest waiting.
STATES = (
    ("fulfilled", "fulfilled", "fulfilled", False),
    ("unfulfilled", "pending", "pending", False),
    ("partial", "fulfilled", "pending", False),
    ("restocked", "restocked", "restocked", True),
    ("unfulfilled", "pending", "pending", True),
)
NEW_WEIGHTS = (0.25, 0.68, 0.02, 0.03, 0.02)  # under 3 days old
WEEK_WEIGHTS = (0.70, 0.23, 0.02, 0.03, 0.02)  # 3 to 7 days old
OLD_WEIGHTS = (0.955, 0.012, 0.005, 0.018, 0.01)
TAGS = ("", "", "", "vip", "wholesale", "repeat-customer, vip", "gift")
NOTE = "Leave at the back door, please."
ATTRIBUTES = "gift_message: Happy holidays!\ndelivery_window: morning"


@dataclass
class ShopifyOrders:
    name: pa.Array  # "#1001", per order
    placed: np.ndarray
    state: np.ndarray
    payment_pending: np.ndarray
    line_order: np.ndarray
    line_position: np.ndarray
    line_sku: np.ndarray  # catalogue index, -1 for a gift card
    line_quantity: np.ndarray

    @property
    def order_count(self) -> int:
        return len(self.name)


def order_states(rng: np.random.Generator, placed: np.ndarray) -> np.ndarray:
    """Index into STATES per order: old orders are nearly all shipped."""
    age = ages_in_days(placed)
    count = len(placed)
    draws = [rng.choice(len(STATES), size=count, p=w) for w in (
        NEW_WEIGHTS, WEEK_WEIGHTS, OLD_WEIGHTS
    )]  # fmt: skip
    return np.select([age < 3, age < 7], draws[:2], draws[2])


def build_orders(
    rng: np.random.Generator, catalogue: Catalogue, count: int
) -> ShopifyOrders:
    items = rng.choice((1, 2, 3, 4), size=count, p=(0.6, 0.25, 0.1, 0.05))
    placed = placed_times(rng, len(items))
    line_order, line_position = positions(items)
    lines = len(line_order)
    gift_card = rng.random(lines) < 0.02
    sku = rng.integers(0, catalogue.size, size=lines)
    return ShopifyOrders(
        name=join("#", text(np.arange(FIRST_NAME, FIRST_NAME + len(items)))),
        placed=placed,
        state=order_states(rng, placed),
        payment_pending=rng.random(len(items)) < 0.06,
        line_order=line_order,
        line_position=line_position,
        line_sku=np.where(gift_card, -1, sku),
        line_quantity=quantities(rng, lines),
    )


def default_references(rng: np.random.Generator, count: int) -> dict[str, pa.Array]:
    """Tags, notes and payment references of orders that mirror nothing."""
    roll = rng.random(count)
    payment = join("c", digits(unique_numbers(rng, count, 10**11), 11), ".1")
    return {
        "Tags": pick(rng, TAGS, count),
        "Notes": where(roll < 0.03, NOTE, ""),
        "Note Attributes": where(roll > 0.98, ATTRIBUTES, ""),
        "Payment Reference": payment,
    }


class Layout:
    """Maps per-order and per-line values onto the rows of the export."""

    def __init__(self, orders: ShopifyOrders):
        self.order = pa.array(orders.line_order)
        self.continuation = orders.line_position > 0

    def repeated(self, values: pa.Array) -> pa.Array:
        return values.take(self.order)

    def first_row(self, values: pa.Array) -> pa.Array:
        """An order-level value: on the order's first row, blank below it."""
        return where(self.continuation, "", values.take(self.order))


def _line_columns(
    rng: np.random.Generator, catalogue: Catalogue, orders: ShopifyOrders
) -> dict[str, pa.Array | str]:
    gift = orders.line_sku < 0
    safe = pa.array(orders.line_sku.clip(0))
    sku = catalogue.sku.take(safe)
    # Spreadsheet round trips leave a protective quote on all-digit SKUs.
    quoted = catalogue.digits_only[orders.line_sku.clip(0)] & (
        rng.random(len(gift)) < 0.1
    )
    by_state = [pa.array([state[k] for state in STATES]) for k in (1, 2)]
    state = pa.array(orders.state[orders.line_order])
    first = orders.line_position == 0
    status = where(first, by_state[0].take(state), by_state[1].take(state))
    unit = np.where(gift, 5000, catalogue.price_cents[orders.line_sku.clip(0)])
    return {
        "Lineitem quantity": text(orders.line_quantity),
        "Lineitem name": where(gift, "Gift Card", catalogue.title.take(safe)),
        "Lineitem price": money(unit),
        "Lineitem compare at price": "",
        "Lineitem sku": where(gift, "", where(quoted, join("'", sku), sku)),
        "Lineitem requires shipping": where(gift, "false", "true"),
        "Lineitem taxable": where(gift, "false", "true"),
        "Lineitem fulfillment status": status,
        "Lineitem discount": "0.00",
        "Vendor": where(gift, "", catalogue.vendor.take(safe)),
    }


def _money_columns(
    rng: np.random.Generator, catalogue: Catalogue, orders: ShopifyOrders
) -> dict[str, pa.Array | str]:
    unit = np.where(
        orders.line_sku < 0, 5000, catalogue.price_cents[orders.line_sku.clip(0)]
    )
    subtotal = np.bincount(
        orders.line_order, unit * orders.line_quantity, orders.order_count
    ).astype(np.int64)
    shipping = np.where(rng.random(orders.order_count) < 0.5, 0, 599)
    taxes = subtotal * 8 // 100
    return {
        "Currency": pa.array(np.full(orders.order_count, "USD")),
        "Subtotal": money(subtotal),
        "Shipping": money(shipping),
        "Taxes": money(taxes),
        "Total": money(subtotal + shipping + taxes),
        "Discount Amount": money(np.zeros_like(subtotal)),
        "Refunded Amount": money(np.zeros_like(subtotal)),
        "Outstanding Balance": money(np.zeros_like(subtotal)),
        "Tax 1 Name": pa.array(np.full(orders.order_count, "State Tax 8%")),
        "Tax 1 Value": money(taxes),
    }


def _status_columns(
    rng: np.random.Generator, orders: ShopifyOrders
) -> dict[str, pa.Array]:
    count = orders.order_count
    state = pa.array(orders.state)
    cancelled = np.array([s[3] for s in STATES])[orders.state]
    shipped = orders.state == 0
    later = np.minimum(
        orders.placed + rng.integers(HOUR, 2 * DAY, size=count), epoch(SNAPSHOT)
    )
    pending = orders.payment_pending
    return {
        "Financial Status": where(pending, "pending", "paid"),
        "Paid at": where(pending, "", timestamps(orders.placed + 60, STAMP, ZONE)),
        "Fulfillment Status": pa.array([s[0] for s in STATES]).take(state),
        "Fulfilled at": where(shipped, timestamps(later, STAMP, ZONE), ""),
        "Cancelled at": where(cancelled, timestamps(later, STAMP, ZONE), ""),
        "Accepts Marketing": where(rng.random(count) < 0.4, "yes", "no"),
        "Id": text(unique_numbers(rng, count, 9 * 10**12) + 10**12),
    }


def _address_columns(
    rng: np.random.Generator, orders: ShopifyOrders
) -> dict[str, pa.Array]:
    count = orders.order_count
    place = pa.array(address_rows(rng, count))
    name, street = person_names(rng, count), streets(rng, count)
    # Shopify guards postal codes against spreadsheets with a leading quote.
    zip_code = join("'", ADDRESSES["zip"].take(place))
    columns: dict[str, pa.Array] = {}
    for side in ("Billing", "Shipping"):
        columns |= {
            f"{side} Name": name,
            f"{side} Street": street,
            f"{side} Address1": street,
            f"{side} City": ADDRESSES["city"].take(place),
            f"{side} Zip": zip_code,
            f"{side} Province": ADDRESSES["state"].take(place),
            f"{side} Country": pa.array(np.full(count, "US")),
            f"{side} Province Name": ADDRESSES["province_name"].take(place),
        }
    return columns


def _order_columns(
    rng: np.random.Generator,
    catalogue: Catalogue,
    orders: ShopifyOrders,
    references: dict[str, pa.Array],
) -> dict[str, pa.Array]:
    count = orders.order_count
    payment_id = join("c", digits(unique_numbers(rng, count, 10**11), 11), ".1")
    method = pick(rng, ("Standard", "Express"), count, (0.85, 0.15))
    return (
        _money_columns(rng, catalogue, orders)
        | _status_columns(rng, orders)
        | _address_columns(rng, orders)
        | references
        | {
            "Shipping Method": method,
            "Payment Method": pa.array(np.full(count, "Shopify Payments")),
            "Risk Level": pa.array(np.full(count, "Low")),
            "Source": pa.array(np.full(count, "web")),
            "Payment ID": payment_id,
            "Payment References": payment_id,
        }
    )


def write_orders(
    path: Path,
    rng: np.random.Generator,
    catalogue: Catalogue,
    orders: ShopifyOrders,
    references: dict[str, pa.Array],
) -> int:
    """The export, one row per line item, order fields on first rows only."""
    layout = Layout(orders)
    per_order = _order_columns(rng, catalogue, orders, references)
    repeated = {
        "Name": orders.name,
        "Email": buyer_emails(
            rng.integers(1, 10 * orders.order_count, orders.order_count)
        ),
        "Created at": timestamps(orders.placed, STAMP, ZONE),
    }
    columns: dict[str, pa.Array | str] = {
        name: layout.repeated(values) for name, values in repeated.items()
    }
    columns |= {name: layout.first_row(values) for name, values in per_order.items()}
    columns |= _line_columns(rng, catalogue, orders)
    columns |= {name: "" for name in _empty_columns(columns)}
    return write_table(path, HEADER, columns)


def _empty_columns(filled: dict[str, object]) -> list[str]:
    names = HEADER.split(",")
    return [name for name in names if name not in filled]


def stale_lines(orders: ShopifyOrders) -> np.ndarray:
    """Lines the rules call stale: still to ship on a live order, and old.

    Kept here so the generator can say how many to expect; the benchmark's
    checks work this out from the file alone.
    """
    state = orders.state[orders.line_order]
    first = np.array([s[1] for s in STATES])[state]
    rest = np.array([s[2] for s in STATES])[state]
    status = np.where(orders.line_position == 0, first, rest)
    cancelled = np.array([s[3] for s in STATES])[state]
    waiting = (status == "pending") & ~cancelled & (orders.line_sku >= 0)

    age = ages_in_days(orders.placed)[orders.line_order]
    unpaid = orders.payment_pending[orders.line_order]
    return waiting & (((age >= 3) & unpaid) | (age >= 7))
