"""Hand-written shops of a few rows, in the real layouts, for rule-by-rule tests.

Each table is a list of dicts holding only the columns a test cares about;
every other column of the real header is left empty.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
from shopgen import amazon, ebay, inventory, shopify
from shopgen.text import header_names, write_table

Rows = list[dict[str, str]]


def _columns(header: str, delimiter: str, rows: Rows) -> dict[str, pa.Array]:
    names = header_names(header, delimiter)
    return {
        name: pa.array([row.get(name, "") for row in rows], pa.string())
        for name in names
    }


def stock_row(sku: str, location: str, available: str) -> dict[str, str]:
    return {"SKU": sku, "Location": location, "Available (not editable)": available}


def write_tiny_shop(
    folder: Path,
    *,
    stock: Rows = (),
    shop_orders: Rows = (),
    amazon_orders: Rows = (),
    listings: Rows = (),
    ebay_orders: Rows = (),
) -> Path:
    """Write the five files (any table may be empty) and return the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    write_table(
        folder / "inventory_export_1.csv",
        inventory.HEADER,
        _columns(inventory.HEADER, ",", list(stock)),
    )
    write_table(
        folder / "orders_export_1.csv",
        shopify.HEADER,
        _columns(shopify.HEADER, ",", list(shop_orders)),
    )
    write_table(
        folder / "amazon_all_orders.txt",
        amazon.ORDERS_HEADER,
        _columns(amazon.ORDERS_HEADER, "\t", list(amazon_orders)),
        delimiter="\t",
        eol="\r\n",
        quoting=False,
    )
    write_table(
        folder / "amazon_all_listings.txt",
        amazon.LISTINGS_HEADER,
        _columns(amazon.LISTINGS_HEADER, "\t", list(listings)),
        delimiter="\t",
        quoting=False,
    )
    footer = "\n2,record(s) downloaded,from Nov-01-26 to Nov-30-26\nSeller ID : x\n"
    write_table(
        folder / "ebay_orders.csv",
        ebay.HEADER,
        _columns(ebay.HEADER, ",", list(ebay_orders)),
        preamble=ebay.EMPTY_ROW,
        after_header=ebay.EMPTY_ROW,
        footer=footer,
    )
    return folder
