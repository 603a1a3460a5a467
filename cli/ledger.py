"""`reconcile ledger ...`: hold and release stock, list the holds, check the ledger.

Commands read their options, call reconcile.ledger and print through cli.output;
expected failures are LedgerErrors that cli.app turns into exit code 2.
"""

from __future__ import annotations

import enum
import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.table import Table
from rich.text import Text

from cli import output
from reconcile.config import Settings, find_config, load_settings
from reconcile.errors import LedgerError
from reconcile.ledger import (
    DEFAULT_LEDGER,
    Ledger,
    Reservation,
    parse_qty,
    parse_ttl,
    parse_units,
    when_text,
)
from reconcile.model import KINDS
from reports.jsonfile import latest_finding_keys

app = typer.Typer(
    help="Hold and release stock; read the audit trail.", no_args_is_help=True
)

LedgerOption = Annotated[
    Path | None,
    typer.Option(
        "--ledger",
        metavar="FILE",
        dir_okay=False,
        help="The ledger file: holds and history kept between runs. Created on the "
        "first hold; reading a missing one creates nothing. "
        "(default: the ledger in ./reconcile.toml, else ./reconcile-ledger.sqlite)",
    ),
]


def _settings() -> Settings:
    return load_settings(find_config(None, Path.cwd()))


def _ledger_path(given: Path | None) -> Path:
    """--ledger, else the ledger named in ./reconcile.toml, else the default file."""
    if given is not None:
        return given
    config = find_config(None, Path.cwd())
    return load_settings(config).ledger if config else DEFAULT_LEDGER


def _require_reported(key: str, out: Path) -> None:
    """An acknowledgement can never be taken back: check the key was really reported."""
    keys = latest_finding_keys(out)
    if keys is None:
        raise LedgerError(
            f"no run report in {out} to check {key} against; run `reconcile run` "
            "first (or give --out), or pass --force"
        )
    if key not in keys:
        raise LedgerError(
            f"{key} is not among the findings of the latest run in {out}; check the "
            "key, or pass --force to acknowledge it anyway"
        )


FINDING_KINDS = tuple(f"{kind}:" for kind in KINDS)
ACK_SHORTEST, ACK_LONGEST = timedelta(minutes=1), timedelta(weeks=52)


class ListFormat(enum.StrEnum):
    table = "table"
    json = "json"


@app.command()
def reserve(
    sku: Annotated[
        str,
        typer.Argument(
            metavar="SKU", help="The SKU to hold, exactly as in Shopify (00417)."
        ),
    ],
    qty: Annotated[
        str,
        typer.Argument(
            metavar="QTY", help="How many units to hold: a whole number above 0."
        ),
    ],
    location: Annotated[
        str,
        typer.Option(
            "--location", help="The location the units are held at (Main Warehouse)."
        ),
    ],
    order: Annotated[
        str,
        typer.Option(
            "--order", help="The order or reference they are held for (#1001)."
        ),
    ],
    ttl: Annotated[
        str,
        typer.Option(
            "--ttl",
            help="How long the hold should last before it shows as overdue: 30m, 2h, "
            "3d, 1w or 1d12h.",
        ),
    ],
    note: Annotated[
        str | None,
        typer.Option(
            "--note", help="Why the units are held, for whoever reads it later."
        ),
    ] = None,
    ledger: LedgerOption = None,
) -> None:
    """Hold units of a SKU for an order, so they no longer count as available."""
    ledger = _ledger_path(ledger)
    for option, value in (("--location", location), ("--order", order)):
        if not value.strip():
            raise LedgerError(
                f"{option} is empty; say where and for what the units are held"
            )
    hold = Ledger(ledger).reserve(
        sku,
        parse_qty(qty),
        location=location,
        order=order,
        ttl=parse_ttl(ttl),
        at=_now(),
        note=note,
    )

    output.info(
        f"Held {_what(hold)} until {when_text(hold.expires_at)} (hold {hold.hold_id})."
    )


@app.command()
def release(
    hold_id: Annotated[
        str,
        typer.Argument(
            metavar="HOLD_ID", help="The hold to release, like H-1 (see `ledger list`)."
        ),
    ],
    reason: Annotated[
        str | None,
        typer.Option("--reason", help="Why it is released, kept in the audit trail."),
    ] = None,
    ledger: LedgerOption = None,
) -> None:
    """End a hold: its units count as available again."""
    ledger = _ledger_path(ledger)
    hold = Ledger(ledger).release(hold_id, at=_now(), reason=reason)

    because = f" Reason: {reason}." if reason else ""
    output.info(f"Released hold {hold.hold_id}: {_what(hold)}.{because}")


