"""Which export a file is, told by its header row alone.

Never by file name or column position: merchants rename downloads, and every portal
adds, drops and reorders columns over time. A layout names the columns that identify
it (signature) and those its reader needs (required); a file that shows a layout's
signature but lacks a required column is an error naming the missing columns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from reconcile.sources.tabular import Header


@dataclass(frozen=True)
class Layout:
    name: str
    label: str
    table: str  # the canonical table it feeds: stock, listings or order_lines
    channel: str
    signature: tuple[str, ...]
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    quoting: bool = True
    has_footer: bool = False
    matches: Callable[[Header], bool] | None = None

    def identifies(self, header: Header) -> bool:
        if not all(header.find(name) for name in self.signature):
            return False
        return self.matches(header) if self.matches else True

    def missing(self, header: Header) -> list[str]:
        return [name for name in self.required if not header.find(name)]


def _long_current(header: Header) -> bool:
    return bool(
        header.find("On hand (current)") or header.find("Available (not editable)")
    )


def _long_2023(header: Header) -> bool:
    return not _long_current(header)


def _wide(header: Header) -> bool:
    return header.find("Location") is None


# The quantity columns of the two long shapes, and the canonical name of each.
CURRENT_COLUMNS = {
    "Incoming (not editable)": "incoming",
    "Unavailable (not editable)": "unavailable",
    "Committed (not editable)": "committed",
    "Available (not editable)": "available",
    "On hand (current)": "on_hand",
}
COLUMNS_2023 = {
    "Incoming": "incoming",
    "Unavailable": "unavailable",
    "Committed": "committed",
    "Available": "available",
    "On hand": "on_hand",
}

INVENTORY_KEYS = ("Handle", "Title", "Option1 Name", "SKU")
INVENTORY_NAMES = ("Title", "Option1 Value", "Option2 Value", "Option3 Value")

SHOPIFY_INVENTORY_CURRENT = Layout(
    name="shopify_inventory",
    label="Shopify inventory export",
    table="stock",
    channel="shopify",
    signature=(*INVENTORY_KEYS, "Location"),
    required=("Title", "SKU", "Location", *CURRENT_COLUMNS),
    optional=INVENTORY_NAMES[1:],
    matches=_long_current,
)
SHOPIFY_INVENTORY_2023 = Layout(
    name="shopify_inventory_2023",
    label="Shopify inventory export (2023 layout)",
    table="stock",
    channel="shopify",
    signature=(*INVENTORY_KEYS, "Location"),
    required=("Title", "SKU", "Location", *COLUMNS_2023),
    optional=INVENTORY_NAMES[1:],
    matches=_long_2023,
)
SHOPIFY_INVENTORY_WIDE = Layout(
    name="shopify_inventory_wide",
    label="Shopify inventory export (available per location)",
    table="stock",
    channel="shopify",
    signature=INVENTORY_KEYS,
    required=("Title", "SKU"),
    optional=INVENTORY_NAMES[1:],
    matches=_wide,
)
SHOPIFY_ORDERS = Layout(
    name="shopify_orders",
    label="Shopify orders export",
    table="order_lines",
    channel="shopify",
    signature=("Name", "Lineitem quantity", "Lineitem sku"),
    required=(
        "Name",
        "Financial Status",
        "Created at",
        "Lineitem quantity",
        "Lineitem sku",
        "Lineitem requires shipping",
        "Lineitem fulfillment status",
        "Cancelled at",
    ),
    optional=(
        "Lineitem name",
        "Tags",
        "Notes",
        "Note Attributes",
        "Payment Reference",
        "Payment References",
        "Fulfillment Status",
        "Source",
    ),
)
AMAZON_ORDERS = Layout(
    name="amazon_orders",
    label="Amazon All Orders report",
    table="order_lines",
    channel="amazon",
    signature=("amazon-order-id", "purchase-date"),
    required=(
        "amazon-order-id",
        "purchase-date",
        "order-status",
        "fulfillment-channel",
        "sales-channel",
        "sku",
        "item-status",
        "quantity",
    ),
    optional=("merchant-order-id",),
    quoting=False,
)
AMAZON_LISTINGS = Layout(
    name="amazon_listings",
    label="Amazon listings report",
    table="listings",
    channel="amazon",
    signature=("seller-sku", "quantity"),
    required=("seller-sku", "quantity"),
    optional=("item-name", "fulfillment-channel", "status"),
    quoting=False,
)
EBAY_ORDERS = Layout(
    name="ebay_orders",
    label="eBay orders report",
    table="order_lines",
    channel="ebay",
    signature=("Sales Record Number", "Custom Label"),
    required=(
        "Sales Record Number",
        "Order Number",
        "Item Number",
        "Custom Label",
        "Quantity",
        "Sale Date",
        "Shipped On Date",
    ),
    optional=("Transaction ID", "Item Title", "Paid On Date"),
    has_footer=True,
)

LAYOUTS = (
    SHOPIFY_INVENTORY_CURRENT,
    SHOPIFY_INVENTORY_2023,
    SHOPIFY_INVENTORY_WIDE,
    SHOPIFY_ORDERS,
    AMAZON_ORDERS,
    AMAZON_LISTINGS,
    EBAY_ORDERS,
)


def identify(candidates: list[Header]) -> tuple[Layout, Header] | None:
    """The first header row, among a file's first lines, that some layout claims."""
    for header in candidates:
        for layout in LAYOUTS:
            if layout.identifies(header):
                return layout, header
    return None


def known_labels() -> str:
    labels = dict.fromkeys(layout.label.split(" (")[0] for layout in LAYOUTS)
    return ", ".join(labels)
