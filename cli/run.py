"""`reconcile run`: the morning reconcile (placeholder)."""


def run() -> int:
    return 0
