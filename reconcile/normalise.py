"""SKU matching rules: one documented normalisation applied to every table.

Readers already trim padding and Excel's protective apostrophe. Here the case rule
from config applies everywhere, then each channel's alias map turns the channel's
SKU into the Shopify SKU. Nothing is ever parsed as a number.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from reconcile.config import Settings


def skucase_sku(values: pd.Series, rule: str) -> pd.Series:
    if rule == "upper":
        return values.str.upper()
    if rule == "lower":
        return values.str.lower()
    return values


def case_sku(sku: str, rule: str) -> str:
    return {"upper": sku.upper(), "lower": sku.lower()}.get(rule, sku)


def channel_skus(frame: pd.DataFrame, settings: Settings) -> pd.Series:
    """Each row's SKU as Shopify knows it, through the case rule and alias maps."""
    skus = skucase_sku(frame["sku"], settings.sku_case)
    for channel in frame["channel"].unique():
        aliases = settings.channel(channel).sku_aliases
        if not aliases:
            continue
        mapping = {
            case_sku(channel_sku, settings.sku_case): case_sku(
                shopify_sku, settings.sku_case
            )
            for channel_sku, shopify_sku in aliases.items()
        }
        mine = frame["channel"] == channel
        skus = skus.where(~mine, skus.replace(mapping))
    return skus


def settings_skus(settings: Settings) -> Settings:
    """The SKUs named in the settings (pre-orders) under the same case rule."""
    preorders = tuple(
        case_sku(sku.strip(), settings.sku_case) for sku in settings.preorder_skus
    )
    return replace(settings, preorder_skus=preorders)


def normalise(frame: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    if frame.empty:
        return frame
    return frame.assign(sku=channel_skus(frame, settings))
