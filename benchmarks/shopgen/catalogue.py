"""The made-up product catalogue every file draws on: SKUs, titles, prices.

SKUs are strings from the start: one in twenty is all digits with leading zeros
("0000008"), the shape that breaks tools reading SKUs as numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from shopgen.fields import digits, join, pick, text, unique_numbers, where

ADJECTIVES = (
    "Classic", "Everyday", "Trail", "Merino", "Organic", "Heavy", "Slim", "Cosy",
    "Enamel", "Waxed", "Linen", "Recycled", "Walnut", "Copper", "Canvas", "Harbor",
)  # fmt: skip
NOUNS = (
    "Sock", "Mug", "Tote", "Beanie", "Notebook", "Candle", "Apron", "Scarf",
    "Bottle", "Wallet", "Blanket", "Lamp", "Planter", "Tee", "Glove", "Bowl",
)  # fmt: skip
VENDORS = ("Northwind Goods", "Pine & Pebble", "Made Up Mills", "Juniper Works")
LOCATION_NAMES = (
    "Main Warehouse",
    "Downtown Store",
    "Back Room, Shelf B",
    "3PL Reno",
    "Returns Room",
)


@dataclass(frozen=True)
class Catalogue:
    """One entry per SKU, index-aligned arrays."""

    sku: pa.Array
    title: pa.Array
    handle: pa.Array
    vendor: pa.Array
    asin: pa.Array
    price_cents: np.ndarray
    digits_only: np.ndarray
    locations: tuple[str, ...]

    @property
    def size(self) -> int:
        return len(self.sku)


def sku_codes(count: int) -> tuple[pa.Array, np.ndarray]:
    """SKU-0000001 style codes, with every twentieth one all digits."""
    number = np.arange(1, count + 1)
    digits_only = number % 20 == 8
    plain = digits(number, 7)
    return where(digits_only, plain, join("SKU-", plain)), digits_only


def titles(rng: np.random.Generator, count: int) -> pa.Array:
    """Product titles; a few hold a comma or a double quote, as real ones do."""
    words = join(
        pick(rng, ADJECTIVES, count), " ", pick(rng, NOUNS, count), " ",
        text(np.arange(1, count + 1)),
    )  # fmt: skip
    roll = rng.random(count)
    with_quote = join(words, ' "Limited"')
    with_comma = join(words, ", Set of 2")
    return where(roll < 0.02, with_quote, where(roll < 0.05, with_comma, words))


def handles(title: pa.Array) -> pa.Array:
    lower = pc.utf8_lower(title)
    dashed = pc.replace_substring_regex(lower, "[^a-z0-9]+", "-")
    return pc.utf8_trim(dashed, "-")


def prices(rng: np.random.Generator, count: int) -> np.ndarray:
    """Unit prices in cents; about one in a hundred costs over $1,000."""
    cents = np.round(rng.lognormal(np.log(2500), 0.6, size=count)).astype(np.int64)
    pricey = rng.random(count) < 0.01
    cents[pricey] = rng.integers(100_000, 250_000, size=int(pricey.sum()))
    return np.maximum(cents, 199)


def location_names(count: int) -> tuple[str, ...]:
    extra = tuple(f"Location {n}" for n in range(len(LOCATION_NAMES) + 1, count + 1))
    return (LOCATION_NAMES + extra)[:count]


def make_catalogue(rng: np.random.Generator, skus: int, locations: int) -> Catalogue:
    sku, digits_only = sku_codes(skus)
    title = titles(rng, skus)
    return Catalogue(
        sku=sku,
        title=title,
        handle=handles(title),
        vendor=pick(rng, VENDORS, skus),
        asin=join("B0", digits(unique_numbers(rng, skus, 10**8), 8)),
        price_cents=prices(rng, skus),
        digits_only=digits_only,
        locations=location_names(locations),
    )
