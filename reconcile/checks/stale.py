"""Stale reservations: stock held for orders that are not moving.

A ledger hold past its ttl, or whose Shopify order is no longer open; a Shopify
order line still committing stock after N days unfulfilled or unpaid. Low severity,
keyed by hold id or by order and line, never by SKU alone: review and release.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from reconcile.checks import findings_frame, iso, source_refs
from reconcile.config import Settings
from reconcile.frames import isin

DAY = pd.Timedelta(days=1)


def stale_holds(
    holds: pd.DataFrame, shopify: pd.DataFrame, as_of: datetime
) -> pd.DataFrame:
    if holds.empty:
        return findings_frame()
    clock = pd.Timestamp(as_of)
    overdue = holds["expires_at"] < clock
    closed = _closed_shopify_orders(shopify)
    order = holds["order"].fillna("").str.strip()
    order_closed = (order != "") & isin(order, closed)
    rows = holds.loc[overdue | order_closed]
    if rows.empty:
        return findings_frame()
    reason = order_closed.loc[rows.index].map(
        {True: "order_closed", False: "hold_past_ttl"}
    )
    frame = pd.DataFrame(
        {
            "kind": "stale_reservation",
            "severity": "low",
            "key": "stale_reservation:hold:" + rows["hold_id"],
            "sku": rows["sku"],
            "title": None,
            "location": rows["location"],
            "channel": None,
            "expected": 0,
            "actual": rows["qty"].astype("int64"),
            "difference": rows["qty"].astype("int64"),
            "action": "release hold " + rows["hold_id"],
            "sources": [[f"ledger:{hold}"] for hold in rows["hold_id"]],
        }
    )
    frame["detail"] = [
        {
            "reason": why,
            "hold_id": hold,
            "order_id": ref or None,
            "qty": int(qty),
            "age_days": round((clock - created) / DAY, 1),
            "expires_at": iso(expires),
        }
        for why, hold, ref, qty, created, expires in zip(
            reason,
            rows["hold_id"],
            rows["order"],
            rows["qty"],
            rows["created_at"],
            rows["expires_at"],
            strict=True,
        )
    ]
    return findings_frame(frame)


def _closed_shopify_orders(shopify: pd.DataFrame) -> set[str]:
    """Shopify orders none of whose lines is still open."""
    if shopify.empty:
        return set()
    still_open = shopify.groupby("order_id")["is_open"].any()
    closed = still_open.index[~still_open]
    return set(closed) | {name.lstrip("#") for name in closed}


def stale_orders(
    shopify: pd.DataFrame, settings: Settings, as_of: datetime
) -> pd.DataFrame:
    """Open Shopify order lines unpaid or unfulfilled for too long."""
    if shopify.empty:
        return findings_frame()
    clock = pd.Timestamp(as_of)
    age = (clock - shopify["created_at"]) / DAY
    holding = shopify["is_open"] & (shopify["open_qty"] > 0)
    unpaid = (
        holding
        & (shopify["financial_status"] == "pending")
        & (age >= settings.unpaid_order_days)
    )
    unfulfilled = holding & ~unpaid & (age >= settings.stale_order_days)
    flagged = unpaid | unfulfilled
    if not flagged.any():
        return findings_frame()
    rows = shopify.loc[flagged].assign(age=age[flagged])
    reason = unpaid.loc[rows.index].map(
        {True: "order_unpaid", False: "order_unfulfilled"}
    )
    frame = pd.DataFrame(
        {
            "kind": "stale_reservation",
            "severity": "low",
            "key": "stale_reservation:order:"
            + rows["order_id"]
            + ":"
            + rows["line_id"],
            "sku": rows["sku"].where(rows["sku"] != "", None),
            "title": rows["title"],
            "location": None,
            "channel": "shopify",
            "expected": 0,
            "actual": rows["open_qty"].astype("int64"),
            "difference": rows["open_qty"].astype("int64"),
            "sources": [[ref] for ref in source_refs(rows)],
        }
    )
    frame["action"] = [
        f"{'chase payment for' if why == 'order_unpaid' else 'fulfil or cancel'} {order}"
        for why, order in zip(reason, rows["order_id"], strict=True)
    ]
    frame["detail"] = [
        {
            "reason": why,
            "order_id": order,
            "line": line,
            "qty": int(qty),
            "age_days": round(float(days), 1),
            "placed": iso(placed),
            "financial_status": status,
        }
        for why, order, line, qty, days, placed, status in zip(
            reason,
            rows["order_id"],
            rows["line_id"],
            rows["open_qty"],
            rows["age"],
            rows["created_at"],
            rows["financial_status"],
            strict=True,
        )
    ]
    return findings_frame(frame)
