"""Every command that writes a file, against every kind of destination it must not write.

One rule (``dualrole.storage.files``) for all of them: never through a symbolic link, only regular
files (no device, FIFO or socket, even with --force), never the workspace or its -wal, -shm,
-journal, an existing file only with --force, and a temporary file nobody can predict.
"""

from __future__ import annotations

import io
import os
import socket
import stat
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from dualrole.core.models import ProspectIn
from dualrole.services import sales
from dualrole.storage.db import open_store

from .faults import read_only, run_cli

WRITERS = {
    "review": ["review", "-o"],
    "insights": ["insights", "-o"],
    "export ics": ["export", "ics", "-o"],
    "export json": ["export", "json", "-o"],
    "export csv": ["export", "csv", "-o"],
    "export vcard": ["export", "vcard", "-o"],
    "backup": ["backup"],
}


def run_main(monkeypatch, capsys, *args: str, stdin: str = "") -> tuple[int, str, str]:
    """``dualrole ARGS`` in this process (fast); (exit code, stdout, stderr)."""
    from dualrole.cli.main import main

    monkeypatch.setattr(sys, "argv", ["dualrole", *args])
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in err, err
    return code, out, err


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    path = tmp_path / "work.db"
    with open_store(path) as store:
        sales.create_prospect(store, ProspectIn(name="Kept", email="kept@example.com"))
    return path


def state(path: Path) -> tuple:
    """What is at ``path`` without following a link: kind, mode, target or content."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return ("absent",)
    kind = stat.S_IFMT(info.st_mode)
    if stat.S_ISLNK(info.st_mode):
        return (kind, os.readlink(path))
    if stat.S_ISREG(info.st_mode):
        return (kind, path.read_bytes())
    return (kind, info.st_ino, info.st_rdev)


def _symlink_to_file(folder: Path) -> Path:
    target = folder / "victim.txt"
    target.write_text("someone else's file")
    link = folder / "link.out"
    link.symlink_to(target)
    return link


def _dangling_symlink(folder: Path) -> Path:
    link = folder / "dangling.out"
    link.symlink_to(folder / "created-through-the-link.txt")
    return link


def _folder(folder: Path) -> Path:
    (folder / "sub").mkdir()
    return folder / "sub"


def _fifo(folder: Path) -> Path:
    path = folder / "pipe.out"
    os.mkfifo(path)
    return path


def _device(folder: Path) -> Path:
    if os.geteuid() != 0:
        pytest.skip("making a device node needs root")
    path = folder / "full.out"
    os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 7))  # like /dev/full
    return path


def _socket(folder: Path) -> Path:
    path = folder / "sock.out"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.close()
    return path


def _missing_folder(folder: Path) -> Path:
    return folder / "no-such-folder" / "out"


BAD: dict[str, Callable[[Path], Path]] = {
    "symlink to a file": _symlink_to_file,
    "dangling symlink": _dangling_symlink,
    "folder": _folder,
    "FIFO": _fifo,
    "device node": _device,
    "socket": _socket,
    "missing folder": _missing_folder,
}


def refusal(err: str) -> str:
    """The one sentence of a refusal: ours or click's usage error."""
    message = err.strip()
    if message.startswith("Usage:"):  # click refuses a folder before the command runs
        message = message.splitlines()[-1]
        assert message.startswith("Error: "), err
        return message
    assert message.startswith("Error: ") and "\n" not in message, message
    return message


def _no_temp_files(folder: Path) -> None:
    leftovers = [p.name for p in folder.iterdir() if p.name.endswith((".partial", ".building"))]
    assert leftovers == [], leftovers


