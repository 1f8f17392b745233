"""Odd input at the edges: every kind of file that is not a contacts file, weeks at the ends of
the calendar, a restore that cannot write. Each gets its own sentence, at once, nothing stored."""

from __future__ import annotations

import codecs
import os
import socket
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from dualrole.core.models import ProspectIn
from dualrole.services import sales
from dualrole.storage.db import open_store

from .faults import one_sentence, read_only, run_cli, run_cli_process

# A command that hangs (reading /dev/zero or a FIFO) fails the test instead of blocking it.
QUICK = 60


def _fifo(folder: Path) -> Path:
    path = folder / "contacts.csv"
    os.mkfifo(path)
    return path


def _socket(folder: Path) -> Path:
    path = folder / "contacts.sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.close()
    return path


def _workspace(folder: Path) -> Path:
    path = folder / "other.db"
    with open_store(path) as store:
        sales.create_prospect(store, ProspectIn(name="Someone"))
    return path


def _other_sqlite(folder: Path) -> Path:
    path = folder / "photos.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE photo (id INTEGER PRIMARY KEY)")
    conn.commit()
    conn.close()
    return path


def _binary(folder: Path) -> Path:
    path = folder / "picture.csv"
    path.write_bytes(bytes(range(256)) * 12 + b'"\x00",' * 50)
    return path


def _binary_without_nul(folder: Path) -> Path:
    path = folder / "noise.vcf"
    path.write_bytes(bytes(range(1, 32)) * 40 + bytes(range(128, 256)) * 10)  # not UTF-8
    return path


def _empty_vcf(folder: Path) -> Path:
    path = folder / "contacts.vcf"
    path.touch()
    return path


NOT_CONTACTS: dict[str, tuple[Callable[[Path], Path], str]] = {
    "/dev/zero": (lambda _folder: Path("/dev/zero"), "is not a regular file"),
    "/dev/null": (lambda _folder: Path("/dev/null"), "is not a regular file"),
    "FIFO": (_fifo, "is not a regular file"),
    "socket": (_socket, "is not a regular file"),
    "a dualrole workspace": (_workspace, "is a dualrole workspace (a SQLite database), not a"),
    "another program's database": (_other_sqlite, "is a SQLite database, not a contacts file"),
    "a binary file": (_binary, "is not a text contacts file (it looks binary)"),
    "a binary file without NUL": (
        _binary_without_nul,
        "is not a text contacts file (it looks binary)",
    ),
    "an empty .vcf": (_empty_vcf, "is empty: there is no vCard"),
}


@pytest.mark.parametrize("kind", list(NOT_CONTACTS))
def test_files_that_are_not_contacts_get_their_own_sentence_at_once(tmp_path, kind):
    make, fragment = NOT_CONTACTS[kind]
    source = make(tmp_path)
    db = tmp_path / "work.db"
    try:
        result = run_cli_process("--db", str(db), "import", str(source), timeout=QUICK)
    except subprocess.TimeoutExpired:
        pytest.fail(f"import {kind} hung")
    message = one_sentence(result)
    assert fragment in message, message
    assert "SQLite format" not in message and "expected after" not in message
    assert all(ch.isprintable() for ch in message), repr(message)
    with open_store(db) as store:
        assert store.scalar("SELECT count(*) FROM prospects") == 0


def test_excel_unicode_text_imports(tmp_path):
    """Excel's "Unicode text": UTF-16 LE with a byte order mark, tab-separated, CRLF."""
    path = tmp_path / "Kontakte.txt"
    text = "Name\tE-Mail\tFirma\r\nJürgen Müller\tjm@example.de\tMüller GmbH\r\n"
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    db = tmp_path / "work.db"
    result = run_cli("--db", str(db), "import", str(path))
    assert result.returncode == 0, result.stderr
    assert "1 created" in result.stdout and "encoding utf-16" in result.stdout
    with open_store(db) as store:
        row = store.query("SELECT name, email, company FROM prospects")[0]
        assert tuple(row) == ("Jürgen Müller", "jm@example.de", "Müller GmbH")


@pytest.mark.parametrize(
    ("week", "fragment"),
    [
        ("0001-W01", "0001-W01 is outside the weeks a review can cover"),
        ("0001-W09", "0001-W09 is outside the weeks a review can cover"),
        ("9999-W52", "9999-W52 is outside the weeks a review can cover"),
        ("2026-W54", "2026 has no week 54"),
    ],
)
@pytest.mark.parametrize("option", ["--week", "--from", "--to"])
def test_weeks_at_the_ends_of_the_calendar(tmp_path, week, fragment, option):
    db = tmp_path / "work.db"
    open_store(db).close()
    result = run_cli("--db", str(db), "review", option, week)
    assert result.returncode == 2
    assert fragment in result.stderr and "unexpected" not in result.stderr, result.stderr


@pytest.mark.parametrize("week", ["0001-W10", "9999-W51"])
def test_the_first_and_last_reviewable_weeks_work(tmp_path, week):
    db = tmp_path / "work.db"
    open_store(db).close()
    result = run_cli("--db", str(db), "review", "--week", week, "--format", "json")
    assert result.returncode == 0, result.stderr
    assert f'"week": "{week}"' in result.stdout


def _good_backup(tmp_path: Path) -> Path:
    source = tmp_path / "good.db"
    with open_store(source) as store:
        sales.create_prospect(store, ProspectIn(name="From the backup"))
    return source


@pytest.mark.parametrize("what", ["file", "folder"])
def test_restore_into_a_read_only_workspace(tmp_path, what):
    source = _good_backup(tmp_path)
    folder = tmp_path / "shelf"
    folder.mkdir()
    path = folder / "work.db"
    with open_store(path) as store:
        sales.create_prospect(store, ProspectIn(name="Current"))
    before = path.read_bytes()
    with read_only(path if what == "file" else folder):
        result = run_cli("--db", str(path), "restore", str(source), "--yes")
    message = one_sentence(result)
    assert "unexpected" not in message and "nothing was restored" in message, message
    assert "read-only" in message or "cannot be created" in message, message
    assert path.read_bytes() == before


def test_cli_sentences_never_carry_terminal_control(tmp_path):
    """A file name with escape sequences, echoed in an error: shown, never obeyed."""
    hostile = tmp_path / "\x1b]0;pwned\x07\x1b[2J\u202e.csv"
    result = run_cli("--db", str(tmp_path / "w.db"), "import", str(hostile))
    message = one_sentence(result)
    assert "There is no file" in message and "␛" in message
    assert not any(ch in message for ch in "\x1b\x07\u202e")
    check = run_cli("--db", str(tmp_path / "\x1b[31m\x9b2J.db"), "check")
    assert "There is no workspace at" in one_sentence(check)
    assert "\x1b" not in check.stderr and "\x9b" not in check.stderr and "␛" in check.stderr
    stage = run_cli("import", "x.csv", "--stage", "\x1b[31mred")  # click's own message
    assert stage.returncode == 2 and "\x1b" not in stage.stderr


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (OSError(28, "No space left on device"), "Error: The disk is full; nothing was written."),
        (OSError(5, "Input/output error"), "Error: Input/output error."),
        (OSError(13, "Permission denied", "/x/y"), "Error: Permission denied (/x/y)."),
    ],
)
def test_any_other_os_error_is_still_one_clear_sentence(capsys, error, expected):
    from dualrole.entry import one_sentence_errors

    with pytest.raises(SystemExit), one_sentence_errors():
        raise error
    assert capsys.readouterr().err.strip() == expected
