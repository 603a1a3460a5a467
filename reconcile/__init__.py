"""reconcile: find oversells between Shopify stock and marketplace orders and listings.

The engine package. It reads sources into canonical tables, runs the checks and keeps
the ledger. It takes and returns data: it never prints and never exits.
"""

__version__ = "0.1.0"