@pytest.mark.parametrize("force", [False, True], ids=["", "--force"])
@pytest.mark.parametrize("kind", list(BAD))
@pytest.mark.parametrize("command", list(WRITERS))
def test_bad_destinations_are_refused(
    monkeypatch, capsys, tmp_path, workspace, command, kind, force
):
    dest = BAD[kind](tmp_path)
    around = {p.name: state(p) for p in tmp_path.iterdir() if p.name != "work.db.backups"}
    args = ["--db", str(workspace), *WRITERS[command], str(dest), *(["--force"] if force else [])]
    code, _out, err = run_main(monkeypatch, capsys, *args)
    assert code != 0
    message = refusal(err)
    assert ".partial" not in message and "Errno" not in message
    after = {p.name: state(p) for p in tmp_path.iterdir() if p.name != "work.db.backups"}
    assert after == around, "the destination (or a file beside it) was changed"
    _no_temp_files(tmp_path)


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm", "-journal", " (hard link)"])
@pytest.mark.parametrize("command", list(WRITERS))
def test_the_workspace_and_its_companions_are_refused(
    monkeypatch, capsys, tmp_path, command, suffix
):
    path = tmp_path / "work.db"
    with open_store(path) as store:  # held open: the -wal and -shm exist
        sales.create_prospect(store, ProspectIn(name="Kept"))
        if suffix == " (hard link)":
            dest = tmp_path / "innocent.db"
            os.link(path, dest)
        else:
            dest = Path(f"{path}{suffix}")
        before = state(dest)
        code, _out, err = run_main(
            monkeypatch, capsys, "--db", str(path), *WRITERS[command], str(dest), "--force"
        )
        assert code != 0 and "is the database" in err and "damaged" not in err, err
        assert state(dest) == before
        assert store.scalar("SELECT count(*) FROM prospects") == 1
    _no_temp_files(tmp_path)


@pytest.mark.parametrize("command", list(WRITERS))
def test_an_existing_file_only_with_force(monkeypatch, capsys, tmp_path, workspace, command):
    dest = tmp_path / "existing.out"
    dest.write_text("keep me")
    args = ["--db", str(workspace), *WRITERS[command], str(dest)]
    code, _out, err = run_main(monkeypatch, capsys, *args, stdin="n\n")
    assert code != 0 and dest.read_text() == "keep me", err
    code, _out, err = run_main(monkeypatch, capsys, *args, "--force")
    assert code == 0, err
    assert dest.read_bytes() != b"keep me" and stat.S_IMODE(dest.stat().st_mode) == 0o600
    _no_temp_files(tmp_path)


@pytest.mark.parametrize("command", list(WRITERS))
def test_a_new_file_is_private_and_whole(monkeypatch, capsys, tmp_path, workspace, command):
    dest = tmp_path / "new.out"
    code, _out, err = run_main(
        monkeypatch, capsys, "--db", str(workspace), *WRITERS[command], str(dest)
    )
    assert code == 0, err
    assert stat.S_IMODE(dest.stat().st_mode) == 0o600 and dest.stat().st_size > 0
    _no_temp_files(tmp_path)


@pytest.mark.parametrize("command", list(WRITERS))
def test_a_read_only_folder_is_named_not_the_temporary_file(
    monkeypatch, capsys, tmp_path, workspace, command
):
    folder = tmp_path / "shelf"
    folder.mkdir()
    dest = folder / "out.file"
    with read_only(folder):
        code, _out, err = run_main(
            monkeypatch, capsys, "--db", str(workspace), *WRITERS[command], str(dest)
        )
    assert code != 0
    assert f"The folder {folder} is read-only" in err and ".partial" not in err, err
    assert list(folder.iterdir()) == []


def test_a_planted_link_at_a_guessable_temporary_name_is_never_followed(
    monkeypatch, capsys, tmp_path, workspace
):
    """Backup used the fixed temporary name ``.NAME.partial``: a link there was followed."""
    victim = tmp_path / "victim.txt"
    victim.write_text("someone else's file")
    dest = tmp_path / "copy.db"
    for name in (f".{dest.name}.partial", f".{dest.name}.tmp", f".{dest.name}.building"):
        (tmp_path / name).symlink_to(victim)
    code, _out, err = run_main(monkeypatch, capsys, "--db", str(workspace), "backup", str(dest))
    assert code == 0, err
    assert victim.read_text() == "someone else's file"
    assert all((tmp_path / name).is_symlink() for name in (f".{dest.name}.partial",))
    with open_store(dest) as copy:
        assert copy.scalar("SELECT count(*) FROM prospects") == 1


