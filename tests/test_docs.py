"""The manual cannot drift: its command-line reference is the commands', and it builds strictly.

docs/reference/cli.md is generated (``make docs``); a command, option or help text changed
without regenerating it fails here. The site is built with ``mkdocs build --strict`` as
``make docs`` does, so a broken link or anchor, a missing page or a page left out of the nav
fails ``make test`` too. The README stays a front page whose links lead into the manual.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import click

from dualrole.cli.main import cli
from dualrole.cli.reference import commands, reference

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "reference" / "cli.md"


def test_the_committed_cli_reference_is_the_commands():
    assert PAGE.read_text(encoding="utf-8") == reference(), (
        "docs/reference/cli.md is stale: run `make docs` (or "
        "`python -m dualrole.cli.reference docs/reference/cli.md`) and commit it"
    )


def test_every_command_and_option_is_in_the_reference():
    text = reference()
    root = click.Context(cli, info_name="dualrole", **cli.context_settings)
    paths = []
    for command, ctx in commands(cli, root):
        if ctx.parent is not None:
            assert f"## `{ctx.command_path}`" in text, ctx.command_path
            paths.append(ctx.command_path)
        for param in command.params:
            if isinstance(param, click.Option) and not param.hidden:
                assert any(f"{opt}" in text for opt in param.opts), (ctx.command_path, param)
    assert {"dualrole today", "dualrole export ics", "dualrole replica status"} <= set(paths)
    assert len(paths) >= 25


def test_the_reference_does_not_depend_on_the_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "40")
    narrow = reference()
    monkeypatch.setenv("COLUMNS", "250")
    assert reference() == narrow


def test_the_site_builds_strictly(tmp_path):
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet",
         "--config-file", str(ROOT / "mkdocs.yml"), "--site-dir", str(tmp_path / "site")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr[-3000:]
    site = tmp_path / "site"
    assert (site / "reference" / "cli" / "index.html").is_file()
    assert (site / "screenshots" / "today.svg").is_file()
    assert "dualrole follow-up" in (site / "reference" / "cli" / "index.html").read_text("utf-8")


def test_the_makefile_builds_the_manual_as_the_test_does():
    recipe = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "\t$(RUN) python -m dualrole.cli.reference docs/reference/cli.md\n" in recipe
    assert "mkdocs build --strict" in recipe


def slug(heading: str) -> str:
    """The id MkDocs gives a heading (the toc extension's default)."""
    kept = "".join(c for c in heading.lower() if c.isalnum() or c in " -")
    return "-".join(kept.split())


def test_the_readme_is_a_front_page_that_leads_into_the_manual():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 250
    links = re.findall(r"\]\(((?:docs|screenshots)/[^)#]+)(#[^)]*)?\)", text)
    assert len(links) >= 15
    for link, anchor in links:
        assert (ROOT / link).is_file(), f"README links to {link}, which does not exist"
        if anchor:
            headings = re.findall(r"^#+ (.+)$", (ROOT / link).read_text("utf-8"), re.MULTILINE)
            assert anchor[1:] in {slug(heading) for heading in headings}, link + anchor
    for must in ("make demo", "make test", "uv tool install", "pipx install", "Keys at a glance"):
        assert must in text, must
