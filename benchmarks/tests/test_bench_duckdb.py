"""The DuckDB reference computes the benchmark's rules exactly.

Hand-written shops pin each rule to numbers worked out by hand; on a generated
shop DuckDB must agree with a plain-Python reading and with what the generator
planted.
"""

from __future__ import annotations

import json
from collections import Counter

import duckdb_checks
from duckdb_checks import parse_time, projected_stock, run_checks
from rules_in_python import all_findings
from shopgen import shopify
from tiny_shop import stock_row, write_tiny_shop

AS_OF = parse_time("2026-11-30T14:00:00Z")


def as_set(findings) -> set[tuple]:
    return {
        (
            f["kind"],
            f["key"],
            f["severity"],
            f["expected"],
            f["actual"],
            f["difference"],
        )
        for f in findings
    }


def amazon_line(order: str, sku: str, quantity: int, **fields: str) -> dict[str, str]:
    line = {
        "amazon-order-id": order,
        "fulfillment-channel": "Merchant",
        "sales-channel": "Amazon.com",
        "order-status": "Unshipped",
        "item-status": "Unshipped",
        "sku": sku,
        "quantity": str(quantity),
    }
    return line | fields


def shop_line(name: str, created: str, quantity: int = 1, **fields: str):
    line = {
        "Name": name,
        "Created at": created,
        "Lineitem quantity": str(quantity),
        "Lineitem requires shipping": "true",
        "Lineitem fulfillment status": "pending",
    }
    return line | fields


def listing(sku: str, quantity: str, **fields: str) -> dict[str, str]:
    row = {
        "seller-sku": sku,
        "quantity": quantity,
        "fulfillment-channel": "DEFAULT",
        "status": "Active",
    }
    return row | fields


def test_an_oversold_sku_is_critical_and_a_negative_location_alone_is_high(tmp_path):
    shop = write_tiny_shop(
        tmp_path,
        stock=[
            stock_row("SKU-A", "Main Warehouse", "3"),
            stock_row("SKU-A", "Back Room, Shelf B", "-2"),
            stock_row("SKU-A", "Returns Room", "Not Stocked"),
            stock_row("SKU-B", "Main Warehouse", "5"),
            stock_row("SKU-B", "Back Room, Shelf B", "-1"),
        ],
        amazon_orders=[amazon_line("111-0000001-0000001", "SKU-A", 4)],
    )

    assert as_set(run_checks(shop, AS_OF)) == {
        ("negative_stock", "negative_stock:SKU-A", "critical", 0, -3, -3),
        (
            "negative_stock", "negative_stock:SKU-B:Back Room, Shelf B", "high",
            0, -1, -1,
        ),
    }  # fmt: skip


def test_amazon_orders_shopify_already_holds_are_not_pending_but_near_misses_are(
    tmp_path,
):
    paid = {"Financial Status": "paid", "Lineitem fulfillment status": "fulfilled"}
    created = "2026-11-29 10:00:00 -0500"
    shop = write_tiny_shop(
        tmp_path,
        stock=[stock_row("SKU-M", "Main Warehouse", "10")],
        shop_orders=[
            shop_line("#1001", created, Tags="amazon, 111-0000001-0000001", **paid),
            shop_line("#1002", created, **paid),
            shop_line("#1003", created, Tags="amazon-111-0000003-0000003", **paid),
            shop_line(
                "#1004", created, Notes="From Amazon order 111-0000004-0000004.", **paid
            ),
        ],
        amazon_orders=[
            amazon_line(f"111-000000{n}-000000{n}", "SKU-M", units, **fields)
            for n, units, fields in (
                (1, 1, {}),
                (2, 1, {"merchant-order-id": "#1002"}),
                (3, 1, {}),
                (4, 1, {}),
                (5, 5, {"fulfillment-channel": "Amazon"}),
                (6, 5, {"sales-channel": "Non-Amazon"}),
                (7, 5, {"order-status": "Shipping", "item-status": "Shipped"}),
                (8, 2, {"merchant-order-id": "#9999"}),
            )
        ],
        listings=[listing("SKU-M", "10")],
    )

    # Pending: the near miss (1) and the unknown Shopify name (2); 10 - 3 = 7.
    assert as_set(run_checks(shop, AS_OF)) == {
        ("mismatch", "mismatch:SKU-M:amazon", "high", 7, 10, 3)
    }


