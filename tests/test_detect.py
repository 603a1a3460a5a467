"""Telling an export by its header row, finding input files, and the problems that
stop a file being read.

Fixtures (tests/fixtures) besides those of the reader tests:

- shopify_inventory_barcode_column.csv: the current inventory header with a
  `Barcode` column between SKU and HS Code (as one converter writes it) and an
  unknown trailing `Note` column.
- shopify_inventory_missing_columns.csv: the current inventory header without
  `Committed (not editable)` and `On hand (current)`.
- products_export_1.csv: a Shopify products export (54 columns), which reconcile
  does not read.
- amazon_all_orders_tab_in_title.txt: an All Orders report whose third spreadsheet
  row has a tab inside the product name, so 33 fields under a 32-column header.
- shopify_orders_extra_field.csv: a 79-column orders export whose record 4 (after a
  three-line Note Attributes cell and with a quoted comma in its title) carries an
  extra field.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from reconcile.errors import InputProblem
from reconcile.sources import ReadContext, detect, expand_paths, read_file

FIXTURES = Path(__file__).parent / "fixtures"
CTX = ReadContext("Europe/Berlin", datetime(2026, 11, 30, 12, 0, tzinfo=UTC))


def problems(path: Path) -> list[InputProblem]:
    result = read_file(path, CTX)
    assert isinstance(result, list), "the file was read"
    return result


@pytest.mark.parametrize(
    ("name", "layout"),
    [
        ("shopify_inventory_current.csv", "shopify_inventory"),
        ("shopify_inventory_2023.csv", "shopify_inventory_2023"),
        ("shopify_inventory_wide.csv", "shopify_inventory_wide"),
        ("shopify_orders_79.csv", "shopify_orders"),
        ("shopify_orders_73.csv", "shopify_orders"),
        ("amazon_all_orders.txt", "amazon_orders"),
        ("amazon_all_orders_cp1252.txt", "amazon_orders"),
        ("amazon_all_listings.txt", "amazon_listings"),
        ("amazon_active_listings.txt", "amazon_listings"),
        ("ebay_orders.csv", "ebay_orders"),
        ("ebay_orders_blank_first_line.csv", "ebay_orders"),
    ],
)
def test_each_export_is_told_by_its_header(name, layout):
    assert detect(FIXTURES / name)[0].name == layout


def test_the_ebay_header_is_found_on_the_second_line():
    _, header = detect(FIXTURES / "ebay_orders.csv")

    assert header.index + 1 == 2
    assert len(header.names) == 82


@pytest.mark.parametrize(
    ("name", "layout", "rows"),
    [
        ("amazon_all_listings.txt", "amazon_listings", 5),
        ("shopify_orders_79.csv", "shopify_orders", 8),
        ("ebay_orders.csv", "ebay_orders", 5),
    ],
)
def test_a_renamed_file_is_still_read_by_its_header(tmp_path, name, layout, rows):
    renamed = tmp_path / "x.csv"
    shutil.copy(FIXTURES / name, renamed)

    result = read_file(renamed, CTX)

    assert result.layout.name == layout
    assert result.rows == rows
    assert set(result.frame["file"]) == {"x.csv"}


def test_a_header_with_extra_unknown_columns_still_reads():
    result = read_file(FIXTURES / "shopify_inventory_barcode_column.csv", CTX)
    frame = result.frame

    assert result.layout.name == "shopify_inventory"
    assert frame["sku"].tolist() == ["00417", "TEE-RED-M"]
    assert frame["available"].tolist() == [5, 2]
    assert frame["on_hand"].tolist() == [6, 2]
    assert result.problems.errors == []


def test_a_missing_required_column_gives_one_problem_naming_file_and_columns():
    (problem,) = problems(FIXTURES / "shopify_inventory_missing_columns.csv")

    assert problem.file == "shopify_inventory_missing_columns.csv"
    assert problem.row == 1
    assert "'Committed (not editable)', 'On hand (current)'" in problem.message
    assert "Shopify inventory export" in problem.message


def test_an_unknown_header_gives_a_problem_naming_the_file():
    (problem,) = problems(FIXTURES / "products_export_1.csv")

    assert problem.file == "products_export_1.csv"
    assert "is not an export reconcile knows" in problem.message
    assert "Handle, Title, Body (HTML)" in problem.message


def test_an_empty_file_is_reported_as_empty(tmp_path):
    empty = tmp_path / "orders_export_1.csv"
    empty.write_bytes(b"")

    (problem,) = problems(empty)

    assert problem.file == "orders_export_1.csv"
    assert "nothing (the file is empty)" in problem.message


def test_a_file_of_another_kind_is_refused_by_its_suffix(tmp_path):
    numbers = tmp_path / "inventory_export_1.numbers"
    shutil.copy(FIXTURES / "shopify_inventory_current.csv", numbers)

    (problem,) = problems(numbers)

    assert problem.file == "inventory_export_1.numbers"
    assert "is a .numbers file" in problem.message


def test_a_row_with_too_many_fields_names_the_file_and_row():
    (problem,) = problems(FIXTURES / "amazon_all_orders_tab_in_title.txt")

    assert problem.file == "amazon_all_orders_tab_in_title.txt"
    assert problem.row == 3
    assert "has 33 fields where the header has 32" in problem.message


def test_too_many_fields_after_a_multi_line_cell_name_the_spreadsheet_row():
    (problem,) = problems(FIXTURES / "shopify_orders_extra_field.csv")

    assert problem.file == "shopify_orders_extra_field.csv"
    assert problem.row == 4
    assert "has 80 fields where the header has 79" in problem.message


def test_a_folder_gives_its_export_files_and_skips_hidden_and_lock_files(tmp_path):
    for name in ("inventory_export_1.csv", "amazon.txt", ".DS_Store", "~$x.xlsx"):
        (tmp_path / name).write_text("x")
    (tmp_path / "notes.pdf").write_text("x")

    files, found = expand_paths([tmp_path, tmp_path / "missing.csv"])

    assert [f.name for f in files] == ["amazon.txt", "inventory_export_1.csv"]
    assert [(p.file, p.message) for p in found] == [
        (str(tmp_path / "missing.csv"), "does not exist; check the path")
    ]


def test_a_folder_without_exports_is_a_problem(tmp_path):
    (tmp_path / "notes.pdf").write_text("x")

    files, found = expand_paths([tmp_path])

    assert files == []
    assert found[0].file == str(tmp_path)
    assert "holds no .csv, .tsv, .txt or .xlsx file" in found[0].message
