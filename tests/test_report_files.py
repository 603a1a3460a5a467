"""Report files: CSV, XLSX and JSON contents, formula guarding, atomic publishing."""

from __future__ import annotations

import csv
import json
import os
import warnings
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from reconcile.errors import ConfigError, InputProblem
from reconcile.model import Finding, RunResult, SourceInfo
from reports import files
from reports.files import write_run

ALL_FORMATS = ("csv", "xlsx", "json")
AS_OF = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)
INJECTED_TITLE = '=HYPERLINK("http://127.0.0.1/x","Click")'


def negative(key: str, sku: str, difference: int, **extra: object) -> Finding:
    detail = {
        "shortfall": -difference,
        "available": difference,
        "pending": 2,
        "held": 0,
        "corrections": 0,
        "incoming": 0,
        "orders": [
            {
                "channel": "amazon",
                "order_id": "114-0000000-0000001",
                "qty": 2,
                "placed": "2026-11-29T10:00:00Z",
            },
            {"channel": "ebay", "order_id": "+123", "qty": 1, "placed": "2026-11-28"},
        ],
        "surplus_locations": [{"location": "East DC", "available": 4}],
        "locations": [
            {"location": "East DC", "available": 4},
            {"location": "Main Warehouse", "available": -2},
        ],
        **extra,
    }
    return Finding(
        kind="negative_stock",
        severity="critical",
        key=key,
        sku=sku,
        title=INJECTED_TITLE,
        location="-East",
        channel=None,
        expected=0,
        actual=difference,
        difference=difference,
        action="Move 2 units from East DC",
        detail=detail,
        sources=("shopify.csv:4", "amazon.txt:2"),
    )


def mismatch(key: str, sku: str, reason: str, status: str = "new") -> Finding:
    return Finding(
        kind="mismatch",
        severity="high",
        key=key,
        sku=sku,
        title="Blue mug",
        location=None,
        channel="amazon",
        expected=5,
        actual=8,
        difference=3,
        action="Lower the Amazon listing to 5",
        status=status,
        detail={
            "reason": reason,
            "listed": 8,
            "projected": 5,
            "buffer": 0,
            "tolerance": 0,
        },
        sources=("amazon.txt:7",),
    )


def stale(key: str, hold_id: str, severity: str) -> Finding:
    return Finding(
        kind="stale_reservation",
        severity=severity,
        key=key,
        sku="00417",
        title="Red scarf",
        location="Main Warehouse",
        channel=None,
        expected=0,
        actual=3,
        difference=-3,
        action="Release the hold",
        detail={
            "reason": "hold_past_ttl",
            "hold_id": hold_id,
            "qty": 3,
            "age_days": 9,
            "expires_at": datetime(2026, 11, 25, 9, 0, tzinfo=UTC),
        },
    )


def make_result(run_id: str = "20261130-140000") -> RunResult:
    findings = (
        negative("neg:00417:main", "00417", -3),
        negative("neg:B-2:main", "B-2", -1, bin="@shelf 4"),
        mismatch("mis:00417:amazon", "00417", "over_listed"),
        mismatch("mis:C-9:amazon", "C-9", "under_listed", status="known"),
        stale("hold:H-0001", "H-0001", "high"),
        stale("hold:H-0002", "00099", "low"),
    )
    sources = (
        SourceInfo("shopify.csv", "shopify_inventory", "Shopify stock", 40, AS_OF, 1.5),
    )
    warnings = (
        InputProblem("amazon.txt", "quantity is blank; read as 0", 9, "quantity"),
    )
    return RunResult(
        run_id=run_id,
        as_of=AS_OF,
        snapshot_time=datetime(2026, 11, 30, 12, 30, tzinfo=UTC),
        fail_on="high",
        sources=sources,
        findings=findings,
        warnings=warnings,
        channel_summary={"amazon": {"open orders": 3, "listings": 12}},
    )


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    return write_run(make_result(), tmp_path / "reports", ALL_FORMATS)


def test_the_run_folder_holds_exactly_the_six_report_files(tmp_path: Path) -> None:
    folder = write_run(make_result(), tmp_path / "reports", ALL_FORMATS)

    assert folder == tmp_path / "reports" / "20261130-140000"
    assert sorted(p.name for p in folder.iterdir()) == [
        "findings.json",
        "mismatches.csv",
        "negative_stock.csv",
        "reconcile.xlsx",
        "stale_reservations.csv",
        "summary.csv",
    ]
    assert sorted(p.name for p in folder.parent.iterdir()) == [
        "20261130-140000",
        "latest",
    ]


