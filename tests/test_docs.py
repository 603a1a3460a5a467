"""The README agrees with the program: its set-up commands, its demo and its options."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cli.app import main

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def shell_blocks() -> list[str]:
    return re.findall(r"```sh\n(.*?)\n```", README, flags=re.S)


def test_the_readme_gives_exactly_two_setup_commands_and_ci_runs_the_test_one() -> None:
    demo, tests = shell_blocks()
    ci_script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")

    assert demo.endswith("reconcile run --demo")
    assert tests.endswith("pytest")
    assert ci_script.rstrip().splitlines()[-1] == tests


def test_the_readme_demo_output_matches_a_real_demo_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shown = re.search(
        r"The demo exits.*?```text\n(.*?)\n```", README, flags=re.S
    ).group(1)

    code = main(["run", "--demo", "--out", str(tmp_path / "out")])
    printed = capsys.readouterr().out

    assert code == 1
    finding_lines = [line for line in shown.splitlines() if line.startswith(" ")]
    actual = {line.rstrip() for line in printed.splitlines()}
    assert len(finding_lines) >= 10
    for line in finding_lines:
        assert line.rstrip() in actual


@pytest.mark.parametrize(
    ("command", "section"),
    [(["run"], "### `reconcile run"), (["ledger", "reserve"], "### `reconcile ledger")],
)
def test_every_option_of_a_command_is_documented(
    command: list[str], section: str, capsys: pytest.CaptureFixture[str]
) -> None:
    main([*command, "--help"])
    options = set(re.findall(r"(--[a-z][a-z-]+)", capsys.readouterr().out)) - {"--help"}

    documented = README.split(section, 1)[1]
    missing = sorted(
        o for o in options if not re.search(re.escape(o) + r"(?![a-z-])", documented)
    )
    assert missing == []
