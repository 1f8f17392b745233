"""What the replica is said to hold is what it holds (issue 25, items 1-3).

- a folder named with spaces, accents, ``#``, ``?`` or ``%41`` (typed as a path or as a
  ``file:`` URL) receives Litestream's files, not a percent-encoded namesake;
- stopping after Litestream was killed and a write followed never claims "everything"
  unless a restore holds that write;
- two machines claiming one replica at the same moment: exactly one wins.

Against a real Litestream (and SeaweedFS for S3); waits poll with deadlines.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from dualrole.replication import binaries, litestream, marker, urls
from dualrole.replication.litestream import ReplicaError
from dualrole.replication.restore import restore_from_replica
from dualrole.replication.supervisor import Replicator
from dualrole.storage import replica_settings as settings
from dualrole.storage.db import open_store

from . import seaweed
from .conftest import FAST, add_prospects, children, prospect_names, until

# --- 1. the folder named is the folder written ------------------------------------------


@pytest.mark.parametrize("typed", ["path", "file-url"])
def test_files_land_in_the_folder_named(workspace: Path, tmp_path: Path, typed: str) -> None:
    folder = tmp_path / "My Passport" / "é #1 ?%41"
    text = str(folder) if typed == "path" else "file://" + urllib.parse.quote(str(folder))
    url = urls.normalise(text)
    assert urls.file_path(url) == folder
    replicator = Replicator(workspace, settings.set_replica(workspace, url), **FAST)
    replicator.start()
    try:
        with open_store(workspace) as store:
            add_prospects(store, ["in the named folder"])
        assert replicator.wait_synced(30), replicator.state
    finally:
        final = replicator.stop()
    assert not final.error, final.error
    assert (folder / marker.NAME).is_file()
    assert list((folder / "ltx").rglob("*.ltx")), "Litestream's files are not in the folder"
    strays = [p for p in tmp_path.rglob("*") if "%20" in p.name or "%C3" in p.name]
    assert not strays, strays
    restored = restore_from_replica(url, tmp_path / "restored.db")
    assert "in the named folder" in prospect_names(restored.path)


def test_a_typed_percent_is_literal_in_a_path_and_decoded_in_a_file_url(tmp_path: Path) -> None:
    assert urls.file_path(urls.normalise(str(tmp_path / "a%41"))) == tmp_path / "a%41"
    assert urls.file_path(urls.normalise(f"file://{tmp_path}/a%41")) == tmp_path / "aA"
    assert urls.file_path(urls.normalise(f"file://{tmp_path}/a#b?c")) == tmp_path / "a#b?c"
    config = litestream.config_text(tmp_path / "ws.db", urls.normalise(f"{tmp_path}/x y"))
    assert f'path: "{tmp_path}/x y"' in config and "%20" not in config


# --- 3. "everything" only when the replica holds everything --------------------------------


def _kill_litestream(replicator: Replicator) -> None:
    process = replicator._process
    assert process is not None
    os.kill(process.pid, signal.SIGKILL)
    process.wait()


def test_stop_after_litestream_was_killed_syncs_or_says_what_is_missing(
    workspace: Path, replica_url: str, tmp_path: Path
) -> None:
    replicator = Replicator(workspace, settings.set_replica(workspace, replica_url), **FAST)
    replicator.start()
    assert replicator.wait_synced(30), replicator.state
    _kill_litestream(replicator)
    with open_store(workspace) as store:
        add_prospects(store, ["written while Litestream was dead"])
    final = replicator.stop()
    assert "restarting" not in final.error.lower()
    restored = restore_from_replica(replica_url, tmp_path / "restored.db")
    holds = "written while Litestream was dead" in prospect_names(restored.path)
    if not final.error:  # it claims everything: then the restore must hold the write
        assert holds
        assert final.replica_txid >= final.local_txid
    else:
        assert not holds


def test_stop_says_what_is_missing_when_no_last_sync_is_possible(
    workspace: Path, file_replica: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    replicator = Replicator(workspace, settings.set_replica(workspace, file_replica), **FAST)
    replicator.start()
    assert replicator.wait_synced(30), replicator.state
    # From now on Litestream reads the replica but refuses to replicate.
    wrapper = tmp_path / "litestream"
    wrapper.write_text(
        '#!/bin/sh\n[ "$1" = replicate ] && { echo "refused by the test" >&2; exit 1; }\n'
        f'exec "{binaries.litestream()}" "$@"\n'
    )
    wrapper.chmod(0o755)
    monkeypatch.setenv("DUALROLE_LITESTREAM", str(wrapper))
    _kill_litestream(replicator)
    with open_store(workspace) as store:
        add_prospects(store, ["never reaches the replica"])
    replica_txid = litestream.position(workspace, file_replica).txid
    status = subprocess.run(
        [sys.executable, "-m", "dualrole", "--db", str(workspace), "replica", "status"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (
        f"this machine: transaction {replica_txid + 1} (its newest changes not yet read"
        in status.stdout
    ), status.stdout
    final = replicator.stop(timeout=3)
    assert final.replica_txid < final.local_txid  # this machine counts what was written
    assert "did not reach the replica" in final.error
    assert f"holds transaction {final.replica_txid} " in final.error
    assert "restarting" not in final.error.lower()


def test_replicate_killed_child_then_write_then_stop(
    workspace: Path, replica_url: str, tmp_path: Path
) -> None:
    command = [sys.executable, "-m", "dualrole", "--db", str(workspace), "replicate"]
    process = subprocess.Popen(
        [*command, "--to", replica_url, "--sync-interval", "100ms"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        until(lambda: litestream.position(workspace, replica_url) is not None, 60, "a sync")
        replicating = [  # Litestream replicating (not a passing `litestream ltx`)
            pid for pid in children(process.pid) if "replicate" in _cmdline(pid)
        ]
        assert replicating, "no Litestream child"
        for pid in replicating:
            os.kill(pid, signal.SIGKILL)
        with open_store(workspace) as store:
            add_prospects(store, ["written after the kill"])
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=90)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert "restarting" not in err.lower(), err
    restored = restore_from_replica(replica_url, tmp_path / "restored.db")
    holds = "written after the kill" in prospect_names(restored.path)
    if process.returncode == 0:
        assert "(everything)" in err and holds, err
    else:
        assert "(everything)" not in err and "did not reach" in err, err


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_text(errors="replace")
    except OSError:
        return ""


# --- 2. two machines at the same moment ------------------------------------------------------


def _race(url: str, folder: Path) -> dict[str, str]:
    """Two writers claim ``url`` at the same moment; each one's outcome ("won" or why not)."""
    barrier = threading.Barrier(2)
    outcome: dict[str, str] = {}

    def claim(writer_id: str) -> None:
        barrier.wait()
        try:
            marker.claim(url, writer_id, folder / f"{writer_id}.db")
            outcome[writer_id] = "won"
        except ReplicaError as exc:
            outcome[writer_id] = str(exc)

    threads = [threading.Thread(target=claim, args=(w,)) for w in ("laptop-a", "laptop-b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcome


def test_two_machines_claiming_at_once_exactly_one_wins(replica_url: str, tmp_path: Path) -> None:
    for attempt in range(25):
        if replica_url.startswith("file:"):
            url = (tmp_path / f"race-{attempt}").as_uri()
        else:
            url = replica_url.replace(f"/{tmp_path.name}?", f"/{tmp_path.name}-{attempt}?")
        outcome = _race(url, tmp_path)
        winners = [w for w, result in outcome.items() if result == "won"]
        assert len(winners) == 1, (attempt, outcome)
        loser = "laptop-b" if winners == ["laptop-a"] else "laptop-a"
        assert "is already the replica of" in outcome[loser], outcome
        # The winner is never told it was taken over; the replica names it.
        assert marker.still_mine(url, winners[0]) is None
        current = marker.read(url)
        assert current is not None and current.writer_id == winners[0]


def test_a_replica_that_failed_and_came_back_ends_without_the_old_error(
    workspace: Path, s3_server: seaweed.Seaweed, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DUALROLE_REPLICA_TIMEOUT", "2")
    for key, value in s3_server.env().items():
        monkeypatch.setenv(key, value)
    with seaweed.Cable(s3_server.endpoint) as cable:
        url = f"s3://{seaweed.BUCKET}/{tmp_path.name}?endpoint={cable.endpoint}"
        # A slow monitor: only stop() itself can find the replica well again.
        replicator = Replicator(
            workspace, settings.set_replica(workspace, url), sync_interval="100ms", poll_s=60
        )
        replicator.start()
        try:
            assert replicator.wait_synced(30), replicator.state
            cable.unplug()
            with open_store(workspace) as store:
                add_prospects(store, ["written while the replica failed"])
            until(lambda: bool(replicator.state.error), 60, "the failure to be seen")
            cable.plug()
        finally:
            final = replicator.stop()
        assert not final.error, final.error
        assert final.replica_txid >= final.local_txid
        restored = restore_from_replica(url, tmp_path / "restored.db")
        assert "written while the replica failed" in prospect_names(restored.path)


def test_two_replicate_commands_started_together_one_runs_the_other_is_refused(
    workspace: Path, file_replica: str, tmp_path: Path
) -> None:
    other = tmp_path / "laptop2.db"
    other.write_bytes(workspace.read_bytes())
    for attempt in range(3):
        url = (tmp_path / f"together-{attempt}").as_uri()
        processes = [
            subprocess.Popen(
                [sys.executable, "-m", "dualrole", "--db", str(db), "replicate", "--to", url],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
                env={**os.environ, "DUALROLE_CONFIG_DIR": str(tmp_path / f"machine-{n}")},
            )
            for n, db in enumerate((workspace, other))
        ]
        try:
            until(lambda ps=processes: any(p.poll() is not None for p in ps), 60, "a refusal")
            refused = [p for p in processes if p.poll() is not None]
            running = [p for p in processes if p.poll() is None]
            assert len(refused) == 1 and len(running) == 1
            _out, err = refused[0].communicate()
            assert refused[0].returncode == 1 and "is already the replica of" in err, err
            running[0].send_signal(signal.SIGTERM)
            _out, err = running[0].communicate(timeout=60)
            assert running[0].returncode == 0, err
            assert "taken over" not in err
        finally:
            for process in processes:
                if process.poll() is None:
                    process.kill()
                    process.wait()


def test_an_s3_path_with_a_space_holds_the_marker_beside_litestreams_files(
    workspace: Path, s3_server: seaweed.Seaweed, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for key, value in s3_server.env().items():
        monkeypatch.setenv(key, value)
    typed = f"s3://{seaweed.BUCKET}/{tmp_path.name}%20é?endpoint={s3_server.endpoint}"
    literal = f"s3://{seaweed.BUCKET}/{tmp_path.name} é?endpoint={s3_server.endpoint}"
    replicator = Replicator(workspace, settings.set_replica(workspace, typed), **FAST)
    replicator.start()
    try:
        assert replicator.wait_synced(30), replicator.state
    finally:
        assert not replicator.stop().error
    # Both spellings name one place, for Litestream's files and for the writer marker.
    assert litestream.position(workspace, literal) is not None
    holder = marker.read(literal)
    assert holder is not None and holder.writer_id == settings.get(workspace).writer_id


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MB tmpfs (needs the right to mount: root in a container or CI that allows it)."""
    folder = tmp_path / "small-disk"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small disk here")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_full_replica_disk_that_was_freed_ends_without_is_full(
    workspace: Path, small_disk: Path, tmp_path: Path
) -> None:
    url = (small_disk / "replica").as_uri()
    replicator = Replicator(
        workspace, settings.set_replica(workspace, url), sync_interval="100ms", poll_s=60
    )
    replicator.start()
    filler = small_disk / "filler"
    try:
        assert replicator.wait_synced(30), replicator.state
        with filler.open("wb") as out, contextlib.suppress(OSError):  # to the last byte
            while True:
                out.write(b"\0" * 65536)
                out.flush()
        with open_store(workspace) as store:
            add_prospects(store, [f"written to a full disk {i}" for i in range(200)])
        until(lambda: "is full" in replicator.state.error, 60, "the full disk to be seen")
        filler.unlink()
    finally:
        final = replicator.stop()
    assert not final.error, final.error
    restored = restore_from_replica(url, tmp_path / "restored.db")
    assert "written to a full disk 199" in prospect_names(restored.path)
