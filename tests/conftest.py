"""Every test runs in its own empty working folder, so a command that falls back to
its defaults (./reports, ./reconcile-ledger.sqlite, ./reconcile.toml) never touches
the project folder or another test's files."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _own_working_folder(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    folder = tmp_path_factory.mktemp("cwd")
    monkeypatch.chdir(folder)
    return folder