def test_backup_of_the_wal_while_the_app_is_open_is_refused(tmp_path):
    """``dualrole backup WORKSPACE-wal`` replaced the live WAL: committed records were lost."""
    path = tmp_path / "work.db"
    with open_store(path) as app:  # the app: a second connection holding the WAL open
        app.conn.execute("PRAGMA wal_autocheckpoint=0")
        for n in range(62):
            sales.create_prospect(app, ProspectIn(name=f"Prospect {n}"))
        wal = Path(f"{path}-wal")
        assert wal.stat().st_size > 0
        before = wal.read_bytes()
        result = run_cli("--db", str(path), "backup", str(wal))
        assert result.returncode != 0 and "is the database's -wal file" in result.stderr
        shm = run_cli("--db", str(path), "backup", f"{path}-shm", "--force")
        assert shm.returncode != 0 and "damaged" not in shm.stderr
        assert "is the database's -shm file" in shm.stderr
        assert wal.read_bytes() == before
        assert app.scalar("SELECT count(*) FROM prospects") == 62
    with open_store(path) as again:
        assert again.scalar("SELECT count(*) FROM prospects") == 62


def test_automatic_backups_never_replace_one_another(workspace):
    from dualrole.storage.backup import automatic_backup

    with open_store(workspace) as store:  # the frozen clock: the same second, the same reason
        first = automatic_backup(store, "manual")
        first_bytes = first.read_bytes()
        second = automatic_backup(store, "manual")
    assert first != second and first.read_bytes() == first_bytes
    assert sorted(p.name for p in first.parent.iterdir()) == sorted([first.name, second.name])


def test_a_full_disk_is_one_sentence_naming_the_file(monkeypatch, capsys, tmp_path, workspace):
    from .test_disk_full import _fill, tiny_disk

    with tiny_disk(tmp_path / "usb", "1m") as usb:
        _fill(usb, leave=0)
        dest = usb / "all.json"
        code, _out, err = run_main(
            monkeypatch, capsys, "--db", str(workspace), "export", "json", "-o", str(dest)
        )
        assert code != 0
        assert err.strip() == f"Error: The disk is full; nothing was written to {dest}."
        assert sorted(p.name for p in usb.iterdir()) == ["ballast"]


def _text_file(folder: Path) -> Path:
    path = folder / "notes.txt"
    path.write_text("my notes, not a workspace")
    return path


def _other_programs_database(folder: Path) -> Path:
    import sqlite3

    path = folder / "photos.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE photo (id INTEGER PRIMARY KEY)")
    conn.commit()
    conn.close()
    return path


NOT_A_WORKSPACE: dict[str, Callable[[Path], Path]] = {
    "text file": _text_file,
    "another program's database": _other_programs_database,
    "empty file": lambda folder: (folder / "empty.db").touch() or folder / "empty.db",
    "folder": _folder,
    "symlink to a workspace": lambda folder: _link_to_workspace(folder),
    "FIFO": _fifo,
    "socket": _socket,
}


def _link_to_workspace(folder: Path) -> Path:
    real = folder / "real.db"
    open_store(real).close()
    link = folder / "link.db"
    link.symlink_to(real)
    return link


@pytest.mark.parametrize("kind", list(NOT_A_WORKSPACE))
def test_demo_force_replaces_only_a_dualrole_workspace(monkeypatch, capsys, tmp_path, kind):
    dest = NOT_A_WORKSPACE[kind](tmp_path)
    around = {p.name: state(p) for p in tmp_path.iterdir()}
    code, _out, err = run_main(
        monkeypatch, capsys, "--db", str(dest), "demo", "--no-open", "--force", "--prospects", "5"
    )
    assert code != 0
    refusal(err)
    assert {p.name: state(p) for p in tmp_path.iterdir()} == around, "a file was touched or left"


def test_demo_force_rebuilds_a_workspace_and_leaves_nothing_beside_it(
    monkeypatch, capsys, tmp_path, workspace
):
    code, _out, err = run_main(
        monkeypatch, capsys, "--db", str(workspace), "demo", "--no-open", "--force"
    )
    assert code == 0, err
    with open_store(workspace) as store:
        assert store.scalar("SELECT count(*) FROM prospects WHERE name = 'Kept'") == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["work.db"]
    assert stat.S_IMODE(workspace.stat().st_mode) == 0o600
