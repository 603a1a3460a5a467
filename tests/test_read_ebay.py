"""Reading the eBay Seller Hub orders report, as CSV and as XLSX.

Only open item lines (no Shipped On Date) are kept as order lines; shipped lines and
the summary rows of multi-item orders are only counted in the read's summary.

Fixtures (tests/fixtures, made-up data, UTF-8, LF):

- ebay_orders.csv: a line of 81 bare commas, then the 82-column January 2026 header
  with eBay's own mixed quoting (spreadsheet row 2), an all-empty padding row, then:
  order 7001 with a summary row (row 4: empty Item Number, quantity 3,
  `"$1,324.00"`) and two item rows, row 5 shipped on Nov-29-26 (`"$1,299.00"`, a
  title with a comma) and row 6 not; row 7, order 7002, a single-item order on one
  row; row 8, order 7003, never paid, without an Order Number. A blank line,
  `3,record(s) downloaded,from ... to ...` and `Seller ID : made_up_seller` close
  the file.
- ebay_orders_blank_first_line.csv: the first line is empty instead of commas; the
  footer is `3 record(s) downloaded,,,,` and `Seller ID: made_up_seller`. Sale
  dates `Nov-29-2026` (four-digit year), `Nov-29-26 23:45:00` (with time) and, on
  the line shipped on Nov-02-26, `Nov-01-26 01:30:00`, which happened twice in New
  York (clocks went back).

The XLSX tests build the workbook from ebay_orders.csv in tmp_path (once with Sale
Date as date cells); the BOM, CRLF and missing-final-newline variants, and those
with a line's Shipped On Date cleared, are made from its bytes in tmp_path.
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from reconcile.sources import ReadContext, ReadResult, read_file
from reconcile.sources.ebay import SALE_DATES
from reconcile.sources.values import Problems, timestamps

FIXTURES = Path(__file__).parent / "fixtures"
AS_OF = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
REPORT_SUMMARY = {"lines": 4, "open_lines": 3, "summary_rows_skipped": 1}


def read(path: Path, zone: str = "Europe/Berlin") -> ReadResult:
    result = read_file(path, ReadContext(zone, AS_OF))
    assert not isinstance(result, list), [str(p) for p in result]
    return result


def not_yet_shipped(source: Path, target: Path, shipped_on: str) -> Path:
    """The report with the one line shipped on `shipped_on` still to ship."""
    data = source.read_bytes()
    cell = f',"{shipped_on}",'.encode()
    assert data.count(cell) == 1
    target.write_bytes(data.replace(cell, b",,"))
    return target


@pytest.fixture(scope="module")
def report() -> ReadResult:
    return read(FIXTURES / "ebay_orders.csv")


@pytest.fixture(scope="module")
def reopened(tmp_path_factory) -> ReadResult:
    """ebay_orders.csv with row 5 (ESP-PRO) not shipped yet."""
    target = tmp_path_factory.mktemp("reopened") / "ebay_orders.csv"
    return read(not_yet_shipped(FIXTURES / "ebay_orders.csv", target, "Nov-29-26"))


def by_row(result: ReadResult) -> pd.DataFrame:
    return result.frame.set_index("row")


def test_the_leading_line_padding_row_and_footer_are_not_orders(report):
    assert report.layout.name == "ebay_orders"
    assert report.rows == 5
    assert report.summary == REPORT_SUMMARY
    assert report.frame["row"].tolist() == [6, 7, 8]
    assert set(report.frame["file"]) == {"ebay_orders.csv"}
    assert report.problems.errors == []


def test_a_multi_item_orders_summary_row_is_skipped_not_counted(report, reopened):
    """The summary row repeats the order's total quantity (3); counting it as well
    as the item rows would hold 6."""
    order = reopened.frame[reopened.frame["order_id"] == "12-00001-00001"]

    assert 4 not in set(report.frame["row"])
    assert report.summary["summary_rows_skipped"] == 1
    assert order["row"].tolist() == [5, 6]
    assert order["sku"].tolist() == ["ESP-PRO", "00417"]
    assert order["open_qty"].sum() == 3
    assert reopened.summary == {
        "lines": 4,
        "open_lines": 4,
        "summary_rows_skipped": 1,
    }


def test_a_quoted_price_with_a_thousands_separator_keeps_the_row_aligned(reopened):
    rows = by_row(reopened)

    assert reopened.rows == 5
    assert reopened.problems.errors == []
    assert rows.loc[5, "title"] == "Espresso Machine Pro, Steel"
    assert rows.loc[5, "sku"] == "ESP-PRO"
    assert rows.loc[5, "ordered_qty"] == 1
    assert rows.loc[6, "sku"] == "00417"
    assert rows.loc[6, "ordered_qty"] == 2


def test_a_line_with_a_shipped_on_date_is_counted_and_the_rest_stay_open(report):
    open_qty = dict(zip(report.frame["sku"], report.frame["open_qty"], strict=True))

    assert open_qty == {"00417": 2, "TEE-RED-M": 1, "SOAP-OAT": 2}
    assert 5 not in set(report.frame["row"])
    assert report.summary["lines"] - report.summary["open_lines"] == 1
    assert report.frame["is_open"].all()
    assert set(report.frame["status"]) == {"unshipped"}


def test_order_ids_fall_back_to_the_sales_record_number_when_unpaid(report):
    assert report.frame["order_id"].tolist() == [
        "12-00001-00001",
        "12-00002-00002",
        "7003",
    ]


def test_line_ids_are_ebays_transaction_ids_as_text(report):
    assert report.frame["line_id"].tolist() == [
        "2000000000012",
        "2000000000013",
        "2000000000014",
    ]


def test_a_date_only_sale_date_is_midnight_in_the_shops_zone(report):
    rows = by_row(report)

    assert rows.loc[6, "created_at"] == pd.Timestamp("2026-11-27 23:00", tz="UTC")
    assert rows.loc[7, "created_at"] == pd.Timestamp("2026-11-29 23:00", tz="UTC")


def test_a_report_whose_first_line_is_empty_reads_the_same_way():
    result = read(FIXTURES / "ebay_orders_blank_first_line.csv", "America/New_York")
    frame = result.frame

    assert result.rows == 3
    assert result.summary == {"lines": 3, "open_lines": 2, "summary_rows_skipped": 0}
    assert frame["row"].tolist() == [4, 5]
    assert frame["order_id"].tolist() == ["12-00004-00004", "12-00005-00005"]
    assert frame["open_qty"].tolist() == [1, 2]
    assert frame["created_at"].tolist() == [
        pd.Timestamp("2026-11-29 05:00", tz="UTC"),
        pd.Timestamp("2026-11-30 04:45", tz="UTC"),
    ]


def test_a_sale_in_the_hour_the_clocks_go_back_is_read_not_refused(tmp_path):
    path = not_yet_shipped(
        FIXTURES / "ebay_orders_blank_first_line.csv",
        tmp_path / "ebay_orders.csv",
        "Nov-02-26",
    )

    result = read(path, "America/New_York")

    assert result.problems.errors == []
    assert result.summary["open_lines"] == 3
    assert by_row(result).loc[6, "created_at"] == pd.Timestamp(
        "2026-11-01 05:30", tz="UTC"
    )


def test_a_sale_date_on_a_day_whose_midnight_is_skipped_is_read():
    """Chile moves its clocks from midnight to 01:00; a date-only sale that day
    starts at the first minute the day has."""
    problems = Problems("ebay_orders.csv")

    created = timestamps(
        pd.Series(["Sep-06-26", "Sep-07-26"], dtype="str"),
        pd.Series([4, 5]),
        "Sale Date",
        problems,
        formats=SALE_DATES,
        local_zone="America/Santiago",
    )

    assert problems.errors == []
    assert created.tolist() == [
        pd.Timestamp("2026-09-06 04:00", tz="UTC"),
        pd.Timestamp("2026-09-07 03:00", tz="UTC"),
    ]


def save_as_xlsx(source: Path, target: Path, date_cells: bool = False) -> Path:
    """The report as an .xlsx holds it: text cells, none for blanks; with
    `date_cells`, Sale Date typed as a date, as Excel makes of it on saving."""
    workbook = Workbook()
    sheet = workbook.active
    with source.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    sale_date = rows[1].index("Sale Date")
    for number, cells in enumerate(rows, start=1):
        for column, value in enumerate(cells):
            if date_cells and column == sale_date and number > 2 and value:
                value = datetime.strptime(value, "%b-%d-%y")
            if value:
                sheet.cell(row=number, column=column + 1, value=value)
    workbook.save(target)
    return target


def test_the_xlsx_report_gives_the_same_lines_and_rows_as_the_csv(tmp_path, report):
    path = save_as_xlsx(
        FIXTURES / "ebay_orders.csv", tmp_path / "ebay-all-orders-report.xlsx"
    )

    result = read(path)
    columns = ["row", "order_id", "line_id", "sku", "ordered_qty", "open_qty"]

    assert result.rows == 5
    assert result.summary == report.summary
    assert result.frame[columns].equals(report.frame[columns])


def test_sale_dates_typed_as_dates_in_an_xlsx_report_are_read(tmp_path, report):
    path = save_as_xlsx(
        FIXTURES / "ebay_orders.csv", tmp_path / "orders.xlsx", date_cells=True
    )

    result = read(path)

    assert result.problems.errors == []
    assert result.frame["created_at"].tolist() == report.frame["created_at"].tolist()


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param(lambda data: data.replace(b"\n", b"\r\n"), id="crlf"),
        pytest.param(lambda data: b"\xef\xbb\xbf" + data, id="bom"),
        pytest.param(lambda data: data.rstrip(b"\n"), id="no-final-newline"),
    ],
)
def test_line_ends_and_a_bom_do_not_change_what_is_read(tmp_path, report, variant):
    path = tmp_path / "ebay_orders.csv"
    path.write_bytes(variant((FIXTURES / "ebay_orders.csv").read_bytes()))

    result = read(path)

    assert result.rows == 5
    assert result.summary == REPORT_SUMMARY
    assert result.frame["row"].tolist() == [6, 7, 8]
    assert result.frame["title"].tolist() == report.frame["title"].tolist()
    assert result.frame["open_qty"].tolist() == [2, 1, 2]
