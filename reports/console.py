"""The morning screen: what a person sees first after `reconcile run`, top to bottom.

1. One line of context: shop, clock, each source with rows and age.
2. Counts by kind and severity, new against known.
3. The worst findings, a screenful at most, with the next action.
4. Problems with the inputs.
5. Where the reports are and what the exit code means.

It builds Rich renderables and prints nothing; cli/output prints them. Off a
terminal (plain=True) tables lose their boxes and colour.
"""

from __future__ import annotations

from pathlib import Path

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from reconcile.model import KINDS, SEVERITIES, Finding, RunResult

WORST_ROWS = 15
KIND_LABELS = {
    "negative_stock": "negative stock",
    "mismatch": "mismatch",
    "stale_reservation": "stale reservation",
}
SEVERITY_STYLES = {"critical": "bold red", "high": "yellow", "low": "cyan"}
EXIT_MEANINGS = {
    0: "no new finding at or above --fail-on {level}",
    1: "new findings at or above --fail-on {level}",
}


def morning_screen(
    result: RunResult,
    folder: Path | None,
    ledger: Path | None,
    *,
    quiet: bool,
    plain: bool,
    verbose: bool = False,
) -> list[RenderableType]:
    parts: list[RenderableType] = []
    if not quiet:
        parts.append(context_line(result))
    parts.append(counts_line(result))
    if not quiet:
        parts.append(counts_table(result, plain))
        worst = worst_table(result.findings, plain)
        if worst is not None:
            parts.append(worst)
    if verbose:
        parts.append(channel_table(result, plain))
    problems = input_problems(result)
    if problems is not None:
        parts.append(problems)
    if not quiet:
        parts.append(closing_lines(result, folder, ledger))
    return parts


def _when(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _age(hours: float) -> str:
    if hours < 0:
        return "dated after the clock"
    if hours < 1:
        return f"{round(hours * 60)}m old"
    if hours < 48:
        return f"{hours:.0f}h old"
    return f"{hours / 24:.0f}d old"


def context_line(result: RunResult) -> Text:
    line = Text()
    line.append("Reconcile", style="bold")
    if result.demo:
        line.append(" (demo shop)")
    line.append(f" as of {_when(result.as_of)}. Read: ")
    sources = [
        f"{s.path} ({s.label}, {s.rows:,} rows, {_age(s.age_hours)})"
        for s in result.sources
    ]
    line.append("; ".join(sources) + ".")
    return line


def counts_line(result: RunResult) -> Text:
    counts = result.counts()
    parts = []
    for kind in KINDS:
        new = sum(counts[(kind, s)]["new"] for s in SEVERITIES)
        known = sum(counts[(kind, s)]["known"] for s in SEVERITIES)
        parts.append(
            f"{KIND_LABELS[kind]} {new} new" + (f" + {known} known" if known else "")
        )
    by_severity = [
        f"{severity} {sum(counts[(k, severity)]['new'] for k in KINDS)}"
        for severity in SEVERITIES
    ]
    return Text(f"Findings: {', '.join(parts)} ({', '.join(by_severity)} new).")


def counts_table(result: RunResult, plain: bool) -> Table:
    table = Table(box=None if plain else box.SIMPLE, show_edge=False, pad_edge=False)
    table.add_column("kind")
    for severity in SEVERITIES:
        table.add_column(severity, justify="right")
    counts = result.counts()
    for kind in KINDS:
        cells = []
        for severity in SEVERITIES:
            cell = counts[(kind, severity)]
            text = str(cell["new"]) + (
                f" (+{cell['known']} known)" if cell["known"] else ""
            )
            cells.append(text)
        table.add_row(KIND_LABELS[kind], *cells)
    return table


def _where(finding: Finding) -> str:
    return finding.location or finding.channel or "all locations"


TITLE_WIDTH = 40


def _shortened(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _one_line(text: str) -> str:
    """Exports carry line breaks inside cells; a finding stays on one line."""
    return " ".join(text.split())


def worst_table(findings: tuple[Finding, ...], plain: bool) -> Table | None:
    if not findings:
        return None
    shown = findings[:WORST_ROWS]
    title = (
        f"Worst {len(shown)} of {len(findings)}"
        if len(findings) > len(shown)
        else "Findings"
    )
    table = Table(
        title=title, title_justify="left", box=None if plain else box.SIMPLE_HEAD
    )
    for name, justify in (
        ("severity", "left"),
        ("kind", "left"),
        ("sku", "left"),
        ("title", "left"),
        ("where", "left"),
        ("expected", "right"),
        ("actual", "right"),
        ("diff", "right"),
        ("next action", "left"),
    ):
        table.add_column(name, justify=justify, overflow="fold")
    for finding in shown:
        severity = finding.severity + (" (known)" if finding.status == "known" else "")
        table.add_row(
            Text(severity, style="" if plain else SEVERITY_STYLES[finding.severity]),
            KIND_LABELS[finding.kind],
            _one_line(finding.sku or "-"),
            _shortened(_one_line(finding.title or ""), TITLE_WIDTH),
            _one_line(_where(finding)),
            str(finding.expected),
            str(finding.actual),
            f"{finding.difference:+d}",
            finding.action,
        )
    return table


def channel_table(result: RunResult, plain: bool) -> Table:
    """What each channel's files held and what became of it (-v)."""
    table = Table(
        title="Per channel", title_justify="left", box=None if plain else box.SIMPLE
    )
    table.add_column("channel")
    table.add_column("count")
    table.add_column("what", overflow="fold")
    for channel, counts in result.channel_summary.items():
        for name, value in counts.items():
            table.add_row(channel, f"{value:,}", name.replace("_", " "))
    return table


def input_problems(result: RunResult) -> Group | None:
    if not result.warnings:
        return None
    lines: list[RenderableType] = [
        Text(f"Input warnings ({len(result.warnings)}):", style="bold")
    ]
    lines += [Text(f"  {problem}") for problem in result.warnings]
    return Group(*lines)


def closing_lines(result: RunResult, folder: Path | None, ledger: Path | None) -> Text:
    text = Text()
    if folder is not None:
        text.append(f"Reports: {folder}\n")
    if ledger is not None:
        text.append(f"Ledger: {ledger} (run recorded)\n")
    meaning = EXIT_MEANINGS[result.exit_code].format(level=result.fail_on)
    text.append(f"Exit code {result.exit_code}: {meaning}.")
    return text
