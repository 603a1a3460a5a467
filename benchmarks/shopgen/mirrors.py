"""Which marketplace orders Shopify already knows about, and how it says so.

A connector that copies a marketplace order into Shopify leaves the order
number in the tags, a note, a note attribute or the payment reference; Amazon
may instead carry the Shopify order name in merchant-order-id. Some Shopify
orders hold near misses (the number glued into a longer word) that must not
count as a match.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from shopgen.fields import join, text
from shopgen.market import MarketOrders

MERCHANT_ID = "merchant-order-id"
WAYS = {
    "amazon": (
        ("Tags", 0.4), ("Note Attributes", 0.2), ("Notes", 0.1),
        ("Payment Reference", 0.1), (MERCHANT_ID, 0.2),
    ),
    "ebay": (
        ("Tags", 0.5), ("Note Attributes", 0.15), ("Notes", 0.25),
        ("Payment Reference", 0.1),
    ),
}  # fmt: skip
# How a reference to order N reads in each field: text before N, text after.
WORDING = {
    ("amazon", "Tags"): ("amazon, ", ""),
    ("amazon", "Note Attributes"): ("Amazon Order Id: ", "\nSales Channel: Amazon"),
    ("amazon", "Notes"): ("Imported from Amazon order ", "."),
    ("amazon", "Payment Reference"): ("", ""),
    ("ebay", "Tags"): ("ebay, ", ""),
    ("ebay", "Note Attributes"): ("eBay Order: ", "\nSales Channel: eBay"),
    ("ebay", "Notes"): ("eBay order ", " (imported)"),
    ("ebay", "Payment Reference"): ("", ""),
}
# Near misses: a hyphen is part of a reference token, so these never match.
REFERENCE_FIELDS = ("Tags", "Note Attributes", "Notes", "Payment Reference")
DECOYS = {"amazon": ("Tags", "amazon-"), "ebay": ("Payment Reference", "ebay-")}
MIRROR_OPEN, MIRROR_CLOSED, DECOY_OPEN = 0.4, 0.01, 0.03
CAPACITY = 0.8  # at most this share of Shopify orders mirror something


class Overrides:
    """Values set on some rows of one column, laid over its defaults."""

    def __init__(self, size: int):
        self.index = np.full(size, -1)
        self.pieces: list[pa.Array] = []
        self.count = 0

    def put(self, rows: np.ndarray, values: pa.Array) -> None:
        self.index[rows] = self.count + np.arange(len(rows))
        self.pieces.append(values)
        self.count += len(values)

    def over(self, default: pa.Array) -> pa.Array:
        if not self.pieces:
            return default
        values = pa.concat_arrays([p.cast(pa.string()) for p in self.pieces])
        taken = values.take(pa.array(self.index, mask=self.index < 0))
        return pc.coalesce(taken, default)


@dataclass
class Links:
    references: dict[str, pa.Array]  # per Shopify order, by column
    merchant_order_id: pa.Array  # per Amazon order
    mirrored: dict[str, np.ndarray]  # per channel, per order


def choose(
    rng: np.random.Generator, channels: list[MarketOrders], shop_orders: int
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Mirrored and decoy masks per channel, thinned to fit the Shopify orders."""
    mirrors, decoys = [], []
    for orders in channels:
        is_open = orders.open_orders()
        roll = rng.random(orders.order_count)
        mirrors.append(roll < np.where(is_open, MIRROR_OPEN, MIRROR_CLOSED))
        decoys.append(
            is_open & (roll >= MIRROR_OPEN) & (roll < MIRROR_OPEN + DECOY_OPEN)
        )

    wanted = sum(int(m.sum() + d.sum()) for m, d in zip(mirrors, decoys, strict=True))
    keep = min(1.0, CAPACITY * shop_orders / max(wanted, 1))
    thin = [rng.random(len(m)) < keep for m in mirrors]
    mirrors = [m & t for m, t in zip(mirrors, thin, strict=True)]
    decoys = [d & t for d, t in zip(decoys, thin, strict=True)]
    return mirrors, decoys


class Linker:
    """Hands out Shopify orders and writes references into them."""

    def __init__(self, rng: np.random.Generator, names: pa.Array, amazon_orders: int):
        self.rng = rng
        self.names = names
        self.free = rng.permutation(len(names))
        self.used = 0
        self.columns = {field: Overrides(len(names)) for field in REFERENCE_FIELDS}
        self.merchant_ids = Overrides(amazon_orders)

    def take(self, count: int) -> np.ndarray:
        slots = self.free[self.used : self.used + count]
        self.used += count
        return slots

    def mirror(self, orders: MarketOrders, chosen: np.ndarray) -> None:
        ids = np.flatnonzero(chosen)
        fields, weights = zip(*WAYS[orders.channel], strict=True)
        way = self.rng.choice(len(fields), size=len(ids), p=weights)
        for number, field in enumerate(fields):
            picked = ids[way == number]
            slots = self.take(len(picked))
            if field == MERCHANT_ID:
                # The Amazon order names the Shopify order that copies it.
                self.merchant_ids.put(picked, self.names.take(pa.array(slots)))
                continue
            before, after = WORDING[(orders.channel, field)]
            quoted = join(before, orders.reference.take(pa.array(picked)), after)
            self.columns[field].put(slots, quoted)

    def decoy(self, orders: MarketOrders, chosen: np.ndarray) -> None:
        ids = np.flatnonzero(chosen)
        field, prefix = DECOYS[orders.channel]
        quoted = join(prefix, orders.reference.take(pa.array(ids)))
        self.columns[field].put(self.take(len(ids)), quoted)


def stray_merchant_ids(
    rng: np.random.Generator, amazon: MarketOrders, taken: np.ndarray
) -> tuple[np.ndarray, pa.Array]:
    """A few Amazon orders quote a Shopify name that does not exist."""
    stray = np.flatnonzero(~taken & (rng.random(amazon.order_count) < 0.002))
    return stray, join("#", text(10_000_000 + np.arange(len(stray))))


def link_orders(
    rng: np.random.Generator,
    names: pa.Array,
    defaults: dict[str, pa.Array],
    amazon: MarketOrders,
    ebay: MarketOrders,
) -> Links:
    channels = [amazon, ebay]
    mirrors, decoys = choose(rng, channels, len(names))
    linker = Linker(rng, names, amazon.order_count)
    for orders, mirrored, decoyed in zip(channels, mirrors, decoys, strict=True):
        linker.mirror(orders, mirrored)
        linker.decoy(orders, decoyed)

    stray, stray_ids = stray_merchant_ids(rng, amazon, linker.merchant_ids.index >= 0)
    linker.merchant_ids.put(stray, stray_ids)
    empty = pa.array(np.full(amazon.order_count, ""))
    return Links(
        references={
            field: linker.columns[field].over(values)
            for field, values in defaults.items()
        },
        merchant_order_id=linker.merchant_ids.over(empty),
        mirrored={"amazon": mirrors[0], "ebay": mirrors[1]},
    )
