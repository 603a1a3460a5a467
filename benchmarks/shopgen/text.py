"""Vectorised writing of delimited text files in the byte layout a platform uses.

pyarrow's own CSV writer quotes every string value under quoting_style="needed",
which is not what Shopify or eBay write, and refuses quotes under "none", which
Amazon's reports contain. So rows are assembled here with Arrow compute kernels
and the finished bytes are written straight from the Arrow buffer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

Column = pa.Array | str
"""A column is either one value per row or one text repeated on every row."""

CHUNK_ROWS = 200_000


def quote_text(text: str) -> str:
    """Quote one value the way a spreadsheet would: only when it must be."""
    if any(mark in text for mark in '",\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def as_text(values: pa.Array) -> pa.Array:
    """Values as text, with a missing value written as nothing."""
    return pc.fill_null(values.cast(pa.string()), "")


def _quoted_field(values: pa.Array) -> pa.Array:
    text = as_text(values)
    needs_quotes = pc.match_substring_regex(text, '[",\r\n]')
    escaped = pc.replace_substring(text, '"', '""')
    quoted = pc.binary_join_element_wise('"', escaped, '"', "")
    return pc.if_else(needs_quotes, quoted, text)


def _bare_field(values: pa.Array, delimiter: str) -> pa.Array:
    # No quoting at all: a delimiter or line break inside a value would shift
    # every later column, so it is a generator bug, not something to escape.
    text = as_text(values)
    pattern = "[" + delimiter + "\r\n]"
    if pc.any(pc.match_substring_regex(text, pattern)).as_py():
        raise ValueError("a value holds the delimiter or a line break")
    return text


def _field(column: Column, quoting: bool, delimiter: str) -> pa.Array | pa.Scalar:
    if isinstance(column, str):
        return pa.scalar(quote_text(column) if quoting else column)

    if quoting:
        return _quoted_field(column)
    return _bare_field(column, delimiter)


def _raw_bytes(lines: pa.Array) -> memoryview:
    """The concatenated bytes of a string array, without copying them."""
    _, offsets, data = lines.buffers()
    bounds = np.frombuffer(offsets, dtype=np.int32)
    start = bounds[lines.offset]
    end = bounds[lines.offset + len(lines)]
    return memoryview(data)[start:end]


def _row_count(columns: Sequence[Column]) -> int:
    lengths = {len(c) for c in columns if not isinstance(c, str)}
    if len(lengths) != 1:
        raise ValueError(f"columns differ in length: {sorted(lengths)}")
    return lengths.pop()


def _slice(column: Column, start: int, length: int) -> Column:
    return column if isinstance(column, str) else column.slice(start, length)


def write_rows(
    sink: BinaryIO,
    columns: Sequence[Column],
    *,
    delimiter: str = ",",
    eol: str = "\n",
    quoting: bool = True,
) -> int:
    """Write one line per row, in chunks; returns the number of rows written."""
    rows = _row_count(columns)

    for start in range(0, rows, CHUNK_ROWS):
        length = min(CHUNK_ROWS, rows - start)
        fields = [_field(_slice(c, start, length), quoting, delimiter) for c in columns]
        joined = pc.binary_join_element_wise(*fields, delimiter)
        lines = pc.binary_join_element_wise(joined, pa.scalar(eol), "")
        sink.write(_raw_bytes(lines))
    return rows


def header_names(header: str, delimiter: str) -> list[str]:
    """Column names of a verbatim header line, quotes removed."""
    return [name.strip('"') for name in header.split(delimiter)]


def write_table(
    path: Path,
    header: str,
    columns: Mapping[str, Column],
    *,
    delimiter: str = ",",
    eol: str = "\n",
    quoting: bool = True,
    preamble: str = "",
    after_header: str = "",
    footer: str = "",
) -> int:
    """Write a whole file: preamble, the header verbatim, the rows, a footer.

    `preamble` and `after_header` are written as given, line ends included.

    Columns are given by name and written in the header's order; a name missing
    or left over is caught here rather than as shifted data in a benchmark.
    """
    names = header_names(header, delimiter)
    if set(names) != set(columns) or len(names) != len(columns):
        odd = sorted(set(names) ^ set(columns))
        raise ValueError(f"{path.name}: columns do not match the header: {odd}")

    with path.open("wb") as sink:
        sink.write((preamble + header + eol + after_header).encode())
        rows = write_rows(
            sink,
            [columns[name] for name in names],
            delimiter=delimiter,
            eol=eol,
            quoting=quoting,
        )
        sink.write(footer.encode())
    return rows
