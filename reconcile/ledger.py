"""The ledger: a local SQLite file that keeps holds, corrections, acknowledgements
and runs between runs, as an append-only log of events chained by hashes.

This module owns the file format, the hash chain, hold ids, the states derived
from events (a hold is never updated, only followed by a closing event) and the
run lock. It never prints and never exits.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import numbers
import os
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import closing, contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from reconcile.errors import LedgerError, LockHeld

DEFAULT_LEDGER = Path("reconcile-ledger.sqlite")
SCHEMA_VERSION = 1
GENESIS_HASH = "0" * 64
BUSY_TIMEOUT_SECONDS = 5.0

HOLD_STATES = ("active", "released", "fulfilled", "expired")

# Keys every event of a kind must carry; callers may add more.
PAYLOAD_KEYS: dict[str, tuple[str, ...]] = {
    "reservation.created": (
        "hold_id",
        "sku",
        "qty",
        "location",
        "order",
        "ttl_seconds",
        "expires_at",
        "note",
    ),
    "reservation.released": ("hold_id", "reason"),
    "reservation.fulfilled": ("hold_id",),
    "reservation.expired": ("hold_id",),
    "correction": (
        "finding_key",
        "sku",
        "location",
        "delta",
        "action",
        "root_cause",
        "note",
        "effective_at",
    ),
    "acknowledgement": ("finding_key", "until", "who", "why", "shortfall"),
    "run": ("run_id", "started", "finished", "counts", "inputs", "exit_code"),
    "sync_failure": ("channel", "detail"),
}
RUN_INPUT_KEYS = ("path", "layout", "rows", "sha256")

# Payload fields holding a moment in time: stored as ISO-8601 UTC text, read back
# as aware datetimes.
TIME_FIELDS: dict[str, tuple[str, ...]] = {
    "reservation.created": ("expires_at",),
    "correction": ("effective_at",),
    "acknowledgement": ("until",),
    "run": ("started", "finished"),
}

# A closing event ends an active hold; the first one wins.
CLOSING_KINDS = {
    "reservation.released": "released",
    "reservation.fulfilled": "fulfilled",
    "reservation.expired": "expired",
}
RESERVATION_KINDS = ("reservation.created", *CLOSING_KINDS)

_TRIGGERS = {
    "events_no_update": "UPDATE",
    "events_no_delete": "DELETE",
}
_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS events (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        kind TEXT NOT NULL,
        payload TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    )""",
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    *(
        f"CREATE TRIGGER IF NOT EXISTS {name} BEFORE {action} ON events BEGIN "
        "SELECT RAISE(ABORT, 'the ledger is append-only: "
        f"events cannot be {'changed' if action == 'UPDATE' else 'deleted'}'); END"
        for name, action in _TRIGGERS.items()
    ),
)
_COLUMNS = "id, at, kind, payload, prev_hash, hash"
_TTL = re.compile(r"(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?")
_TTL_UNITS = ("weeks", "days", "hours", "minutes")
_HOLD_ID = re.compile(r"h-(\d+)", re.IGNORECASE)


@dataclass(frozen=True)
class Event:
    """One line of the ledger, as written."""

    id: int
    at: datetime
    kind: str
    payload: dict
    hash: str


@dataclass(frozen=True)
class Reservation:
    """A hold on stock, with its state derived from the events that followed it."""

    hold_id: str
    sku: str
    qty: int
    location: str | None
    order: str | None
    created_at: datetime
    expires_at: datetime
    state: str  # active | released | fulfilled | expired
    closed_at: datetime | None
    note: str | None = None

    def overdue(self, as_of: datetime) -> bool:
        """Still held after its time ran out: the stock is probably held for nothing."""
        return self.state == "active" and _utc(as_of) > self.expires_at