def test_summary_csv_counts_new_and_known_for_every_kind_and_severity(
    run_dir: Path,
) -> None:
    rows = read_csv(run_dir / "summary.csv")

    assert len(rows) == 9
    assert [(r["kind"], r["severity"]) for r in rows[:3]] == [
        ("negative_stock", "critical"),
        ("negative_stock", "high"),
        ("negative_stock", "low"),
    ]
    mismatch_high = rows[4]
    assert mismatch_high == {
        "kind": "mismatch",
        "severity": "high",
        "new": "1",
        "known": "1",
        "total": "2",
    }
    assert sum(int(r["total"]) for r in rows) == 6


def test_negative_stock_csv_guards_injected_text_but_not_negative_numbers(
    run_dir: Path,
) -> None:
    rows = read_csv(run_dir / "negative_stock.csv")

    first = rows[0]
    assert len(rows) == 2
    assert first["sku"] == "00417"
    assert first["title"] == "'" + INJECTED_TITLE
    assert first["location"] == "'-East"
    assert first["difference"] == "-3"
    assert first["available"] == "-3"
    assert rows[1]["bin"] == "'@shelf 4"


def test_negative_stock_csv_lists_orders_and_locations_as_compact_text(
    run_dir: Path,
) -> None:
    first = read_csv(run_dir / "negative_stock.csv")[0]

    assert first["orders"] == (
        "amazon 114-0000000-0000001 x2 2026-11-29T10:00:00Z; ebay +123 x1 2026-11-28"
    )
    assert first["locations"] == "East DC 4; Main Warehouse -2"
    assert first["sources"] == "shopify.csv:4; amazon.txt:2"


def test_per_kind_csv_columns_put_documented_detail_first_and_lists_last(
    run_dir: Path,
) -> None:
    with open(run_dir / "negative_stock.csv", encoding="utf-8-sig") as handle:
        header = handle.readline().rstrip("\n").split(",")

    assert header[:11] == [
        "status",
        "severity",
        "key",
        "sku",
        "title",
        "location",
        "channel",
        "expected",
        "actual",
        "difference",
        "action",
    ]
    assert header[11:] == [
        "shortfall",
        "available",
        "pending",
        "held",
        "corrections",
        "incoming",
        "bin",
        "orders",
        "surplus_locations",
        "locations",
        "sources",
    ]


def test_a_kind_without_findings_still_gets_a_header_only_csv_and_sheet(
    tmp_path: Path,
) -> None:
    result = make_result()
    only_mismatches = replace(result, findings=result.by_kind("mismatch"))

    folder = write_run(only_mismatches, tmp_path, ["csv", "xlsx"])

    text = (folder / "stale_reservations.csv").read_text(encoding="utf-8-sig")
    assert text.count("\n") == 1
    assert text.startswith("status,severity,key,sku,")
    assert "hold_id" in text
    assert len(read_csv(folder / "mismatches.csv")) == 2
    sheet = openpyxl.load_workbook(folder / "reconcile.xlsx")["Stale reservations"]
    assert sheet.max_row == 1
    assert sheet.auto_filter.ref.endswith("1")


def test_stale_reservation_csv_keeps_ids_as_text_and_times_in_utc(
    run_dir: Path,
) -> None:
    rows = read_csv(run_dir / "stale_reservations.csv")

    assert [r["hold_id"] for r in rows] == ["H-0001", "00099"]
    assert rows[0]["expires_at"] == "2026-11-25T09:00:00Z"
    assert rows[0]["difference"] == "-3"
    assert rows[0]["order_id"] == ""


def test_workbook_has_the_summary_then_one_sheet_per_kind(run_dir: Path) -> None:
    book = openpyxl.load_workbook(run_dir / "reconcile.xlsx")

    assert book.sheetnames == [
        "Summary",
        "Negative stock",
        "Mismatches",
        "Stale reservations",
    ]
    assert book["Negative stock"].max_row == 3
    assert book["Mismatches"].max_row == 3


