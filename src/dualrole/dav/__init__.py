"""Two-way sync of prospects (vCards) and open follow-ups (VTODOs) with the owner's
CardDAV/CalDAV server: discovery and transport (:mod:`.client`), the mapping of fields
(:mod:`.mapping`), the connection choice (:mod:`.settings`, :mod:`.secret`) and the sync
itself (:mod:`.engine`). No Textual here; the CLI and the app call :func:`.engine.sync`."""
