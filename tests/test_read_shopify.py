"""Reading Shopify admin exports: the inventory export in its three shapes, the
orders export in its 79- and 73-column versions, and an inventory saved as XLSX.

Fixtures (tests/fixtures, made-up data, bytes as Shopify writes them: UTF-8, no BOM,
LF, quotes only where needed):

- shopify_inventory_current.csv: the current 19-column shape, two locations (Main
  Warehouse, East DC); negative available and on hand; `not stocked` in lower case
  and `Not stocked` in title case in all five quantity columns; an empty SKU written
  as `""` and one written as nothing; the leading-zero SKU 00417; the SKU `'0812`
  with Shopify's apostrophe; the title "Soap, Oat Milk" quoted for its comma.
- shopify_inventory_2023.csv: the 17-column 2023 shape (no `Bin name`, no
  "(not editable)"); a `""` SKU; a negative available; the SKU 0093.
- shopify_inventory_wide.csv: "Only Available quantities", one column per location
  after COO: `Shop location`, `"Warehouse, East"` (quoted for its comma) and
  `Snow City Warehouse`; the SKU "AD-04<newline>-OS-blue" quoted across two lines;
  an unprefixed leading-zero SKU 039897955759; a non-ASCII title.
- shopify_inventory_bad_quantity.csv: `"1,200"` and `12.5` typed into quantities.
- shopify_inventory_wide_bad_quantity.csv: `ten` typed under `Warehouse, East`.
- shopify_orders_79.csv: the current 79 columns, shop in Europe/Berlin. #1001 has
  two lines, tags and a three-line `Note Attributes` on line 1 only; #1002 is
  cancelled (`Cancelled at` on line 1 only); #1003 is restocked with a two-line
  `Notes`; #1004 has a gift card line that needs no shipping; #1005 is fulfilled.
  Created at crosses both DST changes: +0100/+0200 on 2026-03-29 and the repeated
  02:30 on 2026-10-25, once +0200 and once +0100.
- shopify_orders_73.csv: the 2022 73-column version (no Payment References), a
  line without SKU, offsets -0500.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from reconcile.sources import ReadContext, ReadResult, read_file

FIXTURES = Path(__file__).parent / "fixtures"
AS_OF = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
INVENTORY_HEADER = (
    "Handle,Title,Option1 Name,Option1 Value,Option2 Name,Option2 Value,"
    "Option3 Name,Option3 Value,SKU,HS Code,COO,Location,Bin name,"
    "Incoming (not editable),Unavailable (not editable),Committed (not editable),"
    "Available (not editable),On hand (current),On hand (new)"
).split(",")


def read(path: str | Path, zone: str = "Europe/Berlin") -> ReadResult:
    """A fixture by name, or a file built in tmp_path by its absolute path."""
    result = read_file(FIXTURES / path, ReadContext(zone, AS_OF))
    assert not isinstance(result, list), [str(p) for p in result]
    return result


def at(frame: pd.DataFrame, sku: str, location: str) -> pd.Series:
    match = frame[(frame["sku"] == sku) & (frame["location"] == location)]
    assert len(match) == 1, (sku, location)
    return match.iloc[0]


def utc(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


@pytest.fixture(scope="module")
def current() -> ReadResult:
    return read("shopify_inventory_current.csv")


@pytest.fixture(scope="module")
def orders() -> ReadResult:
    return read("shopify_orders_79.csv")


def line(result: ReadResult, order: str, line_id: str) -> pd.Series:
    frame = result.frame
    match = frame[(frame["order_id"] == order) & (frame["line_id"] == line_id)]
    assert len(match) == 1, (order, line_id)
    return match.iloc[0]


# Inventory, current shape


def test_the_current_export_gives_one_stock_row_per_sku_and_location(current):
    pairs = list(zip(current.frame["sku"], current.frame["location"], strict=True))

    assert current.layout.name == "shopify_inventory"
    assert current.rows == 8
    assert pairs == [
        ("00417", "Main Warehouse"),
        ("00417", "East DC"),
        ("0812", "Main Warehouse"),
        ("0812", "East DC"),
        ("SOAP-OAT", "Main Warehouse"),
        ("SOAP-OAT", "East DC"),
    ]


def test_skus_keep_leading_zeros_and_lose_shopifys_apostrophe(current):
    skus = set(current.frame["sku"])

    assert "00417" in skus
    assert "0812" in skus
    assert "'0812" not in skus


def test_negative_quantities_are_kept_as_exported(current):
    tee = at(current.frame, "0812", "Main Warehouse")
    soap = at(current.frame, "SOAP-OAT", "Main Warehouse")

    assert (tee["incoming"], tee["committed"], tee["available"]) == (4, 3, -2)
    assert tee["on_hand"] == 1
    assert (soap["available"], soap["on_hand"]) == (-1, -1)


@pytest.mark.parametrize("sku", ["00417", "0812"])
def test_not_stocked_in_any_case_marks_the_row_and_leaves_quantities_empty(
    current, sku
):
    row = at(current.frame, sku, "East DC")
    stocked = at(current.frame, sku, "Main Warehouse")

    assert bool(row["not_stocked"]) is True
    assert bool(stocked["not_stocked"]) is False
    for quantity in ("incoming", "unavailable", "committed", "available", "on_hand"):
        assert row[quantity] is pd.NA
    assert current.problems.errors == []


def test_titles_name_the_variant_and_keep_a_quoted_comma(current):
    titles = dict(zip(current.frame["sku"], current.frame["title"], strict=False))

    assert titles["00417"] == "Enamel Mug - Blue"
    assert titles["0812"] == "Cotton Tee - Red / M"
    assert titles["SOAP-OAT"] == "Soap, Oat Milk"


def test_rows_without_a_sku_are_set_aside_with_one_warning(current):
    (warning,) = current.problems.warnings

    assert warning.file == "shopify_inventory_current.csv"
    assert warning.column == "SKU"
    assert "2 row(s) have no SKU (rows 8, 9)" in warning.message
    assert "" not in set(current.frame["sku"])


def test_each_stock_row_names_its_file_and_spreadsheet_row(current):
    assert current.frame["row"].tolist() == [2, 3, 4, 5, 6, 7]
    assert set(current.frame["file"]) == {"shopify_inventory_current.csv"}


# Inventory, 2023 and wide shapes


def test_the_2023_export_reads_its_unsuffixed_quantity_columns():
    result = read("shopify_inventory_2023.csv")
    ring = at(result.frame, "RING-S-6", "Sydney Studio")
    chain = at(result.frame, "0093", "Sydney Studio")

    assert result.layout.name == "shopify_inventory_2023"
    assert result.rows == 4
    assert result.frame["sku"].tolist() == ["RING-S-6", "RING-S-7", "0093"]
    assert (ring["committed"], ring["available"], ring["on_hand"]) == (1, 3, 4)
    assert (chain["unavailable"], chain["available"], chain["on_hand"]) == (1, -1, 0)
    assert len(result.problems.warnings) == 1


def test_the_wide_export_gives_one_row_per_location_column():
    result = read("shopify_inventory_wide.csv")
    frame = result.frame

    assert result.layout.name == "shopify_inventory_wide"
    assert result.rows == 3
    assert len(frame) == 9
    assert set(frame["location"]) == {
        "Shop location",
        "Warehouse, East",
        "Snow City Warehouse",
    }
    assert at(frame, "00417", "Shop location")["available"] == 5
    assert at(frame, "039897955759", "Warehouse, East")["available"] == 12
    assert at(frame, "AD-04\n-OS-blue", "Snow City Warehouse")["available"] == -1


def test_not_stocked_in_the_wide_export_is_per_location():
    frame = read("shopify_inventory_wide.csv").frame
    hat = at(frame, "AD-04\n-OS-blue", "Warehouse, East")
    kit = at(frame, "039897955759", "Snow City Warehouse")

    assert bool(hat["not_stocked"]) and hat["available"] is pd.NA
    assert bool(kit["not_stocked"]) and kit["available"] is pd.NA
    assert frame["not_stocked"].sum() == 2


def test_a_sku_with_an_embedded_newline_stays_one_spreadsheet_row():
    frame = read("shopify_inventory_wide.csv").frame
    rows = frame.drop_duplicates("row").set_index("row")

    assert rows["sku"].to_dict() == {
        2: "AD-04\n-OS-blue",
        3: "039897955759",
        4: "00417",
    }
    assert rows.loc[3, "title"] == "Sturmgeschütz Model Kit"


# Bad quantities


def test_each_bad_quantity_is_named_by_file_row_column_and_value():
    result = read("shopify_inventory_bad_quantity.csv")
    found = [(p.row, p.column, p.message) for p in result.problems.errors]

    assert [(row, column) for row, column, _ in found] == [
        (3, "Available (not editable)"),
        (4, "Available (not editable)"),
        (4, "On hand (current)"),
    ]
    assert "(found '1,200')" in found[0][2]
    assert "(found '12.5')" in found[1][2]
    assert {p.file for p in result.problems.errors} == {
        "shopify_inventory_bad_quantity.csv"
    }


def test_a_bad_quantity_in_the_wide_export_names_the_location_column():
    result = read("shopify_inventory_wide_bad_quantity.csv")
    (problem,) = result.problems.errors

    assert (problem.file, problem.row) == ("shopify_inventory_wide_bad_quantity.csv", 3)
    assert problem.column == "Warehouse, East"
    assert "(found 'ten')" in problem.message


# Orders, 79 columns


def test_the_79_column_export_gives_one_line_per_line_item(orders):
    keys = list(zip(orders.frame["order_id"], orders.frame["line_id"], strict=True))

    assert orders.layout.name == "shopify_orders"
    assert orders.rows == 8
    assert keys == [
        ("#1001", "1"),
        ("#1001", "2"),
        ("#1002", "1"),
        ("#1002", "2"),
        ("#1003", "1"),
        ("#1004", "1"),
        ("#1004", "2"),
        ("#1005", "1"),
    ]
    assert orders.frame["sku"].tolist()[:2] == ["00417", "TEE-RED-M"]


def test_multi_line_cells_keep_the_spreadsheet_row_numbers(orders):
    note = line(orders, "#1001", "1")["ref:Note Attributes"]

    assert orders.frame["row"].tolist() == [2, 3, 4, 5, 6, 7, 8, 9]
    assert note.splitlines()[0] == "First name: Sam"
    assert len(note.splitlines()) == 3


def test_order_fields_on_the_first_row_fill_down_to_the_other_lines(orders):
    second = line(orders, "#1001", "2")

    assert second["financial_status"] == "paid"
    assert second["ref:Tags"] == "amazon, 113-1000001-0000001"
    assert second["ref:Payment Reference"].split() == ["c30000000001.1", "#1001.1"]


def test_a_cancelled_orders_second_line_is_not_open(orders):
    for line_id in ("1", "2"):
        cancelled = line(orders, "#1002", line_id)
        assert bool(cancelled["is_open"]) is False
        assert cancelled["open_qty"] == 0
        assert cancelled["ordered_qty"] == 1


def test_restocked_fulfilled_and_no_shipping_lines_hold_no_stock(orders):
    restocked = line(orders, "#1003", "1")
    gift_card = line(orders, "#1004", "2")
    fulfilled = line(orders, "#1005", "1")

    assert (restocked["status"], restocked["open_qty"]) == ("restocked", 0)
    assert (gift_card["sku"], gift_card["open_qty"]) == ("GIFT-25", 0)
    assert (fulfilled["ordered_qty"], fulfilled["open_qty"]) == (2, 0)


def test_open_quantities_count_only_lines_still_to_ship(orders):
    open_lines = orders.frame[orders.frame["is_open"]]

    assert orders.summary == {"lines": 8, "open_lines": 3}
    assert list(zip(open_lines["order_id"], open_lines["open_qty"], strict=True)) == [
        ("#1001", 2),
        ("#1001", 1),
        ("#1004", 1),
    ]


def test_created_at_uses_each_rows_own_offset_across_both_dst_changes(orders):
    created = orders.frame.drop_duplicates("order_id").set_index("order_id")

    assert created.loc["#1001", "created_at"] == utc("2026-03-29 00:30")
    assert created.loc["#1002", "created_at"] == utc("2026-03-29 01:30")
    assert created.loc["#1004", "created_at"] == utc("2026-10-25 00:30")
    assert created.loc["#1005", "created_at"] == utc("2026-10-25 01:30")


def test_offsets_in_the_file_win_over_the_shop_zone():
    berlin = read("shopify_orders_79.csv", zone="Europe/Berlin").frame
    sydney = read("shopify_orders_79.csv", zone="Australia/Sydney").frame

    assert berlin["created_at"].tolist() == sydney["created_at"].tolist()


# Orders, 73 columns


def test_the_73_column_export_reads_without_the_newer_columns():
    result = read("shopify_orders_73.csv", zone="America/New_York")
    frame = result.frame

    assert result.rows == 4
    assert frame["order_id"].tolist() == ["#2001", "#2001", "#2002", "#2003"]
    assert frame["sku"].tolist() == ["00417", "", "TEE-RED-M", "00417"]
    assert frame["open_qty"].tolist() == [1, 1, 0, 1]
    assert frame["ref:Tags"].tolist()[:2] == ["ebay", "ebay"]
    assert frame["created_at"].iloc[0] == utc("2022-01-14 14:12:40")
    assert result.problems.errors == []


# XLSX


def save_inventory_xlsx(path: Path, rows: list[list[object]]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(INVENTORY_HEADER)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def inventory_row(sku: object, location: str, *quantities: object) -> list[object]:
    variant = ["enamel-mug", "Enamel Mug", "Color", "Blue", None, None, None, None]
    return [*variant, sku, "691200", "PT", location, None, *quantities, None]


def test_an_xlsx_inventory_keeps_text_skus_with_their_leading_zeros(tmp_path):
    path = save_inventory_xlsx(
        tmp_path / "inventory_export_1.xlsx",
        [
            inventory_row("00417", "Main Warehouse", 0, 0, 1, 5, 6),
            inventory_row("00417", "East DC", *["not stocked"] * 5),
            inventory_row("0812", "Main Warehouse", 0, 0, 0, -3.0, -3),
        ],
    )

    result = read(path)
    frame = result.frame

    assert result.layout.name == "shopify_inventory"
    assert frame["sku"].tolist() == ["00417", "00417", "0812"]
    assert frame["row"].tolist() == [2, 3, 4]
    assert at(frame, "00417", "Main Warehouse")["available"] == 5
    assert bool(at(frame, "00417", "East DC")["not_stocked"]) is True
    assert at(frame, "0812", "Main Warehouse")["available"] == -3
    assert result.problems.errors == []


def test_two_variants_sharing_a_sku_at_one_location_is_an_error(tmp_path):
    path = save_inventory_xlsx(
        tmp_path / "inventory_export_1.xlsx",
        [
            inventory_row("00417", "Main Warehouse", 0, 0, 1, 5, 6),
            inventory_row("00417", "Main Warehouse", 0, 0, 0, 2, 2),
        ],
    )

    (problem,) = read(path).problems.errors

    assert (problem.file, problem.row, problem.column) == (
        "inventory_export_1.xlsx",
        3,
        "SKU",
    )
    assert "SKU '00417' at 'Main Warehouse' appears twice" in problem.message