def test_kind_sheets_have_a_bold_frozen_header_and_a_filter_over_the_table(
    run_dir: Path,
) -> None:
    sheet = openpyxl.load_workbook(run_dir / "reconcile.xlsx")["Stale reservations"]

    header = [c.value for c in sheet[1]]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(header)).column_letter}3"
    assert all(c.font.bold for c in sheet[1])
    assert header[-1] == "sources"


def test_kind_sheet_columns_fit_their_longest_text_up_to_a_cap(run_dir: Path) -> None:
    sheet = openpyxl.load_workbook(run_dir / "reconcile.xlsx")["Negative stock"]
    letters = {c.value: c.column_letter for c in sheet[1]}

    def width(name: str) -> float:
        return sheet.column_dimensions[letters[name]].width

    assert width("title") == len(INJECTED_TITLE) + 2
    assert width("orders") == 60
    assert width("sku") == 8


def test_workbook_keeps_skus_as_text_and_quantities_as_numbers(
    run_dir: Path,
) -> None:
    sheet = openpyxl.load_workbook(run_dir / "reconcile.xlsx")["Negative stock"]
    header = [c.value for c in sheet[1]]
    row = {name: sheet.cell(2, i) for i, name in enumerate(header, start=1)}

    assert row["sku"].value == "00417"
    assert row["sku"].data_type == "s"
    assert row["sku"].number_format == "@"
    assert row["difference"].value == -3
    assert row["difference"].data_type == "n"
    assert row["shortfall"].value == 3


def test_workbook_stores_formula_like_text_as_quoted_text_never_as_a_formula(
    run_dir: Path,
) -> None:
    sheet = openpyxl.load_workbook(run_dir / "reconcile.xlsx")["Negative stock"]
    header = [c.value for c in sheet[1]]
    title = sheet.cell(2, header.index("title") + 1)
    location = sheet.cell(2, header.index("location") + 1)
    difference = sheet.cell(2, header.index("difference") + 1)

    assert title.value == INJECTED_TITLE
    assert title.data_type == "s"
    assert title.quotePrefix is True
    assert location.value == "-East"
    assert location.quotePrefix is True
    assert difference.quotePrefix is False


