"""What every reader shares: the read context, the result shape, loading a frame.

A reader turns one file into rows of one canonical table (stock, listings or
order_lines). Every row keeps the file name and its spreadsheet row number.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from reconcile.sources.layouts import Layout
from reconcile.sources.tabular import Header, iter_columns
from reconcile.sources.values import Problems

# The canonical tables' columns and types, for frames built empty.
TEXT = "str"
UTC_TIME = "datetime64[ns, UTC]"
LISTING_DTYPES = {
    "sku": TEXT,
    "channel": TEXT,
    "title": TEXT,
    "listed_qty": "Int64",
    "compared": "bool",
    "file": TEXT,
    "row": "int64",
}
ORDER_DTYPES = {
    "channel": TEXT,
    "order_id": TEXT,
    "line_id": TEXT,
    "sku": TEXT,
    "title": TEXT,
    "ordered_qty": "Int64",
    "open_qty": "Int64",
    "created_at": UTC_TIME,
    "status": TEXT,
    "is_open": "bool",
    "ships_from_shopify": "bool",
    "merchant_order_id": TEXT,
    "file": TEXT,
    "row": "int64",
    "financial_status": TEXT,
    "ref:Tags": TEXT,
    "ref:Notes": TEXT,
    "ref:Note Attributes": TEXT,
    "ref:Payment Reference": TEXT,
}


def concat_or_empty(parts: list[pd.DataFrame], dtypes: dict[str, str]) -> pd.DataFrame:
    """Batches one after another; none at all gives an empty frame of those types."""
    if parts:
        return pd.concat(parts, ignore_index=True)
    return pd.DataFrame({name: pd.Series(dtype=kind) for name, kind in dtypes.items()})


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
    # Every order number in an orders export, kept or not: two overlapping exports
    # of one channel are told apart by these, even when an order changed state.
    order_ids: pa.Array | None = None
    fingerprint: Future[str] | None = None  # the file's SHA-256, computed aside


def iter_tables(
    layout: Layout,
    header: Header,
    footer: re.Pattern[bytes] | None = None,
    extra: Sequence[str] = (),
) -> Iterator[pa.Table]:
    """The layout's columns present in the file, named as the layout spells them,
    batch by batch as Arrow tables, each row with its spreadsheet row number in
    `row`.

    `extra` columns are read under the file's own names. Rows where every column
    read is blank carry nothing and are dropped (eBay's padding row, trailing empty
    spreadsheet rows).
    """
    spellings = {n: header.find(n) for n in (*layout.required, *layout.optional)}
    found = {name: spelled for name, spelled in spellings.items() if spelled}
    names = [*found, *extra]
    for table in iter_columns(
        header, [*found.values(), *extra], layout.quoting, footer
    ):
        data = table.data.rename_columns(names).append_column("row", table.rows)
        yield data.filter(_not_blank(table.data))


def iter_frames(
    layout: Layout,
    header: Header,
    footer: re.Pattern[bytes] | None = None,
    extra: Sequence[str] = (),
) -> Iterator[pd.DataFrame]:
    """iter_tables, as pandas frames."""
    for table in iter_tables(layout, header, footer, extra):
        yield table.to_pandas()


def trimmed(table: pa.Table, column: str, lower: bool = False) -> pa.ChunkedArray:
    """A text column without surrounding white space (and in lower case)."""
    text = pc.utf8_trim_whitespace(table[column])
    return pc.utf8_lower(text) if lower else text


def unique_text(parts: list[pa.ChunkedArray | pa.Array]) -> pa.Array:
    chunks = [c for part in parts for c in getattr(part, "chunks", [part])]
    return (
        pc.unique(pa.chunked_array(chunks, pa.string()))
        if chunks
        else pa.array([], pa.string())
    )


def count(mask: pa.ChunkedArray | pa.Array) -> int:
    return int(pc.sum(mask).as_py() or 0)


def load_frame(
    layout: Layout,
    header: Header,
    footer: re.Pattern[bytes] | None = None,
    extra: Sequence[str] = (),
) -> pd.DataFrame:
    """All of a (small) file at once: see iter_frames."""
    frames = list(iter_frames(layout, header, footer, extra))
    if not frames:
        names = [n for n in (*layout.required, *layout.optional) if header.find(n)]
        return pd.DataFrame(
            {n: pd.Series(dtype="str") for n in [*names, *extra]}
        ).assign(row=pd.Series(dtype="int64"))
    return pd.concat(frames, ignore_index=True)


def _not_blank(data: pa.Table) -> pa.Array:
    """Rows with at least one cell that is more than white space."""
    if data.num_columns == 0:
        return pa.array([], pa.bool_())
    filled = [
        pc.not_equal(pc.utf8_trim_whitespace(column), "") for column in data.columns
    ]
    return functools.reduce(pc.or_, filled)


def text_or_blank(frame: pd.DataFrame, column: str) -> pd.Series:
    """An optional column's values, or blanks when the export does not have it."""
    if column in frame:
        return frame[column].str.strip()
    return pd.Series("", index=frame.index, dtype="str")


def canonical(
    frame: pd.DataFrame, file: str, source: str, as_of: datetime
) -> pd.DataFrame:
    frame = frame.copy()
    frame["file"] = _constant(file, len(frame))
    frame["source"] = _constant(source, len(frame))
    frame["as_of"] = pd.Timestamp(as_of)
    return frame


def _constant(text: str, rows: int) -> pd.Categorical:
    """One text on every row: as a category it costs a byte a row, not the text."""
    return pd.Categorical.from_codes(np.zeros(rows, dtype=np.int8), categories=[text])