def test_ebay_summary_rows_and_footer_are_no_demand_and_the_record_stands_in(
    tmp_path,
):
    def item(record: str, number: str, quantity: int, shipped: str = "", label="SKU-E"):
        return {
            "Sales Record Number": record,
            "Order Number": number,
            "Item Number": "280000000001",
            "Custom Label": label,
            "Quantity": str(quantity),
            "Shipped On Date": shipped,
        }

    summary = {"Sales Record Number": "2", "Order Number": "22-22222-22222"}
    shop = write_tiny_shop(
        tmp_path,
        stock=[stock_row("SKU-E", "Main Warehouse", "20")],
        shop_orders=[
            shop_line(
                "#1001", "2026-11-29 10:00:00 -0500", Notes="eBay record 700004",
                **{"Lineitem fulfillment status": "fulfilled"},
            )
        ],
        ebay_orders=[
            item("1", "11-11111-11111", 2),
            summary | {"Quantity": "4"},
            item("2", "22-22222-22222", 1),
            item("2", "22-22222-22222", 3),
            item("3", "33-33333-33333", 5, shipped="Nov-20-26"),
            item("700004", "", 1),
            item("700005", "", 1),
        ],
    )  # fmt: skip

    # Open and unknown to Shopify: 2 + (1 + 3) + 1 = 7 units.
    assert projected_stock(shop) == {"SKU-E": 13}


def test_each_listing_is_judged_against_projected_stock_with_the_low_threshold(
    tmp_path,
):
    levels = {"L1": "0", "L2": "10", "L3": "30", "L4": "30", "L5": "10", "L6": "10"}
    shop = write_tiny_shop(
        tmp_path,
        stock=[stock_row(sku, "Main Warehouse", units) for sku, units in levels.items()]
        + [stock_row("L7", "Main Warehouse", "10")],
        listings=[
            listing("L1", "2"),
            listing("L2", "12"),
            listing("L3", "26"),
            listing("L4", "27"),
            listing("L5", "8"),
            listing("L6", "", **{"fulfillment-channel": "AMAZON_NA"}),
            listing("L7", "50", status="Inactive"),
            listing("AMZ-ONLY", "4"),
        ],
    )

    assert as_set(run_checks(shop, AS_OF)) == {
        ("mismatch", "mismatch:L1:amazon", "critical", 0, 2, 2),
        ("mismatch", "mismatch:L2:amazon", "high", 10, 12, 2),
        ("mismatch", "mismatch:L3:amazon", "low", 30, 26, -4),
        ("mismatch", "mismatch:AMZ-ONLY:amazon", "high", 0, 4, 4),
    }


