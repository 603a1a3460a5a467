"""Negative stock: more promised than exists, across the network or at one location.

Network: projected < 0 is critical (an oversell), except a pre-order SKU whose
shortfall incoming stock covers, which is low. Location: one sellable location below
zero while the network total is not is high; a transfer fixes it.
"""

from __future__ import annotations

import pandas as pd

from reconcile.checks import findings_frame, iso, refs_by, source_refs
from reconcile.checks.projection import sellable
from reconcile.config import Settings
from reconcile.frames import isin, lookup


def negative_stock(
    per_sku: pd.DataFrame,
    stock: pd.DataFrame,
    lines: pd.DataFrame,
    holds: pd.DataFrame,
    settings: Settings,
) -> pd.DataFrame:
    """`holds` are the ledger holds counted as held (see projection)."""
    network = _network(per_sku, stock, lines, holds, settings)
    located = _locations(per_sku, stock, settings)
    return findings_frame(pd.concat([network, located], ignore_index=True))


def _network(
    per_sku: pd.DataFrame,
    stock: pd.DataFrame,
    lines: pd.DataFrame,
    holds: pd.DataFrame,
    settings: Settings,
) -> pd.DataFrame:
    short = per_sku.loc[per_sku["projected"] < 0].copy()
    if short.empty:
        return findings_frame()
    short["shortfall"] = -short["projected"]
    orders = _orders_behind(short["shortfall"], lines)
    held = _holds_by_sku(holds.loc[isin(holds["sku"], short.index)])
    places = _location_lists(stock.loc[isin(stock["sku"], short.index)], settings)
    stock_refs = refs_by(stock.loc[isin(stock["sku"], short.index)], "sku")

    preorder = short.index.isin(settings.preorder_skus) & (
        short["incoming"] >= short["shortfall"]
    )
    frame = pd.DataFrame(
        {
            "kind": "negative_stock",
            "severity": pd.Series(preorder, index=short.index).map(
                {True: "low", False: "critical"}
            ),
            "key": "negative_stock:" + short.index.to_series(),
            "sku": short.index,
            "title": short["title"],
            "location": None,
            "channel": None,
            "expected": 0,
            "actual": short["projected"],
            "difference": short["projected"],
        },
        index=short.index,
    )
    frame["detail"] = [
        {
            "shortfall": int(row.shortfall),
            "projected": int(row.projected),
            "available": int(row.available),
            "pending": int(row.pending),
            "held": int(row.held),
            "corrections": int(row.corrections),
            "incoming": int(row.incoming),
            "orders": orders.get(sku, []),
            "holds": held.get(sku, []),
            "surplus_locations": [p for p in places.get(sku, []) if p["available"] > 0],
            "locations": places.get(sku, []),
        }
        for sku, row in zip(short.index, short.itertuples(), strict=True)
    ]
    frame["action"] = [
        _network_action(d, pre)
        for d, pre in zip(frame["detail"], preorder, strict=True)
    ]
    frame["sources"] = [
        stock_refs.get(sku, []) + [o.pop("source") for o in detail["orders"]]
        for sku, detail in zip(short.index, frame["detail"], strict=True)
    ]
    return frame.reset_index(drop=True)


def _network_action(detail: dict, preorder: bool) -> str:
    if preorder:
        return f"pre-order: {detail['incoming']} incoming covers it"
    buyers = len(detail["orders"])
    if not buyers and detail["holds"]:
        ids = ", ".join(hold["hold_id"] for hold in detail["holds"])
        return f"short {detail['shortfall']}: release or reduce hold(s) {ids}"
    return f"short {detail['shortfall']}: set channels to 0, contact {buyers} buyer(s)"


def _holds_by_sku(holds: pd.DataFrame) -> dict[str, list[dict]]:
    records = [
        {"hold_id": hold, "qty": int(qty), "order": order or None}
        for hold, qty, order in zip(
            holds["hold_id"], holds["qty"], holds["order"], strict=True
        )
    ]
    grouped: dict[str, list[dict]] = {}
    for sku, record in zip(holds["sku"], records, strict=True):
        grouped.setdefault(sku, []).append(record)
    return grouped


def _orders_behind(shortfall: pd.Series, lines: pd.DataFrame) -> dict[str, list[dict]]:
    """Per SKU, the newest pending lines that together make up the shortfall."""
    pending = lines.loc[lines["pending"] & isin(lines["sku"], shortfall.index)]
    pending = pending.sort_values(
        ["sku", "created_at", "order_id"], ascending=[True, False, False]
    )
    total = pending.groupby("sku", sort=False)["open_qty"].cumsum()
    before = total - pending["open_qty"]
    taken = pending.loc[before < lookup(pending["sku"], shortfall)]
    records = pd.DataFrame(
        {
            "sku": taken["sku"],
            "record": [
                {
                    "channel": c,
                    "order_id": o,
                    "qty": int(q),
                    "placed": iso(t),
                    "source": s,
                }
                for c, o, q, t, s in zip(
                    taken["channel"],
                    taken["order_id"],
                    taken["open_qty"],
                    taken["created_at"],
                    source_refs(taken),
                    strict=True,
                )
            ],
        }
    )
    return records.groupby("sku", sort=False)["record"].agg(list).to_dict()


def _location_lists(stock: pd.DataFrame, settings: Settings) -> dict[str, list[dict]]:
    rows = sellable(stock, settings).sort_values(["sku", "location"])
    records = pd.DataFrame(
        {
            "sku": rows["sku"],
            "record": [
                {"location": loc, "available": int(0 if pd.isna(a) else a)}
                for loc, a in zip(rows["location"], rows["available"], strict=True)
            ],
        }
    )
    return records.groupby("sku", sort=False)["record"].agg(list).to_dict()


def _locations(
    per_sku: pd.DataFrame, stock: pd.DataFrame, settings: Settings
) -> pd.DataFrame:
    rows = sellable(stock, settings)
    below = rows.loc[(rows["available"] < 0).fillna(False)]
    below = below.loc[lookup(below["sku"], per_sku["projected"]) >= 0]
    if below.empty:
        return findings_frame()
    places = _location_lists(rows.loc[isin(rows["sku"], below["sku"])], settings)

    frame = pd.DataFrame(
        {
            "kind": "negative_stock",
            "severity": "high",
            "key": "negative_stock:" + below["sku"] + ":" + below["location"],
            "sku": below["sku"],
            "title": below["title"],
            "location": below["location"],
            "channel": None,
            "expected": 0,
            "actual": below["available"].astype("int64"),
            "difference": below["available"].astype("int64"),
            "sources": [[ref] for ref in source_refs(below)],
        }
    )
    details, actions = [], []
    for sku, location, available, projected in zip(
        below["sku"],
        below["location"],
        below["available"],
        lookup(below["sku"], per_sku["projected"]),
        strict=True,
    ):
        detail, action = _transfer(
            places.get(sku, []), location, int(available), int(projected)
        )
        details.append(detail)
        actions.append(action)
    frame["detail"] = details
    frame["action"] = actions
    return frame.reset_index(drop=True)


def _transfer(
    places: list[dict], location: str, available: int, projected: int
) -> tuple[dict, str]:
    shortfall = -available
    surplus = sorted(
        (p for p in places if p["location"] != location and p["available"] > 0),
        key=lambda p: -p["available"],
    )
    detail = {
        "shortfall": shortfall,
        "available": available,
        "projected": projected,
        "surplus_locations": surplus,
        "locations": places,
    }
    if not surplus:
        return detail, f"recount {location}"
    units = min(shortfall, surplus[0]["available"])
    return detail, f"transfer {units} from {surplus[0]['location']}"
