"""Reading Amazon Seller Central flat files: the All Orders report and the All and
Active Listings reports. All are tab-separated with no quoting at all.

Fixtures (tests/fixtures, made-up data):

- amazon_all_orders.txt: the documented 32-column header; UTF-8 with a BOM and CRLF
  line ends. Rows: Merchant/Pending (product name starting with `"`), MFN/Unshipped,
  Amazon (FBA)/Shipped, Amazon (FBA)/Pending, a Non-Amazon (multi-channel) order
  with merchant-order-id #1000, a Shipped order of two items of which one is
  Cancelled, and a Cancelled order with an empty quantity. One purchase date is in
  Pacific time (-08:00).
- amazon_all_orders_cp1252.txt: the same header in Windows-1252, LF: `Tasse
  émaillée`, `Chèque-cadeau 25 €`, `Seife „Hafermilch“`; offsets +00:00, +01:00,
  +02:00.
- amazon_all_listings.txt: All Listings, 29 columns with `status`; DEFAULT rows
  (one with quantity 0), AMAZON_NA rows with an empty quantity, an Inactive row.
- amazon_active_listings.txt: Active Listings, 27 columns ending at
  fulfillment-channel (no `status`), Windows-1252, an AMAZON_EU row with an empty
  quantity, `open-date` with `UTC`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from reconcile.sources import ReadContext, ReadResult, read_file

FIXTURES = Path(__file__).parent / "fixtures"
AS_OF = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def read(name: str) -> ReadResult:
    result = read_file(FIXTURES / name, ReadContext("America/New_York", AS_OF))
    assert not isinstance(result, list), [str(p) for p in result]
    return result


@pytest.fixture(scope="module")
def orders() -> ReadResult:
    return read("amazon_all_orders.txt")


@pytest.fixture(scope="module")
def listings() -> ReadResult:
    return read("amazon_all_listings.txt")


def by_row(result: ReadResult) -> pd.DataFrame:
    return result.frame.set_index("row")


# All Orders


def test_a_report_with_bom_and_crlf_reads_every_line(orders):
    assert orders.layout.name == "amazon_orders"
    assert orders.rows == 8
    assert orders.frame["row"].tolist() == [2, 3, 4, 5, 6, 7, 8, 9]
    assert orders.frame["order_id"].iloc[0] == "113-1000001-0000001"
    assert orders.frame["sku"].tolist()[:3] == ["00417", "TEE-RED-M", "SOAP-OAT"]
    assert set(orders.frame["file"]) == {"amazon_all_orders.txt"}
    assert orders.problems.errors == []


def test_a_product_name_starting_with_a_quote_is_taken_literally(orders):
    rows = by_row(orders)

    assert rows.loc[2, "title"] == '"Deluxe" Enamel Mug, Blue'
    assert rows.loc[3, "sku"] == "TEE-RED-M"


def test_merchant_lines_still_to_ship_are_open_and_ship_from_shopify(orders):
    rows = by_row(orders)

    for row, quantity in ((2, 2), (3, 1)):
        assert bool(rows.loc[row, "is_open"]) is True
        assert bool(rows.loc[row, "ships_from_shopify"]) is True
        assert rows.loc[row, "open_qty"] == quantity


def test_amazon_fulfilled_and_non_amazon_lines_never_ship_from_shopify(orders):
    rows = by_row(orders)

    assert not rows.loc[[4, 5, 6], "ships_from_shopify"].any()
    assert rows.loc[6, "merchant_order_id"] == "#1000"
    assert orders.summary == {
        "lines": 8,
        "open_merchant_lines": 2,
        "amazon_fulfilled_lines": 2,
        "non_amazon_lines": 1,
    }


def test_a_cancelled_item_in_a_shipped_order_holds_nothing(orders):
    rows = by_row(orders)

    assert rows.loc[[7, 8], "order_id"].tolist() == ["113-1000006-0000006"] * 2
    assert rows.loc[[7, 8], "line_id"].tolist() == ["1", "2"]
    assert rows.loc[8, "status"] == "Cancelled"
    assert rows.loc[[7, 8], "open_qty"].tolist() == [0, 0]


def test_a_cancelled_order_with_an_empty_quantity_counts_zero_without_a_problem(
    orders,
):
    rows = by_row(orders)

    assert rows.loc[9, "ordered_qty"] == 0
    assert bool(rows.loc[9, "is_open"]) is False
    assert orders.problems.errors == []


def test_purchase_dates_become_utc(orders):
    rows = by_row(orders)

    assert rows.loc[2, "created_at"] == pd.Timestamp("2026-11-30 07:40:02", tz="UTC")
    assert rows.loc[3, "created_at"] == pd.Timestamp("2026-11-30 08:15:20", tz="UTC")


def test_a_windows_1252_report_keeps_its_accents_and_euro_sign():
    result = read("amazon_all_orders_cp1252.txt")
    frame = result.frame

    assert frame["title"].tolist() == [
        "Tasse émaillée, bleue",
        "Chèque-cadeau 25 €",
        "Seife „Hafermilch“",
    ]
    assert frame["open_qty"].tolist() == [1, 2, 0]
    assert frame["created_at"].tolist() == [
        pd.Timestamp("2026-10-25 01:30", tz="UTC"),
        pd.Timestamp("2026-10-25 01:10", tz="UTC"),
        pd.Timestamp("2026-10-24 16:45", tz="UTC"),
    ]


# Listings


def test_all_listings_compare_only_active_merchant_fulfilled_rows(listings):
    compared = listings.frame[listings.frame["compared"]]

    assert listings.layout.name == "amazon_listings"
    assert listings.rows == 5
    assert dict(zip(compared["sku"], compared["listed_qty"], strict=True)) == {
        "00417": 4,
        "TEE-RED-M": 0,
    }
    assert listings.summary == {
        "listings": 5,
        "compared": 2,
        "amazon_fulfilled": 2,
        "inactive": 1,
    }


def test_amazon_fulfilled_listings_may_leave_the_quantity_empty(listings):
    rows = by_row(listings)

    assert rows.loc[4, "sku"] == "SOAP-OAT"
    assert rows.loc[4, "listed_qty"] is pd.NA
    assert bool(rows.loc[4, "merchant_fulfilled"]) is False
    assert listings.problems.errors == []


def test_an_inactive_listing_is_read_but_not_compared(listings):
    rows = by_row(listings)

    assert rows.loc[5, "sku"] == "TEE-RED-S"
    assert bool(rows.loc[5, "active"]) is False
    assert bool(rows.loc[5, "compared"]) is False


def test_active_listings_without_a_status_column_count_every_row_as_active():
    result = read("amazon_active_listings.txt")
    frame = result.frame

    assert result.rows == 3
    assert frame["active"].all()
    assert frame["row"].tolist() == [2, 3, 4]
    assert frame["sku"].tolist() == ["00417", "SOAP-OAT", "TEE-RED-M"]
    assert frame["listed_qty"].tolist()[::2] == [7, 2]
    assert frame["title"].iloc[0] == "Tasse émaillée, bleue"
    assert frame["title"].iloc[2] == "T-shirt coton, rouge, M – 100 %"
    assert result.summary["compared"] == 2


def test_a_windows_1252_character_far_into_the_file_is_still_decoded(tmp_path):
    """The encoding is guessed from the first 256 KiB; a later cp1252 byte must
    still be read as cp1252, not refused."""
    header, first, second, *_ = (
        (FIXTURES / "amazon_all_listings.txt").read_bytes().split(b"\n")
    )
    filler = [first.replace(b"00417", f"FILL-{n:05d}".encode()) for n in range(3000)]
    late = second.replace(b"Cotton Tee, Red, M", "Tee café".encode("cp1252"))
    path = tmp_path / "All+Listings+Report.txt"
    path.write_bytes(b"\n".join([header, *filler, late]) + b"\n")

    result = read_file(path, ReadContext("UTC", AS_OF))

    assert path.stat().st_size > 256 * 1024
    assert result.rows == 3001
    assert result.frame["title"].iloc[-1] == "Tee café"
    assert result.frame["row"].iloc[-1] == 3002
