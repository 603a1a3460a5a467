"""What the generator knows about marketplace orders, whatever the channel.

Each channel module builds a MarketOrders; the mirror step and the stock
arithmetic only read these shared fields, never a channel's file layout.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from shopgen.catalogue import Catalogue
from shopgen.fields import join, where

NO_SKU = -1


@dataclass
class MarketOrders:
    """Per-order and per-line arrays; lines are laid out order by order."""

    channel: str
    reference: pa.Array  # per order: the number a Shopify order must quote
    placed: np.ndarray  # per order, epoch seconds
    items: np.ndarray  # per order, number of item lines
    line_order: np.ndarray
    line_sku: np.ndarray  # catalogue index, NO_SKU when it matches no SKU
    line_sku_text: pa.Array  # the SKU as the file writes it
    line_quantity: np.ndarray
    line_open: np.ndarray  # open demand on Shopify stock, by the rules
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def order_count(self) -> int:
        return len(self.items)

    def open_orders(self) -> np.ndarray:
        return np.bincount(self.line_order, self.line_open, self.order_count) > 0

    def pending(self, mirrored: np.ndarray, sku_count: int) -> np.ndarray:
        """Open units per SKU on lines whose order Shopify does not know about."""
        counted = self.line_open & ~mirrored[self.line_order] & (self.line_sku >= 0)
        units = np.bincount(
            self.line_sku[counted], self.line_quantity[counted], minlength=sku_count
        )
        return units.astype(np.int64)


def popular_skus(rng: np.random.Generator, pool: np.ndarray, count: int) -> np.ndarray:
    """SKU indices drawn from `pool`, a few SKUs selling far more than most."""
    rank = np.floor(len(pool) * rng.random(count) ** 2).astype(np.int64)
    return pool[rank]


def skus_as_written(
    catalogue: Catalogue, index: np.ndarray, misses: np.ndarray, missed: pa.Array
) -> pa.Array:
    """The SKU text per line; where `misses`, the given non-matching text."""
    safe = np.where(index >= 0, index, 0)
    return where(misses, missed, catalogue.sku.take(pa.array(safe)))


def padded(values: pa.Array, mask: np.ndarray) -> pa.Array:
    """Values with surrounding spaces where `mask`, as hand-typed labels get."""
    return where(mask, join(" ", values, " "), values)