class Ledger:
    """One ledger file. Each call opens its own connection, so several Ledger
    objects (or processes) can share a file."""

    def __init__(self, path: Path):
        self.path = Path(path)

    def exists(self) -> bool:
        return self.path.is_file()

    def append(self, kind: str, payload: Mapping[str, Any], at: datetime) -> Event:
        """Write one event at the end of the chain and return it."""
        clean = _clean_payload(kind, payload)

        if kind in CLOSING_KINDS and not self.exists():
            raise self._unknown_hold(clean["hold_id"])

        return self._write(kind, at, lambda conn: self._checked(conn, kind, clean))

    def events(self, kinds: Iterable[str] | None = None) -> list[Event]:
        """Every event in order of writing, or only those of the given kinds."""
        with self._reading() as conn:
            if conn is None:
                return []
            return [self._event(row) for row in _select(conn, kinds)]

    def reserve(
        self,
        sku: str,
        qty: int,
        *,
        location: str | None,
        order: str | None,
        ttl: timedelta,
        at: datetime,
        note: str | None = None,
    ) -> Reservation:
        """Hold qty units of a SKU for ttl; the hold id is given out here."""
        fields = _hold_fields(sku, qty, location, order, ttl, at, note)

        def build(conn: sqlite3.Connection) -> dict[str, Any]:
            return {"hold_id": self._next_hold_id(conn), **fields}

        event = self._write("reservation.created", at, build)
        return _reservation_from(event)

    def release(
        self, hold_id: str, *, at: datetime, reason: str | None = None
    ) -> Reservation:
        """End an active hold; its units count as available again."""
        hold_id = _clean_hold_id(hold_id)
        self.append("reservation.released", {"hold_id": hold_id, "reason": reason}, at)
        return self._hold(hold_id)

    def reservations(self) -> list[Reservation]:
        """Every hold in order of creation, with its state as of the last event."""
        return _derive_holds(self.events(RESERVATION_KINDS))

    def corrections(self) -> list[dict]:
        return self._payloads_with_time("correction")

    def acknowledgements(self) -> list[dict]:
        return self._payloads_with_time("acknowledgement")

    def record_run(
        self,
        *,
        run_id: str,
        started: datetime,
        finished: datetime,
        counts: Mapping[str, Any],
        inputs: Iterable[Mapping[str, Any]],
        exit_code: int,
    ) -> Event:
        """Keep what a run read and found, stamped at the time it finished."""
        payload = {
            "run_id": str(run_id),
            "started": started,
            "finished": finished,
            "counts": counts,
            "inputs": [_run_input(item) for item in inputs],
            "exit_code": int(exit_code),
        }
        return self.append("run", payload, finished)

    def check_writable(self) -> None:
        """Refuse now (LedgerError) if an event could not be appended later.

        A run asks before it writes its reports, so a ledger it cannot write never
        leaves reports without their run event. A missing ledger is not created.
        """
        if not self.exists():
            self._require_folder()
            if not os.access(self.path.parent, os.W_OK):
                raise LedgerError(
                    f"cannot write the ledger {self.path}: its folder is not writable"
                )
            return
        try:
            with closing(self._connect()) as conn:
                # A write that is rolled back: only writing shows a read-only file.
                conn.execute("BEGIN IMMEDIATE")
                conn.execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES ('probe', '')"
                )
                conn.execute("ROLLBACK")
        except sqlite3.DatabaseError as error:
            raise LedgerError(self._write_failure(error)) from error

    def check_intact(self) -> None:
        """LedgerError when an event was changed or removed (see verify)."""
        problems = self.verify()
        if problems:
            raise LedgerError(
                f"the ledger {self.path} was changed outside reconcile "
                f"({problems[0]}); nothing was written. Restore it from a backup; "
                "`reconcile ledger verify` lists every problem"
            )

    def verify(self) -> list[str]:
        """What is wrong with the hash chain, event by event; [] when intact."""
        with self._reading() as conn:
            if conn is None or not _has_events(conn):
                return []

            rows = _select(conn, None)
            problems = _chain_problems(rows)
            problems += _head_problems(rows, _meta(conn, "head"))
            return problems + _trigger_problems(conn)

    # -- reading ---------------------------------------------------------------

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection | None]:
        # A missing ledger reads as empty and is not created: a run that stops on
        # bad input must leave nothing behind.
        if not self.path.exists():
            yield None
            return

        try:
            with closing(self._connect()) as conn:
                self._check_version(conn)
                yield conn
        except sqlite3.DatabaseError as error:
            raise LedgerError(f"cannot read the ledger {self.path}: {error}") from error

    def _event(self, row: tuple) -> Event:
        event_id, at_text, kind, payload_text, _prev, digest = row
        try:
            payload = json.loads(payload_text)
            at = _parse_time(at_text)
        except ValueError as error:
            raise LedgerError(
                f"event {event_id} in {self.path} cannot be read ({error}); "
                f"run `reconcile ledger verify --ledger {self.path}`"
            ) from error

        return Event(event_id, at, kind, payload, digest)

    def _hold(self, hold_id: str) -> Reservation:
        for hold in self.reservations():
            if hold.hold_id == hold_id:
                return hold
        raise self._unknown_hold(hold_id)

    def _payloads_with_time(self, kind: str) -> list[dict]:
        rows = []
        for event in self.events([kind]):
            payload = _times_from_text(kind, event.payload)
            rows.append({**payload, "at": event.at})
        return rows

    # -- writing ---------------------------------------------------------------

    def _write(
        self,
        kind: str,
        at: datetime,
        build: Callable[[sqlite3.Connection], dict[str, Any]],
    ) -> Event:
        at_text = _iso(at)
        self._require_folder()

        try:
            with closing(self._connect()) as conn:
                conn.execute("PRAGMA journal_mode=WAL")
                return self._append_in_transaction(conn, kind, at_text, build)
        except sqlite3.OperationalError as error:
            raise LedgerError(self._write_failure(error)) from error
        except sqlite3.DatabaseError as error:
            raise LedgerError(
                f"cannot write the ledger {self.path}: {error}"
            ) from error

    def _append_in_transaction(
        self,
        conn: sqlite3.Connection,
        kind: str,
        at_text: str,
        build: Callable[[sqlite3.Connection], dict[str, Any]],
    ) -> Event:
        # IMMEDIATE takes the write lock before reading the chain's end, so two
        # writers can never both extend the same event.
        conn.execute("BEGIN IMMEDIATE")
        try:
            _create_schema(conn)
            self._check_version(conn)
            event = _insert(conn, kind, at_text, build(conn))
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

        return event

    def _checked(
        self, conn: sqlite3.Connection, kind: str, payload: dict[str, Any]
    ) -> dict[str, Any]:
        if kind in CLOSING_KINDS:
            self._require_active(conn, payload["hold_id"], CLOSING_KINDS[kind])
        elif kind == "reservation.created":
            self._require_new_hold(conn, payload["hold_id"])
        return payload

    def _require_active(
        self, conn: sqlite3.Connection, hold_id: str, closing_state: str
    ) -> None:
        holds = {hold.hold_id: hold for hold in self._holds_in(conn)}
        hold = holds.get(hold_id)
        if hold is None:
            raise self._unknown_hold(hold_id)

        if hold.state != "active":
            raise LedgerError(
                f"hold {hold_id} is already {hold.state} (since "
                f"{when_text(hold.closed_at)}); only an active hold can be "
                f"{closing_state}"
            )

    def _require_new_hold(self, conn: sqlite3.Connection, hold_id: str) -> None:
        if any(hold.hold_id == hold_id for hold in self._holds_in(conn)):
            raise LedgerError(f"hold {hold_id} already exists in {self.path}")

    def _next_hold_id(self, conn: sqlite3.Connection) -> str:
        numbers_used = [0]
        for hold in self._holds_in(conn):
            match = _HOLD_ID.fullmatch(hold.hold_id)
            if match:
                numbers_used.append(int(match.group(1)))
        return f"H-{max(numbers_used) + 1}"

    def _holds_in(self, conn: sqlite3.Connection) -> list[Reservation]:
        rows = _select(conn, RESERVATION_KINDS)
        return _derive_holds([self._event(row) for row in rows])

    def _require_folder(self) -> None:
        folder = self.path.parent
        if not folder.is_dir():
            raise LedgerError(
                f"cannot write the ledger {self.path}: the folder {folder} does not "
                "exist; create it or pass another --ledger"
            )

    def _write_failure(self, error: sqlite3.DatabaseError) -> str:
        if "locked" in str(error) or "busy" in str(error):
            return (
                f"the ledger {self.path} is busy (another reconcile is writing to "
                "it); try again in a moment"
            )
        return f"cannot write the ledger {self.path}: {error}"

    # -- shared ----------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        # isolation_level=None: transactions are begun and ended here explicitly.
        conn = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None
        )
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
        return conn

    def _check_version(self, conn: sqlite3.Connection) -> None:
        version = _meta(conn, "schema_version")
        if version is not None and int(version) > SCHEMA_VERSION:
            raise LedgerError(
                f"the ledger {self.path} was written by a newer reconcile (ledger "
                f"format {version}, this one reads {SCHEMA_VERSION}); upgrade "
                "reconcile to use it"
            )

    def _unknown_hold(self, hold_id: str) -> LedgerError:
        return LedgerError(
            f"no hold {hold_id} in {self.path}; `reconcile ledger list` shows the "
            "active holds"
        )