def test_summary_sheet_shows_the_run_its_sources_counts_and_warnings(
    run_dir: Path,
) -> None:
    sheet = openpyxl.load_workbook(run_dir / "reconcile.xlsx")["Summary"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    pairs = {row[0]: row[1] for row in values if row[0]}

    assert pairs["run id"] == "20261130-140000"
    assert pairs["as of"] == "2026-11-30T14:00:00Z"
    assert pairs["exit code"] == 1
    assert pairs["exit code means"].startswith("4 new finding(s) at or above high")
    assert ["shopify.csv", "Shopify stock", "shopify_inventory", 40] in [
        row[:4] for row in values
    ]
    assert ["mismatch", "high", 1, 1, 2] in [row[:5] for row in values]
    assert ["amazon.txt", 9, "quantity"] in [row[:3] for row in values]
    assert ["amazon", "listings", 12] in [row[:3] for row in values]
    assert sheet.freeze_panes == "A2"
    assert len(sheet.tables) == 5


def test_findings_json_keeps_raw_values_without_guard_prefixes(run_dir: Path) -> None:
    document = json.loads((run_dir / "findings.json").read_text(encoding="utf-8"))

    first = document["findings"][0]
    assert first["title"] == INJECTED_TITLE
    assert first["location"] == "-East"
    assert first["sku"] == "00417"
    assert first["difference"] == -3
    assert first["channel"] is None
    assert first["detail"]["orders"][1]["order_id"] == "+123"
    assert first["sources"] == ["shopify.csv:4", "amazon.txt:2"]
    assert document["findings"][4]["detail"]["expires_at"] == "2026-11-25T09:00:00Z"
    assert len(document["findings"]) == 6


def test_findings_json_describes_the_run(run_dir: Path) -> None:
    run = json.loads((run_dir / "findings.json").read_text(encoding="utf-8"))["run"]

    assert run["snapshot_time"] == "2026-11-30T12:30:00Z"
    assert run["exit_code"] == 1
    assert run["demo"] is False
    assert run["sources"][0]["rows"] == 40
    assert len(run["counts"]) == 9
    assert run["warnings"][0]["column"] == "quantity"
    assert run["channel_summary"]["amazon"]["open orders"] == 3


def test_latest_points_at_the_newest_run_after_two_runs(tmp_path: Path) -> None:
    write_run(make_result("run-1"), tmp_path, ["json"])
    second = write_run(make_result("run-2"), tmp_path, ["json"])

    latest = tmp_path / "latest"
    assert os.readlink(latest) == "run-2"
    assert latest.resolve() == second.resolve()
    assert (tmp_path / "run-1" / "findings.json").is_file()


def test_a_writer_failing_midway_leaves_no_run_folder_and_the_old_latest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_run(make_result("run-1"), tmp_path, ALL_FORMATS)

    def broken_workbook(result: RunResult, folder: Path) -> None:
        (folder / "reconcile.xlsx").write_bytes(b"half a workbook")
        raise RuntimeError("disk went away")

    monkeypatch.setitem(files.WRITERS, "xlsx", broken_workbook)
    with pytest.raises(RuntimeError, match="disk went away"):
        write_run(make_result("run-2"), tmp_path, ALL_FORMATS)

    assert sorted(p.name for p in tmp_path.iterdir()) == ["latest", "run-1"]
    assert os.readlink(tmp_path / "latest") == "run-1"


def test_a_missing_number_from_pandas_is_written_as_null_in_json(
    tmp_path: Path,
) -> None:
    result = make_result()
    finding = replace(result.findings[0], detail={"incoming": float("nan")})

    folder = write_run(replace(result, findings=(finding,)), tmp_path, ["json"])

    document = json.loads((folder / "findings.json").read_text(encoding="utf-8"))
    assert document["findings"][0]["detail"] == {"incoming": None}


def test_an_existing_run_folder_is_refused_and_left_alone(tmp_path: Path) -> None:
    write_run(make_result("run-1"), tmp_path, ["csv"])

    with pytest.raises(ConfigError, match="already exists"):
        write_run(make_result("run-1"), tmp_path, ["json"])

    assert sorted(p.name for p in (tmp_path / "run-1").iterdir()) == [
        "mismatches.csv",
        "negative_stock.csv",
        "stale_reservations.csv",
        "summary.csv",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["latest", "run-1"]


def test_a_real_folder_named_latest_stops_the_run_before_writing(
    tmp_path: Path,
) -> None:
    (tmp_path / "latest").mkdir()

    with pytest.raises(ConfigError, match="move it away"):
        write_run(make_result("run-1"), tmp_path, ALL_FORMATS)

    assert sorted(p.name for p in tmp_path.iterdir()) == ["latest"]


def test_an_unwritable_out_dir_becomes_a_config_error(tmp_path: Path) -> None:
    blocker = tmp_path / "reports"
    blocker.write_text("not a folder", encoding="utf-8")

    with pytest.raises(ConfigError, match="cannot write reports to"):
        write_run(make_result(), blocker / "daily", ["csv"])


def test_an_unknown_format_is_named_in_the_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        write_run(make_result(), tmp_path, ["csv", "pdf"])

    assert "'pdf'" in str(raised.value)
    assert "csv, xlsx, json" in str(raised.value)
    assert raised.value.exit_code == 2
    assert list(tmp_path.iterdir()) == []


def test_only_the_chosen_formats_are_written(tmp_path: Path) -> None:
    folder = write_run(make_result(), tmp_path, ["XLSX"])

    assert [p.name for p in folder.iterdir()] == ["reconcile.xlsx"]


def sheet_rows(path: Path, name: str) -> list[dict[str, Any]]:
    sheet = openpyxl.load_workbook(path)[name]
    header = [c.value for c in sheet[1]]
    return [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2)]


def test_workbook_keeps_markup_spaces_and_error_like_text_exactly(
    tmp_path: Path,
) -> None:
    result = make_result()
    finding = replace(
        result.findings[2],
        title='Mug & <Saucer> "set"',
        action="  ring the 3PL  ",
        detail={**result.findings[2].detail, "reason": "#N/A"},
    )

    folder = write_run(replace(result, findings=(finding,)), tmp_path, ["xlsx"])

    row = sheet_rows(folder / "reconcile.xlsx", "Mismatches")[0]
    assert row["title"].value == 'Mug & <Saucer> "set"'
    assert row["action"].value == "  ring the 3PL  "
    assert row["reason"].value == "#N/A"
    assert row["reason"].data_type == "s"


def test_workbook_replaces_control_characters_a_spreadsheet_cannot_hold(
    tmp_path: Path,
) -> None:
    result = make_result()
    finding = replace(result.findings[2], title="Blue\x07mug\x0b")

    folder = write_run(replace(result, findings=(finding,)), tmp_path, ["xlsx"])

    row = sheet_rows(folder / "reconcile.xlsx", "Mismatches")[0]
    assert row["title"].value == "Blue\ufffdmug\ufffd"


def test_workbook_stores_fractions_and_flags_as_values_not_text(
    tmp_path: Path,
) -> None:
    result = make_result()
    detail = {**result.findings[2].detail, "tolerance": 0.25, "fba": True}
    finding = replace(result.findings[2], detail=detail)

    folder = write_run(replace(result, findings=(finding,)), tmp_path, ["xlsx"])

    row = sheet_rows(folder / "reconcile.xlsx", "Mismatches")[0]
    assert row["tolerance"].value == 0.25
    assert row["tolerance"].data_type == "n"
    assert row["fba"].value is True


def test_summary_tables_are_named_after_the_header_cells_they_cover(
    run_dir: Path,
) -> None:
    # Excel refuses to open a table whose column names differ from its header.
    sheet = openpyxl.load_workbook(run_dir / "reconcile.xlsx")["Summary"]

    for name in ("RunInfo", "RunSources", "RunCounts", "RunWarnings", "RunChannels"):
        table = sheet.tables[name]
        header_row = sheet[table.ref.split(":")[0]].row
        header = [c.value for c in sheet[header_row] if c.value is not None]
        assert [column.name for column in table.tableColumns] == header
    assert sheet.tables["RunInfo"].ref == "A1:B8"


def test_each_summary_table_has_its_own_filter_and_a_blank_row_before_the_next(
    run_dir: Path,
) -> None:
    sheet = openpyxl.load_workbook(run_dir / "reconcile.xlsx")["Summary"]
    tables = sheet.tables

    assert {name: tables[name].autoFilter.ref for name in tables} == {
        name: tables[name].ref for name in tables
    }
    assert sheet["A9"].value is None
    assert sheet["A10"].value == "Sources"
    assert sheet["A10"].font.bold
    assert tables["RunSources"].ref == "A11:F12"


def test_writing_the_workbook_raises_no_openpyxl_warning(tmp_path: Path) -> None:
    # openpyxl warns when it cannot name a table's columns; Excel then refuses
    # the file, so a warning here means a broken workbook for the merchant.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        folder = write_run(make_result(), tmp_path, ["xlsx"])

    sheet = openpyxl.load_workbook(folder / "reconcile.xlsx")["Summary"]
    assert len(sheet.tables) == 5


def test_findings_json_puts_each_finding_on_its_own_line(run_dir: Path) -> None:
    lines = (run_dir / "findings.json").read_text(encoding="utf-8").splitlines()

    finding_lines = [line for line in lines if '"key": ' in line]
    assert len(finding_lines) == 6
    first = json.loads(finding_lines[0].strip().removesuffix(","))
    assert first["sku"] == "00417"
    assert first["detail"]["orders"][1]["order_id"] == "+123"


def test_findings_json_of_a_run_without_findings_has_an_empty_list(
    tmp_path: Path,
) -> None:
    folder = write_run(replace(make_result(), findings=()), tmp_path, ["json"])

    document = json.loads((folder / "findings.json").read_text(encoding="utf-8"))
    assert document["findings"] == []
    assert sum(row["total"] for row in document["run"]["counts"]) == 0


def test_a_set_in_a_finding_detail_is_written_to_json_as_a_sorted_list(
    tmp_path: Path,
) -> None:
    result = make_result()
    finding = replace(result.findings[0], detail={"channels": {"ebay", "amazon"}})

    folder = write_run(replace(result, findings=(finding,)), tmp_path, ["json"])

    document = json.loads((folder / "findings.json").read_text(encoding="utf-8"))
    assert document["findings"][0]["detail"] == {"channels": ["amazon", "ebay"]}


def test_csv_files_start_with_a_byte_order_mark_for_excel(tmp_path):
    folder = write_run(make_result(), tmp_path, ["csv"])

    assert (
        (folder / "summary.csv").read_bytes().startswith(b"\xef\xbb\xbfkind,severity")
    )
