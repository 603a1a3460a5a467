"""Shopify's inventory export, made up, with the stock arithmetic behind it.

One row per SKU and location. About one SKU in a hundred is oversold on
purpose: its stock is set just below the marketplace demand Shopify has not
seen, so the findings land in the thousands rather than by accident.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from shopgen.catalogue import Catalogue
from shopgen.fields import join, text, where
from shopgen.text import write_table

HEADER = (
    "Handle,Title,Option1 Name,Option1 Value,Option2 Name,Option2 Value,"
    "Option3 Name,Option3 Value,SKU,HS Code,COO,Location,Bin name,"
    "Incoming (not editable),Unavailable (not editable),"
    "Committed (not editable),Available (not editable),On hand (current),"
    "On hand (new)"
)
NOT_STOCKED = "not stocked"
OVERSOLD_SHARE = 0.01


@dataclass
class Inventory:
    """Row arrays (SKU-major, one row per SKU x location) and stock per SKU."""

    row_sku: np.ndarray
    row_location: np.ndarray
    available: np.ndarray
    committed: np.ndarray
    unavailable: np.ndarray
    incoming: np.ndarray
    not_stocked: np.ndarray
    projected: np.ndarray  # per SKU: available everywhere minus pending demand
    oversold: np.ndarray  # per SKU: chosen to be oversold


def stock_levels(rng: np.random.Generator, rows: int) -> np.ndarray:
    """Available per row: often 0, mostly up to 50, a few slightly negative."""
    available = np.where(rng.random(rows) < 0.2, 0, rng.integers(1, 51, size=rows))
    negative = rng.random(rows) < 0.003
    available[negative] = -rng.integers(1, 6, size=int(negative.sum()))
    return available


def choose_oversold(rng: np.random.Generator, pending: np.ndarray) -> np.ndarray:
    """About 1% of SKUs, taken from those with unseen demand where possible."""
    wanted = max(1, round(OVERSOLD_SHARE * len(pending)))
    with_demand = np.flatnonzero(pending > 0)
    chosen = rng.permutation(with_demand)[:wanted]
    if len(chosen) < wanted:
        others = rng.permutation(np.flatnonzero(pending == 0))
        chosen = np.concatenate([chosen, others[: wanted - len(chosen)]])

    mask = np.zeros(len(pending), dtype=bool)
    mask[chosen] = True
    return mask


def build_inventory(
    rng: np.random.Generator, catalogue: Catalogue, pending: np.ndarray
) -> Inventory:
    skus, places = catalogue.size, len(catalogue.locations)
    row_sku = np.repeat(np.arange(skus), places)
    row_location = np.tile(np.arange(places), skus)
    available = stock_levels(rng, len(row_sku))
    not_stocked = rng.random(len(row_sku)) < 0.02
    oversold = choose_oversold(rng, pending)

    # An oversold SKU: nothing anywhere but the first location, which holds
    # a little less than the demand Shopify has not seen yet.
    in_oversold = oversold[row_sku]
    available[in_oversold] = 0
    first = in_oversold & (row_location == 0)
    short_by = rng.integers(1, 5, size=skus)
    available[first] = (pending - short_by)[row_sku[first]]
    not_stocked[first] = False

    counted = np.where(not_stocked, 0, available)
    total = np.bincount(row_sku, counted, minlength=skus).astype(np.int64)
    return Inventory(
        row_sku=row_sku,
        row_location=row_location,
        available=available,
        committed=rng.poisson(0.6, size=len(row_sku)),
        unavailable=np.where(rng.random(len(row_sku)) < 0.05, 2, 0),
        incoming=np.where(rng.random(len(row_sku)) < 0.1, 24, 0),
        not_stocked=not_stocked,
        projected=total - pending,
        oversold=oversold,
    )


def _quantity(values: np.ndarray, not_stocked: np.ndarray) -> pa.Array:
    return where(not_stocked, NOT_STOCKED, text(values))


def sku_column(
    rng: np.random.Generator, catalogue: Catalogue, row_sku: np.ndarray
) -> pa.Array:
    """SKUs as exported; some all-digit SKUs carry a spreadsheet's leading '."""
    quoted_sku = catalogue.digits_only & (rng.random(catalogue.size) < 0.1)
    written = where(quoted_sku, join("'", catalogue.sku), catalogue.sku)
    return written.take(pa.array(row_sku))


def write_inventory(
    path: Path, rng: np.random.Generator, catalogue: Catalogue, stock: Inventory
) -> int:
    sku_rows = pa.array(stock.row_sku)
    gone = stock.not_stocked
    on_hand = stock.committed + stock.unavailable + stock.available
    columns = {
        "Handle": catalogue.handle.take(sku_rows),
        "Title": catalogue.title.take(sku_rows),
        "Option1 Name": "Title",
        "Option1 Value": "Default Title",
        "SKU": sku_column(rng, catalogue, stock.row_sku),
        "Location": pa.array(catalogue.locations).take(pa.array(stock.row_location)),
        "Incoming (not editable)": _quantity(stock.incoming, gone),
        "Unavailable (not editable)": _quantity(stock.unavailable, gone),
        "Committed (not editable)": _quantity(stock.committed, gone),
        "Available (not editable)": _quantity(stock.available, gone),
        "On hand (current)": _quantity(on_hand, gone),
    }
    empty = [name for name in HEADER.split(",") if name not in columns]
    return write_table(path, HEADER, columns | {name: "" for name in empty})
