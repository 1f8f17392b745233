"""The README's shell examples run on the demo, as the README tells a newcomer to run them.

Every ```sh block of the command-line sections ("Command line" up to "Your data") is read
line by line. A line with placeholders (``[--db PATH]``, ``PROSPECT``, ``{ics,json}``,
``bash|zsh``, ``…``) is syntax: its command must exist. Every other line is an example and
runs in bash, in order, in a folder laid out as after ``make demo`` (``demo/demo.db`` built by
the Makefile's own command, ``.venv/bin`` holding this ``dualrole``), after the README's
``export`` lines: it must succeed, or end as :data:`EXPECTED_EXIT` says.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
SAMPLES = Path(__file__).parent / "interop" / "samples"
FIRST, LAST = "## Command line", "## Your data"
PLACEHOLDER = re.compile(r"^[A-Z]{2,}$|\[|\{|…|\w\|\w")
EXPECTED_EXIT = {
    "dualrole replica status": 1,  # the demo has no replica set: one sentence, exit 1
}
"""Examples that end otherwise than with success, by :func:`command`."""
NOT_HERE = {  # examples for another shell's start-up file, not for this bash session
    'eval "$(dualrole completion zsh)"',
    "dualrole completion fish > ~/.config/fish/completions/dualrole.fish",
}


def shell_lines() -> list[str]:
    """The lines of the ```sh blocks between FIRST and LAST, continuations joined."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index(FIRST) : text.index(LAST)]
    lines: list[str] = []
    for block in re.findall(r"```sh\n(.*?)```", section, flags=re.DOTALL):
        for line in block.replace("\\\n", " ").splitlines():
            if line.strip():
                lines.append(line.strip())
    return lines


def command(line: str) -> str:
    """The line's words without its comment (how EXPECTED_EXIT and NOT_HERE are compared)."""
    return " ".join(shlex.split(line, comments=True))


def is_syntax(line: str) -> bool:
    return any(PLACEHOLDER.search(word) for word in shlex.split(line, comments=True))


LINES = [line for line in shell_lines() if command(line)]  # not the comment-only lines
SETUP = [line for line in LINES if line.startswith("export ")]
SYNTAX = [line for line in LINES if line not in SETUP and is_syntax(line)]
EXAMPLES = [line for line in LINES if line not in SETUP and line not in SYNTAX]


def test_the_readme_says_how_to_reach_the_demo():
    assert any("DUALROLE_DB=" in line and "demo/demo.db" in line for line in SETUP), SETUP
    assert any(".venv/bin" in line and "PATH=" in line for line in SETUP), SETUP
    recipe = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "\t$(RUN) dualrole --db demo/demo.db demo\n" in recipe, "README and Makefile agree"
    assert "`make demo` builds `demo/demo.db`" in README.read_text(encoding="utf-8")


def test_the_lists_of_exceptions_are_in_step_with_the_readme():
    examples = {command(line) for line in EXAMPLES}
    assert {command(line) for line in EXPECTED_EXIT} <= examples
    assert {command(line) for line in NOT_HERE} <= examples
    assert len(EXAMPLES) >= 20, "the examples were found"


def test_every_syntax_line_names_a_real_command():
    import click

    from dualrole.cli.main import cli

    for line in SYNTAX:
        words = [w for w in shlex.split(line, comments=True)[1:] if not w.startswith("[")]
        group: click.Command = cli
        for word in words:
            if not isinstance(group, click.Group) or not re.fullmatch(r"[a-z-]+", word):
                break
            sub = group.commands.get(word)
            assert sub is not None, f"{line!r}: no command {word!r}"
            group = sub


@pytest.fixture
def newcomer(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A folder as after ``make demo``, and the environment of a shell with no settings."""
    folder = tmp_path / "clone"
    (folder / ".venv").mkdir(parents=True)
    (folder / ".venv" / "bin").symlink_to(Path(sys.executable).parent)
    home = tmp_path / "home"
    (home / "Downloads").mkdir(parents=True)
    (home / "Calendars").mkdir()
    shutil.copy(SAMPLES / "linkedin_Connections.csv", home / "Downloads" / "Connections.csv")
    env = {k: v for k, v in os.environ.items() if k != "DUALROLE_DB"}
    env["HOME"] = str(home)
    build = subprocess.run(
        [str(folder / ".venv" / "bin" / "dualrole"), "--db", "demo/demo.db", "demo", "--no-open"],
        cwd=folder, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert build.returncode == 0, build.stderr
    return folder, env


def test_every_example_runs_on_the_demo(newcomer):
    folder, env = newcomer
    setup = "\n".join(SETUP)
    ran = 0
    for line in EXAMPLES:
        if command(line) in {command(skipped) for skipped in NOT_HERE}:
            continue
        result = subprocess.run(
            ["bash", "-c", f"{setup}\n{line}"],
            cwd=folder, env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        expected = {command(k): v for k, v in EXPECTED_EXIT.items()}.get(command(line), 0)
        assert result.returncode == expected, (line, result.stdout[-500:], result.stderr)
        assert "Traceback" not in result.stderr, (line, result.stderr)
        assert "There is no workspace" not in result.stderr, (line, result.stderr)
        ran += 1
    assert ran >= 20
    # what the examples did is in the demo the app opens
    with_quill = subprocess.run(
        ["bash", "-c", f"{setup}\ndualrole show m.quill@example.org"],
        cwd=folder, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert "Call about pricing" in with_quill.stdout and "Send proposal" in with_quill.stdout
    assert not (Path(env["XDG_DATA_HOME"]) / "dualrole").exists(), "no other workspace made"
