"""Writers of small export files in the exact real layouts, for check and CLI tests.

Each writer takes only the values a test cares about and fills every other column
of the real header the way the portal leaves it (blank), so a test shop is a few
lines long yet byte-for-byte the shape of a real download:

- Shopify inventory: current 19-column header, comma, UTF-8, LF, no BOM.
- Shopify orders: 79-column header; order fields on an order's first row only.
- Amazon All Orders and All Listings: tab-separated, no quoting, CRLF.
- eBay orders: comma-only first line, header, all-empty padding row, summary row for
  multi-item orders, footer with the record count and seller id.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

INVENTORY_HEADER = (
    "Handle,Title,Option1 Name,Option1 Value,Option2 Name,Option2 Value,Option3 Name,"
    "Option3 Value,SKU,HS Code,COO,Location,Bin name,Incoming (not editable),"
    "Unavailable (not editable),Committed (not editable),Available (not editable),"
    "On hand (current),On hand (new)"
).split(",")
ORDERS_HEADER = (
    "Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Accepts Marketing,"
    "Currency,Subtotal,Shipping,Taxes,Total,Discount Code,Discount Amount,Shipping Method,"
    "Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem compare at price,"
    "Lineitem sku,Lineitem requires shipping,Lineitem taxable,Lineitem fulfillment status,"
    "Billing Name,Billing Street,Billing Address1,Billing Address2,Billing Company,"
    "Billing City,Billing Zip,Billing Province,Billing Country,Billing Phone,Shipping Name,"
    "Shipping Street,Shipping Address1,Shipping Address2,Shipping Company,Shipping City,"
    "Shipping Zip,Shipping Province,Shipping Country,Shipping Phone,Notes,Note Attributes,"
    "Cancelled at,Payment Method,Payment Reference,Refunded Amount,Vendor,"
    "Outstanding Balance,Employee,Location,Device ID,Id,Tags,Risk Level,Source,"
    "Lineitem discount,Tax 1 Name,Tax 1 Value,Tax 2 Name,Tax 2 Value,Tax 3 Name,"
    "Tax 3 Value,Tax 4 Name,Tax 4 Value,Tax 5 Name,Tax 5 Value,Phone,Receipt Number,"
    "Duties,Billing Province Name,Shipping Province Name,Payment ID,Payment Terms Name,"
    "Next Payment Due At,Payment References"
).split(",")
AMAZON_ORDERS_HEADER = (
    "amazon-order-id merchant-order-id purchase-date last-updated-date order-status "
    "fulfillment-channel sales-channel order-channel ship-service-level product-name sku "
    "asin item-status quantity currency item-price item-tax shipping-price shipping-tax "
    "gift-wrap-price gift-wrap-tax item-promotion-discount ship-promotion-discount "
    "ship-city ship-state ship-postal-code ship-country promotion-ids cpf "
    "is-business-order purchase-order-number price-designation"
).split()
LISTINGS_HEADER = (
    "item-name item-description listing-id seller-sku price quantity open-date image-url "
    "item-is-marketplace product-id-type zshop-shipping-fee item-note item-condition "
    "zshop-category1 zshop-browse-path zshop-storefront-feature asin1 asin2 asin3 "
    "will-ship-internationally expedited-shipping zshop-boldface product-id "
    "bid-for-featured-placement add-delete pending-quantity fulfillment-channel "
    "merchant-shipping-group status"
).split()
EBAY_HEADER_LINE = (
    '"Sales Record Number","Order Number","Buyer Username","Buyer Name","Buyer Email",'
    '"Buyer Note",Buyer Address 1,Buyer Address 2,Buyer City,"Buyer State","Buyer Zip",'
    '"Buyer Country","Buyer Tax Identifier Name","Buyer Tax Identifier Value",Ship To Name,'
    '"Ship To Phone",Ship To Address 1,Ship To Address 2,Ship To City,"Ship To State",'
    '"Ship To Zip","Ship To Country","Item Number","Item Title",Custom Label,'
    '"Sold Via Promoted Listings","Quantity","Sold For","Shipping And Handling",'
    'Item Location,"Item Zip Code","Item Country","eBay Collect And Remit Tax Rate",'
    '"eBay Collect And Remit Tax Type","eBay Reference Name",eBay Reference Value,'
    'Tax Status,"Seller Collected Tax","eBay Collected Tax","Electronic Waste Recycling Fee",'
    '"Mattress Recycling Fee","Battery Recycling Fee","White Goods Disposal Tax",'
    '"Tire Recycling Fee","Additional Fee","Lumber Fee","Prepaid Wireless Fee",'
    '"Road Improvement And Food Delivery Fee","eBay Collected Charges","Total Price",'
    '"eBay Collected Tax and Fees Included in Total","Payment Method","Sale Date",'
    '"Paid On Date","Ship By Date","Minimum Estimated Delivery Date",'
    '"Maximum Estimated Delivery Date","Shipped On Date","Feedback Left",'
    '"Feedback Received","My Item Note","PayPal Transaction ID","Shipping Service",'
    '"Tracking Number","Transaction ID",Variation Details,"Global Shipping Program",'
    '"Global Shipping Reference ID","Click And Collect","Click And Collect Reference Number",'
    '"eBay Plus","Authenticity Verification Program","Authenticity Verification Status",'
    '"Authenticity Verification Outcome Reason","PSA Vault Program",'
    '"Vault Fulfillment Type","eBay Fulfillment Program",Tax City,"Tax State","Tax Zip",'
    '"Tax Country","eBay International Shipping"'
)
EBAY_HEADER = next(csv.reader([EBAY_HEADER_LINE]))


def _csv_text(header: list[str], rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n", restval="")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _tsv_bytes(header: list[str], rows: list[dict[str, str]]) -> bytes:
    lines = ["\t".join(header)]
    lines += ["\t".join(row.get(column, "") for column in header) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def inventory(path: Path, stock: list[tuple]) -> Path:
    """stock: (sku, location, available[, incoming[, title]]); "not stocked" allowed."""
    rows = []
    for sku, location, available, *rest in stock:
        incoming = rest[0] if rest else 0
        title = rest[1] if len(rest) > 1 else f"Product {sku}"
        stocked = available != "not stocked"
        quantities = (
            [incoming, 0, 0, available, available] if stocked else ["not stocked"] * 5
        )
        values = [
            f"h-{sku.lower()}",
            title,
            "Title",
            "Default Title",
            "",
            "",
            "",
            "",
            sku,
        ]
        values += ["", "", location, "", *[str(q) for q in quantities], ""]
        rows.append(dict(zip(INVENTORY_HEADER, values, strict=True)))
    path.write_text(_csv_text(INVENTORY_HEADER, rows), encoding="utf-8")
    return path


def shopify_orders(path: Path, orders: list[dict]) -> Path:
    """orders: {name, created, lines: [(sku, qty[, line status[, requires shipping]])],
    financial, cancelled, tags, note_attributes}; order fields on the first row only."""
    rows = []
    for order in orders:
        for index, (sku, qty, *rest) in enumerate(order["lines"]):
            status = rest[0] if rest else "pending"
            shipping = rest[1] if len(rest) > 1 else "true"
            row = {
                "Name": order["name"],
                "Email": f"buyer{order['name'].lstrip('#')}@example.com",
                "Created at": order["created"],
                "Lineitem quantity": str(qty),
                "Lineitem name": f"Product {sku}",
                "Lineitem sku": sku,
                "Lineitem requires shipping": shipping,
                "Lineitem fulfillment status": status,
                "Vendor": "Test Shop",
            }
            if index == 0:
                row |= {
                    "Financial Status": order.get("financial", "paid"),
                    "Fulfillment Status": order.get("fulfillment", "unfulfilled"),
                    "Currency": "USD",
                    "Cancelled at": order.get("cancelled", ""),
                    "Tags": order.get("tags", ""),
                    "Note Attributes": order.get("note_attributes", ""),
                }
            rows.append(row)
    path.write_text(_csv_text(ORDERS_HEADER, rows), encoding="utf-8")
    return path


def amazon_orders(path: Path, lines: list[dict]) -> Path:
    """lines: {id, sku, qty, date, status (order and item), channel ("Merchant"/"Amazon"),
    sales ("Amazon.com"/"Non-Amazon"), merchant_order_id}."""
    rows = [
        {
            "amazon-order-id": line["id"],
            "merchant-order-id": line.get("merchant_order_id", ""),
            "purchase-date": line["date"],
            "last-updated-date": line["date"],
            "order-status": line.get("status", "Pending"),
            "fulfillment-channel": line.get("channel", "Merchant"),
            "sales-channel": line.get("sales", "Amazon.com"),
            "product-name": f"Product {line['sku']}",
            "sku": line["sku"],
            "item-status": line.get("item_status", line.get("status", "Unshipped")),
            "quantity": str(line["qty"]),
            "currency": "USD",
        }
        for line in lines
    ]
    path.write_bytes(_tsv_bytes(AMAZON_ORDERS_HEADER, rows))
    return path


def amazon_listings(path: Path, listings: list[tuple]) -> Path:
    """listings: (sku, quantity[, fulfillment channel[, status]])."""
    rows = []
    for sku, quantity, *rest in listings:
        rows.append(
            {
                "item-name": f"Product {sku}",
                "seller-sku": sku,
                "price": "10.00",
                "quantity": str(quantity),
                "fulfillment-channel": rest[0] if rest else "DEFAULT",
                "status": rest[1] if len(rest) > 1 else "Active",
            }
        )
    path.write_bytes(_tsv_bytes(LISTINGS_HEADER, rows))
    return path


def ebay_orders(path: Path, orders: list[dict]) -> Path:
    """orders: {record, number, date, items: [(sku, qty)], shipped}; several items get
    eBay's summary row first."""
    rows: list[dict[str, str]] = []
    for order in orders:
        base = {
            "Sales Record Number": order["record"],
            "Order Number": order["number"],
            "Buyer Username": "made_up_buyer",
            "Sale Date": order["date"],
            "Shipped On Date": order.get("shipped", ""),
        }
        items = order["items"]
        if len(items) > 1:
            rows.append(base | {"Quantity": str(sum(q for _, q in items))})
        for index, (sku, qty) in enumerate(items):
            rows.append(
                base
                | {
                    "Item Number": f"3255{order['record']}{index}",
                    "Custom Label": sku,
                    "Quantity": str(qty),
                    "Sold For": "$10.00",
                    "Transaction ID": f"19{order['record']}{index}",
                }
            )
    width = len(EBAY_HEADER)
    body = io.StringIO()
    csv.writer(body, lineterminator="\n", quoting=csv.QUOTE_MINIMAL).writerows(
        [[row.get(column, "") for column in EBAY_HEADER] for row in rows]
    )
    footer = f"\n{len(orders)},record(s) downloaded,from Nov-01-26 to Nov-30-26\n"
    footer += "Seller ID : made_up_seller\n"
    text = "," * (width - 1) + "\n" + EBAY_HEADER_LINE + "\n" + "," * (width - 1) + "\n"
    path.write_text(text + body.getvalue() + footer, encoding="utf-8")
    return path
