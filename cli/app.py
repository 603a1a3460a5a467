"""The `reconcile` command: assembles the command groups and maps failures to exit codes."""

from __future__ import annotations

import sys
import traceback

import typer

from cli import ledger as ledger_commands
from cli import output
from cli import run as run_command
from reconcile.errors import InputError, ReconcileError

app = typer.Typer(
    name="reconcile",
    help="Find oversells before customers do: Shopify stock against marketplace "
    "orders and listings.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def root(
    debug: bool = typer.Option(
        False, "--debug", help="Show a traceback for unexpected errors."
    ),
) -> None:
    output.state["debug"] = debug


app.command("run")(run_command.run)
app.add_typer(ledger_commands.app, name="ledger")


def report_error(error: ReconcileError) -> None:
    if isinstance(error, InputError):
        output.error(str(error))
        for problem in error.problems:
            output.err.print(f"  {problem}", markup=False, highlight=False)
        return
    output.error(str(error))


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return its exit code (tests call this directly)."""
    try:
        app(args=argv, prog_name="reconcile")
    except SystemExit as stop:
        # Typer always ends this way: commands raise typer.Exit(code).
        code = stop.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except ReconcileError as error:
        report_error(error)
        return error.exit_code
    except KeyboardInterrupt:
        output.error("interrupted; nothing more was written.")
        return 130
    except Exception:
        if output.state["debug"]:
            traceback.print_exc()
        else:
            output.error(
                "unexpected failure (a bug in reconcile); run again with --debug "
                "for the traceback and report it."
            )
        return 70
    return 0


def entry() -> None:
    sys.exit(main())