def parse_ttl(text: str) -> timedelta:
    """How long a hold lasts: "30m", "2h", "3d", "1w", or combined like "1d12h"."""
    cleaned = text.strip().lower()
    match = _TTL.fullmatch(cleaned)
    if not cleaned or match is None:
        raise LedgerError(
            f"cannot read the hold time '{text}'; write a number and a unit: 30m "
            "(minutes), 2h (hours), 3d (days) or 1w (weeks), or combine them "
            "largest first, like 1d12h"
        )

    amounts = {
        unit: int(value or 0)
        for unit, value in zip(_TTL_UNITS, match.groups(), strict=True)
    }
    return timedelta(**amounts)


def parse_qty(text: str) -> int:
    """A quantity typed by a person: a whole number, refused otherwise."""
    cleaned = text.strip()
    if not cleaned.isascii() or not cleaned.isdigit():
        raise LedgerError(_qty_message(text))
    qty = int(cleaned)
    _check_qty(qty)
    return qty


def parse_units(text: str) -> int:
    """Units a person typed for an acknowledgement: a whole number, 0 or more."""
    cleaned = text.strip().lstrip("+-")
    if not cleaned.isascii() or not cleaned.isdigit() or int(cleaned) > MAX_HOLD_QTY:
        raise LedgerError(
            f"--units must be a whole number of units, like 3, not {text!r}"
        )
    return int(cleaned)


