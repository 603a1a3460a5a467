"""Sources: finding the input files, telling their layout, reading them.

`read_file` is the one entry: it detects the layout from the header row and hands
the file to that layout's reader, which returns canonical rows and its problems.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

from reconcile.errors import InputProblem
from reconcile.sources import amazon, ebay, shopify
from reconcile.sources.common import ReadContext, ReadResult
from reconcile.sources.layouts import (
    AMAZON_LISTINGS,
    AMAZON_ORDERS,
    EBAY_ORDERS,
    SHOPIFY_INVENTORY_2023,
    SHOPIFY_INVENTORY_CURRENT,
    SHOPIFY_INVENTORY_WIDE,
    SHOPIFY_ORDERS,
    Layout,
    identify,
    known_labels,
)
from reconcile.sources.tabular import (
    SUPPORTED_SUFFIXES,
    BadRows,
    Header,
    NotUtf8,
    candidate_headers,
)

Reader = Callable[[Header, Layout, ReadContext], ReadResult]
READERS: dict[str, Reader] = {
    SHOPIFY_INVENTORY_CURRENT.name: shopify.read_inventory,
    SHOPIFY_INVENTORY_2023.name: shopify.read_inventory,
    SHOPIFY_INVENTORY_WIDE.name: shopify.read_inventory,
    SHOPIFY_ORDERS.name: shopify.read_orders,
    AMAZON_ORDERS.name: amazon.read_orders,
    AMAZON_LISTINGS.name: amazon.read_listings,
    EBAY_ORDERS.name: ebay.read_orders,
}

__all__ = ["ReadContext", "ReadResult", "expand_paths", "detect", "read_file"]


def expand_paths(paths: Iterable[Path]) -> tuple[list[Path], list[InputProblem]]:
    """Files named directly, plus the export files directly inside named folders."""
    files: list[Path] = []
    problems: list[InputProblem] = []
    for path in paths:
        if path.is_dir():
            found = sorted(
                p
                for p in path.iterdir()
                if p.is_file()
                and not p.name.startswith((".", "~$"))
                and p.suffix.lower() in SUPPORTED_SUFFIXES
            )
            if not found:
                problems.append(
                    InputProblem(str(path), "holds no .csv, .tsv, .txt or .xlsx file")
                )
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            problems.append(InputProblem(str(path), "does not exist; check the path"))
    # A file named twice (or named and inside a named folder) is read once.
    seen: set[Path] = set()
    unique = []
    for file in files:
        if file.resolve() not in seen:
            seen.add(file.resolve())
            unique.append(file)
    return unique, problems + _same_names(unique)


def _same_names(files: list[Path]) -> list[InputProblem]:
    """Reports cite `file:row`, so two inputs may not share a file name."""
    by_name: dict[str, list[Path]] = {}
    for file in files:
        by_name.setdefault(file.name, []).append(file)
    return [
        InputProblem(
            name,
            f"is given {len(paths)} times ({', '.join(str(p) for p in paths)}); give one "
            "export of each kind, the newest, or rename one if both are needed",
        )
        for name, paths in by_name.items()
        if len(paths) > 1
    ]


def detect(path: Path) -> tuple[Layout, Header]:
    """The layout of a file, from its header row; InputError-ready problems otherwise."""
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise UnreadableFile(
            InputProblem(
                path.name,
                f"is a {path.suffix or 'suffix-less'} file; reconcile reads .csv, .tsv, "
                ".txt (tab-separated) and .xlsx exports",
            )
        )
    with path.open("rb") as handle:
        start = handle.read(2)
    if start in (b"\xff\xfe", b"\xfe\xff"):
        raise UnreadableFile(
            InputProblem(
                path.name,
                "is saved as UTF-16 (a spreadsheet's 'Unicode text'); use the file as "
                "downloaded, or save it again as CSV UTF-8",
            )
        )
    found = identify(candidate_headers(path))
    if found is None:
        raise UnreadableFile(_unknown_layout(path))
    layout, header = found
    missing = layout.missing(header)
    if missing:
        raise UnreadableFile(
            InputProblem(
                path.name,
                f"looks like {_article(layout.label)} {layout.label} but lacks the column(s) "
                f"{', '.join(repr(m) for m in missing)}; export it again with all columns",
                row=header.index + 1,
            )
        )
    return layout, header


def _article(label: str) -> str:
    return "an" if label[0].lower() in "aeiou" else "a"


def _unknown_layout(path: Path) -> InputProblem:
    headers = [h for h in candidate_headers(path) if any(h.names)]
    seen = ", ".join(headers[0].names[:6]) if headers else "nothing (the file is empty)"
    return InputProblem(
        path.name,
        f"is not an export reconcile knows (header starts: {seen}). It reads: "
        f"{known_labels()}. Use the file as downloaded, unedited.",
        row=headers[0].index + 1 if headers else None,
    )


class UnreadableFile(Exception):
    def __init__(self, problem: InputProblem):
        self.problem = problem
        super().__init__(str(problem))


def read_file(path: Path, ctx: ReadContext) -> ReadResult | list[InputProblem]:
    """Canonical rows of one file, or the problems that stop it being read."""
    try:
        layout, header = detect(path)
        try:
            result = READERS[layout.name](header, layout, ctx)
        except NotUtf8:
            # The sniffed start was UTF-8 but a later byte is not: Windows-1252.
            header = replace(header, encoding="cp1252")
            result = READERS[layout.name](header, layout, ctx)
    except UnreadableFile as error:
        return [error.problem]
    except BadRows as error:
        return error.problems
    except (OSError, UnicodeError) as error:
        return [InputProblem(path.name, f"cannot be read ({error})")]
    result.problems.finish()
    return result
