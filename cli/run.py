"""`reconcile run`: read the exports, run the checks, write the reports, show the worst."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import typer

from cli import output
from reconcile.config import Settings, find_config, load_settings, parse_timestamp
from reconcile.engine import RunRequest, new_run_id, reconcile, record_run
from reconcile.errors import ConfigError
from reconcile.ledger import Ledger, run_lock
from reconcile.model import FAIL_ON_LEVELS, RunResult
from reports.console import morning_screen
from reports.files import check_formats, write_run

# The demo's clock is fixed so its numbers never drift from the README.
DEMO_AS_OF = "2026-11-30T14:00:00Z"
DEMO_SNAPSHOT = "2026-11-30T13:30:00Z"


def demo_folder() -> Path:
    return Path(str(resources.files("sample_data")))


def run(
    paths: list[Path] = typer.Argument(
        None,
        help="Export files, or folders holding them; each file's layout is detected.",
    ),
    out: Path = typer.Option(
        None,
        "--out",
        help="Folder for run reports (default ./reports, or the out path in reconcile.toml).",
    ),
    ledger: Path = typer.Option(
        None,
        "--ledger",
        help="Ledger file (default ./reconcile-ledger.sqlite, or the ledger path in reconcile.toml).",
    ),
    as_of: str = typer.Option(
        None,
        "--as-of",
        help="Clock for hold ttl and order age, ISO-8601 (default now).",
    ),
    snapshot_time: str = typer.Option(
        None,
        "--snapshot-time",
        help="When the exports were taken (default each file's modification time).",
    ),
    fail_on: str = typer.Option(
        None,
        "--fail-on",
        help="Exit 1 on a new finding at or above: critical, high, low or never (default high).",
    ),
    formats: str = typer.Option(
        "csv,xlsx,json",
        "--format",
        help="Report formats, comma-separated: csv, xlsx, json.",
    ),
    tolerance: int = typer.Option(
        None,
        "--tolerance",
        min=0,
        help="Units a listing may be over or under before it is flagged "
        "(default 0 over, the larger of 2 and 10% under).",
    ),
    config: Path = typer.Option(
        None, "--config", help="Settings file (default ./reconcile.toml)."
    ),
    demo: bool = typer.Option(
        False,
        "--demo",
        help="Reconcile the bundled demo shop on a fixed clock and a throwaway ledger.",
    ),
    quiet: bool = typer.Option(
        False, "-q", "--quiet", help="Print only the counts and problems."
    ),
    verbose: bool = typer.Option(
        False, "-v", "--verbose", help="Say more about each step."
    ),
) -> None:
    """Reconcile Shopify stock against marketplace orders and listings."""
    if quiet and verbose:
        raise ConfigError("-q and -v contradict each other; choose one")
    output.set_verbosity(quiet, verbose)
    chosen_formats = check_formats(formats.split(","))
    if demo:
        if paths:
            raise ConfigError(
                "--demo reconciles the bundled demo shop; drop it to reconcile "
                "your own exports"
            )
        config = config or demo_folder() / "reconcile.toml"
        paths = paths or [demo_folder()]
        as_of = as_of or DEMO_AS_OF
        snapshot_time = snapshot_time or DEMO_SNAPSHOT
    if not paths:
        raise ConfigError(
            "give the export files or folders to reconcile (or --demo to try the sample shop)"
        )
    settings = _settings(config, fail_on, tolerance)

    with tempfile.TemporaryDirectory(prefix="reconcile-demo-") as scratch:
        ledger_path = ledger or (
            Path(scratch) / "ledger.sqlite" if demo else settings.ledger
        )
        request = RunRequest(
            paths=tuple(paths),
            settings=settings,
            as_of=_clock(as_of, settings),
            snapshot_time=_snapshot(snapshot_time, settings),
            ledger_path=ledger_path,
            demo=demo,
        )
        result, folder = _reconcile_and_write(
            request, out or settings.out, chosen_formats
        )

    _show(result, folder, None if demo and ledger is None else ledger_path)
    raise typer.Exit(result.exit_code)


def _show(result: RunResult, folder: Path, ledger: Path | None) -> None:
    level = output.verbosity()
    screen = morning_screen(
        result,
        folder,
        ledger,
        quiet=level == output.Verbosity.QUIET,
        plain=not output.is_terminal(),
        verbose=level == output.Verbosity.VERBOSE,
    )
    output.show(screen)


def _settings(
    config: Path | None, fail_on: str | None, tolerance: int | None
) -> Settings:
    settings = load_settings(find_config(config, Path.cwd()))
    if fail_on is not None:
        if fail_on not in FAIL_ON_LEVELS:
            raise ConfigError(
                f"--fail-on {fail_on!r}: use one of {', '.join(FAIL_ON_LEVELS)}"
            )
        settings = replace(settings, fail_on=fail_on)
    if tolerance is not None:
        settings = settings.with_tolerance(tolerance)
    return settings


def _clock(as_of: str | None, settings: Settings) -> datetime:
    if as_of is None:
        return datetime.now(UTC).replace(microsecond=0)
    return parse_timestamp(as_of, settings.timezone, "--as-of")


def _snapshot(snapshot_time: str | None, settings: Settings) -> datetime | None:
    if snapshot_time is None:
        return None
    return parse_timestamp(snapshot_time, settings.timezone, "--snapshot-time")


def _reconcile_and_write(request: RunRequest, out: Path, formats: list[str]):
    with run_lock(request.ledger_path):
        # Refused now rather than after the reports exist without their run event,
        # and never trusting holds or acknowledgements from an edited ledger.
        ledger = Ledger(request.ledger_path)
        ledger.check_writable()
        ledger.check_intact()
        started = datetime.now(UTC)
        output.detail(f"reading {len(request.paths)} path(s)")
        result = reconcile(request, new_run_id(started))
        folder = write_run(result, out, formats)
        record_run(
            request.ledger_path, result, request.paths, started, datetime.now(UTC)
        )
    return result, folder