def when_text(moment: datetime | None) -> str:
    """A moment as a person reads it in messages: 2026-11-30 16:00 UTC."""
    if moment is None:
        return "an unknown time"
    return _utc(moment).strftime("%Y-%m-%d %H:%M UTC")


def lock_file(ledger_path: Path) -> Path:
    """The lock a run takes next to its ledger: <ledger>.lock."""
    ledger_path = Path(ledger_path)
    return ledger_path.with_name(ledger_path.name + ".lock")


@contextmanager
def run_lock(ledger_path: Path) -> Iterator[Path]:
    """Hold an exclusive lock on <ledger>.lock for one run; refuse if taken.

    The kernel drops a flock when its process dies, so a crashed run never leaves
    a stale lock; the file itself is removed when the run ends.
    """
    lock_path = lock_file(ledger_path)
    handle = _take_lock(Path(ledger_path), lock_path)
    try:
        yield lock_path
    finally:
        _drop_lock(lock_path, handle)


# -- locking helpers ---------------------------------------------------------------


def _take_lock(ledger_path: Path, lock_path: Path) -> int:
    while True:
        handle = _open_lock(lock_path)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _lock_holder(handle)
            os.close(handle)
            raise LockHeld(_lock_held_message(ledger_path, lock_path, holder)) from None

        # A run that just finished may have removed the file we opened; then our
        # lock guards nothing and we try again on the new file.
        if _still_in_place(handle, lock_path):
            _write_holder(handle)
            return handle
        os.close(handle)


