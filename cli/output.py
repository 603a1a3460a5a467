"""All terminal output goes through here: one stdout console, one stderr console.

Off a terminal, Rich prints plain text without colour; renderers also drop boxes.
"""

from __future__ import annotations

import enum
import os

from rich.console import Console, RenderableType
from rich.markup import escape


class Verbosity(enum.IntEnum):
    QUIET = 0
    NORMAL = 1
    VERBOSE = 2


# Wide enough that a finding never wraps in a log; Rich sizes tables to content.
PLAIN_WIDTH = 1000


def _console(stderr: bool) -> Console:
    # NO_COLOR is honoured by Rich itself. Off a terminal Rich would wrap at 80
    # columns; cron logs and pipes read better one finding per line.
    console = Console(stderr=stderr, highlight=False, soft_wrap=False)
    if not console.is_terminal:
        console.width = PLAIN_WIDTH
    return console


out = _console(stderr=False)
err = _console(stderr=True)
state = {"verbosity": Verbosity.NORMAL, "debug": False}


def set_verbosity(quiet: bool, verbose: bool) -> Verbosity:
    level = Verbosity.NORMAL
    if quiet:
        level = Verbosity.QUIET
    elif verbose:
        level = Verbosity.VERBOSE
    state["verbosity"] = level
    return level


def verbosity() -> Verbosity:
    return state["verbosity"]  # type: ignore[return-value]


def error(message: str) -> None:
    """An expected failure, on stderr, without a traceback."""
    err.print(f"[bold red]error:[/] {escape(message)}", markup=True, highlight=False)


def warn(message: str) -> None:
    err.print(f"[yellow]warning:[/] {escape(message)}", markup=True, highlight=False)


def info(message: str) -> None:
    if verbosity() >= Verbosity.NORMAL:
        out.print(message, markup=False, highlight=False)


def detail(message: str) -> None:
    if verbosity() >= Verbosity.VERBOSE:
        err.print(message, markup=False, highlight=False)


def is_terminal() -> bool:
    return out.is_terminal and not os.environ.get("RECONCILE_PLAIN")


def show(renderables: list[RenderableType]) -> None:
    """Print a screen built by a renderer, one part after another.

    Off a terminal, lines lose the padding Rich adds to fill table columns, so a
    log holds exactly the text and grep and diff see no trailing spaces.
    """
    if out.is_terminal:
        for part in renderables:
            out.print(part, highlight=False)
        return
    with out.capture() as captured:
        for part in renderables:
            out.print(part, highlight=False)
    lines = captured.get().splitlines()
    out.file.write("".join(line.rstrip() + "\n" for line in lines))
    out.file.flush()