def test_stale_reservations_take_order_fields_from_the_first_row(tmp_path):
    paid, unpaid = {"Financial Status": "paid"}, {"Financial Status": "pending"}
    cancelled = {"Cancelled at": "2026-11-11 08:00:00 -0500", **paid}
    gift = {"Lineitem requires shipping": "false"}
    fulfilled = {"Lineitem fulfillment status": "fulfilled"}
    ten_days, five_days = "2026-11-20 09:00:00 -0500", "2026-11-25 09:00:00 -0500"
    four_days, seven_days = "2026-11-26 09:00:00 -0500", "2026-11-23 09:00:00 -0500"
    shop = write_tiny_shop(
        tmp_path,
        shop_orders=[
            shop_line("#2001", ten_days, 1, **paid),
            shop_line("#2001", ten_days, 3),
            shop_line("#2002", five_days, 1, **paid),
            shop_line("#2003", four_days, 2, **unpaid),
            shop_line("#2004", "2026-11-10 09:00:00 -0500", 1, **cancelled),
            shop_line("#2004", "2026-11-10 09:00:00 -0500", 1),
            shop_line("#2005", ten_days, 1, **paid, **fulfilled),
            shop_line("#2005", ten_days, 4),
            shop_line("#2005", ten_days, 1, **gift),
            shop_line("#2006", four_days, 1, **unpaid),
            shop_line("#2006", four_days, 5),
            shop_line("#2007", seven_days, 1, **paid),
        ],
    )

    stale = {(f["key"], f["actual"]) for f in run_checks(shop, AS_OF)}
    assert stale == {
        ("stale_reservation:order:#2001:1", 1),
        ("stale_reservation:order:#2001:2", 3),
        ("stale_reservation:order:#2003:1", 2),
        ("stale_reservation:order:#2005:2", 4),
        ("stale_reservation:order:#2006:1", 1),
        ("stale_reservation:order:#2006:2", 5),
        ("stale_reservation:order:#2007:1", 1),
    }


def test_skus_match_after_trimming_and_one_leading_quote_but_case_counts(tmp_path):
    shop = write_tiny_shop(
        tmp_path,
        stock=[
            stock_row("'0012345", "Main Warehouse", "5"),
            stock_row("SKU-N", "Main Warehouse", "5"),
        ],
        amazon_orders=[
            amazon_line("111-0000001-0000001", "0012345", 2),
            amazon_line("111-0000002-0000002", "sku-n", 3),
        ],
        ebay_orders=[
            {
                "Sales Record Number": "1",
                "Order Number": "11-11111-11111",
                "Item Number": "280000000001",
                "Custom Label": " SKU-N ",
                "Quantity": "1",
            }
        ],
    )

    assert projected_stock(shop) == {"0012345": 3, "SKU-N": 4}


def test_duckdb_agrees_with_a_plain_python_reading_on_every_finding(small_shop):
    _, folder = small_shop
    ours = run_checks(folder, AS_OF)

    assert {f["kind"] for f in ours} == {
        "negative_stock",
        "mismatch",
        "stale_reservation",
    }
    assert as_set(ours) == all_findings(folder, AS_OF)


def test_projected_stock_is_what_the_generator_planted_for_every_sku(small_shop):
    shop, folder = small_shop
    planted = dict(
        zip(shop.catalogue.sku.to_pylist(), shop.stock.projected.tolist(), strict=True)
    )
    assert projected_stock(folder) == planted


def test_stale_reservations_are_exactly_the_lines_the_generator_left_waiting(
    small_shop,
):
    shop, folder = small_shop
    orders = shop.shopify
    names = orders.name.to_pylist()
    planted = {
        f"stale_reservation:order:{names[order]}:{position + 1}"
        for order, position, stale in zip(
            orders.line_order, orders.line_position, shopify.stale_lines(orders),
            strict=True,
        )
        if stale
    }  # fmt: skip
    found = {f["key"] for f in run_checks(folder, AS_OF)}

    assert planted and {k for k in found if k.startswith("stale")} == planted


def test_findings_stay_a_small_share_of_the_catalogue(small_shop):
    shop, folder = small_shop
    counts = Counter((f["kind"], f["severity"]) for f in run_checks(folder, AS_OF))
    skus = shop.catalogue.size

    assert 0.008 * skus <= counts[("negative_stock", "critical")] <= 0.03 * skus
    assert sum(counts.values()) < 0.2 * skus


def test_the_command_writes_findings_json_sorted_by_key(small_shop, tmp_path):
    _, folder = small_shop
    out = tmp_path / "findings.json"

    assert duckdb_checks.main([str(folder), "--out", str(out)]) == 0
    keys = [f["key"] for f in json.loads(out.read_text())["findings"]]
    assert keys == sorted(keys) and len(keys) == len(run_checks(folder, AS_OF))
