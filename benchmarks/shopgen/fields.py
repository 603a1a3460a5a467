"""Vectorised makers of field values: ids, money, timestamps, picks from lists.

Every helper takes whole numpy arrays and returns Arrow string arrays, so the
generator never loops over rows in Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

AS_OF = datetime(2026, 11, 30, 14, 0, 0, tzinfo=UTC)
SNAPSHOT = datetime(2026, 11, 30, 13, 30, 0, tzinfo=UTC)
MONTH_START = datetime(2026, 11, 1, 12, 0, 0, tzinfo=UTC)
# Every order is placed before this, safely ahead of the inventory snapshot, so
# the findings do not depend on how a tool treats orders after the snapshot.
LAST_ORDER = datetime(2026, 11, 30, 13, 0, 0, tzinfo=UTC)

DAY = 86_400
HOUR = 3_600


def epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def ages_in_days(placed: np.ndarray) -> np.ndarray:
    """Age of each epoch-second timestamp at the as-of clock, in days."""
    return (epoch(AS_OF) - placed) / DAY


def placed_times(rng: np.random.Generator, count: int) -> np.ndarray:
    """Order times spread over the month, oldest first."""
    times = rng.integers(epoch(MONTH_START), epoch(LAST_ORDER), size=count)
    return np.sort(times)


def text(values: np.ndarray) -> pa.Array:
    return pc.cast(pa.array(values), pa.string())


def digits(numbers: np.ndarray, width: int) -> pa.Array:
    """Whole numbers written with leading zeros to a fixed width."""
    return pc.utf8_lpad(text(numbers), width=width, padding="0")


def join(*parts: pa.Array | str) -> pa.Array:
    """Concatenate arrays (and fixed texts) element by element."""
    return pc.binary_join_element_wise(*parts, "")


def pick(
    rng: np.random.Generator,
    choices: Sequence[str],
    count: int,
    weights: Sequence[float] | None = None,
) -> pa.Array:
    """`count` values drawn from `choices`, optionally weighted."""
    p = None if weights is None else np.asarray(weights) / np.sum(weights)
    index = rng.choice(len(choices), size=count, p=p)
    return pa.array(choices).take(pa.array(index))


def where(mask: np.ndarray, yes: pa.Array | str, no: pa.Array | str) -> pa.Array:
    """Per row, `yes` where mask is true, else `no` (arrays or fixed texts)."""
    return pc.if_else(pa.array(mask), yes, no)


def blank_where(mask: np.ndarray, values: pa.Array) -> pa.Array:
    return where(mask, "", values)


def money(cents: np.ndarray) -> pa.Array:
    """Amounts like 12.34 (no currency sign, no grouping)."""
    cents = np.asarray(cents, dtype=np.int64)
    return join(text(cents // 100), ".", digits(cents % 100, 2))


def money_grouped(cents: np.ndarray) -> pa.Array:
    """Amounts like 1,433.66: thousands grouped with a comma, as eBay writes."""
    cents = np.asarray(cents, dtype=np.int64)
    dollars = cents // 100
    small = text(dollars)
    grouped = join(text(dollars // 1000), ",", digits(dollars % 1000, 3))
    whole = where(dollars >= 1000, grouped, small)
    return join(whole, ".", digits(cents % 100, 2))


def timestamps(seconds: np.ndarray, pattern: str, zone: str = "UTC") -> pa.Array:
    """Epoch seconds formatted in a time zone (e.g. "-05:00") with strftime."""
    moments = pa.array(np.asarray(seconds, dtype=np.int64), pa.timestamp("s", tz="UTC"))
    local = pc.cast(moments, pa.timestamp("s", tz=zone))
    return pc.strftime(local, format=pattern)


def group_sizes(
    rng: np.random.Generator,
    total: int,
    sizes: Sequence[int],
    weights: Sequence[float],
) -> np.ndarray:
    """Items per order, drawn from `sizes`, adding up to exactly `total` items."""
    p = np.asarray(weights) / np.sum(weights)
    mean = float(np.dot(sizes, p))
    drawn = rng.choice(sizes, size=int(total / mean * 1.1) + 64, p=p)

    ends = np.cumsum(drawn)
    count = int(np.searchsorted(ends, total)) + 1
    drawn = drawn[:count].copy()
    drawn[-1] -= int(ends[count - 1]) - total
    return drawn


def positions(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For groups of the given sizes laid end to end: each row's group and its
    0-based position inside that group."""
    group = np.repeat(np.arange(len(counts)), counts)
    starts = np.cumsum(counts) - counts
    return group, np.arange(len(group)) - starts[group]


def unique_numbers(rng: np.random.Generator, count: int, below: int) -> np.ndarray:
    return rng.choice(below, size=count, replace=False, shuffle=False)


def quantities(rng: np.random.Generator, count: int) -> np.ndarray:
    """Units per order line: mostly one."""
    return rng.choice([1, 2, 3, 4, 5], size=count, p=[0.85, 0.1, 0.03, 0.01, 0.01])
