"""Turning exported text into values: whole numbers, timestamps and identifiers.

Each parser is vectorised over a column and records every cell it cannot read as an
InputProblem naming the file, row and column, so a reader reports them all at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from reconcile.errors import InputProblem

MAX_PROBLEMS_PER_COLUMN = 20
# Up to 999,999,999: no shop counts more units of one SKU, and sums stay exact.
INTEGER = r"[-+]?\d{1,9}(?:\.0*)?"
MAX_UNITS = 999_999_999


@dataclass
class Problems:
    """Problems found while reading one file."""

    file: str
    errors: list[InputProblem] = field(default_factory=list)
    warnings: list[InputProblem] = field(default_factory=list)
    _listed: dict[str, int] = field(default_factory=dict, repr=False)
    _more: dict[str, int] = field(default_factory=dict, repr=False)

    def error(
        self, message: str, row: int | None = None, column: str | None = None
    ) -> None:
        self.errors.append(InputProblem(self.file, message, row, column))

    def warn(
        self, message: str, row: int | None = None, column: str | None = None
    ) -> None:
        self.warnings.append(InputProblem(self.file, message, row, column))

    def cells(
        self, rows: pd.Series, column: str | pd.Series, message: str | pd.Series
    ) -> None:
        """One error per bad cell, up to a limit per column, then a count of the rest.

        `column` and `message` are one text for every cell, or Series aligned with
        `rows` when they differ per cell (the value found, a wide export's location).
        A file read in batches calls this once per batch; `finish` adds the counts.
        """
        key = column if isinstance(column, str) else ""
        room = max(0, MAX_PROBLEMS_PER_COLUMN - self._listed.get(key, 0))
        listed = rows.iloc[:room]
        columns = _per_cell(column, listed)
        messages = _per_cell(message, listed)
        for row, name, text in zip(listed.tolist(), columns, messages, strict=True):
            self.error(text, int(row), name)
        self._listed[key] = self._listed.get(key, 0) + len(listed)
        if len(rows) > len(listed):
            self._more[key] = self._more.get(key, 0) + len(rows) - len(listed)

    def finish(self) -> Problems:
        """Add the count of bad cells beyond each column's listed ones."""
        for key, count in self._more.items():
            self.error(f"and {count} more rows like that", column=key or None)
        self._more.clear()
        return self


def _per_cell(value: str | pd.Series, listed: pd.Series) -> list[str]:
    if isinstance(value, pd.Series):
        return value.loc[listed.index].tolist()
    return [value] * len(listed)


def _found(text: pd.Series) -> pd.Series:
    """`(found '1,200')` for each cell, as the merchant will see it in the file."""
    return "(found '" + text + "')"


def clean_text(values: pd.Series) -> pd.Series:
    """Trim padding and the Excel-protection artefacts exports carry.

    Shopify writes a leading apostrophe before digit-only values and TikTok a
    trailing tab; neither is part of the identifier.
    """
    text = values.str.strip()
    return text.str.removeprefix("'").str.strip()


def integers(
    values: pd.Series,
    rows: pd.Series,
    column: str | pd.Series,
    problems: Problems,
    *,
    blank_ok: pd.Series | bool = False,
    extra_ok: pd.Series | None = None,
) -> pd.Series:
    """Whole numbers as Int64; blanks become <NA> where allowed, anything else is an error."""
    text = values.str.strip()
    blank = text == ""
    skip = blank if extra_ok is None else blank | extra_ok
    fast = _cast_whole(text, skip)
    if fast is not None and not (blank & ~(blank & blank_ok)).any():
        return fast

    whole = text.str.fullmatch(INTEGER)
    allowed = whole | (blank & blank_ok)
    if extra_ok is not None:
        allowed |= extra_ok
    bad = ~allowed
    if bad.any():
        problems.cells(
            rows[bad],
            column,
            "is not a whole number "
            + _found(text[bad])
            + "; correct the cell (whole units, at most 999,999,999) or download "
            "the export again",
        )
    numbers = pd.to_numeric(text.where(whole), errors="coerce")
    return numbers.round().astype("Int64")


def _cast_whole(text: pd.Series, skip: pd.Series) -> pd.Series | None:
    """Arrow's own integer parser over the column: fast, and None at the first misfit.

    The slow path then finds every bad cell for the error list.
    """
    cells = pa.array(text.where(~skip, None))
    try:
        parsed = pc.cast(cells, pa.int64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    largest = pc.max(pc.abs(parsed)).as_py()
    if largest is not None and largest > MAX_UNITS:
        return None
    numbers = parsed.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
    numbers.index = text.index
    return numbers


def timestamps(
    values: pd.Series,
    rows: pd.Series,
    column: str,
    problems: Problems,
    *,
    formats: tuple[str, ...],
    local_zone: str,
    blank_ok: bool = True,
) -> pd.Series:
    """UTC timestamps, trying each format in turn on what is still unread.

    A value without an offset is taken as the shop's local time.
    """
    text = values.str.strip()
    result = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns, UTC]")
    todo = text != ""
    for fmt in formats:
        if not todo.any():
            break
        parsed = _parse(text[todo], fmt, local_zone)
        result[parsed.index] = parsed
        todo &= result.isna()
    if todo.any():
        problems.cells(
            rows[todo],
            column,
            "is not a date and time reconcile knows " + _found(text[todo]),
        )
    if not blank_ok and (text == "").any():
        problems.cells(rows[text == ""], column, "is empty; it needs a date")
    return result


# An offset only counts after a time of day: "Jun-24-2026" ends in "-2026", not an offset.
OFFSET_AT_END = r"\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})$"
ZONE_ABBREVIATIONS = {
    "UTC": "+0000",
    "GMT": "+0000",
    "BST": "+0100",
    "CET": "+0100",
    "CEST": "+0200",
    "EST": "-0500",
    "EDT": "-0400",
    "CST": "-0600",
    "CDT": "-0500",
    "MST": "-0700",
    "MDT": "-0600",
    "PST": "-0800",
    "PDT": "-0700",
}


def _with_numeric_offsets(text: pd.Series) -> pd.Series:
    """`Jun-29-26 16:00:01 PDT` -> `Jun-29-26 16:00:01 -0700` (eBay, Amazon listings)."""
    if not text.str.contains(r" [A-Z]{3,4}$").any():
        return text
    for name, offset in ZONE_ABBREVIATIONS.items():
        text = text.str.replace(rf" {name}$", f" {offset}", regex=True)
    return text


def _parse(text: pd.Series, fmt: str, local_zone: str) -> pd.Series:
    text = _with_numeric_offsets(text)
    aware = text.str.contains(OFFSET_AT_END)
    parts = []
    if aware.any():
        aware_fmt = fmt if fmt == "ISO8601" or "%z" in fmt else f"{fmt} %z"
        parts.append(
            pd.to_datetime(text[aware], format=aware_fmt, errors="coerce", utc=True)
        )
    if (~aware).any():
        naive_fmt = fmt.replace(" %z", "")
        parsed = pd.to_datetime(text[~aware], format=naive_fmt, errors="coerce")
        # A wall-clock time in the hour the clocks go back happened twice, and a
        # date-only value is a midnight some zones skip; an hour out beats NaT,
        # which would refuse a valid date.
        first = np.ones(len(parsed), dtype=bool)
        localized = parsed.dt.tz_localize(
            local_zone, ambiguous=first, nonexistent="shift_forward"
        )
        parts.append(localized.dt.tz_convert("UTC"))
    joined = pd.concat(parts) if len(parts) > 1 else parts[0]
    return joined.dropna().astype("datetime64[ns, UTC]")
