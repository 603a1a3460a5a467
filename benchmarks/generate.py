"""Write a synthetic shop: the five input files `reconcile run` reads.

    python benchmarks/generate.py OUT_DIR --skus 200000 --locations 5 \\
        --order-lines 2000000 --seed 7

Everything is made up and vectorised (numpy and Arrow, no loop over rows). The
same arguments always write the same bytes. A summary (rows, bytes, what the
generator planted) goes to stdout as JSON, and to --summary if given; nothing
but the five inputs is written into OUT_DIR.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from shopgen import amazon, ebay, inventory, listings, shopify
from shopgen.catalogue import Catalogue, make_catalogue
from shopgen.market import MarketOrders
from shopgen.mirrors import Links, link_orders

FILES = {
    "inventory": "inventory_export_1.csv",
    "shopify_orders": "orders_export_1.csv",
    "amazon_orders": "amazon_all_orders.txt",
    "amazon_listings": "amazon_all_listings.txt",
    "ebay_orders": "ebay_orders.csv",
}
# Bump when a change alters the files written for the same arguments, so the
# runner's cached shops are written again.
GENERATOR_VERSION = 2
AMAZON_SHARE = 0.75  # of marketplace order lines; eBay has the rest


@dataclass(frozen=True)
class ShopSize:
    skus: int
    locations: int
    order_lines: int
    seed: int
    shopify_orders: int | None = None

    @property
    def shopify_order_count(self) -> int:
        return self.shopify_orders or max(20, self.skus // 4)


@dataclass
class Shop:
    """Everything the generator decided, before any file is written."""

    rng: np.random.Generator
    catalogue: Catalogue
    plan: listings.ListingPlan
    amazon: MarketOrders
    ebay: MarketOrders
    shopify: shopify.ShopifyOrders
    links: Links
    stock: inventory.Inventory


def build_shop(size: ShopSize) -> Shop:
    rng = np.random.default_rng(size.seed)
    catalogue = make_catalogue(rng, size.skus, size.locations)
    plan = listings.plan_listings(rng, catalogue)

    amazon_lines = int(size.order_lines * AMAZON_SHARE)
    amazon_orders = amazon.build_orders(
        rng, catalogue, plan.listed, plan.unknown, amazon_lines
    )
    ebay_orders = ebay.build_orders(rng, catalogue, size.order_lines - amazon_lines)
    shop_orders = shopify.build_orders(rng, catalogue, size.shopify_order_count)
    defaults = shopify.default_references(rng, shop_orders.order_count)
    links = link_orders(rng, shop_orders.name, defaults, amazon_orders, ebay_orders)

    # Demand Shopify has not seen: open lines of orders it holds no copy of.
    pending = amazon_orders.pending(
        links.mirrored["amazon"], catalogue.size
    ) + ebay_orders.pending(links.mirrored["ebay"], catalogue.size)
    stock = inventory.build_inventory(rng, catalogue, pending)
    return Shop(
        rng, catalogue, plan, amazon_orders, ebay_orders, shop_orders, links, stock
    )


def write_shop(shop: Shop, out_dir: Path) -> dict[str, int]:
    """Write the five files; returns data rows per file."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = {key: out_dir / name for key, name in FILES.items()}
    rng, catalogue = shop.rng, shop.catalogue
    return {
        "inventory": inventory.write_inventory(
            path["inventory"], rng, catalogue, shop.stock
        ),
        "shopify_orders": shopify.write_orders(
            path["shopify_orders"], rng, catalogue, shop.shopify,
            shop.links.references,
        ),
        "amazon_orders": amazon.write_orders(
            path["amazon_orders"], rng, catalogue, shop.amazon,
            shop.links.merchant_order_id,
        ),
        "amazon_listings": listings.write_listings(
            path["amazon_listings"], rng, catalogue, shop.plan, shop.stock.projected
        ),
        "ebay_orders": ebay.write_orders(
            path["ebay_orders"], rng, catalogue, shop.ebay
        ),
    }  # fmt: skip


def generate_shop(out_dir: Path, size: ShopSize) -> dict[str, Any]:
    """Build and write a shop into `out_dir`; returns the summary."""
    started = time.perf_counter()
    shop = build_shop(size)
    rows = write_shop(shop, out_dir)
    files = {
        key: {"name": name, "rows": rows[key], "bytes": (out_dir / name).stat().st_size}
        for key, name in FILES.items()
    }
    return {
        "generator_version": GENERATOR_VERSION,
        "size": size.__dict__ | {"shopify_orders": shop.shopify.order_count},
        "files": files,
        "planted": planted(shop),
        "seconds": round(time.perf_counter() - started, 2),
    }


def planted(shop: Shop) -> dict[str, int]:
    """What the generator put in, for a sanity check of the findings' scale."""
    return {
        "amazon_open_lines": int(shop.amazon.line_open.sum()),
        "ebay_open_lines": int(shop.ebay.line_open.sum()),
        "mirrored_amazon_orders": int(shop.links.mirrored["amazon"].sum()),
        "mirrored_ebay_orders": int(shop.links.mirrored["ebay"].sum()),
        "oversold_skus_planted": int(shop.stock.oversold.sum()),
        "skus_projected_negative": int((shop.stock.projected < 0).sum()),
        "stale_shopify_lines": int(shopify.stale_lines(shop.shopify).sum()),
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--skus", type=int, default=200_000)
    parser.add_argument("--locations", type=int, default=5)
    parser.add_argument("--order-lines", type=int, default=2_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--shopify-orders", type=int, default=None, help="default: SKUs / 4"
    )
    parser.add_argument("--summary", type=Path, help="also write the summary here")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    size = ShopSize(
        args.skus, args.locations, args.order_lines, args.seed, args.shopify_orders
    )
    summary = generate_shop(args.out_dir, size)
    text = json.dumps(summary, indent=2)
    if args.summary:
        args.summary.parent.mkdir(parents=True, exist_ok=True)
        args.summary.write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
