"""Reading export files (CSV, TSV, XLSX) into tables of strings, by header name.

Every value is read as text: identifiers keep their leading zeros and each reader
decides what is a number. Only the columns a reader asks for are converted.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from reconcile.errors import InputProblem

TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | XLSX_SUFFIXES
HEADER_SEARCH_LINES = 20
SNIFF_BYTES = 256 * 1024
MAX_ROW_PROBLEMS = 20


@dataclass(frozen=True)
class Header:
    """Where a file's header row is and how the file is written."""

    path: Path
    names: tuple[str, ...]
    index: int  # 0-based physical line (or sheet row) of the header
    delimiter: str
    encoding: str
    is_xlsx: bool

    def find(self, name: str) -> str | None:
        """The file's own spelling of a column, matched without case or padding."""
        wanted = name.strip().lower()
        for actual in self.names:
            if actual.strip().lower() == wanted:
                return actual
        return None


@dataclass(frozen=True)
class Table:
    """The requested columns of a file, as strings, with each record's row number."""

    header: Header
    data: pa.Table
    rows: pa.Array  # spreadsheet row number of each record (header row = index + 1)


def candidate_headers(path: Path) -> list[Header]:
    """Each of the first lines of a file, parsed as a possible header row."""
    if path.suffix.lower() in XLSX_SUFFIXES:
        return _xlsx_candidates(path)
    return _text_candidates(path)


def _decode(raw: bytes) -> tuple[str, str]:
    for encoding in ("utf-8", "cp1252"):
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError as error:
            # A multi-byte character cut at the end of the sniffed block is fine.
            if encoding == "utf-8" and error.start >= len(raw) - 4:
                return raw[: error.start].decode(encoding), encoding
    return raw.decode("latin-1"), "cp1252"


def _text_candidates(path: Path) -> list[Header]:
    with path.open("rb") as handle:
        raw = handle.read(SNIFF_BYTES)
    text, encoding = _decode(raw.removeprefix(b"\xef\xbb\xbf"))
    lines = text.splitlines()[:HEADER_SEARCH_LINES]
    headers = []
    for index, line in enumerate(lines):
        delimiter = "\t" if "\t" in line else ","
        if delimiter == "\t":
            reader = csv.reader([line], delimiter=delimiter, quoting=csv.QUOTE_NONE)
        else:
            reader = csv.reader([line], delimiter=delimiter)
        cells = next(reader, [])
        names = tuple(cell.strip() for cell in cells)
        headers.append(Header(path, names, index, delimiter, encoding, False))
    return headers


def _xlsx_candidates(path: Path) -> list[Header]:
    rows = _xlsx_rows(path, limit=HEADER_SEARCH_LINES)
    return [
        Header(path, tuple(cell.strip() for cell in row), index, ",", "utf-8", True)
        for index, row in enumerate(rows)
    ]


class NotUtf8(Exception):
    """The file is not UTF-8 after all; read it again as Windows-1252."""


def iter_columns(
    header: Header,
    columns: Sequence[str],
    quoting: bool,
    footer: re.Pattern[bytes] | None = None,
) -> Iterator[Table]:
    """The named columns (the file's own spellings) of every record after the header,
    streamed in batches, each with its records' spreadsheet row numbers.

    `footer` matches the trailer lines some portals append (eBay's record count and
    seller id); such lines are not data and are passed over. Raises NotUtf8 when a
    file sniffed as UTF-8 turns out not to be, BadRows after the last batch when
    records had the wrong number of fields.
    """
    if header.is_xlsx:
        yield _read_xlsx(header, columns, footer)
        return
    bad: list[BadRow] = []
    try:
        data = _arrow_read(header, columns, quoting, footer, bad, threads=True)
    except pa.ArrowInvalid as error:
        if "UTF8" in str(error) and header.encoding == "utf-8":
            raise NotUtf8(header.path.name) from error
        raise
    if bad:
        # Arrow numbers a bad record only when it reads on one thread; such files
        # are rare, so pay for a second, single-threaded pass to name the rows.
        bad.clear()
        _arrow_read(header, columns, quoting, footer, bad, threads=False)
        raise BadRows(_bad_row_problems(header, bad))

    # Arrow parses on every core; the readers then work batch by batch so their
    # pandas intermediates stay small however large the file.
    first_row = header.index + 2
    for start in range(0, data.num_rows, BATCH_ROWS):
        batch = data.slice(start, BATCH_ROWS)
        rows = pa.array(
            np.arange(first_row + start, first_row + start + batch.num_rows)
        )
        yield Table(header, batch, rows)


