"""Amazon's All Listings report, made up: one row per listed SKU.

Merchant-fulfilled listings (DEFAULT) carry a quantity, mostly the SKU's
projected stock; a few percent are over or under it. FBA listings (AMAZON_NA)
leave quantity empty. A few hundred listed SKUs are unknown to Shopify.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa

from shopgen.amazon import LISTINGS_HEADER
from shopgen.catalogue import Catalogue
from shopgen.fields import (
    digits,
    epoch,
    join,
    money,
    text,
    timestamps,
    unique_numbers,
    where,
)
from shopgen.text import write_table

UNKNOWN_SHARE = 0.0015
LISTED_FROM = datetime(2024, 1, 1, tzinfo=UTC)
LISTED_UNTIL = datetime(2026, 10, 1, tzinfo=UTC)


@dataclass(frozen=True)
class ListingPlan:
    """Which SKUs Amazon lists, how, and the SKUs only Amazon knows."""

    listed: np.ndarray  # catalogue indices
    fba: np.ndarray  # per listed SKU: fulfilled by Amazon
    unknown: pa.Array  # seller SKUs that are not in the inventory export


def plan_listings(rng: np.random.Generator, catalogue: Catalogue) -> ListingPlan:
    """About three SKUs in four are listed on Amazon, one in five of them FBA."""
    listed = np.flatnonzero(rng.random(catalogue.size) < 0.75)
    unknown_count = max(3, round(UNKNOWN_SHARE * catalogue.size))
    return ListingPlan(
        listed=listed,
        fba=rng.random(len(listed)) < 0.2,
        unknown=join("AMZ-", digits(np.arange(1, unknown_count + 1), 6)),
    )


def listed_quantities(rng: np.random.Generator, projected: np.ndarray) -> np.ndarray:
    """Mostly the projected stock; a few over, a few under, some still selling
    SKUs that are already gone."""
    base = np.maximum(0, projected)
    roll = rng.random(len(base))
    over = base + rng.integers(1, 9, size=len(base))
    under = np.maximum(0, base - rng.integers(3, 31, size=len(base)))
    quantity = np.select([roll < 0.03, roll < 0.06], [over, under], base)

    still_selling = (projected <= 0) & (rng.random(len(base)) < 0.25)
    return np.where(still_selling, rng.integers(1, 6, size=len(base)), quantity)


def _rows(
    rng: np.random.Generator,
    catalogue: Catalogue,
    plan: ListingPlan,
    projected: np.ndarray,
) -> dict[str, pa.Array]:
    """Per-row values: the listed SKUs first, then the unknown ones."""
    index = pa.array(plan.listed)
    extra = len(plan.unknown)
    known_quantity = listed_quantities(rng, projected[plan.listed])
    numbered = np.arange(1, extra + 1)
    return {
        "seller-sku": pa.concat_arrays([catalogue.sku.take(index), plan.unknown]),
        "item-name": pa.concat_arrays(
            [catalogue.title.take(index), join("Amazon Bundle ", text(numbered))]
        ),
        "asin": pa.concat_arrays(
            [catalogue.asin.take(index), join("B1", digits(numbered, 8))]
        ),
        "price_cents": np.concatenate(
            [catalogue.price_cents[plan.listed], np.full(extra, 2999)]
        ),
        "quantity": np.concatenate([known_quantity, rng.integers(1, 21, size=extra)]),
        "fba": np.concatenate([plan.fba, rng.random(extra) < 0.2]),
    }


def write_listings(
    path: Path,
    rng: np.random.Generator,
    catalogue: Catalogue,
    plan: ListingPlan,
    projected: np.ndarray,
) -> int:
    rows = _rows(rng, catalogue, plan, projected)
    count = len(rows["fba"])
    fba = rows["fba"]
    active = rng.random(count) < 0.92
    quantity = np.where(active, rows["quantity"], 0)
    opened = rng.integers(epoch(LISTED_FROM), epoch(LISTED_UNTIL), size=count)
    columns = {
        "item-name": rows["item-name"],
        "listing-id": join("11", digits(unique_numbers(rng, count, 10**9), 9)),
        "seller-sku": rows["seller-sku"],
        "price": money(rows["price_cents"]),
        "quantity": where(fba, "", text(quantity)),
        "open-date": timestamps(opened, "%Y-%m-%d %H:%M:%S PST", "-08:00"),
        "item-is-marketplace": "y",
        "product-id-type": "1",
        "item-condition": "11",
        "asin1": rows["asin"],
        "product-id": rows["asin"],
        "pending-quantity": where(fba, "", "0"),
        "fulfillment-channel": where(fba, "AMAZON_NA", "DEFAULT"),
        "merchant-shipping-group": where(fba, "", "Migrated Template"),
        "status": where(active, "Active", "Inactive"),
    }
    empty = [n for n in LISTINGS_HEADER.split("\t") if n not in columns]
    columns |= {name: "" for name in empty}
    return write_table(path, LISTINGS_HEADER, columns, delimiter="\t", quoting=False)
