"""The spreadsheet report, reconcile.xlsx: a Summary sheet and one sheet per kind.

It renders the same tables as the CSVs. Text always stays text: an SKU like
"00417" keeps its zeros, and text that looks like a formula is never run.
The book is written in openpyxl's write-only mode, row by row, so everything
about a sheet's layout (widths, frozen header, filters, tables) is settled
before its first row goes out.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell as SheetCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.table import Table as SheetTable
from openpyxl.worksheet.table import TableColumn, TableStyleInfo

from reconcile.model import KINDS, RunResult
from reports.atomic import durable_file
from reports.tabular import Cell, Table, iso_time, kind_table, looks_like_formula
from reports.tabular import summary_table as counts_table

XLSX_FILE = "reconcile.xlsx"
SUMMARY_SHEET = "Summary"
KIND_SHEETS = {
    "negative_stock": "Negative stock",
    "mismatch": "Mismatches",
    "stale_reservation": "Stale reservations",
}

MAX_WIDTH = 60
MIN_WIDTH = 8
BOLD = Font(bold=True)
TEXT_FORMAT = "@"
TABLE_STYLE = "TableStyleLight1"

# Control characters an XLSX file cannot hold; they come from messy exports.
UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True)
class Block:
    """One titled table on the Summary sheet; `name` must be unique in the book."""

    title: str | None
    name: str
    table: Table


def write_workbook(result: RunResult, folder: Path) -> None:
    book = Workbook(write_only=True)
    book.properties.creator = "reconcile"
    write_summary(book.create_sheet(SUMMARY_SHEET), result)

    for kind in KINDS:
        sheet = book.create_sheet(KIND_SHEETS[kind])
        write_kind_sheet(sheet, kind_table(result, kind))

    with durable_file(folder / XLSX_FILE, "wb") as handle:
        book.save(handle)


def write_kind_sheet(sheet: WriteOnlyWorksheet, table: Table) -> None:
    """One table from A1: bold frozen header, auto-filter over all of it."""
    last_column = get_column_letter(len(table.header))
    sheet.auto_filter.ref = f"A1:{last_column}{len(table.rows) + 1}"
    sheet.freeze_panes = "A2"
    fit_widths(sheet, [table])

    put_table(sheet, table)


def write_summary(sheet: WriteOnlyWorksheet, result: RunResult) -> None:
    """The run, its sources, the counts, warnings and channels, one below another.

    A sheet has a single auto-filter, so each table here is an Excel table with
    its own filter; the first table starts at A1 and its header is frozen. A
    blank row separates one block from the next.
    """
    blocks = summary_blocks(result)
    sheet.freeze_panes = "A2"
    fit_widths(sheet, [block.table for block in blocks])

    row = 1
    for index, block in enumerate(blocks):
        if index:
            sheet.append([])
            row += 1
        row = put_block(sheet, block, row) + 1


def summary_blocks(result: RunResult) -> list[Block]:
    blocks = [
        Block(None, "RunInfo", run_table(result)),
        Block("Sources", "RunSources", sources_table(result)),
        Block("Findings", "RunCounts", counts_table(result)),
    ]
    if result.warnings:
        blocks.append(Block("Input warnings", "RunWarnings", warnings_table(result)))
    if result.channel_summary:
        blocks.append(Block("Channel summary", "RunChannels", channels_table(result)))
    return blocks


def run_table(result: RunResult) -> Table:
    snapshot = result.snapshot_time
    rows = (
        ("run id", result.run_id),
        ("as of", iso_time(result.as_of)),
        ("snapshot time", iso_time(snapshot) if snapshot else None),
        ("fail-on", result.fail_on),
        ("exit code", result.exit_code),
        ("exit code means", exit_meaning(result)),
        ("demo data", "yes" if result.demo else "no"),
    )
    return Table(("item", "value"), rows)


def exit_meaning(result: RunResult) -> str:
    if result.fail_on == "never":
        return "--fail-on never: findings never fail the run"

    failing = len(result.failing())
    if failing:
        return f"{failing} new finding(s) at or above {result.fail_on}; the run fails"
    return f"no new finding at or above {result.fail_on}; the run passes"


def sources_table(result: RunResult) -> Table:
    header = ("file", "label", "layout", "rows", "as of", "age hours")
    rows = tuple(
        (s.path, s.label, s.layout, s.rows, iso_time(s.as_of), round(s.age_hours, 1))
        for s in result.sources
    )
    return Table(header, rows)


def warnings_table(result: RunResult) -> Table:
    rows = tuple((w.file, w.row, w.column, w.message) for w in result.warnings)
    return Table(("file", "row", "column", "message"), rows)


def channels_table(result: RunResult) -> Table:
    # Long form (one row per figure): channel summaries differ in what they
    # count, and a wide table would need a column per name across all channels.
    rows = tuple(
        (channel, name, count)
        for channel, figures in result.channel_summary.items()
        for name, count in figures.items()
    )
    return Table(("channel", "figure", "count"), rows)


# Columns whose text is an identifier a spreadsheet must never reformat.
IDENTIFIER_COLUMNS = frozenset(
    {"key", "sku", "channel_sku", "order_id", "hold_id", "line", "location", "run id"}
)
# Text starting with these could be read as a formula or an error value (#N/A).
GUARDED_STARTS = ("=", "+", "-", "@", "#", "\t", "\r")


def put_block(sheet: WriteOnlyWorksheet, block: Block, row: int) -> int:
    """Append a block whose first row is `row`; return the last row it used."""
    if block.title:
        sheet.append([header_cell(sheet, block.title)])
        row += 1

    if block.table.rows:
        add_filtered_table(sheet, block.name, row, block.table)
    put_table(sheet, block.table)
    return row + len(block.table.rows)


def add_filtered_table(
    sheet: WriteOnlyWorksheet, name: str, first_row: int, table: Table
) -> None:
    # Excel rejects a table without a data row, so callers skip empty ones.
    last_column = get_column_letter(len(table.header))
    ref = f"A{first_row}:{last_column}{first_row + len(table.rows)}"
    columns = [
        TableColumn(id=index, name=str(name))
        for index, name in enumerate(table.header, start=1)
    ]
    sheet_table = SheetTable(
        displayName=name, ref=ref, tableColumns=columns, autoFilter=AutoFilter(ref)
    )
    sheet_table.tableStyleInfo = TableStyleInfo(name=TABLE_STYLE, showRowStripes=True)

    # A write-only sheet cannot read its header back, so openpyxl always warns
    # that the columns must be named by hand; they just were, above.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "In write-only mode", UserWarning)
        sheet.add_table(sheet_table)


def put_table(sheet: WriteOnlyWorksheet, table: Table) -> None:
    """Append the header (bold) and the rows below the sheet's last row."""
    sheet.append([header_cell(sheet, name) for name in table.header])

    keep_text = [name in IDENTIFIER_COLUMNS for name in table.header]
    for values in table.rows:
        sheet.append(
            [
                stored(sheet, v, ident)
                for v, ident in zip(values, keep_text, strict=False)
            ]
        )


