"""The command line, run as a user runs it: one sentence on error, never a traceback."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from dualrole.core.models import ProspectIn
from dualrole.entry import app_only
from dualrole.services import sales
from dualrole.storage.backup import verify_backup
from dualrole.storage.db import open_store
from in_process import dualrole


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """``dualrole ARGS`` as a shell runs it, in this process (``in_process``); the test's env
    (frozen clock, paths) applies."""
    return dualrole(*args, stdin=stdin)


def run_python_m(*args: str) -> subprocess.CompletedProcess[str]:
    """``python -m dualrole ARGS`` in a fresh interpreter: the real entry point."""
    result = subprocess.run(
        [sys.executable, "-m", "dualrole", *args], capture_output=True, text=True, timeout=120
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def one_sentence_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0
    message = result.stderr.strip()
    assert message.startswith("Error: "), message
    assert "\n" not in message, message
    return message


def table_dump(path: Path) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        rows = []
        for table in ("prospects", "interactions", "followups", "research_notes", "promotions"):
            rows += conn.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
        return rows
    finally:
        conn.close()


@pytest.mark.parametrize("command", [[], ["demo"], ["check"], ["backup"], ["restore"]])
def test_help_everywhere(command):
    result = run(*command, "--help")
    assert result.returncode == 0
    assert "Usage:" in result.stdout


def test_the_real_entry_point_answers_in_a_fresh_interpreter():
    helped = run_python_m("--help")
    assert helped.returncode == 0 and "Usage:" in helped.stdout
    version = run_python_m("--version")
    assert version.returncode == 0 and "version" in version.stdout
    assert "Error: " in run_python_m("no-such-command").stderr


def test_demo_is_deterministic_and_never_overwrites_without_force(tmp_path):
    first, second = tmp_path / "a.db", tmp_path / "b.db"
    assert run("--db", str(first), "demo", "--seed", "3", "--no-open").returncode == 0
    assert run("--db", str(second), "demo", "--seed", "3", "--no-open").returncode == 0
    assert table_dump(first) == table_dump(second)
    assert len(table_dump(first)) > 60
    other = tmp_path / "c.db"
    run("--db", str(other), "demo", "--seed", "4", "--no-open")
    assert table_dump(other) != table_dump(first)

    before = first.read_bytes()
    refused = run("--db", str(first), "demo", "--seed", "5", "--no-open")
    assert "already exists; pass --force" in one_sentence_error(refused)
    assert first.read_bytes() == before
    forced = run("--db", str(first), "demo", "--seed", "4", "--no-open", "--force")
    assert forced.returncode == 0
    assert table_dump(first) == table_dump(other)
    assert not list(tmp_path.glob(".*building*"))


def test_demo_refuses_a_folder_of_its_own(tmp_path):
    result = run("--db", str(tmp_path), "demo", "--no-open")
    assert "folder" in one_sentence_error(result)


def test_check_ok_and_damaged(tmp_path):
    path = tmp_path / "work.db"
    with open_store(path) as store:
        sales.create_prospect(store, ProspectIn(name="Priya"))
    ok = run("--db", str(path), "check")
    assert ok.returncode == 0
    assert ok.stdout.startswith("ok: ") and "1 prospect." in ok.stdout  # not "1 prospects"

    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database at all, just text" * 100)
    message = one_sentence_error(run("--db", str(garbage), "check"))
    assert "is not a SQLite database" in message

    missing = one_sentence_error(run("--db", str(tmp_path / "absent.db"), "check"))
    assert "There is no workspace at" in missing
    assert not (tmp_path / "absent.db").exists()


def test_backup_and_restore(tmp_path):
    path = tmp_path / "work.db"
    with open_store(path) as store:
        sales.create_prospect(store, ProspectIn(name="Before backup"))
    dest = tmp_path / "copy.db"
    made = run("--db", str(path), "backup", str(dest))
    assert made.returncode == 0 and str(dest) in made.stdout
    verify_backup(dest)
    assert dest.stat().st_mode & 0o777 == 0o600
    automatic = run("--db", str(path), "backup")
    assert automatic.returncode == 0 and ".backups" in automatic.stdout

    with open_store(path) as store:
        sales.create_prospect(store, ProspectIn(name="After backup"))

    bogus = tmp_path / "bogus.db"
    bogus.write_text("hello")
    before = path.read_bytes()
    refused = run("--db", str(path), "restore", str(bogus), "--yes")
    assert "not a SQLite database; nothing was restored" in one_sentence_error(refused)
    assert path.read_bytes() == before

    declined = run("--db", str(path), "restore", str(dest), stdin="n\n")
    assert declined.returncode != 0
    restored = run("--db", str(path), "restore", str(dest), "--yes")
    assert restored.returncode == 0, restored.stderr
    with open_store(path) as store:
        names = [row[0] for row in store.query("SELECT name FROM prospects")]
    assert names == ["Before backup"]


def test_restore_replaces_a_damaged_file_and_keeps_it_aside(tmp_path):
    path = tmp_path / "work.db"
    with open_store(path) as store:
        sales.create_prospect(store, ProspectIn(name="Saved"))
    dest = tmp_path / "good.db"
    assert run("--db", str(path), "backup", str(dest)).returncode == 0
    path.write_bytes(path.read_bytes()[:10])  # truncated to garbage
    assert "truncated" in one_sentence_error(run("--db", str(path), "check"))
    restored = run("--db", str(path), "restore", str(dest), "--yes")
    assert restored.returncode == 0, restored.stderr
    assert "damaged" in restored.stdout
    with open_store(path) as store:
        assert store.scalar("SELECT name FROM prospects") == "Saved"
    assert list(tmp_path.glob("work.db.damaged-*"))


@pytest.mark.parametrize(
    "args",
    [
        ["--db", "/nonexistent-folder/x.db", "check"],
        ["--db", "/nonexistent-folder/x.db", "backup"],
        ["--db", "/", "check"],
        ["--db", "/dev/null", "check"],
        ["demo", "--prospects", "0", "--no-open"],
        ["demo", "--seed", "NaN", "--no-open"],
        ["restore", "/nonexistent.db", "--yes"],
        ["no-such-command"],
        ["--db", "\x01\u202e.db", "check"],
    ],
)
def test_bad_invocations_are_one_clear_line(args):
    result = run(*args)
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines, "a failure must say something"
    assert lines[-1].startswith("Error: "), result.stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], (True, None)),
        (["--db", "work.db"], (True, "work.db")),
        (["--db=work.db"], (True, "work.db")),
        (["--db", ""], (True, "")),
        (["--db"], (False, None)),
        (["--db", "work.db", "check"], (False, None)),
        (["check"], (False, None)),
        (["--help"], (False, None)),
        (["--version"], (False, None)),
        (["--db", "a.db", "--db", "b.db"], (False, None)),
    ],
)
def test_only_opening_the_app_skips_the_command_line(args, expected):
    assert app_only(args) == expected


def test_opening_a_bad_file_is_one_sentence_without_loading_the_command_line(tmp_path):
    notes = tmp_path / "notes.db"
    notes.write_text("Dear diary, this is not a database.\n" * 50)
    message = one_sentence_error(run("--db", str(notes)))
    assert message == one_sentence_error(run("--db", str(notes), "check"))
    assert "is not a SQLite database" in message
    script = (
        "import sys\n"
        "from dualrole.entry import main\n"
        f"sys.argv = ['dualrole', '--db', {str(notes)!r}]\n"
        "try:\n    main()\nexcept SystemExit as exit:\n"
        "    print(exit.code, 'click' in sys.modules, 'textual' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.stdout.split() == ["1", "False", "False"], result.stderr


def test_version_goes_to_the_command_line_and_a_missing_folder_is_refused(tmp_path):
    version = run("--version")
    assert version.returncode == 0 and "version" in version.stdout
    missing = one_sentence_error(run("--db", str(tmp_path / "gone" / "work.db")))
    assert "does not exist" in missing or "There is no database" in missing


def default_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No --db and no DUALROLE_DB: the user data folder's workspace (in the test's folder)."""
    monkeypatch.delenv("DUALROLE_DB")
    return tmp_path / "xdg" / "dualrole" / "dualrole.db"


