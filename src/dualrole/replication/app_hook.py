"""What the app calls: start replicating when a replica is set, and the top bar's words.

Kept here (no Textual) so the app's part is a worker, a timer and a label. Nothing starts
and nothing is sent anywhere unless the owner set a replica for this workspace. When
``dualrole replicate`` already runs for it, the app only shows that process's state.
"""

from __future__ import annotations

from pathlib import Path

from dualrole.replication import settings
from dualrole.replication.litestream import ReplicaError
from dualrole.replication.supervisor import AlreadyReplicating, Replicator, read_status


def start_for_app(db_path: Path | None) -> tuple[Replicator | None, str]:
    """A started replicator (or None) and the first label (empty: no replica set)."""
    if db_path is None:
        return None, ""
    try:
        setting = settings.get(db_path)
    except settings.SettingsError:
        return None, "replica settings unreadable"
    if setting is None:
        return None, ""
    replicator = Replicator(db_path, setting)
    try:
        replicator.start()
    except AlreadyReplicating:
        return None, label_for_app(db_path, None)
    except ReplicaError as exc:
        text = str(exc)
        if "already the replica of" in text:
            return None, "replica used by another machine"
        return None, "replica unreachable"
    return replicator, "replicating…"


def label_for_app(db_path: Path | None, replicator: Replicator | None) -> str:
    if replicator is not None:
        return replicator.state.label()
    if db_path is None:
        return ""
    state, running = read_status(db_path)
    if state is None or not running:
        return "replica stopped"
    return state.label()
