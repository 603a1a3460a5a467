"""Shared fixtures for the benchmark's own tests: a small generated shop.

The benchmark scripts import their siblings by plain name (they run as
`python benchmarks/x.py`), so the benchmarks folder goes on sys.path here.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BENCHMARKS))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import ShopSize, build_shop, write_shop  # noqa: E402

SMALL = ShopSize(skus=600, locations=5, order_lines=6_000, seed=11)


@pytest.fixture(scope="session")
def small_shop(tmp_path_factory: pytest.TempPathFactory):
    """A generated shop (in memory) and the folder its five files are in."""
    folder = tmp_path_factory.mktemp("shop")
    shop = build_shop(SMALL)
    write_shop(shop, folder)
    return shop, folder
