"""Domain operations on an open :class:`~dualrole.storage.db.Store`: no UI, no Textual.

Each public function is one transaction and returns models; the TUI and CLI call these and
never write SQL themselves.
"""