def _open_lock(lock_path: Path) -> int:
    try:
        return os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except FileNotFoundError:
        raise LedgerError(
            f"cannot lock the ledger: the folder {lock_path.parent} does not exist; "
            "create it or pass another --ledger"
        ) from None
    except OSError as error:
        raise LedgerError(
            f"cannot lock the ledger: {lock_path} cannot be created "
            f"({error.strerror}); make the folder writable or pass another --ledger"
        ) from None


def _still_in_place(handle: int, lock_path: Path) -> bool:
    try:
        on_disk = os.stat(lock_path)
    except FileNotFoundError:
        return False
    opened = os.fstat(handle)
    return (on_disk.st_dev, on_disk.st_ino) == (opened.st_dev, opened.st_ino)


def _write_holder(handle: int) -> None:
    os.ftruncate(handle, 0)
    os.write(handle, f"{os.getpid()}\n".encode())


def _lock_holder(handle: int) -> str | None:
    text = os.pread(handle, 32, 0).decode(errors="replace").strip()
    return text if text.isdigit() else None


def _lock_held_message(ledger_path: Path, lock_path: Path, holder: str | None) -> str:
    held_by = f", held by process {holder}" if holder else ""
    return (
        f"another reconcile run is using {ledger_path} (lock {lock_path}{held_by}); "
        "wait for it to finish or stop that run, then try again"
    )


def _drop_lock(lock_path: Path, handle: int) -> None:
    # Removed while still locked, so no other run can lock the old file after us.
    try:
        os.unlink(lock_path)
    except FileNotFoundError:
        pass
    finally:
        os.close(handle)


# -- payloads ----------------------------------------------------------------------


def _clean_payload(kind: str, payload: Mapping[str, Any]) -> dict[str, Any]:
    if kind not in PAYLOAD_KEYS:
        raise ValueError(f"unknown ledger event kind {kind!r}")

    missing = [key for key in PAYLOAD_KEYS[kind] if key not in payload]
    if missing:
        raise ValueError(f"a {kind} event needs {', '.join(missing)}")

    clean = _times_to_text(kind, dict(payload))
    clean = _jsonable(clean)
    _canonical(clean)  # fails here, before any file exists, on values JSON can't hold
    return clean


def _hold_fields(
    sku: str,
    qty: int,
    location: str | None,
    order: str | None,
    ttl: timedelta,
    at: datetime,
    note: str | None,
) -> dict[str, Any]:
    sku = _check_sku(sku)
    _check_qty(qty)
    _check_ttl(ttl)

    return {
        "sku": sku,
        "qty": int(qty),
        "location": _optional_text(location),
        "order": _optional_text(order),
        "ttl_seconds": int(ttl.total_seconds()),
        "expires_at": _iso(_utc(at) + ttl),
        "note": _optional_text(note),
    }


def _check_sku(sku: str) -> str:
    cleaned = str(sku).strip() if sku is not None else ""
    if not cleaned:
        raise LedgerError("a hold needs a SKU; the SKU given is empty")
    return cleaned


MAX_HOLD_QTY = 999_999_999
MAX_TTL = timedelta(days=3650)


def _check_qty(qty: Any) -> None:
    whole = isinstance(qty, numbers.Integral) and not isinstance(qty, bool)
    if not whole or not 0 < qty <= MAX_HOLD_QTY:
        raise LedgerError(_qty_message(qty))


def _qty_message(qty: Any) -> str:
    return (
        "the quantity to hold must be a whole number from 1 to "
        f"{MAX_HOLD_QTY:,}, not {qty}"
    )


def _check_ttl(ttl: timedelta) -> None:
    # Hold times are kept in whole seconds; anything shorter is no hold at all.
    if not isinstance(ttl, timedelta) or ttl < timedelta(seconds=1):
        raise LedgerError(f"the hold time must be longer than zero, like 2h; got {ttl}")
    if ttl > MAX_TTL:
        raise LedgerError(f"the hold time must be at most 10 years (520w); got {ttl}")