@app.command()
def ack(
    finding_key: Annotated[
        str,
        typer.Argument(
            metavar="FINDING_KEY",
            help="The finding's key, as in the reports (mismatch:TEE-BLK-L:amazon).",
        ),
    ],
    units: Annotated[
        str,
        typer.Option(
            "--units",
            help="The units the finding showed (its difference, without sign); if it "
            "grows beyond them it is new again.",
        ),
    ],
    why: Annotated[str, typer.Option("--why", help="Why it may stay quiet.")],
    until: Annotated[
        str,
        typer.Option("--until", help="How long it stays quiet: 30m, 2h, 3d, 1w."),
    ] = "7d",
    who: Annotated[
        str | None, typer.Option("--who", help="Who acknowledged it.")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="The reports folder whose latest run must show the finding "
            "(default ./reports, or the out path in reconcile.toml).",
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Acknowledge a key the latest run did not report."
        ),
    ] = False,
    ledger: LedgerOption = None,
) -> None:
    """Acknowledge a finding: shown as known, never failing a run, until it grows."""
    ledger = _ledger_path(ledger)
    if not why.strip():
        raise LedgerError("--why is empty; say why the finding may stay quiet")
    if not finding_key.strip().startswith(FINDING_KINDS):
        raise LedgerError(
            f"{finding_key!r} is not a finding key; copy one from a report's key "
            "column, like mismatch:TEE-BLK-L:amazon"
        )
    if not force:
        _require_reported(finding_key.strip(), out or _settings().out)
    if parse_units(units) < 1:
        raise LedgerError("--units must be 1 or more: the units the finding showed")
    now = _now()
    quiet_until = now + parse_ttl(until)
    if not ACK_SHORTEST <= quiet_until - now <= ACK_LONGEST:
        raise LedgerError("--until must be between 1m and 52w")
    Ledger(ledger).append(
        "acknowledgement",
        {
            "finding_key": finding_key.strip(),
            "until": quiet_until,
            "who": who or os.environ.get("USER") or "unknown",
            "why": why.strip(),
            "shortfall": parse_units(units),
        },
        now,
    )
    output.info(
        f"Acknowledged {finding_key.strip()} up to {parse_units(units)} unit(s) "
        f"until {when_text(quiet_until)}."
    )


@app.command("list")
def list_holds(
    show_all: Annotated[
        bool,
        typer.Option(
            "--all",
            help="Show every hold with its state, released, fulfilled and expired "
            "ones too.",
        ),
    ] = False,
    output_format: Annotated[
        ListFormat,
        typer.Option("--format", help="table to read, json for scripts."),
    ] = ListFormat.table,
    ledger: LedgerOption = None,
) -> None:
    """Show the active holds; an overdue one is probably holding stock for nothing."""
    ledger = _ledger_path(ledger)
    now = _now()
    holds = Ledger(ledger).reservations()
    if not show_all:
        holds = [hold for hold in holds if hold.state == "active"]

    if output_format is ListFormat.json:
        rows = [_hold_row(hold, now) for hold in holds]
        text = json.dumps(rows, indent=2, ensure_ascii=False)
        output.out.print(text, markup=False, highlight=False, soft_wrap=True)
    elif holds:
        output.out.print(_holds_table(holds, now))
    else:
        output.info(f"No {'' if show_all else 'active '}holds in {ledger}.")


@app.command()
def verify(ledger: LedgerOption = None) -> None:
    """Check that no event was changed or removed since it was written."""
    ledger = _ledger_path(ledger)
    book = Ledger(ledger)
    problems = book.verify()
    if problems:
        listed = "\n".join(f"  {problem}" for problem in problems)
        raise LedgerError(
            f"the ledger {ledger} is broken: {len(problems)} problem(s); it was "
            f"changed outside reconcile:\n{listed}"
        )

    count = len(book.events())
    noun = "event" if count == 1 else "events"
    missing = "" if book.exists() else f" ({ledger} does not exist yet)"
    output.info(f"Ledger intact: {count} {noun}{missing}")


def _now() -> datetime:
    return datetime.now(UTC)


def _what(hold: Reservation) -> str:
    """3 x 00417 at Main Warehouse for order #1001"""
    text = f"{hold.qty} x {hold.sku}"
    if hold.location:
        text += f" at {hold.location}"
    if hold.order:
        text += f" for order {hold.order}"
    return text


def _state(hold: Reservation, now: datetime) -> str:
    return "overdue" if hold.overdue(now) else hold.state


def _hold_row(hold: Reservation, now: datetime) -> dict:
    return {
        "hold": hold.hold_id,
        "sku": hold.sku,
        "qty": hold.qty,
        "location": hold.location,
        "order": hold.order,
        "created": _iso(hold.created_at),
        "expires": _iso(hold.expires_at),
        "state": hold.state,
        "overdue": hold.overdue(now),
    }


def _holds_table(holds: list[Reservation], now: datetime) -> Table:
    # Off a terminal (cron mail, a pipe) boxes are noise.
    table = Table(box=box.SIMPLE_HEAD if output.is_terminal() else None)
    # Ids and quantities never wrap; places and times may, on a narrow terminal.
    table.add_column("Hold", no_wrap=True)
    table.add_column("SKU", no_wrap=True)
    table.add_column("Qty", no_wrap=True, justify="right")
    table.add_column("Location", min_width=10)
    table.add_column("Order", min_width=6)
    table.add_column("Created (UTC)", min_width=10)
    table.add_column("Expires (UTC)", min_width=10)
    table.add_column("State", no_wrap=True)

    for hold in holds:
        # Text cells: a SKU like "[A-1]" must not be read as Rich markup.
        table.add_row(*(Text(cell) for cell in _table_cells(hold, now)))
    return table


def _table_cells(hold: Reservation, now: datetime) -> tuple[str, ...]:
    return (
        hold.hold_id,
        hold.sku,
        str(hold.qty),
        hold.location or "-",
        hold.order or "-",
        _minutes(hold.created_at),
        _minutes(hold.expires_at),
        _state(hold, now),
    )


def _minutes(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M")


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
