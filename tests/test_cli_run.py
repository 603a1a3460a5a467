"""`reconcile run` through the command line: the demo, exit codes, bad input, reports.

The demo's numbers are the ones the README shows; the demo shop's traps (an Amazon
order already copied into Shopify, an FBA row, a Non-Amazon row, a restocked line, a
cancelled order, `not stocked`, a leading-zero SKU, an eBay summary row) must not
raise a finding.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cli.app import main
from reconcile.ledger import Ledger, run_lock
from tests import shop


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["run", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def demo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[int, dict, Path, str]:
    code, out, _ = run(
        [
            "--demo",
            "--out",
            str(tmp_path / "out"),
            "--ledger",
            str(tmp_path / "l.sqlite"),
        ],
        capsys,
    )
    folder = (tmp_path / "out" / "latest").resolve()
    return code, json.loads((folder / "findings.json").read_text()), folder, out


def numbers(doc: dict) -> dict[str, tuple]:
    return {
        f["key"]: (f["severity"], f["expected"], f["actual"], f["difference"])
        for f in doc["findings"]
    }


def test_the_demo_exits_1_with_the_findings_the_readme_shows(demo) -> None:
    code, doc, _, _ = demo

    assert code == 1
    assert numbers(doc) == {
        "mismatch:TEE-RED-M:amazon": ("critical", 0, 3, 3),
        "negative_stock:TEE-RED-M": ("critical", 0, -1, -1),
        "mismatch:TEE-BLK-L:amazon": ("high", 15, 20, 5),
        "negative_stock:CANDLE-LAV:Main Warehouse": ("high", 0, -2, -2),
        "mismatch:OLD-SKU-9:amazon": ("high", 0, 2, 2),
        "mismatch:SOAP-OAT:amazon": ("low", 38, 30, -8),
        "negative_stock:LAMP-PRE": ("low", 0, -3, -3),
        "stale_reservation:order:#1001:1": ("low", 0, 1, 1),
        "stale_reservation:order:#1004:1": ("low", 0, 1, 1),
    }


def test_the_demo_oversell_lists_the_order_behind_it(demo) -> None:
    _, doc, _, _ = demo
    oversell = next(
        f for f in doc["findings"] if f["key"] == "negative_stock:TEE-RED-M"
    )

    assert oversell["detail"]["shortfall"] == 1
    assert (oversell["detail"]["available"], oversell["detail"]["pending"]) == (3, 4)
    assert oversell["detail"]["orders"] == [
        {
            "channel": "amazon",
            "order_id": "113-0000001-0000001",
            "qty": 2,
            "placed": "2026-11-30T08:10:44Z",
        }
    ]
    assert "amazon_all_orders.txt:2" in oversell["sources"]


def test_none_of_the_demo_traps_fires(demo) -> None:
    _, doc, _, _ = demo
    keys = set(numbers(doc))
    summary = doc["run"]["channel_summary"]

    # Copied into Shopify (#1005 tags), FBA, Non-Amazon, cancelled: no demand, no finding.
    assert not any("MUG-GRN" in key for key in keys)
    assert summary["amazon"]["open_lines_already_in_shopify"] == 1
    assert summary["amazon"]["amazon_fulfilled_lines"] == 1
    assert summary["amazon"]["non_amazon_lines"] == 1
    # 00417: 5 available, only eBay's 1 pending (the Amazon one was cancelled) = 4, listed 4.
    assert not any("00417" in key for key in keys)
    # The eBay summary row of order 01-00002-00002 is not counted as a third line.
    assert summary["ebay"]["summary_rows_skipped"] == 1
    # Restocked (#1002) and cancelled (#1003) Shopify lines are not stale; BOTTLE-1L is
    # not stocked at East DC and listed at 8 = its 8 at Main.
    assert "stale_reservation:order:#1002:2" not in keys
    assert "stale_reservation:order:#1003:1" not in keys
    assert not any("BOTTLE-1L" in key for key in keys)
    # The FBA listing and the inactive listing are counted, never compared.
    assert summary["amazon"]["amazon_fulfilled"] == 1
    assert summary["amazon"]["inactive"] == 1


def test_the_demo_screen_shows_the_worst_first_and_where_the_reports_are(demo) -> None:
    _, _, folder, out = demo
    lines = out.splitlines()

    first = next(i for i, line in enumerate(lines) if "TEE-RED-M" in line)
    candle = next(i for i, line in enumerate(lines) if "CANDLE-LAV" in line)
    assert first < candle
    assert "transfer 2 from East DC" in out
    assert f"Reports: {folder.parent}" in out.replace(
        str(folder.parent.resolve()), str(folder.parent)
    )
    assert "Exit code 1" in out


def test_the_demo_writes_the_six_report_files_and_records_the_run(
    demo, tmp_path: Path
) -> None:
    _, doc, folder, _ = demo

    assert sorted(p.name for p in folder.iterdir()) == [
        "findings.json",
        "mismatches.csv",
        "negative_stock.csv",
        "reconcile.xlsx",
        "stale_reservations.csv",
        "summary.csv",
    ]
    runs = Ledger(tmp_path / "l.sqlite").events(["run"])
    assert [event.payload["run_id"] for event in runs] == [doc["run"]["run_id"]]
    assert runs[0].payload["exit_code"] == 1
    assert len(runs[0].payload["inputs"]) == 5


def test_the_demo_workbook_keeps_numbers_as_numbers_and_skus_as_text(demo) -> None:
    _, _, folder, _ = demo
    book = load_workbook(folder / "reconcile.xlsx")

    assert book.sheetnames == [
        "Summary",
        "Negative stock",
        "Mismatches",
        "Stale reservations",
    ]
    sheet = book["Mismatches"]
    header = [cell.value for cell in sheet[1]]
    rows = [
        dict(zip(header, (c.value for c in row), strict=True))
        for row in sheet.iter_rows(min_row=2)
    ]
    soap = next(r for r in rows if r["sku"] == "SOAP-OAT")
    assert (soap["expected"], soap["actual"], soap["difference"]) == (38, 30, -8)
    assert sheet.freeze_panes == "A2"


def test_without_a_ledger_option_the_demo_leaves_no_ledger_behind(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    code, _, _ = run(["--demo", "--format", "json"], capsys)

    assert code == 1
    assert not list(tmp_path.glob("*.sqlite*"))
    assert (tmp_path / "reports" / "latest" / "findings.json").is_file()


def test_fail_on_never_exits_0_and_critical_still_fails_on_the_demo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    common = ["--demo", "--out", str(tmp_path / "out"), "--format", "json"]

    assert run([*common, "--fail-on", "never"], capsys)[0] == 0
    assert run([*common, "--fail-on", "critical"], capsys)[0] == 1


def test_quiet_prints_the_counts_and_warnings_only(tmp_path: Path, capsys) -> None:
    code, out, _ = run(["--demo", "-q", "--out", str(tmp_path / "out")], capsys)

    assert code == 1
    assert out.startswith(
        "Findings: negative stock 3 new, mismatch 4 new, stale reservation 2 new"
    )
    assert "TEE-RED-M" not in out
    assert "row(s) have no SKU" in out


@pytest.fixture
def bad_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "exports"
    folder.mkdir()
    shop.inventory(folder / "inventory_export_1.csv", [("A", "Main", 1)])
    return folder


def assert_nothing_written(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert not out.exists() or not any(out.rglob("*.*"))
    assert not (tmp_path / "l.sqlite").exists()


def bad_run(folder: Path, tmp_path: Path, capsys) -> tuple[int, str]:
    code, out, err = run(
        [
            str(folder),
            "--out",
            str(tmp_path / "out"),
            "--ledger",
            str(tmp_path / "l.sqlite"),
        ],
        capsys,
    )
    return code, " ".join((out + err).split())


def test_an_unknown_layout_exits_2_naming_the_file_and_writes_nothing(
    bad_folder: Path, tmp_path: Path, capsys
) -> None:
    (bad_folder / "mystery.csv").write_text("colour,size\nred,9\n")

    code, text = bad_run(bad_folder, tmp_path, capsys)

    assert code == 2
    assert (
        "mystery.csv:1: is not an export reconcile knows (header starts: colour, size)"
        in text
    )
    assert_nothing_written(tmp_path)


def test_a_missing_column_exits_2_naming_the_column(
    bad_folder: Path, tmp_path: Path, capsys
) -> None:
    shop.amazon_orders(bad_folder / "orders.txt", [])
    orders = (
        (bad_folder / "orders.txt")
        .read_text()
        .replace("\titem-status\t", "\titem-state\t")
    )
    (bad_folder / "orders.txt").write_text(orders)

    code, text = bad_run(bad_folder, tmp_path, capsys)

    assert code == 2
    assert (
        "orders.txt:1: looks like an Amazon All Orders report but lacks the column(s) 'item-status'"
        in text
    )
    assert_nothing_written(tmp_path)


def test_a_non_numeric_quantity_exits_2_with_file_row_and_column(
    bad_folder: Path, tmp_path: Path, capsys
) -> None:
    shop.amazon_listings(
        bad_folder / "listings.txt", [("A", 1), ("B", "lots"), ("C", "2x")]
    )

    code, text = bad_run(bad_folder, tmp_path, capsys)

    assert code == 2
    assert (
        "listings.txt:3 column 'quantity': is not a whole number (found 'lots')" in text
    )
    assert "listings.txt:4 column 'quantity'" in text
    assert_nothing_written(tmp_path)


def test_problems_in_several_files_are_reported_together(
    bad_folder: Path, tmp_path: Path, capsys
) -> None:
    shop.amazon_listings(bad_folder / "listings.txt", [("B", "lots")])
    (bad_folder / "mystery.csv").write_text("colour,size\nred,9\n")

    code, text = bad_run(bad_folder, tmp_path, capsys)

    assert code == 2
    assert "2 problem(s) in listings.txt, mystery.csv" in text


def test_a_folder_without_a_shopify_inventory_export_exits_2(
    tmp_path: Path, capsys
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    shop.amazon_listings(folder / "listings.txt", [("A", 1)])

    code, text = bad_run(folder, tmp_path, capsys)

    assert code == 2
    assert "no Shopify inventory export among the inputs" in text


def test_an_old_export_is_warned_about(
    bad_folder: Path, tmp_path: Path, capsys
) -> None:
    old = time.time() - 30 * 3600
    os.utime(bad_folder / "inventory_export_1.csv", (old, old))

    code, out, _ = run([str(bad_folder), "--out", str(tmp_path / "out")], capsys)

    assert code == 0
    assert (
        "inventory_export_1.csv: was taken 30 hours before the run clock (limit 24)"
        in " ".join(out.split())
    )


def test_a_second_run_while_one_holds_the_lock_exits_4(
    bad_folder: Path, tmp_path: Path, capsys
) -> None:
    ledger = tmp_path / "l.sqlite"
    with run_lock(ledger):
        code, out, err = run(
            [str(bad_folder), "--ledger", str(ledger), "--out", str(tmp_path / "out")],
            capsys,
        )

    assert code == 4
    assert "another reconcile run is using" in " ".join(err.split())


def test_a_bad_config_key_exits_2_naming_the_file_and_key(
    bad_folder: Path, tmp_path: Path, capsys
) -> None:
    config = tmp_path / "reconcile.toml"
    config.write_text("[checks]\nstale_days = 3\n")

    code, _, err = run([str(bad_folder), "--config", str(config)], capsys)

    assert code == 2
    assert "[checks] unknown key(s) stale_days" in " ".join(err.split())


def test_the_same_export_given_twice_is_refused_naming_both_files(
    bad_folder: Path, tmp_path: Path, capsys
) -> None:
    copy = bad_folder / "inventory_export_1 (1).csv"
    copy.write_bytes((bad_folder / "inventory_export_1.csv").read_bytes())

    code, text = bad_run(bad_folder, tmp_path, capsys)

    assert code == 2
    assert (
        "inventory_export_1.csv:2: 1 row(s) also appear in inventory_export_1 (1).csv"
        in text
    )
    assert_nothing_written(tmp_path)


def test_a_sellable_location_that_no_export_has_stops_the_run(
    bad_folder: Path, tmp_path: Path, capsys
) -> None:
    config = tmp_path / "reconcile.toml"
    config.write_text('[shop]\nsellable_locations = ["Mian"]\n')

    code, _, err = run(
        [str(bad_folder), "--config", str(config), "--out", str(tmp_path / "out")],
        capsys,
    )

    assert code == 2
    assert (
        "sellable_locations names 'Mian', which no inventory export has; the exports have: Main"
        in " ".join(err.split())
    )
    assert_nothing_written(tmp_path)


def test_an_inventory_export_with_no_rows_is_refused(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    shop.inventory(folder / "inventory_export_1.csv", [])

    code, text = bad_run(folder, tmp_path, capsys)

    assert code == 2
    assert "inventory_export_1.csv: has a header but no rows" in text


def test_a_20_digit_quantity_is_reported_not_a_crash(
    bad_folder: Path, tmp_path: Path, capsys
) -> None:
    shop.amazon_listings(bad_folder / "listings.txt", [("A", "99999999999999999999")])

    code, text = bad_run(bad_folder, tmp_path, capsys)

    assert code == 2
    assert (
        "listings.txt:2 column 'quantity': is not a whole number (found '99999999999999999999')"
        in text
    )


def test_demo_with_paths_and_a_clock_out_of_range_are_refused(
    bad_folder: Path, tmp_path: Path, capsys
) -> None:
    assert run(["--demo", str(bad_folder)], capsys)[0] == 2
    code, _, err = run([str(bad_folder), "--as-of", "9999-12-31T23:59:59Z"], capsys)
    assert code == 2
    assert "is outside 2000-2200" in err


def test_an_export_dated_after_the_run_clock_is_warned_about(
    bad_folder: Path, tmp_path: Path, capsys
) -> None:
    code, out, _ = run(
        [
            str(bad_folder),
            "--out",
            str(tmp_path / "out"),
            "--ledger",
            str(tmp_path / "l.sqlite"),
            "--as-of",
            "2026-11-01T12:00:00Z",
            "--snapshot-time",
            "2026-11-02T12:00:00Z",
        ],
        capsys,
    )

    assert code == 0
    assert "inventory_export_1.csv: is dated 24.0 hours after the run clock" in out


def test_a_ledger_that_cannot_be_written_stops_the_run_before_any_report(
    bad_folder: Path, tmp_path: Path, capsys
) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")

    code, _, err = run(
        [
            str(bad_folder),
            "--out",
            str(tmp_path / "out"),
            "--ledger",
            str(not_a_folder / "l.sqlite"),
        ],
        capsys,
    )

    assert code == 2
    assert "cannot lock the ledger" in err
    assert not (tmp_path / "out").exists()


def test_an_acknowledged_finding_shows_as_known_until_it_grows(
    tmp_path: Path, capsys
) -> None:
    ledger = str(tmp_path / "l.sqlite")
    out_dir = str(tmp_path / "out")
    key = "mismatch:TEE-BLK-L:amazon"
    run(["--demo", "--out", out_dir, "--format", "json"], capsys)
    for finding, units in ((key, "5"), ("mismatch:SOAP-OAT:amazon", "3")):
        ack = ["ledger", "ack", finding, "--units", units, "--why", "relisting"]
        assert main([*ack, "--ledger", ledger, "--out", out_dir]) == 0
    capsys.readouterr()

    code, out, _ = run(["--demo", "--ledger", ledger, "--out", out_dir], capsys)

    doc = json.loads((tmp_path / "out" / "latest" / "findings.json").read_text())
    status = {f["key"]: f["status"] for f in doc["findings"]}
    assert status[key] == "known"  # 5 over, acknowledged up to 5
    assert status["mismatch:SOAP-OAT:amazon"] == "new"  # 8 under, acknowledged only 3
    assert "mismatch 3 new + 1 known" in out
    assert code == 1  # the critical TEE-RED-M findings are still new


def test_a_folder_given_twice_is_read_once(
    bad_folder: Path, tmp_path: Path, capsys
) -> None:
    shop.amazon_listings(bad_folder / "listings.txt", [("A", 3)])
    args = ["--out", str(tmp_path / "out"), "--format", "json"]

    code, _, _ = run([str(bad_folder), str(bad_folder), *args], capsys)

    doc = json.loads((tmp_path / "out" / "latest" / "findings.json").read_text())
    assert code == 1
    assert [(f["expected"], f["actual"]) for f in doc["findings"]] == [(1, 3)]


def test_same_named_exports_from_two_folders_are_refused(
    tmp_path: Path, capsys
) -> None:
    for day in ("mon", "tue"):
        (tmp_path / day).mkdir()
        shop.inventory(tmp_path / day / "inventory_export_1.csv", [("A", "Main", 1)])

    code, _, err = run([str(tmp_path / "mon"), str(tmp_path / "tue")], capsys)

    assert code == 2
    assert "inventory_export_1.csv: is given 2 times" in " ".join(err.split())


def test_yesterdays_orders_beside_todays_are_refused_even_after_shipping(
    bad_folder: Path, tmp_path: Path, capsys
) -> None:
    line = {"id": "113-1", "sku": "A", "qty": 2, "date": "2026-11-29T10:00:00+00:00"}
    shop.amazon_orders(bad_folder / "yesterday.txt", [line])
    shop.amazon_orders(
        bad_folder / "today.txt",
        [line | {"status": "Shipped", "item_status": "Shipped"}],
    )

    code, text = bad_run(bad_folder, tmp_path, capsys)

    assert code == 2
    assert (
        "today.txt and yesterday.txt: 1 order(s) appear in both (first: 113-1)" in text
    )
    assert_nothing_written(tmp_path)


def test_an_edited_ledger_stops_the_run(
    bad_folder: Path, tmp_path: Path, capsys
) -> None:
    import sqlite3

    ledger = tmp_path / "l.sqlite"
    main(
        [
            "ledger",
            "ack",
            "mismatch:A:amazon",
            "--units",
            "5",
            "--why",
            "x",
            "--force",
            "--ledger",
            str(ledger),
        ]
    )
    with sqlite3.connect(ledger) as conn:
        conn.execute("DROP TRIGGER IF EXISTS events_no_update")
        conn.execute("UPDATE events SET payload = replace(payload, '5', '500')")
    capsys.readouterr()

    code, _, err = run(
        [str(bad_folder), "--ledger", str(ledger), "--out", str(tmp_path / "out")],
        capsys,
    )

    assert code == 2
    assert "was changed outside reconcile" in " ".join(err.split())
    assert not (tmp_path / "out").exists()


def test_a_listed_pre_order_covered_by_incoming_is_not_critical(
    tmp_path: Path, capsys
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    shop.inventory(folder / "inv.csv", [("LAMP-1", "Main", 0, 10)])
    shop.amazon_orders(
        folder / "orders.txt",
        [{"id": "1", "sku": "LAMP-1", "qty": 3, "date": "2026-11-30T09:00:00+00:00"}],
    )
    shop.amazon_listings(folder / "listings.txt", [("LAMP-1", 5)])
    config = tmp_path / "reconcile.toml"
    config.write_text('[shop]\npreorder_skus = ["lamp-1"]\n[sku]\ncase = "upper"\n')

    code, _, _ = run(
        [
            str(folder),
            "--config",
            str(config),
            "--out",
            str(tmp_path / "out"),
            "--format",
            "json",
        ],
        capsys,
    )

    doc = json.loads((tmp_path / "out" / "latest" / "findings.json").read_text())
    assert [(f["key"], f["severity"]) for f in doc["findings"]] == [
        ("negative_stock:LAMP-1", "low")
    ]
    assert code == 0


def test_skus_that_collide_under_the_case_rule_are_refused(
    tmp_path: Path, capsys
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    shop.inventory(folder / "inv.csv", [("abc", "Main", 3), ("ABC", "Main", 2)])
    config = tmp_path / "reconcile.toml"
    config.write_text('[sku]\ncase = "upper"\n')

    code, _, err = run([str(folder), "--config", str(config)], capsys)

    assert code == 2
    assert (
        "SKU 'ABC' at 'Main' appears more than once under [sku] case = 'upper'"
        in " ".join(err.split())
    )


def test_an_acknowledgement_needs_a_real_finding_key(tmp_path: Path, capsys) -> None:
    code = main(
        [
            "ledger",
            "ack",
            "bogus",
            "--units",
            "1",
            "--why",
            "x",
            "--ledger",
            str(tmp_path / "l.sqlite"),
        ]
    )

    assert code == 2
    assert "'bogus' is not a finding key" in " ".join(capsys.readouterr().err.split())
    assert not (tmp_path / "l.sqlite").exists()


def test_a_long_sku_keeps_its_finding_on_one_line(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    sku = "LONG-" + "X" * 150
    shop.inventory(folder / "inv.csv", [(sku, "Main", 1)])
    shop.amazon_listings(folder / "listings.txt", [(sku, 4)])

    _, out, _ = run([str(folder), "--out", str(tmp_path / "out")], capsys)

    line = next(line for line in out.splitlines() if sku in line)
    assert "set Amazon to 1" in line


def test_an_acknowledgement_of_a_key_the_latest_run_did_not_report_is_refused(
    tmp_path: Path, capsys
) -> None:
    out_dir = str(tmp_path / "out")
    run(["--demo", "--out", out_dir, "--format", "json"], capsys)
    ack = ["ledger", "ack", "mismatch:NO-SUCH:amazon", "--units", "1", "--why", "x"]
    ledger = str(tmp_path / "l.sqlite")

    code = main([*ack, "--out", out_dir, "--ledger", ledger])

    err = " ".join(capsys.readouterr().err.split())
    assert code == 2
    assert "is not among the findings of the latest run" in err
    assert not (tmp_path / "l.sqlite").exists()
    assert main([*ack, "--out", out_dir, "--force", "--ledger", ledger]) == 0