@pytest.mark.parametrize(
    "command",
    [
        ["find", "becker"],
        ["show", "becker"],
        ["today"],
        ["review"],
        ["insights"],
        ["check"],
        ["export", "json"],
        ["replica", "status"],
        ["log", "becker", "Call"],  # needs a prospect: an empty workspace cannot have one
        ["follow-up", "becker", "Call back", "--due", "tomorrow"],
        ["stage", "becker", "won"],
        ["done", "f1"],
        ["snooze", "f1", "mon"],
    ],
)
def test_a_missing_workspace_is_named_not_made(tmp_path, monkeypatch, command):
    path = default_workspace(tmp_path, monkeypatch)
    message = one_sentence_error(run(*command))
    assert f"There is no workspace at {path} yet; pass --db FILE" in message
    assert "`dualrole demo`" in message
    assert not path.exists() and not path.parent.exists()


def test_a_missing_workspace_points_at_the_demo_beside_it(tmp_path, monkeypatch):
    path = default_workspace(tmp_path, monkeypatch)
    assert run("demo", "--no-open").returncode == 0  # without --db: demo.db beside it
    message = one_sentence_error(run("find", "becker"))
    demo = path.with_name("demo.db")
    assert message == (
        f"Error: There is no workspace at {path} yet; the demo is at {demo}: "
        f"pass --db {demo} (or set DUALROLE_DB to it)."
    )
    found = run("--db", str(demo), "find", "becker")
    assert found.returncode == 0 and "Becker" in found.stdout


def test_a_new_default_workspace_is_said_once(tmp_path, monkeypatch):
    path = default_workspace(tmp_path, monkeypatch)
    first = run("add", "Margaretha Quill")
    assert first.returncode == 0 and "Added #1 Margaretha Quill" in first.stdout
    assert first.stderr == f"New workspace at {path} (no --db or DUALROLE_DB given).\n"
    second = run("add", "Ann Lee")
    assert second.returncode == 0 and second.stderr == ""
    explicit = run("--db", str(tmp_path / "chosen.db"), "add", "Ann Lee")
    assert explicit.returncode == 0 and explicit.stderr == "", "a chosen path is no surprise"
