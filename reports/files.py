"""Writing a run's report files: the one entry point the command line calls.

It checks the requested formats, has each writer fill a staging folder and
publishes that folder as out_dir/<run_id> with `latest` pointing at it, all or
nothing (see reports.atomic).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from pathlib import Path

from reconcile.errors import ConfigError
from reconcile.model import RunResult
from reports.atomic import publish_run
from reports.jsonfile import write_json
from reports.tabular import write_csv_files
from reports.xlsx import write_workbook

Writer = Callable[[RunResult, Path], None]

# Also the order files are written in, whatever order they were asked for.
WRITERS: dict[str, Writer] = {
    "csv": write_csv_files,
    "xlsx": write_workbook,
    "json": write_json,
}
FORMATS = tuple(WRITERS)


def write_run(result: RunResult, out_dir: Path, formats: Collection[str]) -> Path:
    """Write the chosen formats into out_dir/<run_id>; return that folder.

    Raises ConfigError for an unknown or empty format choice, an existing run
    folder, a `latest` that is not a link, or an out_dir that cannot be written;
    in every case out_dir is left as it was.
    """
    chosen = check_formats(formats)
    out_dir = Path(out_dir)

    def fill(folder: Path) -> None:
        for name in chosen:
            WRITERS[name](result, folder)

    try:
        return publish_run(out_dir, result.run_id, fill)
    except OSError as problem:
        reason = problem.strerror or str(problem)
        raise ConfigError(
            f"cannot write reports to {out_dir}: {reason}; nothing was written."
        ) from problem


def check_formats(formats: Collection[str]) -> list[str]:
    """The requested formats in writing order; a lone string counts as one format."""
    requested = [formats] if isinstance(formats, str) else list(formats)
    names = {str(name).strip().lower(): name for name in requested}
    allowed = ", ".join(FORMATS)

    unknown = [repr(given) for name, given in names.items() if name not in WRITERS]
    if unknown:
        bad = ", ".join(unknown)
        raise ConfigError(f"unknown report format {bad}; choose from {allowed}.")
    if not names:
        raise ConfigError(f"no report format chosen; choose from {allowed}.")
    return [name for name in FORMATS if name in names]
