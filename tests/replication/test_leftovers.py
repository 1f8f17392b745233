"""Leaks and leftovers (issue 25, items 6-9): what a crash leaves, what a URL may show.

- ``restore --from-replica`` killed with kill -9: its Litestream child dies too, its copy is
  0600 in a 0700 folder, and the next restore cleans it up and succeeds;
- control characters in a replica URL are refused up front and shown visibly; Litestream's
  own refusal reaches the owner in its words;
- passwords in URLs never reach a file (even after kill -9) nor a message;
- under ``umask 000`` everything Litestream creates is 0700 / 0600.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from dualrole.replication import binaries, litestream, urls
from dualrole.replication.restore import restore_from_replica
from dualrole.replication.supervisor import Replicator
from dualrole.storage import replica_settings as settings
from dualrole.storage.db import open_store

from .conftest import FAST, add_prospects, children, prospect_names, until


def _dualrole(db: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "dualrole", "--db", str(db), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env or os.environ.copy(),
    )


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except (OSError, IndexError):
        return False


def _replicated(workspace: Path, url: str) -> None:
    replicator = Replicator(workspace, settings.set_replica(workspace, url), **FAST)
    replicator.start()
    try:
        with open_store(workspace) as store:
            add_prospects(store, ["replicated"])
        assert replicator.wait_synced(30), replicator.state
    finally:
        assert not replicator.stop().error


# --- 6. a killed restore -----------------------------------------------------------------------


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs /proc")
def test_restore_killed_leaves_no_child_and_no_readable_copy(
    workspace: Path, file_replica: str, tmp_path: Path
) -> None:
    _replicated(workspace, file_replica)
    go = tmp_path / "go"
    wrapper = tmp_path / "litestream"  # the real one, then a pause once the copy is written
    wrapper.write_text(
        f'#!/bin/sh\n"{binaries.litestream()}" "$@"; code=$?\n'
        f'[ "$1" = restore ] && while [ ! -e "{go}" ]; do sleep 0.05; done\nexit $code\n'
    )
    wrapper.chmod(0o755)
    target = tmp_path / "new" / "ws.db"
    target.parent.mkdir()
    folder = target.with_name(f".{target.name}.from-replica")
    restore = _dualrole(
        target,
        "restore",
        "--from-replica",
        file_replica,
        env={**os.environ, "DUALROLE_LITESTREAM": str(wrapper)},
    )
    try:
        copies = lambda: [p for p in folder.glob("*.db") if p.stat().st_size > 0]  # noqa: E731
        until(lambda: folder.is_dir() and bool(copies()), 60, "the restored copy")
        kids = children(restore.pid)
        assert kids
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        for copy in copies():
            assert stat.S_IMODE(copy.stat().st_mode) == 0o600
        restore.send_signal(signal.SIGKILL)
        restore.wait()
        until(lambda: not any(_alive(pid) for pid in kids), 30, "the child to die")
    finally:
        go.touch()
        if restore.poll() is None:
            restore.kill()
            restore.wait()
    assert not target.exists()
    again = _dualrole(target, "restore", "--from-replica", file_replica)
    _out, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    assert "replicated" in prospect_names(target)
    assert not folder.exists()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


# --- 7. control characters --------------------------------------------------------------------


def test_control_characters_are_refused_and_shown_visibly(workspace: Path, tmp_path: Path) -> None:
    for bad in ("s3://b\x1b[31m/x", "s3://b/x\x07", f"file://{tmp_path}/a%1B]0;title%07"):
        with pytest.raises(urls.UrlError, match="control character") as caught:
            urls.normalise(bad)
        assert "\x1b" not in str(caught.value) and "\x07" not in str(caught.value)
    commands = ((workspace, "replicate", "--to"), (tmp_path / "x.db", "restore", "--from-replica"))
    for db, command, option in commands:
        process = _dualrole(db, command, option, "s3://b\x1b[31m/x")
        _out, err = process.communicate(timeout=60)
        assert process.returncode == 1, err
        assert "control character" in err and "␛" in err, err
        assert "\x1b" not in err and "IPv6" not in err and "Traceback" not in err
    # A URL stored before this check (or by hand) is shown visibly by `replica status`.
    settings.set_replica(workspace, "s3://b\x1b]0;owned\x07/x?endpoint=http://127.0.0.1:9")
    status = _dualrole(workspace, "replica", "status")
    out, err = status.communicate(timeout=60)
    assert "\x1b" not in out + err and "\x07" not in out + err
    assert "s3://b␛]0;owned␇/x" in out


def test_a_marker_with_control_characters_is_shown_visibly(
    workspace: Path, file_replica: str
) -> None:
    from dualrole.replication import marker

    marker.write(file_replica, marker.Writer("other", "host\x1b]0;owned\x07", "/ws.db", "now"))
    with pytest.raises(marker.ReplicaError) as caught:
        marker.claim(file_replica, "me", workspace)
    assert "\x1b" not in str(caught.value) and "host␛]0;owned␇" in str(caught.value)


def test_litestreams_refusal_reaches_the_owner_in_its_words(workspace: Path) -> None:
    url = "abs://container/dualrole"  # Litestream refuses it: no account name
    replicator = Replicator(workspace, settings.set_replica(workspace, url), **FAST)
    replicator.start()
    try:
        seen: list[str] = []

        def exited() -> bool:
            seen.append(replicator.state.error)
            return "(exit 1)" in seen[-1]

        until(exited, 30, "Litestream's exit to be reported")
        assert "account name is required" in seen[-1], seen[-1]
    finally:
        replicator.stop(timeout=3)


# --- 8. passwords ---------------------------------------------------------------------------------


def _files_holding(folder: Path, secret: bytes, *, but: set[Path]) -> list[Path]:
    found = []
    for path in folder.rglob("*"):
        if path in but or not path.is_file() or path.is_symlink():
            continue
        try:
            if secret in path.read_bytes():
                found.append(path)
        except OSError:
            continue
    return found


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs /proc")
def test_an_sftp_password_never_reaches_a_file_even_after_kill9(
    workspace: Path, tmp_path: Path
) -> None:
    secret = "pw-never-on-disk-42"
    url = f"sftp://me:{secret}@127.0.0.1:9/dualrole"
    temp = tmp_path / "tmp"
    temp.mkdir()
    process = _dualrole(
        workspace, "replicate", "--to", url, env={**os.environ, "TMPDIR": str(temp)}
    )
    try:
        until(lambda: bool(children(process.pid)), 60, "Litestream to start")
        kids = children(process.pid)
        process.send_signal(signal.SIGKILL)
        process.wait()
        until(lambda: not any(_alive(pid) for pid in kids), 30, "Litestream to die")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    _out, err = process.communicate()
    assert secret not in err
    kept = {settings.settings_path()}  # the 0600 settings file is where it is kept
    assert not _files_holding(tmp_path, secret.encode(), but=kept)
    assert not _files_holding(settings.config_dir(), secret.encode(), but=kept)


def test_passwords_in_urls_are_masked_in_every_message() -> None:
    for url in (
        "sftp://me:s3cret@host/p",
        "s3://b/p?endpoint=http://u:s3cret@host:9000",
        "s3://b/p?endpoint=http%3A%2F%2Fu%3As3cret%40host",
    ):
        assert "s3cret" not in urls.shown(url)
        assert "s3cret" not in litestream.explain(url, f"Error: dial {url}: connection refused")
        assert "s3cret" not in litestream.explain(url, f"Error: weird failure at {url}")


# --- 9. modes under umask 000 ------------------------------------------------------------------


@pytest.fixture
def umask_000() -> Iterator[None]:
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def _modes(folder: Path) -> dict[str, int]:
    return {str(p): stat.S_IMODE(p.lstat().st_mode) for p in [folder, *folder.rglob("*")]}


def test_litestreams_files_are_private_under_umask_000(
    workspace: Path, tmp_path: Path, umask_000: None
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)  # a folder others may enter: what Litestream copies its modes from
    ws = shared / "ws.db"
    ws.write_bytes(workspace.read_bytes())
    replica = shared / "replica"
    _replicated(ws, replica.as_uri())
    restored = restore_from_replica(replica.as_uri(), shared / "restored.db")
    open_to_others = {
        path: oct(mode)
        for folder in (litestream.meta_dir(ws), replica)
        for path, mode in _modes(folder).items()
        if mode & 0o077
    }
    assert not open_to_others
    assert stat.S_IMODE(restored.path.stat().st_mode) == 0o600


def test_settings_written_by_hand_with_a_bad_entry_get_a_sentence(workspace: Path) -> None:
    path = settings.settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = settings.workspace_key(workspace)
    path.write_text(json.dumps({"version": 1, "workspaces": {key: "file:///x"}}))
    path.chmod(0o600)
    with pytest.raises(settings.SettingsError, match="is not an object"):
        settings.get(workspace)
    assert settings.set_replica(workspace, "file:///y").url == "file:///y"  # it can be fixed
