"""What the app calls: replicate while it is open when a replica is set, and the top bar's
words. Kept here (no Textual) so the app's part is a timer and a label.

Nothing starts and nothing is sent anywhere unless the owner set a replica for this
workspace. A replica that cannot be reached when the app opens is tried again every
``RETRY_S`` seconds in a background thread; when ``dualrole replicate`` already runs for the
workspace, the app only shows that process's state.
"""

from __future__ import annotations

import threading
from pathlib import Path

from dualrole.replication.litestream import ReplicaError
from dualrole.replication.supervisor import AlreadyReplicating, Replicator, read_status
from dualrole.storage import replica_settings as settings

RETRY_S = 30.0


class AppReplica:
    """The app's replicator: ``start()`` (returns at once), ``label()``, ``stop()``."""

    def __init__(self, db_path: Path | None) -> None:
        self.db_path = db_path
        self.replicator: Replicator | None = None
        self._problem = ""
        self._elsewhere = False
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._mutex = threading.Lock()

    def enabled(self) -> bool:
        """Whether a replica is set for this workspace (nothing else happens otherwise)."""
        return self.db_path is not None and settings.replica_is_set(self.db_path)

    def start(self) -> None:
        if not self.enabled() or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._keep_trying, name="app-replica", daemon=True)
        self._thread.start()

    def _keep_trying(self) -> None:
        assert self.db_path is not None
        while not self._stopping.is_set():
            try:
                setting = settings.get(self.db_path)
            except settings.SettingsError:
                self._problem = "replica settings unreadable"
                return
            if setting is None:
                return
            replicator = Replicator(self.db_path, setting)
            try:
                replicator.start()
            except AlreadyReplicating:
                self._elsewhere, self._problem = True, ""
            except ReplicaError as exc:
                text = str(exc)
                self._elsewhere = False
                if any(w in text for w in ("already the replica of", "taken over", "marker")):
                    self._problem = "replica used by another machine"
                    return  # the owner decides (`dualrole replicate --take-over`)
                self._problem = "replica unreachable"
            else:
                with self._mutex:
                    if self._stopping.is_set():
                        replicator.stop(timeout=5.0)
                        return
                    self.replicator, self._problem, self._elsewhere = replicator, "", False
                return
            self._stopping.wait(RETRY_S)

    def label(self) -> str:
        """ "replicated 4 s ago", "replica unreachable since 10:42"… ("" when none is set)."""
        if self.replicator is not None:
            return self.replicator.state.label()
        if self._problem:
            return self._problem
        if self._elsewhere and self.db_path is not None:
            state, running = read_status(self.db_path)
            if state is not None and running:
                return state.label()
        return "replicating…" if self._thread is not None else ""

    def stop(self, timeout: float = 10.0) -> None:
        """Stop replicating (Litestream's last sync first)."""
        self._stopping.set()
        with self._mutex:
            replicator, self.replicator = self.replicator, None
        if replicator is not None:
            replicator.stop(timeout=timeout)
