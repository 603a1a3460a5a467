"""The three checks, each a function from canonical tables to a findings frame.

A findings frame has one row per finding and the columns of FINDING_COLUMNS; the
engine turns it into frozen Finding objects once every check has run.
"""

from __future__ import annotations

import pandas as pd

FINDING_COLUMNS = (
    "kind",
    "severity",
    "key",
    "sku",
    "title",
    "location",
    "channel",
    "expected",
    "actual",
    "difference",
    "action",
    "detail",
    "sources",
)


def findings_frame(rows: pd.DataFrame | None = None) -> pd.DataFrame:
    """Select (and order) the finding columns, or an empty frame of that shape."""
    if rows is None or rows.empty:
        return pd.DataFrame(
            {name: pd.Series(dtype="object") for name in FINDING_COLUMNS}
        )
    return rows.loc[:, list(FINDING_COLUMNS)].astype(
        {"detail": "object", "sources": "object"}
    )


def source_refs(frame: pd.DataFrame) -> pd.Series:
    """`orders.csv:214` for each row."""
    return frame["file"].astype("str") + ":" + frame["row"].astype("str")


def refs_by(frame: pd.DataFrame, key: str) -> pd.Series:
    """Each key's source references, as a list, in file order."""
    refs = pd.DataFrame({key: frame[key], "ref": source_refs(frame)})
    return refs.groupby(key, sort=False)["ref"].agg(list)


def iso(value: pd.Timestamp) -> str | None:
    if pd.isna(value):
        return None
    return value.tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%SZ")
