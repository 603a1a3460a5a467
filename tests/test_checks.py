"""The three checks' arithmetic, on small shops written in the real export layouts.

Every expected number below is worked out by hand in the test's comment:
projected = available - pending - held + corrections.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from reconcile.config import ChannelSettings, Settings
from reconcile.engine import RunRequest, reconcile
from reconcile.ledger import Ledger
from reconcile.model import Finding, RunResult
from tests import shop

AS_OF = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)
SNAPSHOT = datetime(2026, 11, 30, 13, 30, tzinfo=UTC)


def run_checks(
    folder: Path, settings: Settings | None = None, ledger: Path | None = None
) -> RunResult:
    request = RunRequest(
        paths=(folder,),
        settings=settings or Settings(),
        as_of=AS_OF,
        snapshot_time=SNAPSHOT,
        ledger_path=ledger or folder.parent / "unused-ledger.sqlite",
    )
    return reconcile(request, "test-run")


def by_key(result: RunResult) -> dict[str, Finding]:
    return {finding.key: finding for finding in result.findings}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "exports"
    path.mkdir()
    return path


@pytest.fixture
def five_file_shop(folder: Path) -> Path:
    """Two locations; Amazon and eBay demand; one Amazon order copied into Shopify."""
    shop.inventory(
        folder / "inventory_export_1.csv",
        [
            ("00417", "Main", 3),
            ("00417", "East", 1),  # 4 available
            ("TEE-M", "Main", 2),
            ("TEE-M", "East", "not stocked"),  # 2
            ("SOAP", "Main", 30),
            ("SOAP", "East", 10),  # 40
            ("CANDLE", "Main", -2),
            ("CANDLE", "East", 7),  # 5
        ],
    )
    shop.shopify_orders(
        folder / "orders_export_1.csv",
        [
            {
                "name": "#2001",
                "created": "2026-11-30 07:00:00 -0500",
                "lines": [("00417", 1)],
                "tags": "amazon, 111-0000009-0000009",
            },
            {
                "name": "#2002",
                "created": "2026-11-29 10:00:00 -0500",
                "lines": [("SOAP", 5), ("TEE-M", 1)],
            },
        ],
    )
    shop.amazon_orders(
        folder / "All Orders.txt",
        [
            {
                "id": "111-0000001-0000001",
                "sku": "00417",
                "qty": 3,
                "date": "2026-11-30T09:00:00+00:00",
            },
            {
                "id": "111-0000002-0000002",
                "sku": "TEE-M",
                "qty": 2,
                "date": "2026-11-30T10:00:00+00:00",
            },
            {
                "id": "111-0000003-0000003",
                "sku": "SOAP",
                "qty": 4,
                "date": "2026-11-30T10:00:00+00:00",
                "channel": "Amazon",
            },  # FBA: ships from Amazon's stock
            {
                "id": "111-0000009-0000009",
                "sku": "00417",
                "qty": 1,
                "date": "2026-11-30T11:00:00+00:00",
            },
            {
                "id": "111-0000004-0000004",
                "sku": "SOAP",
                "qty": 2,
                "date": "2026-11-28T10:00:00+00:00",
                "status": "Shipped",
                "item_status": "Shipped",
            },
        ],
    )
    shop.amazon_listings(
        folder / "All Listings.txt",
        [
            ("00417", 3),
            ("TEE-M", 1),
            ("SOAP", 30),
            ("CANDLE", 5),
            ("GONE-1", 4),
            ("SOAP-FBA", "", "AMAZON_NA"),
        ],
    )
    shop.ebay_orders(
        folder / "ebay-orders.csv",
        [
            {
                "record": "701",
                "number": "05-00001-00001",
                "date": "Nov-29-26",
                "items": [("00417", 2), ("SOAP", 1)],
            },
            {
                "record": "702",
                "number": "05-00002-00002",
                "date": "Nov-28-26",
                "items": [("TEE-M", 1)],
                "shipped": "Nov-29-26",
            },
        ],
    )
    return folder


def test_five_exports_give_the_shortfall_per_sku(five_file_shop: Path) -> None:
    findings = by_key(run_checks(five_file_shop))

    # 00417: available 4; pending Amazon 3 + eBay 2 = 5 (the copied Amazon order and
    # the Shopify orders do not count) -> projected -1, shortfall 1.
    oversell = findings["negative_stock:00417"]
    assert (oversell.severity, oversell.actual, oversell.detail["shortfall"]) == (
        "critical",
        -1,
        1,
    )
    assert (oversell.detail["available"], oversell.detail["pending"]) == (4, 5)
    # Newest first: the Amazon order of Nov 30 (3 units) covers the shortfall alone.
    assert [o["order_id"] for o in oversell.detail["orders"]] == ["111-0000001-0000001"]

    # TEE-M: available 2 (East not stocked); pending Amazon 2 (eBay line shipped) -> 0.
    assert "negative_stock:TEE-M" not in findings
    # CANDLE: network 5 is fine, Main is at -2: a transfer from East fixes it.
    located = findings["negative_stock:CANDLE:Main"]
    assert (located.severity, located.actual, located.action) == (
        "high",
        -2,
        "transfer 2 from East",
    )


def test_five_exports_give_the_over_and_under_listing_per_amazon_listing(
    five_file_shop: Path,
) -> None:
    findings = by_key(run_checks(five_file_shop))

    # 00417 projected -1, listed 3: listed without stock.
    assert findings["mismatch:00417:amazon"].severity == "critical"
    assert findings["mismatch:00417:amazon"].difference == 3
    # TEE-M projected 0, listed 1: listed without stock too.
    assert findings["mismatch:TEE-M:amazon"].severity == "critical"
    # SOAP: 40 - eBay 1 = 39 expected, listed 30: under by 9 > max(2, 3.9).
    soap = findings["mismatch:SOAP:amazon"]
    assert (soap.severity, soap.expected, soap.actual, soap.difference) == (
        "low",
        39,
        30,
        -9,
    )
    # CANDLE: 5 expected, listed 5: no finding. GONE-1 is not a Shopify SKU.
    assert "mismatch:CANDLE:amazon" not in findings
    assert findings["mismatch:GONE-1:amazon"].severity == "high"
    # The FBA listing carries no merchant quantity and is never compared.
    assert "mismatch:SOAP-FBA:amazon" not in findings


def test_the_channel_summary_counts_what_was_left_out(five_file_shop: Path) -> None:
    summary = run_checks(five_file_shop).channel_summary

    assert summary["amazon"]["amazon_fulfilled"] == 1
    assert summary["amazon"]["amazon_fulfilled_lines"] == 1
    assert summary["amazon"]["open_lines_already_in_shopify"] == 1
    assert summary["ebay"]["summary_rows_skipped"] == 1
    assert summary["amazon"]["pending_units"] == 5


def test_over_listing_beyond_tolerance_is_high_and_within_it_is_not(
    folder: Path,
) -> None:
    shop.inventory(folder / "inv.csv", [("A", "Main", 10), ("B", "Main", 10)])
    shop.amazon_listings(folder / "listings.txt", [("A", 12), ("B", 8)])

    strict = by_key(run_checks(folder))
    assert strict["mismatch:A:amazon"].severity == "high"  # over by 2 > 0
    assert "mismatch:B:amazon" not in strict  # under by 2 = max(2, 1): within

    loose = by_key(run_checks(folder, Settings().with_tolerance(2)))
    assert "mismatch:A:amazon" not in loose
    tight = by_key(run_checks(folder, Settings().with_tolerance(1)))
    assert tight["mismatch:B:amazon"].severity == "low"


def test_a_channel_buffer_lowers_the_expected_listing(folder: Path) -> None:
    shop.inventory(folder / "inv.csv", [("A", "Main", 10)])
    shop.amazon_listings(folder / "listings.txt", [("A", 10)])
    settings = Settings(channels={"amazon": ChannelSettings(buffer=3)})

    finding = by_key(run_checks(folder, settings))["mismatch:A:amazon"]

    assert (finding.expected, finding.difference, finding.severity) == (7, 3, "high")


def test_a_pre_order_shortfall_covered_by_incoming_is_low(folder: Path) -> None:
    shop.inventory(
        folder / "inv.csv", [("LAMP", "Main", 0, 10), ("MUG", "Main", 0, 10)]
    )
    shop.amazon_orders(
        folder / "orders.txt",
        [
            {"id": "1", "sku": "LAMP", "qty": 3, "date": "2026-11-30T09:00:00+00:00"},
            {"id": "2", "sku": "MUG", "qty": 3, "date": "2026-11-30T09:00:00+00:00"},
        ],
    )
    settings = Settings(preorder_skus=("LAMP",))

    findings = by_key(run_checks(folder, settings))

    assert findings["negative_stock:LAMP"].severity == "low"
    assert findings["negative_stock:MUG"].severity == "critical"  # not a pre-order


def test_only_sellable_locations_count(folder: Path) -> None:
    shop.inventory(folder / "inv.csv", [("A", "Main", 1), ("A", "Returns", 5)])
    shop.amazon_orders(
        folder / "orders.txt",
        [{"id": "1", "sku": "A", "qty": 2, "date": "2026-11-30T09:00:00+00:00"}],
    )

    everywhere = by_key(run_checks(folder))
    main_only = by_key(run_checks(folder, Settings(sellable_locations=("Main",))))

    assert "negative_stock:A" not in everywhere
    assert main_only["negative_stock:A"].detail["shortfall"] == 1


def test_an_import_channel_order_missing_after_the_lag_is_a_high_mismatch(
    folder: Path,
) -> None:
    shop.inventory(folder / "inv.csv", [("A", "Main", 10)])
    shop.shopify_orders(folder / "orders.csv", [])
    shop.amazon_orders(
        folder / "amazon.txt",
        [
            {
                "id": "OLD-1",
                "sku": "A",
                "qty": 1,
                "date": "2026-11-30T11:00:00+00:00",
            },  # 2.5 h
            {
                "id": "NEW-1",
                "sku": "A",
                "qty": 1,
                "date": "2026-11-30T13:00:00+00:00",
            },  # 30 min
        ],
    )
    settings = Settings(
        channels={"amazon": ChannelSettings(sync="import", lag_minutes=60)}
    )

    findings = by_key(run_checks(folder, settings))

    assert findings["mismatch:A:amazon:order:OLD-1"].severity == "high"
    assert "mismatch:A:amazon:order:NEW-1" not in findings


def test_a_push_channel_counts_lines_older_than_the_snapshot_less_its_lag(
    folder: Path,
) -> None:
    shop.inventory(folder / "inv.csv", [("A", "Main", 1)])
    shop.amazon_orders(
        folder / "amazon.txt",
        [
            {"id": "OLD-1", "sku": "A", "qty": 2, "date": "2026-11-30T12:00:00+00:00"},
            {"id": "NEW-1", "sku": "A", "qty": 2, "date": "2026-11-30T13:20:00+00:00"},
        ],
    )
    settings = Settings(
        channels={"amazon": ChannelSettings(sync="push", lag_minutes=30)}
    )

    # Snapshot 13:30 less 30 min = 13:00: OLD-1 is already in Shopify's 1, NEW-1 is not.
    finding = by_key(run_checks(folder, settings))["negative_stock:A"]

    assert (finding.detail["pending"], finding.actual) == (2, -1)


def test_a_merchant_order_id_equal_to_a_shopify_name_is_not_counted_twice(
    folder: Path,
) -> None:
    shop.inventory(folder / "inv.csv", [("A", "Main", 1)])
    shop.shopify_orders(
        folder / "orders.csv",
        [
            {
                "name": "#3001",
                "created": "2026-11-30 08:00:00 -0500",
                "lines": [("A", 1)],
            }
        ],
    )
    shop.amazon_orders(
        folder / "amazon.txt",
        [
            {
                "id": "112-1",
                "sku": "A",
                "qty": 1,
                "date": "2026-11-30T12:00:00+00:00",
                "merchant_order_id": "#3001",
            }
        ],
    )

    result = run_checks(folder)

    assert "negative_stock:A" not in by_key(result)
    assert result.channel_summary["amazon"]["pending_lines"] == 0


def test_non_amazon_and_fba_rows_never_draw_on_shopify_stock(folder: Path) -> None:
    shop.inventory(folder / "inv.csv", [("A", "Main", 0)])
    shop.amazon_orders(
        folder / "amazon.txt",
        [
            {
                "id": "S01-1",
                "sku": "A",
                "qty": 5,
                "date": "2026-11-30T12:00:00+00:00",
                "channel": "Amazon",
                "sales": "Non-Amazon",
            },
            {
                "id": "113-2",
                "sku": "A",
                "qty": 5,
                "date": "2026-11-30T12:00:00+00:00",
                "channel": "Amazon",
            },
        ],
    )

    assert run_checks(folder).findings == ()


def test_old_unfulfilled_and_unpaid_shopify_orders_are_stale(folder: Path) -> None:
    shop.inventory(folder / "inv.csv", [("A", "Main", 10)])
    shop.shopify_orders(
        folder / "orders.csv",
        [
            {
                "name": "#1",
                "created": "2026-11-20 09:00:00 -0500",
                "lines": [("A", 1), ("A", 2)],
            },
            {
                "name": "#2",
                "created": "2026-11-26 09:00:00 -0500",
                "lines": [("A", 1)],
                "financial": "pending",
            },
            {"name": "#3", "created": "2026-11-26 09:00:00 -0500", "lines": [("A", 1)]},
            {
                "name": "#4",
                "created": "2026-11-01 09:00:00 -0500",
                "lines": [("A", 1)],
                "cancelled": "2026-11-01 10:00:00 -0500",
            },
            {
                "name": "#5",
                "created": "2026-11-01 09:00:00 -0500",
                "lines": [("A", 1, "restocked")],
            },
        ],
    )

    findings = by_key(run_checks(folder))

    stale = {k: f for k, f in findings.items() if f.kind == "stale_reservation"}
    assert sorted(stale) == [
        "stale_reservation:order:#1:1",
        "stale_reservation:order:#1:2",
        "stale_reservation:order:#2:1",
    ]
    assert stale["stale_reservation:order:#1:2"].actual == 2
    assert stale["stale_reservation:order:#2:1"].detail["reason"] == "order_unpaid"


def test_ledger_holds_reduce_projection_and_a_hold_past_its_ttl_is_stale(
    folder: Path, tmp_path: Path
) -> None:
    shop.inventory(folder / "inv.csv", [("A", "Main", 3)])
    ledger_path = tmp_path / "ledger.sqlite"
    ledger = Ledger(ledger_path)
    created = AS_OF - timedelta(hours=5)
    ledger.reserve(
        "A", 2, location="Main", order="PHONE-1", ttl=timedelta(hours=2), at=created
    )
    ledger.reserve(
        "A", 2, location="Main", order="PHONE-2", ttl=timedelta(days=2), at=created
    )

    findings = by_key(run_checks(folder, ledger=ledger_path))

    # 3 available - 4 held = -1.
    assert findings["negative_stock:A"].detail["held"] == 4
    assert findings["negative_stock:A"].actual == -1
    assert findings["stale_reservation:hold:H-1"].action == "release hold H-1"
    assert "stale_reservation:hold:H-2" not in findings


def test_an_acknowledged_finding_is_known_and_does_not_fail_the_run(
    folder: Path, tmp_path: Path
) -> None:
    shop.inventory(folder / "inv.csv", [("A", "Main", 1)])
    shop.amazon_listings(folder / "listings.txt", [("A", 4)])
    ledger_path = tmp_path / "ledger.sqlite"
    Ledger(ledger_path).append(
        "acknowledgement",
        {
            "finding_key": "mismatch:A:amazon",
            "until": "2026-12-31T00:00:00Z",
            "who": "sam",
            "why": "relisting tonight",
            "shortfall": 3,
        },
        AS_OF - timedelta(hours=1),
    )

    result = run_checks(folder, ledger=ledger_path)

    assert by_key(result)["mismatch:A:amazon"].status == "known"
    assert result.exit_code == 0
    worse = run_checks(
        folder, replace(Settings(), over_tolerance=0), ledger=ledger_path
    )
    assert worse.exit_code == 0


def test_sku_aliases_map_channel_skus_to_shopify_skus(folder: Path) -> None:
    shop.inventory(folder / "inv.csv", [("TEE-RED-M", "Main", 1)])
    shop.amazon_listings(folder / "listings.txt", [("AMZ-TEE-RED-M", 1)])
    settings = Settings(
        channels={"amazon": ChannelSettings(sku_aliases={"AMZ-TEE-RED-M": "TEE-RED-M"})}
    )

    assert run_checks(folder, settings).findings == ()
    assert (
        by_key(run_checks(folder))["mismatch:AMZ-TEE-RED-M:amazon"].severity == "high"
    )


def test_two_listings_aliased_to_one_sku_are_compared_as_their_total(
    folder: Path,
) -> None:
    shop.inventory(folder / "inv.csv", [("WIDGET-5", "Main", 20)])
    shop.amazon_listings(
        folder / "listings.txt", [("WIDGET-5", 18), ("AMZ-WIDGET-5", 15)]
    )
    settings = Settings(
        channels={"amazon": ChannelSettings(sku_aliases={"AMZ-WIDGET-5": "WIDGET-5"})}
    )

    finding = by_key(run_checks(folder, settings))["mismatch:WIDGET-5:amazon"]

    # 18 + 15 = 33 offered against 20 in stock.
    assert (finding.severity, finding.expected, finding.actual) == ("high", 20, 33)
    assert finding.sources == ("listings.txt:2", "listings.txt:3")


def test_an_oversell_caused_by_a_hold_names_the_hold(
    folder: Path, tmp_path: Path
) -> None:
    shop.inventory(folder / "inv.csv", [("A", "Main", 10)])
    ledger_path = tmp_path / "ledger.sqlite"
    Ledger(ledger_path).reserve(
        "A", 12, location="Main", order="PHONE-7", ttl=timedelta(days=1), at=AS_OF
    )

    finding = by_key(run_checks(folder, ledger=ledger_path))["negative_stock:A"]

    assert finding.detail["holds"] == [
        {"hold_id": "H-1", "qty": 12, "order": "PHONE-7"}
    ]
    assert finding.action == "short 2: release or reduce hold(s) H-1"
    assert finding.detail["projected"] == -2


def test_an_unknown_sku_listed_at_zero_is_only_low(folder: Path) -> None:
    shop.inventory(folder / "inv.csv", [("A", "Main", 1)])
    shop.amazon_listings(
        folder / "listings.txt", [("A", 1), ("GONE-0", 0), ("GONE-3", 3)]
    )

    findings = by_key(run_checks(folder))

    assert findings["mismatch:GONE-0:amazon"].severity == "low"
    assert findings["mismatch:GONE-3:amazon"].severity == "high"
