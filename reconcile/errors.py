"""Expected failures, each with the exit code the command line maps it to.

Anything that is not a ReconcileError is a bug and surfaces as a traceback under
--debug.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2
EXIT_UNREACHABLE = 3
EXIT_LOCKED = 4


@dataclass(frozen=True)
class InputProblem:
    """One problem found in an input: where it is and what to do about it."""

    file: str
    message: str
    row: int | None = None
    column: str | None = None

    def location(self) -> str:
        where = self.file
        if self.row is not None:
            where += f":{self.row}"
        if self.column:
            where += f" column '{self.column}'"
        return where

    def __str__(self) -> str:
        return f"{self.location()}: {self.message}"


class ReconcileError(Exception):
    """Base for every expected failure."""

    exit_code = EXIT_BAD_INPUT


class InputError(ReconcileError):
    """One or more inputs cannot be used; every problem found is listed."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, problems: Iterable[InputProblem]):
        self.problems = tuple(problems)
        super().__init__(self._summary())

    def _summary(self) -> str:
        files = sorted({p.file for p in self.problems})
        return (
            f"{len(self.problems)} problem(s) in {', '.join(files)}; "
            "nothing was written. Fix the file(s) and run again."
        )


class ConfigError(ReconcileError):
    """The configuration file or a command-line option is wrong."""

    exit_code = EXIT_BAD_INPUT


class SourceUnreachable(ReconcileError):
    """A source (file system path, API) could not be reached."""

    exit_code = EXIT_UNREACHABLE


class LedgerError(ReconcileError):
    """A ledger command cannot be carried out (unknown hold, broken chain...)."""

    exit_code = EXIT_BAD_INPUT


class LockHeld(ReconcileError):
    """Another run holds the ledger lock."""

    exit_code = EXIT_LOCKED
