"""Arrow-backed membership, the step that decides whether an order is already in
Shopify and whether a listed SKU exists."""

from __future__ import annotations

import pandas as pd

from reconcile.frames import isin


def test_leading_zero_skus_match_only_themselves() -> None:
    skus = pd.Series(["00417", "417", "0417", None], dtype="str")

    assert isin(skus, pd.Index(["00417"])).tolist() == [True, False, False, False]


def test_a_python_set_and_an_empty_candidate_list_both_work() -> None:
    orders = pd.Series(["113-0000001-0000001", "#1001"], dtype="str", index=[7, 9])

    assert isin(orders, {"#1001"}).to_dict() == {7: False, 9: True}
    assert isin(orders, []).to_dict() == {7: False, 9: False}
