"""Amazon's All Orders report and All Listings report, made up.

Both are tab-separated with no quoting at all: a product name may hold a double
quote and it is written as is. The All Orders report ends lines with CRLF.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from shopgen.catalogue import Catalogue
from shopgen.fields import (
    HOUR,
    SNAPSHOT,
    ages_in_days,
    digits,
    epoch,
    group_sizes,
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
from shopgen.market import NO_SKU, MarketOrders, popular_skus, skus_as_written
from shopgen.places import ADDRESSES, address_rows
from shopgen.text import write_table

ORDERS_HEADER = "\t".join(
    "amazon-order-id merchant-order-id purchase-date last-updated-date order-status "
    "fulfillment-channel sales-channel order-channel url ship-service-level "
    "product-name sku asin item-status quantity currency item-price item-tax "
    "shipping-price shipping-tax gift-wrap-price gift-wrap-tax "
    "item-promotion-discount ship-promotion-discount ship-city ship-state "
    "ship-postal-code ship-country promotion-ids is-business-order "
    "purchase-order-number price-designation".split()
)
LISTINGS_HEADER = "\t".join(
    "item-name item-description listing-id seller-sku price quantity open-date "
    "image-url item-is-marketplace product-id-type zshop-shipping-fee item-note "
    "item-condition zshop-category1 zshop-browse-path zshop-storefront-feature "
    "asin1 asin2 asin3 will-ship-internationally expedited-shipping zshop-boldface "
    "product-id bid-for-featured-placement add-delete pending-quantity "
    "fulfillment-channel merchant-shipping-group status".split()
)

# (order-status, item-status, open); "Shipping" is a partly shipped order whose
# items are shipped or not one by one.
STATES = (
    ("Shipped", "Shipped", False),
    ("Shipped - Delivered to Buyer", "Shipped", False),
    ("Unshipped", "Unshipped", True),
    ("Pending", "Unshipped", True),
    ("Shipping", "", True),
    ("Cancelled", "Cancelled", False),
)
RECENT_WEIGHTS = (0.44, 0.0, 0.40, 0.10, 0.01, 0.05)
OLDER_WEIGHTS = (0.955, 0.02, 0.005, 0.0, 0.0, 0.02)
PARTLY_SHIPPED = 4


def order_ids(rng: np.random.Generator, count: int) -> pa.Array:
    """Ids like 114-1234567-1234567, all different."""
    number = unique_numbers(rng, count, 10**14)
    prefix = pick(rng, ("111", "112", "113", "114"), count)
    return join(prefix, "-", digits(number // 10**7, 7), "-", digits(number % 10**7, 7))


def order_states(rng: np.random.Generator, placed: np.ndarray) -> np.ndarray:
    """Index into STATES per order: recent orders are often still open."""
    count = len(placed)
    recent = rng.choice(len(STATES), size=count, p=RECENT_WEIGHTS)
    older = rng.choice(len(STATES), size=count, p=OLDER_WEIGHTS)
    return np.where(ages_in_days(placed) < 2, recent, older)


def item_statuses(
    rng: np.random.Generator, line_state: np.ndarray
) -> tuple[pa.Array, np.ndarray]:
    """Item status text per line and whether it is still to ship."""
    by_state = pa.array([item for _, item, _ in STATES])
    status = by_state.take(pa.array(line_state))
    partly = line_state == PARTLY_SHIPPED
    shipped_here = rng.random(len(line_state)) < 0.5
    status = where(partly, where(shipped_here, "Shipped", "Unshipped"), status)

    still_open = np.array([is_open for _, _, is_open in STATES])[line_state]
    return status, still_open & ~(partly & shipped_here)


def line_skus(
    rng: np.random.Generator,
    catalogue: Catalogue,
    pool: np.ndarray,
    unknown: pa.Array,
    count: int,
) -> tuple[np.ndarray, np.ndarray, pa.Array]:
    """Drawn SKUs, the SKU each line matches, and the text written.

    Mostly listed SKUs; a few typed in lower case or unknown to Shopify."""
    index = popular_skus(rng, pool, count)
    roll = rng.random(count)
    lowered = (roll < 0.003) & ~catalogue.digits_only[index]
    stranger = (roll >= 0.003) & (roll < 0.0035)

    written = skus_as_written(catalogue, index, np.zeros(count, bool), "")
    written = where(lowered, pc.utf8_lower(written), written)
    other = unknown.take(pa.array(rng.integers(0, len(unknown), size=count)))
    written = where(stranger, other, written)
    return index, np.where(lowered | stranger, NO_SKU, index), written


def build_orders(
    rng: np.random.Generator,
    catalogue: Catalogue,
    pool: np.ndarray,
    unknown: pa.Array,
    lines: int,
) -> MarketOrders:
    """Amazon orders with `lines` item rows in all."""
    items = group_sizes(rng, lines, (1, 2, 3), (0.82, 0.13, 0.05))
    placed = placed_times(rng, len(items))
    line_order, _ = positions(items)
    state = order_states(rng, placed)
    merchant = rng.random(len(items)) < 0.7
    non_amazon = rng.random(len(items)) < 0.01

    item_status, item_open = item_statuses(rng, state[line_order])
    drawn, sku, sku_text = line_skus(rng, catalogue, pool, unknown, lines)
    demand = (merchant & ~non_amazon)[line_order] & item_open
    return MarketOrders(
        channel="amazon",
        reference=order_ids(rng, len(items)),
        placed=placed,
        items=items,
        line_order=line_order,
        line_sku=sku,
        line_sku_text=sku_text,
        line_quantity=quantities(rng, lines),
        line_open=demand,
        extra={
            "state": state,
            "merchant": merchant,
            "non_amazon": non_amazon,
            "item_status": item_status,
            "drawn": drawn,
        },
    )


def _per_line(values: pa.Array | np.ndarray, orders: MarketOrders) -> pa.Array:
    return pa.array(values).take(pa.array(orders.line_order))


def _order_columns(
    rng: np.random.Generator, orders: MarketOrders, merchant_order_id: pa.Array
) -> dict[str, pa.Array]:
    count = orders.order_count
    updated = np.minimum(
        orders.placed + rng.integers(0, 48 * HOUR, size=count), epoch(SNAPSHOT) - 60
    )
    state = pa.array(orders.extra["state"])
    each = {
        "amazon-order-id": orders.reference,
        "merchant-order-id": merchant_order_id,
        "purchase-date": timestamps(orders.placed, "%Y-%m-%dT%H:%M:%S+00:00"),
        "last-updated-date": timestamps(updated, "%Y-%m-%dT%H:%M:%S+00:00"),
        "order-status": pa.array([s for s, _, _ in STATES]).take(state),
        "fulfillment-channel": where(orders.extra["merchant"], "Merchant", "Amazon"),
        "sales-channel": where(orders.extra["non_amazon"], "Non-Amazon", "Amazon.com"),
        "ship-service-level": pick(
            rng, ("Standard", "Expedited", "SecondDay"), count, (8, 1.5, 0.5)
        ),
    }
    return {name: _per_line(values, orders) for name, values in each.items()}


def _address_columns(
    rng: np.random.Generator, orders: MarketOrders
) -> dict[str, pa.Array | str]:
    row = pa.array(address_rows(rng, orders.order_count)).take(
        pa.array(orders.line_order)
    )
    return {
        "ship-city": ADDRESSES["city"].take(row),
        "ship-state": ADDRESSES["state"].take(row),
        "ship-postal-code": ADDRESSES["zip"].take(row),
        "ship-country": "US",
    }


def _money_columns(
    rng: np.random.Generator, catalogue: Catalogue, orders: MarketOrders
) -> dict[str, pa.Array | str]:
    price = catalogue.price_cents[orders.extra["drawn"]] * orders.line_quantity
    shipping = np.where(rng.random(len(price)) < 0.7, 0, 499)
    cancelled = pc.equal(orders.extra["item_status"], "Cancelled")
    return {
        "currency": "USD",
        "item-price": pc.if_else(cancelled, "", money(price)),
        "item-tax": pc.if_else(cancelled, "", money(price * 8 // 100)),
        "shipping-price": money(shipping),
        "shipping-tax": money(shipping * 8 // 100),
        "gift-wrap-price": "0.00",
        "gift-wrap-tax": "0.00",
        "item-promotion-discount": "0.00",
        "ship-promotion-discount": "0.00",
    }


def _item_columns(
    rng: np.random.Generator, catalogue: Catalogue, orders: MarketOrders
) -> dict[str, pa.Array | str]:
    drawn = pa.array(orders.extra["drawn"])
    business = rng.random(len(orders.line_order)) < 0.03
    return {
        "order-channel": "",
        "url": "",
        "product-name": catalogue.title.take(drawn),
        "sku": orders.line_sku_text,
        "asin": catalogue.asin.take(drawn),
        "item-status": orders.extra["item_status"],
        "quantity": text(orders.line_quantity),
        "promotion-ids": "",
        "is-business-order": where(business, "true", "false"),
        "purchase-order-number": "",
        "price-designation": where(business, "BusinessPrice", ""),
    }


def write_orders(
    path: Path,
    rng: np.random.Generator,
    catalogue: Catalogue,
    orders: MarketOrders,
    merchant_order_id: pa.Array,
) -> int:
    """The All Orders report: one row per item, order fields repeated."""
    columns = (
        _order_columns(rng, orders, merchant_order_id)
        | _item_columns(rng, catalogue, orders)
        | _money_columns(rng, catalogue, orders)
        | _address_columns(rng, orders)
    )
    return write_table(
        path, ORDERS_HEADER, columns, delimiter="\t", eol="\r\n", quoting=False
    )
