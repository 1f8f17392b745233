"""The per-workspace settings files only their owner may read (the replica's, the phone
sync's): a file others can read, or one that is not ours, is one sentence, never used."""

from __future__ import annotations

from pathlib import Path

import pytest

from dualrole.dav import settings as dav_settings
from dualrole.dav.settings import DavSettingsError
from dualrole.storage import replica_settings
from dualrole.storage.replica_settings import SettingsError


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DUALROLE_CONFIG_DIR", str(tmp_path))
    return tmp_path


@pytest.mark.parametrize(
    ("load", "error", "why"),
    [
        (dav_settings.get, DavSettingsError, "."),
        (replica_settings.get, SettingsError, " (it may hold credentials)."),
    ],
)
def test_a_file_others_can_read_is_refused(folder, load, error, why) -> None:
    path = (dav_settings if load is dav_settings.get else replica_settings).settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"workspaces": {}}')
    path.chmod(0o644)
    with pytest.raises(error) as caught:
        load(folder / "w.db")
    assert str(caught.value) == f"{path} can be read by other users; run `chmod 600 {path}`{why}"


@pytest.mark.parametrize(
    ("load", "error", "what"),
    [
        (dav_settings.get, DavSettingsError, "phone-sync"),
        (replica_settings.get, SettingsError, "replica settings"),
    ],
)
def test_a_file_that_is_not_ours_is_refused(folder, load, error, what) -> None:
    path = (dav_settings if load is dav_settings.get else replica_settings).settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("[1]")
    path.chmod(0o600)
    with pytest.raises(error) as caught:
        load(folder / "w.db")
    assert str(caught.value) == f"{path} is not a dualrole {what} file; fix or remove it."