def header_cell(sheet: WriteOnlyWorksheet, name: str) -> SheetCell:
    cell = text_cell(sheet, name)
    cell.font = BOLD
    return cell


def stored(
    sheet: WriteOnlyWorksheet, value: Cell, identifier: bool = True
) -> Cell | SheetCell:
    """Numbers, flags and blanks go in as they are. Identifiers, and any text a
    spreadsheet could take for a formula or an error, go in as guarded text cells
    (text format, so 00417 stays 00417 when edited); other text as plain text,
    which costs a fifth of a guarded cell."""
    if not isinstance(value, str):
        return value
    if not value:
        return None
    if identifier or not value.isprintable() or value.startswith(GUARDED_STARTS):
        return text_cell(sheet, value)
    return value


def text_cell(sheet: WriteOnlyWorksheet, text: str) -> SheetCell:
    """Inert text: never a formula or an error value, even when it looks like one."""
    cell = WriteOnlyCell(sheet, UNSTORABLE.sub("\ufffd", text))

    # openpyxl reads "=..." as a formula and "#N/A" as an error; the type is
    # forced back to text after the value is set, and quotePrefix tells Excel to
    # keep treating the cell as text when someone edits it.
    cell.data_type = "s"
    cell.number_format = TEXT_FORMAT
    if looks_like_formula(text):
        cell.quotePrefix = True
    return cell


def fit_widths(sheet: WriteOnlyWorksheet, tables: Iterable[Table]) -> None:
    """Widen each column to its longest value, header included, up to a cap."""
    widths: dict[int, int] = {}
    for table in tables:
        columns = zip(table.header, *table.rows, strict=False)
        for column, values in enumerate(columns, start=1):
            size = max(map(_shown_length, values))
            widths[column] = max(widths.get(column, 0), size)

    for column, size in widths.items():
        width = min(max(size + 2, MIN_WIDTH), MAX_WIDTH)
        sheet.column_dimensions[get_column_letter(column)].width = width


def _shown_length(value: Cell) -> int:
    if value is None:
        return 0

    text = str(value)
    # Only non-printable characters can break a line; most text has none.
    if text.isprintable():
        return len(text)
    return max((len(line) for line in text.splitlines()), default=0)
