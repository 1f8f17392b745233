"""Every modal dialog of the app, in one place.

- :mod:`.forms` — ``FormScreen`` (a form from a field list) and ``ConfirmScreen`` (yes/no).
- :mod:`.quit` — the rule for quitting with unsaved input and its Save/Discard/Cancel dialog.
- :mod:`.help` — the keys of the current screen.

An area's own dialogs live in its folder (``tui/areas/sales/import_contacts.py``,
``tui/areas/review/dialogs.py``).
"""
