"""Settings a merchant keeps in `reconcile.toml`, validated, with their defaults.

Command-line options override the file; the file overrides the defaults. Any
unknown key or wrong value is a ConfigError naming the file and the key.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from reconcile.errors import ConfigError
from reconcile.model import FAIL_ON_LEVELS

CONFIG_NAME = "reconcile.toml"
SYNC_MODES = ("none", "import", "push")
SKU_CASES = ("keep", "upper", "lower")
CHANNELS = ("amazon", "ebay", "walmart", "etsy", "tiktok")
EARLIEST_CLOCK, LATEST_CLOCK = 2000, 2200
MAX_LAG = 60 * 24 * 365  # minutes: a lag beyond a year means "never"
ORDER_FIELDS = ("Name", "Tags", "Note Attributes", "Notes", "Payment Reference")


@dataclass(frozen=True)
class ChannelSettings:
    """How one marketplace channel syncs with Shopify, and its listing buffer."""

    sync: str = "none"
    lag_minutes: int = 60
    buffer: int = 0
    order_fields: tuple[str, ...] = ORDER_FIELDS
    sku_aliases: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Settings:
    shop_name: str | None = None
    timezone: str = "UTC"
    sellable_locations: tuple[str, ...] | None = None  # None: every location
    preorder_skus: tuple[str, ...] = ()
    sku_case: str = "keep"
    over_tolerance: int = 0
    under_tolerance: int | None = None  # None: max(2 units, 10 % of expected)
    stale_order_days: int = 7
    unpaid_order_days: int = 3
    stale_input_hours: int = 24
    fail_on: str = "high"
    ledger: Path = Path("reconcile-ledger.sqlite")
    out: Path = Path("reports")
    channels: Mapping[str, ChannelSettings] = field(default_factory=dict)
    source: Path | None = None

    def channel(self, name: str) -> ChannelSettings:
        return self.channels.get(name, ChannelSettings())

    def with_tolerance(self, units: int) -> Settings:
        return replace(self, over_tolerance=units, under_tolerance=units)


def find_config(explicit: Path | None, cwd: Path) -> Path | None:
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"config file {explicit} does not exist")
        return explicit
    candidate = cwd / CONFIG_NAME
    return candidate if candidate.is_file() else None


def load_settings(path: Path | None) -> Settings:
    if path is None:
        return Settings()
    try:
        # Windows editors may save the file with a byte-order mark.
        document = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML ({error}); fix the file") from error
    return _Parser(path).settings(document)


class _Parser:
    """Walks the TOML document, refusing anything it does not know."""

    def __init__(self, path: Path):
        self.path = path

    def fail(self, key: str, message: str) -> ConfigError:
        return ConfigError(f"{self.path}: [{key}] {message}")

    def settings(self, doc: dict[str, Any]) -> Settings:
        self.only(doc, "", {"shop", "sku", "checks", "paths", "channels"})
        shop = self.table(
            doc, "shop", {"name", "timezone", "sellable_locations", "preorder_skus"}
        )
        sku = self.table(doc, "sku", {"case"})
        checks = self.table(
            doc,
            "checks",
            {
                "tolerance",
                "over_tolerance",
                "under_tolerance",
                "stale_order_days",
                "unpaid_order_days",
                "stale_input_hours",
                "fail_on",
            },
        )
        paths = self.table(doc, "paths", {"ledger", "out"})
        base = self.path.parent
        return Settings(
            shop_name=self.text(shop, "shop.name", None),
            timezone=self.zone(shop.get("timezone", "UTC")),
            sellable_locations=self.names(shop, "shop.sellable_locations", None),
            preorder_skus=self.names(shop, "shop.preorder_skus", ()) or (),
            sku_case=self.choice(sku, "sku.case", SKU_CASES, "keep"),
            over_tolerance=self.units(
                checks,
                "over_tolerance" if "over_tolerance" in checks else "tolerance",
                0,
            ),
            under_tolerance=self.optional_units(checks),
            stale_order_days=self.units(checks, "stale_order_days", 7),
            unpaid_order_days=self.units(checks, "unpaid_order_days", 3),
            stale_input_hours=self.units(checks, "stale_input_hours", 24),
            fail_on=self.choice(checks, "checks.fail_on", FAIL_ON_LEVELS, "high"),
            ledger=base / paths["ledger"] if "ledger" in paths else Settings.ledger,
            out=base / paths["out"] if "out" in paths else Settings.out,
            channels=self.channels(doc.get("channels", {})),
            source=self.path,
        )

    def only(self, table: dict[str, Any], name: str, allowed: set[str]) -> None:
        unknown = sorted(set(table) - allowed)
        if unknown:
            where = name or "top level"
            raise self.fail(
                where,
                f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}",
            )

    def table(
        self, doc: dict[str, Any], name: str, allowed: set[str]
    ) -> dict[str, Any]:
        value = doc.get(name, {})
        if not isinstance(value, dict):
            raise self.fail(name, "must be a table")
        self.only(value, name, allowed)
        return value

    def text(self, table: dict[str, Any], key: str, default: str | None) -> str | None:
        value = table.get(key.split(".")[-1], default)
        if value is not None and not isinstance(value, str):
            raise self.fail(key, "must be text")
        return value

    def names(
        self, table: dict[str, Any], key: str, default: Any
    ) -> tuple[str, ...] | None:
        value = table.get(key.split(".")[-1])
        if value is None:
            return default
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(key, "must be a list of names in quotes")
        if not value:
            raise self.fail(key, "is empty; name at least one, or leave the key out")
        return tuple(value)

    def zone(self, value: Any) -> str:
        try:
            ZoneInfo(str(value))
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise self.fail(
                "shop.timezone",
                f"{value!r} is not a time zone name (e.g. America/New_York)",
            ) from error
        return str(value)

    def choice(
        self, table: dict[str, Any], key: str, allowed: tuple[str, ...], default: str
    ) -> str:
        value = table.get(key.split(".")[-1], default)
        if value not in allowed:
            raise self.fail(key, f"is {value!r}; use one of {', '.join(allowed)}")
        return value

    def units(
        self, table: dict[str, Any], key: str, default: Any, section: str = "checks"
    ) -> int:
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.fail(
                f"{section}.{key}", f"is {value!r}; use a whole number, 0 or more"
            )
        return value

    def optional_units(self, checks: dict[str, Any]) -> int | None:
        if "under_tolerance" in checks:
            return self.units(checks, "under_tolerance", 0)
        if "tolerance" in checks:
            return self.units(checks, "tolerance", 0)
        return None

    def channels(self, doc: Any) -> dict[str, ChannelSettings]:
        if not isinstance(doc, dict):
            raise self.fail("channels", "must be a table of channels")
        self.only(doc, "channels", set(CHANNELS))
        return {name: self.channel(name, body) for name, body in doc.items()}

    def channel(self, name: str, body: Any) -> ChannelSettings:
        key = f"channels.{name}"
        table = self.table(
            {key: body},
            key,
            {"sync", "lag_minutes", "buffer", "order_fields", "sku_aliases"},
        )
        aliases = table.get("sku_aliases", {})
        if not isinstance(aliases, dict) or not all(
            isinstance(v, str) for v in aliases.values()
        ):
            raise self.fail(
                f"{key}.sku_aliases", 'must map channel SKU to Shopify SKU: "A1" = "B1"'
            )
        fields = self.names(table, f"{key}.order_fields", ORDER_FIELDS)
        unknown = sorted(set(fields or ()) - set(ORDER_FIELDS))
        if unknown:
            raise self.fail(
                f"{key}.order_fields",
                f"unknown field(s) {unknown}; use {list(ORDER_FIELDS)}",
            )
        return ChannelSettings(
            sync=self.choice(table, f"{key}.sync", SYNC_MODES, "none"),
            lag_minutes=min(self.units(table, "lag_minutes", 60, section=key), MAX_LAG),
            buffer=self.units(table, "buffer", 0, section=key),
            order_fields=fields or ORDER_FIELDS,
            sku_aliases=dict(aliases),
        )


def parse_timestamp(text: str, zone: str, option: str) -> datetime:
    """An ISO-8601 time from the command line; without an offset it is shop time."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError as error:
        raise ConfigError(
            f"{option} {text!r} is not a timestamp; use ISO-8601 like 2026-11-30T14:00:00Z "
            "or 2026-11-30 09:00 (shop time)"
        ) from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    if not EARLIEST_CLOCK <= moment.year <= LATEST_CLOCK:
        raise ConfigError(
            f"{option} {text!r} is outside {EARLIEST_CLOCK}-{LATEST_CLOCK}; "
            "check the year"
        )
    return moment.astimezone(UTC)
