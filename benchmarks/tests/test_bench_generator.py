"""The synthetic shop is written in the platforms' exact layouts and sizes."""

from __future__ import annotations

import csv
import hashlib
import io

import pyarrow as pa
from conftest import SMALL
from generate import FILES, build_shop, write_shop
from shopgen import amazon, ebay, inventory, shopify
from shopgen.text import write_rows

HEADERS = {
    "inventory_export_1.csv": (inventory.HEADER, "\n"),
    "orders_export_1.csv": (shopify.HEADER, "\n"),
    "amazon_all_orders.txt": (amazon.ORDERS_HEADER, "\r\n"),
    "amazon_all_listings.txt": (amazon.LISTINGS_HEADER, "\n"),
}


def read(folder, name) -> bytes:
    return (folder / name).read_bytes()


def csv_rows(folder, name) -> list[dict[str, str]]:
    with (folder / name).open(newline="", encoding="utf-8") as source:
        return list(csv.DictReader(source))


def test_each_file_opens_with_its_header_verbatim_and_no_byte_order_mark(
    small_shop,
):
    _, folder = small_shop
    for name, (header, eol) in HEADERS.items():
        assert read(folder, name).startswith((header + eol).encode()), name
    assert read(folder, "ebay_orders.csv").split(b"\n")[1] == ebay.HEADER.encode()


def test_the_amazon_orders_report_ends_every_line_with_crlf_and_the_rest_use_lf(
    small_shop,
):
    _, folder = small_shop
    orders = read(folder, "amazon_all_orders.txt")
    assert orders.count(b"\n") == orders.count(b"\r\n") == 1 + 4_500
    for name in ("inventory_export_1.csv", "amazon_all_listings.txt"):
        assert b"\r" not in read(folder, name)


def test_inventory_has_one_row_per_sku_and_location_and_keeps_leading_zeros(
    small_shop,
):
    _, folder = small_shop
    rows = csv_rows(folder, "inventory_export_1.csv")
    skus = {row["SKU"].lstrip("'") for row in rows}

    assert len(rows) == SMALL.skus * SMALL.locations
    assert "0000008" in skus and "SKU-0000001" in skus
    assert any(row["SKU"] == "'0000008" or row["SKU"].startswith("'") for row in rows)


def test_not_stocked_rows_say_so_in_all_five_quantity_columns(small_shop):
    _, folder = small_shop
    rows = csv_rows(folder, "inventory_export_1.csv")
    quantity_columns = [name for name in rows[0] if "editable" in name] + [
        "On hand (current)"
    ]
    marked = [r for r in rows if r["Available (not editable)"] == "not stocked"]

    assert 0.01 < len(marked) / len(rows) < 0.03
    assert all(r[c] == "not stocked" for r in marked for c in quantity_columns)
    assert all(r["On hand (new)"] == "" for r in rows)


def test_on_hand_is_committed_plus_unavailable_plus_available(small_shop):
    _, folder = small_shop
    rows = csv_rows(folder, "inventory_export_1.csv")
    stocked = [r for r in rows if r["Available (not editable)"] != "not stocked"]
    parts = ("Committed", "Unavailable", "Available")

    assert all(
        int(r["On hand (current)"])
        == sum(int(r[f"{part} (not editable)"]) for part in parts)
        for r in stocked
    )
    assert any(int(r["Available (not editable)"]) < 0 for r in stocked)


def test_shopify_continuation_rows_repeat_only_name_email_date_and_line_fields(
    small_shop,
):
    _, folder = small_shop
    rows = csv_rows(folder, "orders_export_1.csv")
    following = [
        b for a, b in zip(rows, rows[1:], strict=False) if a["Name"] == b["Name"]
    ]

    assert len(following) > 50
    for row in following:
        assert row["Financial Status"] == row["Tags"] == row["Cancelled at"] == ""
        assert row["Email"] and row["Created at"] and row["Lineitem quantity"]


def test_marketplace_item_rows_add_up_to_the_order_lines_asked_for(small_shop):
    _, folder = small_shop
    amazon_rows = read(folder, "amazon_all_orders.txt").count(b"\r\n") - 1
    ebay_rows = list(csv.reader(io.StringIO(read(folder, "ebay_orders.csv").decode())))
    items = [row for row in ebay_rows[3:] if len(row) > 22 and row[22]]

    assert amazon_rows + len(items) == SMALL.order_lines


def test_the_ebay_report_has_its_comma_preamble_padding_row_and_footer(small_shop):
    _, folder = small_shop
    lines = read(folder, "ebay_orders.csv").decode().split("\n")
    empty_row = "," * 81

    assert lines[0] == empty_row and lines[2] == empty_row
    assert lines[-4] == ""
    assert lines[-3].endswith(",record(s) downloaded,from Nov-01-26 to Nov-30-26")
    assert lines[-2] == "Seller ID : made_up_seller"


def test_ebay_summary_rows_carry_the_order_total_quantity_and_no_item_number(
    small_shop,
):
    _, folder = small_shop
    rows = list(csv.reader(io.StringIO(read(folder, "ebay_orders.csv").decode())))
    body = [dict(zip(rows[1], r, strict=True)) for r in rows[3:] if len(r) == 82]
    summaries = [
        i
        for i, r in enumerate(body)
        if r["Sales Record Number"] and not r["Item Number"]
    ]

    assert summaries
    for index in summaries[:20]:
        record = body[index]["Sales Record Number"]
        items = [r for r in body[index + 1 :] if r["Sales Record Number"] == record]
        assert int(body[index]["Quantity"]) == sum(int(r["Quantity"]) for r in items)


def test_amounts_of_a_thousand_dollars_or_more_are_grouped_and_quoted(small_shop):
    _, folder = small_shop
    text = read(folder, "ebay_orders.csv").decode()
    assert '"$1,' in text or '"$2,' in text


def test_amazon_product_names_keep_their_double_quotes_unescaped(small_shop):
    _, folder = small_shop
    rows = read(folder, "amazon_all_orders.txt").decode().split("\r\n")
    quoted = [row.split("\t")[10] for row in rows[1:] if '"' in row]

    assert quoted and all(name.endswith('"Limited"') for name in quoted)


def test_fields_are_quoted_only_when_they_need_it():
    sink = io.BytesIO()
    values = pa.array(["plain", "a, b", 'say "hi"', "two\nlines", None])
    write_rows(sink, [values, "x"])

    assert sink.getvalue().decode() == (
        'plain,x\n"a, b",x\n"say ""hi""",x\n"two\nlines",x\n,x\n'
    )


def test_the_same_seed_writes_the_same_bytes(small_shop, tmp_path):
    _, folder = small_shop
    write_shop(build_shop(SMALL), tmp_path)
    for name in FILES.values():
        first = hashlib.sha256(read(folder, name)).hexdigest()
        assert hashlib.sha256(read(tmp_path, name)).hexdigest() == first, name
