"""The errors a person can meet, each phrased as one sentence for the person at the keyboard.

They live below every other module (``db``, ``files``, ``autobackup`` import them) so that
no module needs to reach up for an error class; ``dualrole.storage.db`` re-exports them.
"""

from __future__ import annotations


class StorageError(Exception):
    """A problem with the database file, phrased for the person at the keyboard."""


class DamagedError(StorageError):
    """The file is corrupt or truncated: it needs a backup restored."""


class NewerSchemaError(StorageError):
    """The file was written by a newer dualrole."""


class ConflictError(StorageError):
    """Someone else changed the record since it was read."""


class NotFoundError(StorageError):
    """The record is gone (deleted, perhaps by another instance)."""


class DestinationError(StorageError):
    """A file dualrole will not write there (a link, a device, the database, an existing file…)."""


class DiskFullError(OSError):
    """The disk holding ``folder`` is full, though SQLite said only "disk I/O error".

    An ``OSError`` (``ENOSPC``), not a StorageError: the file being read is sound, and a
    caller that turns a StorageError into "this file is damaged" lets it pass.
    """

    def __init__(self, folder: object) -> None:
        import errno

        super().__init__(errno.ENOSPC, "No space left on device", str(folder))

    def __str__(self) -> str:
        return f"The disk holding {self.filename} is full; free some space and try again."