class BadRows(Exception):
    """Records whose number of fields does not match the header."""

    def __init__(self, problems: list[InputProblem]):
        self.problems = problems
        super().__init__(f"{len(problems)} malformed rows")


BadRow = tuple[int | None, int, str]  # record number, fields found, text
BLOCK_BYTES = 8 << 20
BATCH_ROWS = 250_000


def _arrow_read(
    header: Header,
    columns: Sequence[str],
    quoting: bool,
    footer: re.Pattern[bytes] | None,
    bad: list[BadRow],
    threads: bool,
) -> pa.Table:
    def on_invalid(row: pacsv.InvalidRow) -> str:
        trailer = footer is not None and footer.match(row.text.strip().encode())
        if not trailer:
            bad.append((row.number, row.actual_columns, row.text))
        return "skip"

    # Lines above the header (eBay's comma-only first line) are skipped by Arrow
    # itself; only the named columns are kept, the file is never loaded whole.
    return pacsv.read_csv(
        header.path,
        read_options=pacsv.ReadOptions(
            encoding=header.encoding,
            block_size=BLOCK_BYTES,
            use_threads=threads,
            skip_rows=header.index,
        ),
        parse_options=pacsv.ParseOptions(
            delimiter=header.delimiter,
            quote_char='"' if quoting else False,
            newlines_in_values=quoting,
            invalid_row_handler=on_invalid,
        ),
        convert_options=pacsv.ConvertOptions(
            include_columns=list(columns),
            column_types={name: pa.string() for name in columns},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )


def _bad_row_problems(header: Header, bad: list[BadRow]) -> list[InputProblem]:
    problems = []
    for number, fields, text in bad[:MAX_ROW_PROBLEMS]:
        # Arrow numbers records from the file's first line, skipped lines included.
        row = number
        problems.append(
            InputProblem(
                header.path.name,
                f"has {fields} fields where the header has {len(header.names)} "
                f"({text[:60]!r}); the file looks cut or edited: download it again",
                row=row,
            )
        )
    if len(bad) > MAX_ROW_PROBLEMS:
        problems.append(
            InputProblem(
                header.path.name, f"and {len(bad) - MAX_ROW_PROBLEMS} more such rows"
            )
        )
    return problems


def _xlsx_rows(path: Path, limit: int | None = None) -> list[list[str]]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for values in sheet.iter_rows(values_only=True, max_row=limit):
            rows.append([_xlsx_text(value) for value in values])
        return rows
    finally:
        workbook.close()


def _xlsx_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ")  # type: ignore[call-arg]
    return str(value)


def _read_xlsx(
    header: Header, columns: Sequence[str], footer: re.Pattern[bytes] | None
) -> Table:
    # Spreadsheet exports are small; openpyxl yields cells one by one in any case.
    rows = _xlsx_rows(header.path)[header.index + 1 :]
    while rows and footer is not None and _is_trailer(rows[-1], footer):
        rows.pop()
    positions = [header.names.index(name) for name in columns]
    width = len(header.names)
    padded = [row + [""] * (width - len(row)) for row in rows]
    data = pa.table(
        {
            name: pa.array([row[pos] for row in padded], pa.string())
            for name, pos in zip(columns, positions, strict=True)
        }
    )
    first_row = header.index + 2
    return Table(
        header, data, pa.array(range(first_row, first_row + len(rows)), pa.int64())
    )


def _is_trailer(row: list[str], footer: re.Pattern[bytes]) -> bool:
    line = ",".join(row).strip(", ").encode()
    return not line or bool(footer.match(line))
