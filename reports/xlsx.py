"""The spreadsheet report, reconcile.xlsx: a Summary sheet and one sheet per kind.

It renders the same tables as the CSVs. Text always stays text: an SKU like
"00417" keeps its zeros, and text that looks like a formula is never run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell as SheetCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table as SheetTable
from openpyxl.worksheet.table import TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

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
    book = Workbook()
    book.properties.creator = "reconcile"
    summary = book.active
    summary.title = SUMMARY_SHEET
    write_summary(summary, result)

    for kind in KINDS:
        sheet = book.create_sheet(KIND_SHEETS[kind])
        write_kind_sheet(sheet, kind_table(result, kind))

    with durable_file(folder / XLSX_FILE, "wb") as handle:
        book.save(handle)


def write_kind_sheet(sheet: Worksheet, table: Table) -> None:
    """One table from A1: bold frozen header, auto-filter over all of it."""
    last_row = put_table(sheet, table, first_row=1)

    last_column = get_column_letter(len(table.header))
    sheet.auto_filter.ref = f"A1:{last_column}{last_row}"
    sheet.freeze_panes = "A2"
    fit_widths(sheet, [table])


def write_summary(sheet: Worksheet, result: RunResult) -> None:
    """The run, its sources, the counts, warnings and channels, one below another.

    A sheet has a single auto-filter, so each table here is an Excel table with
    its own filter; the first table starts at A1 and its header is frozen.
    """
    blocks = summary_blocks(result)
    row = 1
    for block in blocks:
        row = put_block(sheet, block, row) + 2

    sheet.freeze_panes = "A2"
    fit_widths(sheet, [block.table for block in blocks])


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


def put_block(sheet: Worksheet, block: Block, row: int) -> int:
    """Write a block from `row`; return the last row it used."""
    if block.title:
        put(sheet, row, 1, block.title).font = BOLD
        row += 1

    last_row = put_table(sheet, block.table, first_row=row)
    if block.table.rows:
        add_filtered_table(sheet, block.name, row, last_row, len(block.table.header))
    return last_row


def add_filtered_table(
    sheet: Worksheet, name: str, first_row: int, last_row: int, width: int
) -> None:
    # Excel rejects a table without a data row, so callers skip empty ones.
    ref = f"A{first_row}:{get_column_letter(width)}{last_row}"
    table = SheetTable(displayName=name, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name=TABLE_STYLE, showRowStripes=True)
    sheet.add_table(table)


def put_table(sheet: Worksheet, table: Table, first_row: int) -> int:
    """Write header (bold) and rows from `first_row`; return the last row used."""
    for column, name in enumerate(table.header, start=1):
        put(sheet, first_row, column, name).font = BOLD

    for offset, values in enumerate(table.rows, start=1):
        for column, value in enumerate(values, start=1):
            put(sheet, first_row + offset, column, value)
    return first_row + len(table.rows)


def put(sheet: Worksheet, row: int, column: int, value: Cell) -> SheetCell:
    """Store one value: numbers as numbers, everything else as inert text."""
    target = sheet.cell(row=row, column=column)
    if value is None or value == "":
        return target

    if not isinstance(value, str):
        target.value = value
        return target

    # openpyxl reads "=..." as a formula and "#N/A" as an error; the type is
    # forced back to text after assignment, and quotePrefix tells Excel to keep
    # treating the cell as text when someone edits it.
    target.value = UNSTORABLE.sub("\ufffd", value)
    target.data_type = "s"
    target.number_format = TEXT_FORMAT
    if looks_like_formula(value):
        target.quotePrefix = True
    return target


def fit_widths(sheet: Worksheet, tables: Iterable[Table]) -> None:
    """Widen each column to its longest value, header included, up to a cap."""
    widths: dict[int, int] = {}
    for table in tables:
        for row in (table.header, *table.rows):
            for column, value in enumerate(row, start=1):
                size = _shown_length(value)
                widths[column] = max(widths.get(column, 0), size)

    for column, size in widths.items():
        width = min(max(size + 2, MIN_WIDTH), MAX_WIDTH)
        sheet.column_dimensions[get_column_letter(column)].width = width


def _shown_length(value: Cell) -> int:
    if value is None:
        return 0
    return max((len(line) for line in str(value).splitlines()), default=0)
