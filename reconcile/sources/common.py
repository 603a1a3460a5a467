"""What every reader shares: the read context, the result shape, loading a frame.

A reader turns one file into rows of one canonical table (stock, listings or
order_lines). Every row keeps the file name and its spreadsheet row number.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from reconcile.sources.layouts import Layout
from reconcile.sources.tabular import Header, read_columns
from reconcile.sources.values import Problems


@dataclass(frozen=True)
class ReadContext:
    """What a reader needs besides the file: the shop's zone and the file's age."""

    shop_timezone: str
    as_of: datetime


@dataclass
class ReadResult:
    layout: Layout
    frame: pd.DataFrame
    rows: int  # data rows in the file (not counting blank rows)
    problems: Problems
    summary: dict[str, int] = field(default_factory=dict)


def load_frame(
    layout: Layout,
    header: Header,
    footer: re.Pattern[bytes] | None = None,
    extra: Sequence[str] = (),
) -> pd.DataFrame:
    """The layout's columns present in the file, named as the layout spells them.

    `extra` columns are read under the file's own names. Rows where every column
    read is blank carry nothing and are dropped (eBay's padding row, trailing empty
    spreadsheet rows).
    """
    known = [name for name in (*layout.required, *layout.optional) if header.find(name)]
    spelled = [header.find(n) for n in known] + list(extra)
    table = read_columns(header, spelled, layout.quoting, footer)
    frame = table.data.to_pandas()
    wanted = known + list(extra)
    frame.columns = wanted
    frame["row"] = table.rows.to_numpy()
    blank = (frame[wanted].apply(lambda column: column.str.strip()) == "").all(axis=1)
    return frame.loc[~blank].reset_index(drop=True)


def text_or_blank(frame: pd.DataFrame, column: str) -> pd.Series:
    """An optional column's values, or blanks when the export does not have it."""
    if column in frame:
        return frame[column].str.strip()
    return pd.Series("", index=frame.index, dtype="str")


def canonical(
    frame: pd.DataFrame, file: str, source: str, as_of: datetime
) -> pd.DataFrame:
    frame = frame.copy()
    frame["file"] = file
    frame["source"] = source
    frame["as_of"] = pd.Timestamp(as_of)
    return frame
