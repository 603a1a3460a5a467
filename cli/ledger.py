"""`reconcile ledger ...`: reservations and the audit trail (placeholder)."""

import typer

app = typer.Typer(help="Hold and release stock; read the audit trail.", no_args_is_help=True)
