"""The shell examples of the manual (docs/) and the README run on the demo, as a newcomer runs them.

Every ```sh block of every page is read line by line. A ``make X`` line names a target of the
Makefile. A line with placeholders (``[--db PATH]``, ``PROSPECT``, ``{ics,json}``,
``bash|zsh``, ``…``) is syntax: its command must exist. Every other line is an example: on the
pages of :data:`RUNS` it runs in bash, page after page in the order given, in a folder laid
out as after ``make demo`` (``demo/demo.db`` built by the Makefile's own command, ``.venv/bin``
holding this ``dualrole``), after the ``export`` lines of docs/shell.md: it must succeed, or
end as :data:`EXPECTED_EXIT` says. On the pages of :data:`SHOWN_ONLY` (they need a server or
another machine) its command must exist. A page with examples in neither is an error, so a
new page's examples cannot go untested by oversight.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest

from dualrole.cli.main import cli

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
SAMPLES = Path(__file__).parent / "interop" / "samples"
SHELL_PAGE = "docs/shell.md"
"""The page whose ``export`` lines set the shell up for every run (the demo, this dualrole)."""

RUNS = {
    "manual": [
        "docs/getting-started.md",
        "docs/shell.md",
        "docs/review.md",
        "docs/insights.md",
        "docs/import-export.md",
        "docs/development.md",
    ],
    "front page": ["README.md"],  # on its own demo: it adds the same Margaretha Quill
}
"""Pages whose examples run, each group on a demo of its own, in this order."""

SHOWN_ONLY = {
    "docs/replication.md": "S3, SFTP and a NAS (tests/replication runs real replicas)",
    # Pages other branches write; their commands must exist. Move one to RUNS once its
    # examples run on the demo as they stand.
    "docs/settings-and-config.md": "another branch's page",
    "docs/companies-and-deals.md": "another branch's page",
    "docs/phone-sync.md": "a CardDAV/CalDAV server",
    "docs/mail.md": "a mail server",
}
"""Pages whose examples are shown, not run, and why."""

PLACEHOLDER = re.compile(r"^[A-Z]{2,}$|\[|\{|…|\w\|\w")
EXPECTED_EXIT = {
    "dualrole replica status": 1,  # the demo has no replica set: one sentence, exit 1
}
"""Examples that end otherwise than with success, by :func:`command`."""
NOT_HERE = {  # examples for another shell's start-up file, another machine or a terminal
    'eval "$(dualrole completion zsh)"',
    "dualrole completion fish > ~/.config/fish/completions/dualrole.fish",
    "uv tool install git+https://github.com/OWNER/dualrole",  # the network; a placeholder
    "pipx install git+https://github.com/OWNER/dualrole",
    "dualrole demo",  # opens the app, as does:
    "dualrole",
}


def pages() -> list[str]:
    """Every page of the manual and the README, as paths from the repository's top."""
    found = sorted(str(path.relative_to(ROOT)) for path in DOCS.rglob("*.md"))
    return ["README.md", *found]


def shell_lines(page: str) -> list[str]:
    """The lines of the page's ```sh blocks, continuations joined, comment-only lines left out."""
    text = (ROOT / page).read_text(encoding="utf-8")
    lines: list[str] = []
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.DOTALL):
        for line in block.replace("\\\n", " ").splitlines():
            if command(line):
                lines.append(line.strip())
    return lines


def command(line: str) -> str:
    """The line's words without its comment (how EXPECTED_EXIT and NOT_HERE are compared)."""
    return " ".join(shlex.split(line, comments=True))


def is_syntax(line: str) -> bool:
    return any(PLACEHOLDER.search(word) for word in shlex.split(line, comments=True))


def is_make(line: str) -> bool:
    return line.startswith("make ")


def examples(page: str) -> list[str]:
    """The page's lines to run: not set-up, make targets, syntax or :data:`NOT_HERE`."""
    skipped = {command(line) for line in NOT_HERE}
    return [
        line
        for line in shell_lines(page)
        if not line.startswith("export ")
        and not is_make(line)
        and not is_syntax(line)
        and command(line) not in skipped
    ]


