"""Projected availability per SKU: what Shopify has, less what is promised elsewhere.

    projected = available - pending - held + corrections

available: Shopify's sellable available summed over sellable locations.
pending:   open marketplace lines that ship from Shopify's stock and that Shopify
           does not count yet (per channel sync mode).
held:      active ledger holds Shopify does not already count.
corrections: ledger corrections made after the inventory snapshot was taken.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd

from reconcile.config import Settings
from reconcile.frames import isin

REFERENCE_SPLIT = r"[^A-Za-z0-9_-]+"


@dataclass(frozen=True)
class Inputs:
    """The canonical tables of one run, SKUs already normalised."""

    stock: pd.DataFrame
    listings: pd.DataFrame
    marketplace: pd.DataFrame  # order lines of every channel but Shopify
    shopify: pd.DataFrame  # Shopify order lines
    holds: (
        pd.DataFrame
    )  # active ledger holds: hold_id, sku, qty, location, order, expires_at, created_at
    corrections: pd.DataFrame  # sku, delta, effective_at
    snapshot_time: datetime  # when the Shopify inventory export was taken
    shopify_orders_as_of: datetime | None  # when the Shopify orders export was taken
    as_of: datetime  # the clock for ttl and ages


def sellable(stock: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    if settings.sellable_locations is None:
        return stock
    return stock.loc[stock["location"].isin(settings.sellable_locations)]


def shopify_references(shopify: pd.DataFrame, fields: tuple[str, ...]) -> pd.Series:
    """Every token of the chosen Shopify order fields, where connectors copy order numbers."""
    if shopify.empty:
        return pd.Series([], dtype="str")
    orders = shopify.drop_duplicates("order_id")
    text = orders["order_id"] if "Name" in fields else pd.Series("", index=orders.index)
    for name in fields:
        if name != "Name":
            text = text + " " + orders[f"ref:{name}"]
    tokens = text.str.split(REFERENCE_SPLIT, regex=True).explode().astype("str")
    return tokens[tokens != ""].drop_duplicates()


def shopify_names(shopify: pd.DataFrame) -> pd.Series:
    """Shopify order names without their `#`: what a merchant-order-id may hold."""
    return shopify["order_id"].str.lstrip("#").drop_duplicates()


def mark_counted(inputs: Inputs, settings: Settings) -> pd.DataFrame:
    """Marketplace lines with `in_shopify`, `pushed` and `pending` flags.

    Only open lines that ship from Shopify's stock can be pending, so only those
    are looked up among the Shopify orders.
    """
    lines = inputs.marketplace.copy()
    demand = lines["is_open"] & lines["ships_from_shopify"] & (lines["open_qty"] > 0)
    lines["in_shopify"] = _found_in_shopify(
        lines.loc[demand], inputs, settings
    ).reindex(lines.index, fill_value=False)
    lines["pushed"] = _pushed(lines, inputs, settings)
    lines["pending"] = demand & ~lines["in_shopify"] & ~lines["pushed"]
    return lines


def _found_in_shopify(
    lines: pd.DataFrame, inputs: Inputs, settings: Settings
) -> pd.Series:
    found = pd.Series(False, index=lines.index)
    if lines.empty or inputs.shopify.empty:
        return found
    names = shopify_names(inputs.shopify)
    tokens: dict[tuple[str, ...], pd.Series] = {}
    for channel, part in lines.groupby("channel", sort=False):
        fields = settings.channel(channel).order_fields
        if fields not in tokens:
            tokens[fields] = shopify_references(inputs.shopify, fields)
        merchant_ref = part["merchant_order_id"].str.lstrip("#")
        found[part.index] = isin(part["order_id"], tokens[fields]) | (
            (merchant_ref != "") & isin(merchant_ref, names)
        )
    return found


def _pushed(lines: pd.DataFrame, inputs: Inputs, settings: Settings) -> pd.Series:
    """Lines a `push` connector has already taken off Shopify's stock by snapshot time."""
    pushed = pd.Series(False, index=lines.index)
    for channel in lines["channel"].unique():
        channel_settings = settings.channel(channel)
        if channel_settings.sync != "push":
            continue
        cutoff = pd.Timestamp(inputs.snapshot_time) - timedelta(
            minutes=channel_settings.lag_minutes
        )
        pushed |= (lines["channel"] == channel) & (lines["created_at"] < cutoff)
    return pushed


def counted_holds(
    holds: pd.DataFrame, inputs: Inputs, lines: pd.DataFrame
) -> pd.Series:
    """Holds whose order Shopify (or a pending marketplace line) already counts."""
    if holds.empty:
        return pd.Series(False, index=holds.index)
    order = holds["order"].fillna("").str.strip()
    shopify_orders = pd.concat(
        [shopify_names(inputs.shopify), inputs.shopify["order_id"]]
    )
    pending_orders = lines.loc[lines["pending"], "order_id"]
    return (order != "") & (
        isin(order.str.lstrip("#"), shopify_orders) | isin(order, pending_orders)
    )


def held_holds(inputs: Inputs, lines: pd.DataFrame) -> pd.DataFrame:
    """The active holds that count as held: those Shopify does not count already."""
    return inputs.holds.loc[~counted_holds(inputs.holds, inputs, lines)]


def project(inputs: Inputs, lines: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """One row per Shopify SKU: available, pending, held, corrections, incoming, projected."""
    stock = sellable(inputs.stock, settings)
    quantities = pd.DataFrame(
        {
            "sku": stock["sku"],
            "available": stock["available"].fillna(0).astype("int64"),
            "incoming": stock["incoming"].fillna(0).astype("int64"),
        }
    )
    sums = quantities.groupby("sku", sort=False)[["available", "incoming"]].sum()
    titles = inputs.stock.drop_duplicates("sku").set_index("sku")["title"]
    per_sku = sums.reindex(titles.index).fillna(0)
    per_sku.insert(0, "title", titles)

    pending = lines.loc[lines["pending"]].groupby("sku")["open_qty"].sum()
    held = held_holds(inputs, lines).groupby("sku")["qty"].sum()
    later = inputs.corrections["effective_at"] > pd.Timestamp(inputs.snapshot_time)
    corrections = inputs.corrections.loc[later].groupby("sku")["delta"].sum()

    for name, values in (
        ("pending", pending),
        ("held", held),
        ("corrections", corrections),
    ):
        per_sku[name] = values.reindex(per_sku.index).fillna(0)
    numbers = ["available", "incoming", "pending", "held", "corrections"]
    per_sku[numbers] = per_sku[numbers].astype("int64")
    per_sku["projected"] = (
        per_sku["available"]
        - per_sku["pending"]
        - per_sku["held"]
        + per_sku["corrections"]
    )
    return per_sku
