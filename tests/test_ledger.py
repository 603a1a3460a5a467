"""The ledger engine on real SQLite files: holds, states, refusals, the hash chain,
append-only triggers, two writers on one file, and the run lock."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from reconcile.errors import EXIT_BAD_INPUT, EXIT_LOCKED, LedgerError, LockHeld
from reconcile.ledger import (
    DEFAULT_LEDGER,
    GENESIS_HASH,
    Ledger,
    lock_file,
    parse_qty,
    parse_ttl,
    run_lock,
)

MORNING = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)
REMOVED_GUARDS = [
    "the guard against UPDATE of events (trigger events_no_update) has been removed",
    "the guard against DELETE of events (trigger events_no_delete) has been removed",
]


@pytest.fixture
def ledger(tmp_path: Path) -> Ledger:
    return Ledger(tmp_path / "ledger.sqlite")


def hold(ledger: Ledger, sku: str = "00417", qty: int = 3, **changes):
    options = {
        "location": "Main Warehouse",
        "order": "#1001",
        "ttl": timedelta(hours=2),
        "at": MORNING,
    }
    options.update(changes)
    return ledger.reserve(sku, qty, **options)


def raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def tamper(path: Path, statement: str, *params) -> None:
    """Change the file the way someone with the sqlite3 shell could."""
    with raw(path) as conn:
        conn.execute("DROP TRIGGER events_no_update")
        conn.execute("DROP TRIGGER events_no_delete")
        conn.execute(statement, params)


# -- holds ---------------------------------------------------------------------


def test_the_default_ledger_sits_in_the_current_folder():
    assert DEFAULT_LEDGER == Path("reconcile-ledger.sqlite")


def test_hold_ids_are_given_out_in_sequence(ledger):
    ids = [hold(ledger, sku).hold_id for sku in ("00417", "00418", "00419")]

    assert ids == ["H-1", "H-2", "H-3"]


def test_a_new_hold_is_active_and_expires_after_its_ttl(ledger):
    created = hold(ledger, ttl=timedelta(hours=2))

    assert created.state == "active"
    assert created.created_at == MORNING
    assert created.expires_at == datetime(2026, 11, 30, 16, 0, tzinfo=UTC)
    assert created.closed_at is None


def test_a_sku_with_leading_zeros_stays_a_string(ledger):
    hold(ledger, "00417", order="0099")

    kept = ledger.reservations()[0]
    assert (kept.sku, kept.order) == ("00417", "0099")


def test_a_released_hold_is_no_longer_active(ledger):
    hold(ledger)
    released_at = MORNING + timedelta(minutes=30)

    released = ledger.release("H-1", at=released_at, reason="order cancelled")

    assert released.state == "released"
    assert released.closed_at == released_at
    assert [h.state for h in ledger.reservations()] == ["released"]


def test_releasing_accepts_a_hold_id_typed_in_lower_case(ledger):
    hold(ledger)

    assert ledger.release(" h-1 ", at=MORNING).hold_id == "H-1"


def test_fulfilled_and_expired_events_close_their_holds(ledger):
    for _ in range(3):
        hold(ledger)
    ledger.append("reservation.fulfilled", {"hold_id": "H-1"}, MORNING)
    ledger.append("reservation.expired", {"hold_id": "H-2"}, MORNING)

    states = {h.hold_id: h.state for h in ledger.reservations()}
    assert states == {"H-1": "fulfilled", "H-2": "expired", "H-3": "active"}


def test_a_hold_is_overdue_only_after_its_ttl(ledger):
    created = hold(ledger, ttl=timedelta(hours=2))

    assert not created.overdue(MORNING + timedelta(hours=2))
    assert created.overdue(MORNING + timedelta(hours=2, seconds=1))


def test_a_released_hold_is_never_overdue(ledger):
    hold(ledger, ttl=timedelta(minutes=30))

    released = ledger.release("H-1", at=MORNING + timedelta(hours=5))

    assert not released.overdue(MORNING + timedelta(days=3))


def test_times_come_back_in_utc_whatever_zone_they_went_in(ledger):
    new_york = datetime(2026, 11, 30, 9, 0, tzinfo=timezone(timedelta(hours=-5)))
    made = hold(ledger, at=new_york)

    assert made.created_at.tzinfo == UTC
    assert made.created_at == new_york


# -- refusals ------------------------------------------------------------------


@pytest.mark.parametrize("sku", ["", "   "])
def test_a_hold_without_a_sku_is_refused(ledger, sku):
    with pytest.raises(LedgerError) as refused:
        hold(ledger, sku)

    assert str(refused.value) == "a hold needs a SKU; the SKU given is empty"
    assert refused.value.exit_code == EXIT_BAD_INPUT


@pytest.mark.parametrize("qty", [0, -2, 2.5, True])
def test_a_quantity_that_is_not_a_positive_whole_number_is_refused(ledger, qty):
    with pytest.raises(LedgerError) as refused:
        hold(ledger, qty=qty)

    assert str(refused.value) == (
        f"the quantity to hold must be a whole number from 1 to 999,999,999, not {qty}"
    )


def test_a_hold_time_of_zero_is_refused(ledger):
    with pytest.raises(LedgerError) as refused:
        hold(ledger, ttl=timedelta(0))

    assert str(refused.value) == (
        "the hold time must be longer than zero, like 2h; got 0:00:00"
    )


def test_a_refused_hold_leaves_no_ledger_file(ledger):
    with pytest.raises(LedgerError):
        hold(ledger, qty=0)

    assert not ledger.path.exists()


def test_releasing_an_unknown_hold_names_the_ledger(ledger):
    hold(ledger)

    with pytest.raises(LedgerError) as refused:
        ledger.release("H-9", at=MORNING)

    assert str(refused.value) == (
        f"no hold H-9 in {ledger.path}; `reconcile ledger list` shows the active holds"
    )


def test_releasing_on_a_missing_ledger_refuses_without_creating_it(ledger):
    with pytest.raises(LedgerError, match="no hold H-1 in"):
        ledger.release("H-1", at=MORNING)

    assert not ledger.path.exists()


def test_releasing_a_hold_twice_says_when_it_was_released(ledger):
    hold(ledger)
    ledger.release("H-1", at=MORNING + timedelta(minutes=45))

    with pytest.raises(LedgerError) as refused:
        ledger.release("H-1", at=MORNING + timedelta(hours=1))

    assert str(refused.value) == (
        "hold H-1 is already released (since 2026-11-30 14:45 UTC); only an active "
        "hold can be released"
    )
    assert len(ledger.events()) == 2


def test_a_fulfilled_hold_cannot_be_released(ledger):
    hold(ledger)
    ledger.append("reservation.fulfilled", {"hold_id": "H-1"}, MORNING)

    with pytest.raises(LedgerError, match="hold H-1 is already fulfilled"):
        ledger.release("H-1", at=MORNING)


def test_an_event_kind_the_ledger_does_not_know_is_refused(ledger):
    with pytest.raises(ValueError, match="unknown ledger event kind 'stock.moved'"):
        ledger.append("stock.moved", {}, MORNING)

    assert not ledger.path.exists()


def test_an_event_missing_a_key_is_refused(ledger):
    with pytest.raises(ValueError, match="a sync_failure event needs detail"):
        ledger.append("sync_failure", {"channel": "amazon"}, MORNING)


def test_a_time_without_a_zone_is_refused(ledger):
    with pytest.raises(ValueError, match="timezone-aware"):
        hold(ledger, at=datetime(2026, 11, 30, 14, 0))


def test_writing_into_a_missing_folder_names_the_path(tmp_path):
    ledger = Ledger(tmp_path / "nowhere" / "ledger.sqlite")

    with pytest.raises(LedgerError) as refused:
        hold(ledger)

    assert str(refused.value).startswith(
        f"cannot write the ledger {ledger.path}: the folder {ledger.path.parent} "
        "does not exist"
    )


def test_a_file_that_is_not_a_ledger_is_reported(tmp_path):
    path = tmp_path / "ledger.sqlite"
    path.write_text("sku,qty\n00417,3\n" * 200)

    with pytest.raises(LedgerError, match=f"cannot read the ledger {path}"):
        Ledger(path).reservations()


# -- ttl and quantity as typed -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30m", timedelta(minutes=30)),
        ("2h", timedelta(hours=2)),
        ("3d", timedelta(days=3)),
        ("1w", timedelta(weeks=1)),
        ("1d12h", timedelta(days=1, hours=12)),
        (" 2H30M ", timedelta(hours=2, minutes=30)),
    ],
)
def test_hold_times_are_read_in_minutes_hours_days_and_weeks(text, expected):
    assert parse_ttl(text) == expected


@pytest.mark.parametrize("text", ["", "2", "2x", "h2", "12h1d", "1.5h", "-2h"])
def test_an_unreadable_hold_time_lists_the_accepted_forms(text):
    with pytest.raises(LedgerError) as refused:
        parse_ttl(text)

    assert str(refused.value) == (
        f"cannot read the hold time '{text}'; write a number and a unit: 30m "
        "(minutes), 2h (hours), 3d (days) or 1w (weeks), or combine them largest "
        "first, like 1d12h"
    )


def test_a_typed_quantity_keeps_whole_numbers_only():
    assert parse_qty(" 12 ") == 12

    with pytest.raises(
        LedgerError, match="whole number from 1 to 999,999,999, not 1.5"
    ):
        parse_qty("1.5")
    with pytest.raises(LedgerError, match="not 99999999999999999999"):
        parse_qty("99999999999999999999")


# -- the file ------------------------------------------------------------------


def test_reading_a_missing_ledger_finds_nothing_and_creates_no_file(ledger):
    assert ledger.events() == []
    assert ledger.reservations() == []
    assert ledger.corrections() == []
    assert ledger.verify() == []

    assert not ledger.exists()
    assert list(ledger.path.parent.iterdir()) == []


def test_the_ledger_file_is_in_wal_mode_after_the_first_write(ledger):
    hold(ledger)

    with raw(ledger.path) as conn:
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_events_are_stored_with_utc_text_and_sorted_json(ledger):
    hold(ledger, note="for the Black Friday bundle")

    with raw(ledger.path) as conn:
        at, kind, payload = conn.execute(
            "SELECT at, kind, payload FROM events"
        ).fetchone()
    assert at == "2026-11-30T14:00:00Z"
    assert kind == "reservation.created"
    assert list(json.loads(payload)) == sorted(json.loads(payload))
    assert json.loads(payload)["expires_at"] == "2026-11-30T16:00:00Z"


def test_the_hash_chain_starts_from_zeros_and_links_each_event(ledger):
    hold(ledger)
    hold(ledger)

    with raw(ledger.path) as conn:
        rows = conn.execute(
            "SELECT id, at, kind, payload, prev_hash, hash FROM events ORDER BY id"
        ).fetchall()
    assert rows[0][4] == GENESIS_HASH == "0" * 64
    assert rows[1][4] == rows[0][5]
    for event_id, at, kind, payload, prev_hash, digest in rows:
        body = json.dumps(
            [event_id, at, kind, json.loads(payload)],
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        )
        assert hashlib.sha256((prev_hash + body).encode()).hexdigest() == digest


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE events SET payload = '{}' WHERE id = 1",
        "DELETE FROM events WHERE id = 1",
    ],
)
def test_the_file_refuses_changing_or_deleting_an_event(ledger, statement):
    hold(ledger)

    with raw(ledger.path) as conn, pytest.raises(sqlite3.DatabaseError) as refused:
        conn.execute(statement)

    assert "the ledger is append-only" in str(refused.value)
    assert len(ledger.events()) == 1


# -- verify --------------------------------------------------------------------


def test_an_untouched_ledger_verifies_clean(ledger):
    hold(ledger)
    ledger.release("H-1", at=MORNING)

    assert ledger.verify() == []


def test_verify_catches_a_quantity_edited_after_the_fact(ledger):
    hold(ledger, qty=3)
    hold(ledger, qty=5)
    edited = '{"expires_at":"2026-11-30T16:00:00Z","hold_id":"H-1","qty":1}'

    tamper(ledger.path, "UPDATE events SET payload = ? WHERE id = 1", edited)

    assert ledger.verify() == [
        "event 1: its contents do not match its hash (changed after it was written)",
        *REMOVED_GUARDS,
    ]


def test_verify_catches_an_event_deleted_from_the_middle(ledger):
    for _ in range(3):
        hold(ledger)

    tamper(ledger.path, "DELETE FROM events WHERE id = 2")

    assert "event 2 is missing (deleted?)" in ledger.verify()


def test_verify_catches_the_last_event_deleted(ledger):
    for _ in range(3):
        hold(ledger)

    tamper(ledger.path, "DELETE FROM events WHERE id = 3")

    assert "event 3 is missing (deleted?) from the end of the ledger" in (
        ledger.verify()
    )


def test_verify_reports_the_removed_guards(ledger):
    hold(ledger)

    tamper(ledger.path, "SELECT 1")

    assert ledger.verify() == REMOVED_GUARDS


def test_a_write_after_a_deleted_tail_does_not_hide_the_gap(ledger):
    hold(ledger)
    hold(ledger)
    tamper(ledger.path, "DELETE FROM events WHERE id = 2")

    hold(ledger)

    assert "event 2 is missing (deleted?)" in ledger.verify()


# -- two writers ---------------------------------------------------------------


def test_two_ledger_objects_on_one_file_keep_one_chain(tmp_path):
    path = tmp_path / "ledger.sqlite"
    cron, person = Ledger(path), Ledger(path)

    hold(cron)
    hold(person)
    cron.release("H-2", at=MORNING)
    hold(person)

    assert [h.hold_id for h in cron.reservations()] == ["H-1", "H-2", "H-3"]
    assert person.verify() == []


def test_writers_in_parallel_never_share_a_hold_id(tmp_path):
    path = tmp_path / "ledger.sqlite"
    hold(Ledger(path))  # the file exists before the race, as in daily use

    def reserve_many() -> None:
        writer = Ledger(path)
        for _ in range(15):
            hold(writer)

    threads = [threading.Thread(target=reserve_many) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    ids = [h.hold_id for h in Ledger(path).reservations()]
    assert sorted(ids, key=lambda i: int(i[2:])) == [f"H-{n}" for n in range(1, 47)]
    assert Ledger(path).verify() == []


# -- other event kinds ---------------------------------------------------------


def test_a_correction_reads_back_with_its_times(ledger):
    payload = {
        "finding_key": "negative_stock:00417:Main Warehouse",
        "sku": "00417",
        "location": "Main Warehouse",
        "delta": 4,
        "action": "set on hand to 4",
        "root_cause": "return not restocked",
        "note": None,
        "effective_at": MORNING - timedelta(hours=1),
    }
    ledger.append("correction", payload, MORNING)

    [correction] = ledger.corrections()
    assert correction["delta"] == 4
    assert correction["effective_at"] == MORNING - timedelta(hours=1)
    assert correction["at"] == MORNING


def test_an_acknowledgement_keeps_its_until_as_a_time(ledger):
    until = "2026-12-07T00:00:00+01:00"
    ledger.append(
        "acknowledgement",
        {
            "finding_key": "mismatch:00417:amazon",
            "until": until,
            "who": "sam",
            "why": "listing paused",
            "shortfall": 2,
        },
        MORNING,
    )

    [acknowledged] = ledger.acknowledgements()
    assert acknowledged["until"] == datetime(2026, 12, 6, 23, 0, tzinfo=UTC)
    assert acknowledged["shortfall"] == 2


def test_a_run_is_recorded_with_its_inputs_and_counts(ledger):
    event = ledger.record_run(
        run_id="2026-11-30T1400Z",
        started=MORNING,
        finished=MORNING + timedelta(seconds=42),
        counts={("negative_stock", "critical"): {"new": 2, "known": 1}},
        inputs=[
            {"path": "inventory.csv", "layout": "shopify", "rows": 1200, "sha256": "ab"}
        ],
        exit_code=1,
    )

    [stored] = ledger.events(["run"])
    assert stored == event
    assert stored.at == MORNING + timedelta(seconds=42)
    assert stored.payload["counts"] == {
        "negative_stock/critical": {"new": 2, "known": 1}
    }
    assert stored.payload["inputs"][0]["rows"] == 1200
    assert stored.payload["exit_code"] == 1


def test_events_can_be_read_by_kind(ledger):
    hold(ledger)
    ledger.append("sync_failure", {"channel": "ebay", "detail": "timeout"}, MORNING)

    assert [e.kind for e in ledger.events(["sync_failure"])] == ["sync_failure"]
    assert [e.id for e in ledger.events()] == [1, 2]


# -- run lock ------------------------------------------------------------------


def test_a_second_run_on_the_same_ledger_is_refused(ledger):
    with run_lock(ledger.path), pytest.raises(LockHeld) as refused:
        with run_lock(ledger.path):
            pass

    message = str(refused.value)
    assert message.startswith(
        f"another reconcile run is using {ledger.path} (lock {lock_file(ledger.path)}"
    )
    assert "wait for it to finish" in message
    assert refused.value.exit_code == EXIT_LOCKED


def test_the_lock_is_free_again_and_gone_after_a_run(ledger):
    with run_lock(ledger.path):
        assert lock_file(ledger.path).exists()

    with run_lock(ledger.path):
        pass
    assert not lock_file(ledger.path).exists()


def test_the_lock_sits_next_to_the_ledger(tmp_path):
    assert lock_file(tmp_path / "shop.sqlite") == tmp_path / "shop.sqlite.lock"