SETUP = [line for line in shell_lines(SHELL_PAGE) if line.startswith("export ")]
RUN_PAGES = [page for group in RUNS.values() for page in group]


def test_the_manual_says_how_to_reach_the_demo():
    assert any("DUALROLE_DB=" in line and "demo/demo.db" in line for line in SETUP), SETUP
    assert any(".venv/bin" in line and "PATH=" in line for line in SETUP), SETUP
    recipe = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "\t$(RUN) dualrole --db demo/demo.db demo\n" in recipe, "the pages and Makefile agree"
    for page in ("README.md", "docs/getting-started.md", SHELL_PAGE):
        assert "`make demo` builds `demo/demo.db`" in (ROOT / page).read_text(encoding="utf-8")


def test_every_page_with_examples_is_run_or_says_why_not():
    for page in pages():
        if shell_lines(page):
            assert page in RUN_PAGES or page in SHOWN_ONLY, (
                f"{page} has shell examples: add it to RUNS (its examples run on the demo) "
                "or to SHOWN_ONLY with the reason they cannot run here"
            )
    assert not set(RUN_PAGES) & set(SHOWN_ONLY)
    for page in RUN_PAGES:
        assert (ROOT / page).is_file(), page


def test_the_lists_of_exceptions_are_in_step_with_the_pages():
    every = {command(line) for page in RUN_PAGES for line in shell_lines(page)}
    assert {command(line) for line in EXPECTED_EXIT} <= every
    assert {command(line) for line in NOT_HERE} <= every
    assert len([line for page in RUNS["manual"] for line in examples(page)]) >= 20
    assert len(examples("README.md")) >= 4


def resolve(line: str) -> click.Command:
    """The command a ``dualrole …`` line names (options before it skipped); fails if none."""
    words = shlex.split(line, comments=True)[1:]
    found: click.Command = cli
    takes_value = {"--db"}
    index = 0
    while index < len(words) and isinstance(found, click.Group):
        word = words[index]
        index += 1
        if word.startswith("["):
            continue
        if word.startswith("-"):
            index += word in takes_value
            continue
        if not re.fullmatch(r"[a-z-]+", word):
            break
        sub = found.commands.get(word)
        assert sub is not None, f"{line!r}: no command {word!r}"
        found = sub
    return found


def test_every_syntax_line_and_shown_example_names_a_real_command():
    checked = 0
    for page in pages():
        shown_only = page in SHOWN_ONLY
        for line in shell_lines(page):
            if line.startswith("dualrole") and (shown_only or is_syntax(line)):
                resolve(line)
                checked += 1
    assert checked >= 15


def test_every_make_line_names_a_target():
    recipe = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z][a-z-]*):", recipe, flags=re.MULTILINE))
    lines = [line for page in pages() for line in shell_lines(page) if is_make(line)]
    assert len(lines) >= 5
    for line in lines:
        target = shlex.split(line, comments=True)[1]
        assert target in targets, f"{line!r}: no target {target!r} in the Makefile"


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


@pytest.mark.parametrize("group", sorted(RUNS))
def test_every_example_runs_on_the_demo(newcomer, group):
    folder, env = newcomer
    setup = "\n".join(SETUP)
    ran = 0
    for page in RUNS[group]:
        for line in examples(page):
            result = subprocess.run(
                ["bash", "-c", f"{setup}\n{line}"],
                cwd=folder, env=env, capture_output=True, text=True, timeout=300,
            )  # fmt: skip
            expected = {command(k): v for k, v in EXPECTED_EXIT.items()}.get(command(line), 0)
            assert result.returncode == expected, (page, line, result.stdout[-500:], result.stderr)
            assert "Traceback" not in result.stderr, (page, line, result.stderr)
            assert "There is no workspace" not in result.stderr, (page, line, result.stderr)
            ran += 1
    assert ran >= 4
    # what the examples did is in the demo the app opens
    with_quill = subprocess.run(
        ["bash", "-c", f"{setup}\ndualrole show m.quill@example.org"],
        cwd=folder, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert "Call about pricing" in with_quill.stdout and "Send proposal" in with_quill.stdout
    assert not (Path(env["XDG_DATA_HOME"]) / "dualrole").exists(), "no other workspace made"