def _optional_text(value: str | None) -> str | None:
    if value is None:
        return None
    cleaned = str(value).strip()
    return cleaned or None


def _clean_hold_id(hold_id: str) -> str:
    cleaned = str(hold_id).strip()
    match = _HOLD_ID.fullmatch(cleaned)
    return f"H-{int(match.group(1))}" if match else cleaned


def _run_input(item: Mapping[str, Any]) -> dict[str, Any]:
    missing = [key for key in RUN_INPUT_KEYS if key not in item]
    if missing:
        raise ValueError(f"a run input needs {', '.join(missing)}")
    return dict(item)


def _times_to_text(kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    for name in TIME_FIELDS.get(kind, ()):
        value = payload[name]
        if isinstance(value, str):
            value = _parse_time(value)
        payload[name] = None if value is None else _iso(value)
    return payload


def _times_from_text(kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    readable = dict(payload)
    for name in TIME_FIELDS.get(kind, ()):
        if isinstance(readable.get(name), str):
            readable[name] = _parse_time(readable[name])
    return readable


def _jsonable(value: Any) -> Any:
    """Plain JSON values: datetimes as UTC text, tuples as lists, numpy numbers as
    Python ones, tuple keys (like a (kind, severity) count) joined with '/'."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, datetime):
        return _iso(value)
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, Mapping):
        return {_json_key(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    return value


def _json_key(key: Any) -> str:
    if isinstance(key, tuple):
        return "/".join(str(part) for part in key)
    return str(key)


def _canonical(value: Any) -> str:
    return json.dumps(
        value,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )


# -- holds -------------------------------------------------------------------------


def _derive_holds(events: Iterable[Event]) -> list[Reservation]:
    holds: dict[str, Reservation] = {}
    for event in events:
        if event.kind == "reservation.created":
            holds.setdefault(event.payload["hold_id"], _reservation_from(event))
        elif event.kind in CLOSING_KINDS:
            _close(holds, event)
    return list(holds.values())


def _close(holds: dict[str, Reservation], event: Event) -> None:
    hold = holds.get(event.payload["hold_id"])
    if hold is not None and hold.state == "active":
        state = CLOSING_KINDS[event.kind]
        holds[hold.hold_id] = replace(hold, state=state, closed_at=event.at)


def _reservation_from(event: Event) -> Reservation:
    payload = event.payload
    return Reservation(
        hold_id=payload["hold_id"],
        sku=payload["sku"],
        qty=payload["qty"],
        location=payload["location"],
        order=payload["order"],
        created_at=event.at,
        expires_at=_parse_time(payload["expires_at"]),
        state="active",
        closed_at=None,
        note=payload.get("note"),
    )


# -- storage -----------------------------------------------------------------------


def _create_schema(conn: sqlite3.Connection) -> None:
    for statement in _SCHEMA:
        conn.execute(statement)
    conn.execute(
        "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)",
        (str(SCHEMA_VERSION),),
    )


def _insert(
    conn: sqlite3.Connection, kind: str, at_text: str, payload: dict[str, Any]
) -> Event:
    event_id, prev_hash = _chain_end(conn)
    payload = json.loads(_canonical(payload))
    digest = _event_hash(prev_hash, event_id, at_text, kind, payload)

    conn.execute(
        f"INSERT INTO events ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
        (event_id, at_text, kind, _canonical(payload), prev_hash, digest),
    )
    conn.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES ('head', ?)",
        (f"{event_id} {digest}",),
    )
    return Event(event_id, _parse_time(at_text), kind, payload, digest)


def _chain_end(conn: sqlite3.Connection) -> tuple[int, str]:
    """The next event's id and prev_hash.

    The head kept in meta wins over the table's last row: if events were removed
    from the end, the next event still follows the true last one, and verify
    reports the gap instead of a new write hiding it.
    """
    head = _parse_head(_meta(conn, "head"))
    if head:
        return head[0] + 1, head[1]

    row = conn.execute(
        "SELECT id, hash FROM events ORDER BY id DESC LIMIT 1"
    ).fetchone()
    return (row[0] + 1, row[1]) if row else (1, GENESIS_HASH)


def _parse_head(text: str | None) -> tuple[int, str] | None:
    parts = (text or "").split()
    if len(parts) != 2 or not parts[0].isdigit():
        return None
    return int(parts[0]), parts[1]


def _event_hash(
    prev_hash: str, event_id: int, at_text: str, kind: str, payload: Any
) -> str:
    body = _canonical([event_id, at_text, kind, payload])
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def _select(conn: sqlite3.Connection, kinds: Iterable[str] | None) -> list[tuple]:
    if not _has_events(conn):
        return []
    if kinds is None:
        return conn.execute(f"SELECT {_COLUMNS} FROM events ORDER BY id").fetchall()

    wanted = list(kinds)
    marks = ", ".join("?" for _ in wanted)
    query = f"SELECT {_COLUMNS} FROM events WHERE kind IN ({marks}) ORDER BY id"
    return conn.execute(query, wanted).fetchall()


def _has_events(conn: sqlite3.Connection) -> bool:
    row = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'"
    ).fetchone()
    return row is not None


def _meta(conn: sqlite3.Connection, key: str) -> str | None:
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'"
    ).fetchone()
    if exists is None:
        return None
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


# -- verification ------------------------------------------------------------------


def _chain_problems(rows: list[tuple]) -> list[str]:
    problems: list[str] = []
    expected_id, expected_prev = 1, GENESIS_HASH
    for row in rows:
        problems += _row_problems(row, expected_id, expected_prev)
        expected_id, expected_prev = row[0] + 1, row[5]
    return problems


def _row_problems(row: tuple, expected_id: int, expected_prev: str) -> list[str]:
    event_id, prev_hash = row[0], row[4]
    problems = []

    if event_id > expected_id:
        problems.append(_missing(expected_id, event_id - 1))
    elif prev_hash != expected_prev:
        problems.append(
            f"event {event_id}: does not follow event {event_id - 1} (its prev_hash "
            "is not that event's hash)"
        )

    problem = _content_problem(row)
    return problems + ([problem] if problem else [])


def _content_problem(row: tuple) -> str | None:
    event_id, at_text, kind, payload_text, prev_hash, digest = row
    try:
        payload = json.loads(payload_text)
    except ValueError:
        return f"event {event_id}: its payload is not valid JSON (edited by hand?)"

    if _event_hash(prev_hash, event_id, at_text, kind, payload) != digest:
        return (
            f"event {event_id}: its contents do not match its hash (changed after "
            "it was written)"
        )
    return None


def _missing(first: int, last: int) -> str:
    if first == last:
        return f"event {first} is missing (deleted?)"
    return f"events {first} to {last} are missing (deleted?)"


def _head_problems(rows: list[tuple], head_text: str | None) -> list[str]:
    head = _parse_head(head_text)
    if head is None:
        return [
            "the ledger's record of its last event (meta 'head') is gone or damaged"
        ]

    head_id, head_hash = head
    last_id = rows[-1][0] if rows else 0
    if head_id > last_id:
        return [_missing(last_id + 1, head_id) + " from the end of the ledger"]
    if rows and (head_id, head_hash) != (last_id, rows[-1][5]):
        return [f"event {last_id}: is not the last event the ledger recorded writing"]
    return []


def _trigger_problems(conn: sqlite3.Connection) -> list[str]:
    present = {
        name
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        )
    }
    return [
        f"the guard against {action} of events (trigger {name}) has been removed"
        for name, action in _TRIGGERS.items()
        if name not in present
    ]


# -- time --------------------------------------------------------------------------


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError(f"ledger times must be timezone-aware, got {moment}")
    return moment.astimezone(UTC).replace(microsecond=0)


def _iso(moment: datetime) -> str:
    return _utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_time(text: str) -> datetime:
    return _utc(datetime.fromisoformat(text))
