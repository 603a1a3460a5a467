"""Made-up people and addresses: no real customer details anywhere.

Emails use example.com and street numbers come from the generator, so nothing
here can point at a real person.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from shopgen.fields import join, pick, text

FIRST_NAMES = (
    "Avery", "Jordan", "Riley", "Sam", "Quinn", "Morgan", "Zoë", "José",
    "Priya", "Kenji", "Amara", "Lars", "Noor", "Mateo", "Ines", "Tomas",
)  # fmt: skip
LAST_NAMES = (
    "Example", "Sample", "Testwood", "Placeholder", "Madeup", "Fictional",
    "O'Dummy", "Nobody", "Lorem", "Ipsum",
)  # fmt: skip
STREETS = ("Elm St", "Maple Ave", "Harbor Rd", "Mill Lane", "Ridge Way", "Oak Ct")

_PLACES = (
    ("Springfield", "IL", "Illinois", "62701"),
    ("Portland", "OR", "Oregon", "97201"),
    ("Austin", "TX", "Texas", "73301"),
    ("Burlington", "VT", "Vermont", "05401"),
    ("Madison", "WI", "Wisconsin", "53703"),
    ("Asheville", "NC", "North Carolina", "28801"),
    ("Boise", "ID", "Idaho", "83702"),
    ("Newark", "NJ", "New Jersey", "07102"),
)
ADDRESSES = {
    "city": pa.array([p[0] for p in _PLACES]),
    "state": pa.array([p[1] for p in _PLACES]),
    "province_name": pa.array([p[2] for p in _PLACES]),
    # Leading zeros kept: a postal code is text.
    "zip": pa.array([p[3] for p in _PLACES]),
}


def address_rows(rng: np.random.Generator, count: int) -> np.ndarray:
    return rng.integers(0, len(_PLACES), size=count)


def person_names(rng: np.random.Generator, count: int) -> pa.Array:
    return join(pick(rng, FIRST_NAMES, count), " ", pick(rng, LAST_NAMES, count))


def streets(rng: np.random.Generator, count: int) -> pa.Array:
    number = text(rng.integers(1, 9999, size=count))
    return join(number, " ", pick(rng, STREETS, count))


def buyer_handles(buyer: np.ndarray) -> pa.Array:
    return join("buyer", text(buyer))


def buyer_emails(buyer: np.ndarray) -> pa.Array:
    return join("buyer", text(buyer), "@example.com")
