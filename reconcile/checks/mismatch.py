"""Mismatches between systems: channel listings against projected stock, and orders
an importing connector should have copied into Shopify by now.

For a listing, expected = max(0, projected - buffer). Listed above zero while
projected is zero or less: critical. Over-listed beyond tolerance: high. Under-listed
beyond tolerance: low. A listed SKU that matches nothing in Shopify: high.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd

from reconcile.checks import findings_frame, iso, source_refs
from reconcile.config import Settings
from reconcile.frames import isin, lookup

MIN_UNDER_TOLERANCE = 2
UNDER_TOLERANCE_SHARE = 0.10
CHANNEL_NAMES = {
    "amazon": "Amazon",
    "ebay": "eBay",
    "walmart": "Walmart",
    "etsy": "Etsy",
    "tiktok": "TikTok",
}


def listing_mismatches(
    per_sku: pd.DataFrame, listings: pd.DataFrame, settings: Settings
) -> pd.DataFrame:
    rows = _offers(listings.loc[listings["compared"]])
    if rows.empty:
        return findings_frame()
    known = isin(rows["sku"], per_sku.index)
    # A pre-order SKU may be sold against its incoming stock.
    preorder = per_sku.index.isin(settings.preorder_skus)
    sellable = per_sku["projected"] + per_sku["incoming"].where(preorder, 0)
    projected = lookup(rows["sku"], sellable.astype("Int64")).fillna(0).astype("int64")
    buffer = (
        rows["channel"]
        .map({c: settings.channel(c).buffer for c in rows["channel"].unique()})
        .astype("int64")
    )
    listed = rows["listed_qty"].astype("int64")
    harmless = ~known & (listed == 0)
    expected = np.maximum(0, projected - buffer).where(known, 0)
    over = listed - expected
    under_tolerance = _under_tolerance(expected, settings)

    reason = np.select(
        [
            ~known,
            (listed > 0) & (projected <= 0),
            over > settings.over_tolerance,
            -over > under_tolerance,
        ],
        ["unknown_sku", "listed_without_stock", "over_listed", "under_listed"],
        default="",
    )
    severity = pd.Series(reason, index=rows.index).map(
        {
            "unknown_sku": "high",
            "listed_without_stock": "critical",
            "over_listed": "high",
            "under_listed": "low",
        }
    )
    # An unknown SKU listed at 0 cannot oversell: worth tidying, not alarming.
    severity = severity.where(~harmless, "low")
    flagged = reason != ""
    rows = rows.assign(
        projected=projected,
        buffer=buffer,
        listed=listed,
        expected=expected,
        reason=reason,
        severity=severity,
        tolerance=np.where(over > 0, settings.over_tolerance, under_tolerance),
    ).loc[flagged]
    return (
        findings_frame(_listing_findings(rows, per_sku))
        if not rows.empty
        else findings_frame()
    )


def _offers(compared: pd.DataFrame) -> pd.DataFrame:
    """One row per channel and Shopify SKU: the units of every listing mapped to it.

    Two channel SKUs aliased to one Shopify SKU (or equal once the case rule is
    applied) offer the same stock twice; they are compared as their total. Only
    those few are grouped: grouping every listing costs a Python call per SKU.
    """
    columns = ["channel", "sku", "listed_qty", "title", "file", "row", "channel_sku"]
    if "channel_sku" not in compared:
        compared = compared.assign(channel_sku=compared["sku"])
    compared = compared.loc[:, columns].assign(ref=source_refs(compared))
    shared = compared.duplicated(["channel", "sku"], keep=False)
    single = compared.loc[~shared].assign(
        sources=[[ref] for ref in compared.loc[~shared, "ref"]]
    )
    if not shared.any():
        return single.drop(columns="ref").reset_index(drop=True)
    grouped = compared.loc[shared].groupby(["channel", "sku"], sort=False)
    merged = grouped.agg(
        listed_qty=("listed_qty", "sum"),
        title=("title", "first"),
        file=("file", "first"),
        row=("row", "first"),
        sources=("ref", list),
        channel_sku=("channel_sku", ", ".join),
    ).reset_index()
    return pd.concat([single.drop(columns="ref"), merged], ignore_index=True)


def _under_tolerance(expected: pd.Series, settings: Settings) -> pd.Series:
    if settings.under_tolerance is not None:
        return pd.Series(settings.under_tolerance, index=expected.index)
    return np.maximum(MIN_UNDER_TOLERANCE, UNDER_TOLERANCE_SHARE * expected)


def _listing_findings(rows: pd.DataFrame, per_sku: pd.DataFrame) -> pd.DataFrame:
    titles = lookup(rows["sku"], per_sku["title"])
    frame = pd.DataFrame(
        {
            "kind": "mismatch",
            "severity": rows["severity"],
            "key": "mismatch:" + rows["sku"] + ":" + rows["channel"],
            "sku": rows["sku"],
            "title": titles.where(titles.notna(), rows["title"]),
            "location": None,
            "channel": rows["channel"],
            "expected": rows["expected"],
            "actual": rows["listed"],
            "difference": rows["listed"] - rows["expected"],
            "sources": rows["sources"],
        }
    )
    frame["detail"] = [
        {
            "reason": r.reason,
            "listed": int(r.listed),
            "projected": int(r.projected),
            "buffer": int(r.buffer),
            "tolerance": _number(r.tolerance),
            "channel_sku": r.channel_sku,
        }
        for r in rows.itertuples()
    ]
    frame["action"] = [
        _listing_action(r.reason, r.channel, int(r.expected), r.channel_sku)
        for r in rows.itertuples()
    ]
    return frame


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else round(float(value), 2)


def _listing_action(reason: str, channel: str, expected: int, listings: str) -> str:
    name = CHANNEL_NAMES.get(channel, channel)
    if ", " in listings and reason != "unknown_sku":
        return f"set {name} to {expected} in total across {listings}"
    if reason == "unknown_sku":
        return f"map the {name} SKU to a Shopify SKU"
    if reason == "under_listed":
        return f"raise {name} to {expected}"
    return f"set {name} to {expected}"


def orders_not_in_shopify(
    lines: pd.DataFrame, settings: Settings, orders_as_of
) -> pd.DataFrame:
    """Open lines of `import` channels still missing from Shopify after the import lag."""
    if orders_as_of is None:
        return findings_frame()
    late = pd.Series(False, index=lines.index)
    for channel in lines["channel"].unique():
        channel_settings = settings.channel(channel)
        if channel_settings.sync != "import":
            continue
        cutoff = pd.Timestamp(orders_as_of) - timedelta(
            minutes=channel_settings.lag_minutes
        )
        late |= (lines["channel"] == channel) & (lines["created_at"] < cutoff)
    rows = lines.loc[
        late & lines["is_open"] & lines["ships_from_shopify"] & ~lines["in_shopify"]
    ]
    if rows.empty:
        return findings_frame()
    frame = pd.DataFrame(
        {
            "kind": "mismatch",
            "severity": "high",
            "key": "mismatch:"
            + rows["sku"]
            + ":"
            + rows["channel"]
            + ":order:"
            + rows["order_id"],
            "sku": rows["sku"],
            "title": rows["title"],
            "location": None,
            "channel": rows["channel"],
            "expected": rows["open_qty"].astype("int64"),
            "actual": 0,
            "difference": -rows["open_qty"].astype("int64"),
            "sources": [[ref] for ref in source_refs(rows)],
            "action": "import order " + rows["order_id"] + " into Shopify",
        }
    )
    frame["detail"] = [
        {
            "reason": "order_not_in_shopify",
            "order_id": o,
            "qty": int(q),
            "placed": iso(t),
        }
        for o, q, t in zip(
            rows["order_id"], rows["open_qty"], rows["created_at"], strict=True
        )
    ]
    return findings_frame(frame)
