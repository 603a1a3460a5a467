"""The command-line interface: Typer commands that parse options, call the engine,
hand the result to a renderer and map failures to exit codes."""
