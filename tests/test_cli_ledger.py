"""`reconcile ledger ...` as a merchant types it: exit codes and what is printed."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cli import output
from cli.app import main
from reconcile.ledger import Ledger


@pytest.fixture(autouse=True)
def normal_output(monkeypatch):
    # Another command's --quiet must not silence these.
    monkeypatch.setitem(output.state, "verbosity", output.Verbosity.NORMAL)


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return tmp_path / "ledger.sqlite"


def said(text: str) -> str:
    """Output with line wrapping undone, as one line of words."""
    return " ".join(text.split())


def table_rows(text: str) -> dict[str, str]:
    """Table lines by hold id, spaces squeezed."""
    rows = [said(line) for line in text.splitlines()]
    return {row.split()[0]: row for row in rows if re.match(r"H-\d+ ", row)}


def reserve(book: Path, sku="00417", qty="3", *extra: str) -> int:
    return main(
        [
            "ledger",
            "reserve",
            sku,
            qty,
            "--location",
            "Main Warehouse",
            "--order",
            "#1001",
            "--ttl",
            "2h",
            "--ledger",
            str(book),
            *extra,
        ]
    )


def test_reserving_prints_the_hold_and_when_it_ends(book, capsys):
    code = reserve(book)

    line = said(capsys.readouterr().out)
    assert code == 0
    match = re.fullmatch(
        r"Held 3 x 00417 at Main Warehouse for order #1001 until "
        r"(\d{4}-\d\d-\d\d \d\d:\d\d) UTC \(hold H-1\)\.",
        line,
    )
    assert match, line
    until = datetime.strptime(match.group(1), "%Y-%m-%d %H:%M").replace(tzinfo=UTC)
    assert abs(until - (datetime.now(UTC) + timedelta(hours=2))) < timedelta(minutes=2)


def test_a_hold_shows_in_the_list_until_it_is_released(book, capsys):
    reserve(book)
    capsys.readouterr()

    assert main(["ledger", "list", "--ledger", str(book)]) == 0
    row = table_rows(capsys.readouterr().out)["H-1"]
    assert row.startswith("H-1 00417 3 Main Warehouse #1001 ")
    assert row.endswith(" active")

    code = main(["ledger", "release", "H-1", "--reason", "paid", "--ledger", str(book)])
    assert code == 0
    assert said(capsys.readouterr().out) == (
        "Released hold H-1: 3 x 00417 at Main Warehouse for order #1001. Reason: paid."
    )

    assert main(["ledger", "list", "--ledger", str(book)]) == 0
    assert said(capsys.readouterr().out) == f"No active holds in {book}."


def test_listing_all_holds_shows_released_ones_with_their_state(book, capsys):
    reserve(book, "00417")
    reserve(book, "00418")
    main(["ledger", "release", "H-1", "--ledger", str(book)])
    capsys.readouterr()

    main(["ledger", "list", "--all", "--ledger", str(book)])

    rows = table_rows(capsys.readouterr().out)
    assert rows["H-1"].endswith(" released")
    assert rows["H-2"].endswith(" active")


def test_a_hold_past_its_ttl_is_listed_as_overdue(book, capsys):
    three_hours_ago = datetime.now(UTC) - timedelta(hours=3)
    Ledger(book).reserve(
        "00417",
        2,
        location="Main Warehouse",
        order="#1001",
        ttl=timedelta(hours=1),
        at=three_hours_ago,
    )

    main(["ledger", "list", "--ledger", str(book)])

    assert table_rows(capsys.readouterr().out)["H-1"].endswith(" overdue")


def test_the_list_as_json_has_one_object_per_hold(book, capsys):
    reserve(book, "00417", "3", "--note", "bundle [A] for the market stall")
    capsys.readouterr()

    code = main(["ledger", "list", "--format", "json", "--ledger", str(book)])

    holds = json.loads(capsys.readouterr().out)
    assert code == 0
    assert len(holds) == 1
    assert holds[0]["hold"] == "H-1"
    assert holds[0]["sku"] == "00417"
    assert holds[0]["qty"] == 3
    assert holds[0]["location"] == "Main Warehouse"
    assert holds[0]["order"] == "#1001"
    assert (holds[0]["state"], holds[0]["overdue"]) == ("active", False)
    assert set(holds[0]) >= {"created", "expires"}


def test_the_json_list_of_an_empty_ledger_is_an_empty_list(book, capsys):
    code = main(["ledger", "list", "--format", "json", "--ledger", str(book)])

    assert code == 0
    assert json.loads(capsys.readouterr().out) == []


def test_listing_a_missing_ledger_says_so_and_creates_nothing(book, capsys):
    code = main(["ledger", "list", "--ledger", str(book)])

    assert code == 0
    assert said(capsys.readouterr().out) == f"No active holds in {book}."
    assert list(book.parent.iterdir()) == []


def test_releasing_an_unknown_hold_exits_2_and_says_where_to_look(book, capsys):
    reserve(book)
    capsys.readouterr()

    code = main(["ledger", "release", "H-9", "--ledger", str(book)])

    assert code == 2
    assert said(capsys.readouterr().err) == (
        f"error: no hold H-9 in {book}; `reconcile ledger list` shows the active holds"
    )


def test_a_quantity_that_is_not_whole_exits_2_and_writes_nothing(book, capsys):
    code = reserve(book, "00417", "2.5")

    assert code == 2
    assert said(capsys.readouterr().err) == (
        "error: the quantity to hold must be a whole number from 1 to 999,999,999, not 2.5"
    )
    assert not book.exists()


def test_an_unreadable_hold_time_exits_2_with_the_accepted_forms(book, capsys):
    code = main(
        ["ledger", "reserve", "00417", "1", "--location", "Main Warehouse"]
        + ["--order", "#1001", "--ttl", "two hours", "--ledger", str(book)]
    )

    assert code == 2
    assert "30m (minutes), 2h (hours), 3d (days) or 1w (weeks)" in said(
        capsys.readouterr().err
    )


def test_a_hold_without_a_ttl_is_refused_before_anything_is_written(book, capsys):
    code = main(
        ["ledger", "reserve", "00417", "1", "--location", "Main Warehouse"]
        + ["--order", "#1001", "--ledger", str(book)]
    )

    assert code == 2
    assert "--ttl" in capsys.readouterr().err
    assert not book.exists()


def test_reserving_into_a_missing_folder_exits_2_naming_it(tmp_path, capsys):
    book = tmp_path / "no such folder" / "ledger.sqlite"

    code = reserve(book)

    assert code == 2
    assert said(capsys.readouterr().err).startswith(
        f"error: cannot write the ledger {book}: the folder {book.parent} does not "
        "exist"
    )


def test_verify_counts_the_events_of_an_intact_ledger(book, capsys):
    reserve(book)
    main(["ledger", "release", "H-1", "--ledger", str(book)])
    capsys.readouterr()

    code = main(["ledger", "verify", "--ledger", str(book)])

    assert code == 0
    assert said(capsys.readouterr().out) == "Ledger intact: 2 events"


def test_verify_exits_2_and_lists_an_edited_event(book, capsys):
    reserve(book)
    reserve(book, "00418")
    with sqlite3.connect(book, isolation_level=None) as conn:
        conn.execute("DROP TRIGGER events_no_update")
        conn.execute("UPDATE events SET at = '2026-01-01T00:00:00Z' WHERE id = 2")
    capsys.readouterr()

    code = main(["ledger", "verify", "--ledger", str(book)])

    err = capsys.readouterr().err
    assert code == 2
    assert f"the ledger {book} is broken: 2 problem(s)" in said(err)
    assert "event 2: its contents do not match its hash" in said(err)
    assert "trigger events_no_update" in said(err)


def test_verify_of_a_missing_ledger_passes_and_creates_nothing(book, capsys):
    code = main(["ledger", "verify", "--ledger", str(book)])

    assert code == 0
    assert said(capsys.readouterr().out) == (
        f"Ledger intact: 0 events ({book} does not exist yet)"
    )
    assert list(book.parent.iterdir()) == []
