"""Reading Amazon Seller Central flat files: the All Orders report and the All and
Active Listings reports. All are tab-separated with no quoting at all.

Of the All Orders report only the open merchant-fulfilled lines are kept as order
lines; every other line is only counted in the read's summary.

Fixtures (tests/fixtures, made-up data):

- amazon_all_orders.txt: the documented 32-column header; UTF-8 with a BOM and CRLF
  line ends. Rows: 2 Merchant/Pending (product name starting with `"`), 3
  MFN/Unshipped, 4 Amazon (FBA)/Shipped, 5 Amazon (FBA)/Pending, 6 a Non-Amazon
  (multi-channel) order with merchant-order-id #1000, 7-8 a Shipped order of two
  items of which one is Cancelled, and 9 a Cancelled order with an empty quantity.
  One purchase date is in Pacific time (-08:00).
- amazon_all_orders_cp1252.txt: the same header in Windows-1252, LF: `Tasse
  émaillée`, `Chèque-cadeau 25 €`, `Seife „Hafermilch“` (the third line shipped);
  offsets +00:00, +01:00, +02:00.
- amazon_all_listings.txt: All Listings, 29 columns with `status`; DEFAULT rows
  (one with quantity 0), AMAZON_NA rows with an empty quantity, an Inactive row.
- amazon_active_listings.txt: Active Listings, 27 columns ending at
  fulfillment-channel (no `status`), Windows-1252, an AMAZON_EU row with an empty
  quantity, `open-date` with `UTC`.

Variants of amazon_all_orders.txt with one cell changed are written to tmp_path.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from reconcile.sources import ReadContext, ReadResult, read_file

FIXTURES = Path(__file__).parent / "fixtures"
AS_OF = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
ORDERS_SUMMARY = {
    "lines": 8,
    "open_merchant_lines": 2,
    "amazon_fulfilled_lines": 2,
    "non_amazon_lines": 1,
    # Rows 7, 8 and 9; row 4 is shipped too but counted once, as Amazon-fulfilled.
    "closed_merchant_lines": 3,
}


def read(path: Path | str) -> ReadResult:
    """A fixture by name, or a variant by its full path (which `/` keeps as is)."""
    result = read_file(FIXTURES / path, ReadContext("America/New_York", AS_OF))
    assert not isinstance(result, list), [str(p) for p in result]
    return result


def variant(tmp_path: Path, source: str, old: bytes, new: bytes) -> Path:
    """The fixture with the first occurrence of `old` replaced by `new`."""
    data = (FIXTURES / source).read_bytes()
    assert old in data
    path = tmp_path / source
    path.write_bytes(data.replace(old, new, 1))
    return path


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
    assert orders.summary == ORDERS_SUMMARY
    assert orders.frame["row"].tolist() == [2, 3]
    assert orders.frame["order_id"].tolist() == [
        "113-1000001-0000001",
        "113-1000002-0000002",
    ]
    assert orders.frame["sku"].tolist() == ["00417", "TEE-RED-M"]
    assert set(orders.frame["file"]) == {"amazon_all_orders.txt"}
    assert orders.problems.errors == []


def test_a_product_name_starting_with_a_quote_is_taken_literally(tmp_path):
    """Read as CSV, a title that opens a quote and never closes it would swallow
    the tabs and lines after it; the report has no quoting, so nothing moves."""
    path = variant(
        tmp_path,
        "amazon_all_orders.txt",
        b'"Deluxe" Enamel Mug, Blue',
        b'"Deluxe Enamel Mug, Blue',
    )

    result = read(path)
    rows = by_row(result)

    assert result.rows == 8
    assert result.summary == ORDERS_SUMMARY
    assert rows.loc[2, ["order_id", "sku"]].tolist() == ["113-1000001-0000001", "00417"]
    assert rows.loc[2, "ordered_qty"] == 2
    assert rows.loc[3, ["order_id", "sku"]].tolist() == [
        "113-1000002-0000002",
        "TEE-RED-M",
    ]
    assert rows.loc[3, "ordered_qty"] == 1
    assert result.problems.errors == []


def test_merchant_lines_still_to_ship_are_open_and_ship_from_shopify(orders):
    rows = by_row(orders)

    for row, quantity in ((2, 2), (3, 1)):
        assert bool(rows.loc[row, "is_open"]) is True
        assert bool(rows.loc[row, "ships_from_shopify"]) is True
        assert rows.loc[row, "ordered_qty"] == quantity
        assert rows.loc[row, "open_qty"] == quantity


def test_an_order_line_is_named_by_its_sku_for_want_of_an_order_item_id(orders):
    rows = by_row(orders)

    assert rows.loc[2, "line_id"] == "00417"
    assert rows.loc[3, "line_id"] == "TEE-RED-M"
    assert orders.frame["title"].tolist() == ["", ""]


def test_amazon_fulfilled_and_non_amazon_lines_are_counted_not_kept(orders):
    kept_orders = set(orders.frame["order_id"])

    assert not {4, 5, 6} & set(orders.frame["row"])
    assert "113-1000004-0000004" not in kept_orders  # FBA, still pending
    assert "S01-1000005-0000005" not in kept_orders  # Shopify's #1000 via Amazon
    assert orders.summary["amazon_fulfilled_lines"] == 2
    assert orders.summary["non_amazon_lines"] == 1
    assert orders.frame["ships_from_shopify"].all()


def test_a_cancelled_item_in_a_shipped_order_holds_nothing(orders):
    assert "113-1000006-0000006" not in set(orders.frame["order_id"])
    assert not {7, 8} & set(orders.frame["row"])
    assert orders.summary["closed_merchant_lines"] == 3
    assert orders.frame["open_qty"].sum() == 3


def test_an_item_cancelled_in_an_order_still_to_ship_holds_nothing(tmp_path):
    """The order-status of row 3 stays Unshipped; only its item-status says
    Cancelled."""
    path = variant(
        tmp_path,
        "amazon_all_orders.txt",
        b"TEE-RED-M\tB0DEMO0001\tUnshipped\t1",
        b"TEE-RED-M\tB0DEMO0001\tCancelled\t1",
    )

    result = read(path)

    assert result.frame["row"].tolist() == [2]
    assert result.frame["open_qty"].sum() == 2
    assert result.summary["open_merchant_lines"] == 1
    assert result.summary["closed_merchant_lines"] == 4


def test_every_line_is_counted_in_exactly_one_summary_category(orders):
    summary = dict(orders.summary)
    assert summary.pop("lines") == sum(summary.values()) == 8


def test_a_cancelled_order_with_an_empty_quantity_is_counted_without_a_problem(
    orders,
):
    assert 9 not in set(orders.frame["row"])
    assert orders.summary["lines"] == 8
    assert orders.summary["closed_merchant_lines"] == 3
    assert orders.problems.errors == []


def test_an_open_merchant_line_with_an_empty_quantity_is_a_problem(tmp_path):
    path = variant(
        tmp_path,
        "amazon_all_orders.txt",
        b"TEE-RED-M\tB0DEMO0001\tUnshipped\t1",
        b"TEE-RED-M\tB0DEMO0001\tUnshipped\t",
    )

    result = read(path)
    (problem,) = result.problems.errors

    assert (problem.row, problem.column) == (3, "quantity")
    assert "is not a whole number" in problem.message


def test_purchase_dates_become_utc(orders):
    rows = by_row(orders)

    assert rows.loc[2, "created_at"] == pd.Timestamp("2026-11-30 07:40:02", tz="UTC")
    assert rows.loc[3, "created_at"] == pd.Timestamp("2026-11-30 08:15:20", tz="UTC")


def test_a_windows_1252_report_is_read_and_its_open_lines_are_right():
    result = read("amazon_all_orders_cp1252.txt")
    frame = result.frame

    assert result.problems.errors == []
    assert result.rows == 3
    assert result.summary == {
        "lines": 3,
        "open_merchant_lines": 2,
        "amazon_fulfilled_lines": 0,
        "non_amazon_lines": 0,
        "closed_merchant_lines": 1,
    }
    assert frame["sku"].tolist() == ["00417", "GIFT-25"]
    assert frame["open_qty"].tolist() == [1, 2]
    assert frame["created_at"].tolist() == [
        pd.Timestamp("2026-10-25 01:30", tz="UTC"),
        pd.Timestamp("2026-10-25 01:10", tz="UTC"),
    ]


def test_an_accented_sku_in_a_windows_1252_report_keeps_its_accent(tmp_path):
    path = variant(
        tmp_path,
        "amazon_all_orders_cp1252.txt",
        b"\tGIFT-25\t",
        "\tCHÈQUE-25\t".encode("cp1252"),
    )

    result = read(path)

    assert result.frame["sku"].tolist() == ["00417", "CHÈQUE-25"]
    assert result.frame["line_id"].tolist() == ["00417", "CHÈQUE-25"]
    assert result.frame["open_qty"].tolist() == [1, 2]


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
