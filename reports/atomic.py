"""Publishing a run folder in one step: stage, rename, then repoint `latest`.

Readers of the output folder (a spreadsheet someone opened, a script following
`latest`) must never see half a run. Everything is written into a hidden folder
next to the final one and only renamed into place once every file is on disk.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from reconcile.errors import ConfigError

LATEST = "latest"


@contextmanager
def durable_file(path: Path, mode: str = "w", **options: Any) -> Iterator[IO[Any]]:
    """Open a file for writing; on a clean exit its bytes are flushed to disk."""
    with open(path, mode, **options) as handle:
        yield handle

        handle.flush()
        os.fsync(handle.fileno())


def publish_run(out_dir: Path, run_id: str, fill: Callable[[Path], None]) -> Path:
    """Let `fill` write into a staging folder, then publish it as out_dir/run_id.

    On any failure the staging folder is removed and out_dir is left as it was:
    older runs and the old `latest` link stay untouched.
    """
    check_run_id(run_id)
    out_dir.mkdir(parents=True, exist_ok=True)
    _check_targets(out_dir, run_id)
    staging = _make_staging(out_dir, run_id)

    try:
        fill(staging)
        _sync_folder(staging)
        final = out_dir / run_id
        os.rename(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise

    _switch_latest(out_dir, final)
    return final


def check_run_id(run_id: str) -> None:
    """A run id becomes a folder name, so it must be a plain, visible name."""
    separators = {os.sep, os.altsep} - {None}
    bad = (
        not run_id
        or run_id in {".", "..", LATEST}
        or run_id.startswith(".")
        or any(sep in run_id for sep in separators)
    )
    if bad:
        raise ValueError(f"run id {run_id!r} cannot be used as a folder name")


def _check_targets(out_dir: Path, run_id: str) -> None:
    # Checked before anything is written, so a refusal leaves no trace.
    final = out_dir / run_id
    if final.exists() or final.is_symlink():
        raise ConfigError(
            f"report folder {final} already exists; each run writes a new folder, "
            "so nothing was written."
        )

    latest = out_dir / LATEST
    if latest.exists() and not latest.is_symlink():
        raise ConfigError(
            f"{latest} is a real file or folder, but reconcile keeps a link to the "
            "newest run there; move it away and run again. Nothing was written."
        )


def _make_staging(out_dir: Path, run_id: str) -> Path:
    # A random part keeps two processes staging the same run id apart, and
    # mkdir (unlike mkdtemp) honours the umask, so the published folder gets the
    # same permissions as any other folder the merchant creates.
    staging = out_dir / f".{run_id}.{secrets.token_hex(4)}.partial"
    staging.mkdir()
    return staging


def _switch_latest(out_dir: Path, final: Path) -> None:
    """Repoint out_dir/latest at the new run; undo the publish if that fails."""
    try:
        _replace_link(out_dir / LATEST, final.name)
        _sync_folder(out_dir)
    except BaseException:
        shutil.rmtree(final, ignore_errors=True)
        raise


def _replace_link(link: Path, target: str) -> None:
    # A new link under a temporary name, renamed over the old one: whoever
    # follows `latest` sees either the previous run or this one, never nothing.
    temporary = link.with_name(f".{link.name}.{secrets.token_hex(4)}.tmp")
    os.symlink(target, temporary, target_is_directory=True)

    try:
        os.replace(temporary, link)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _sync_folder(folder: Path) -> None:
    # Makes the renames themselves durable. Only POSIX lets a folder be opened
    # and synced; elsewhere the rename is as durable as the OS makes it.
    if os.name != "posix":
        return

    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
