"""Every modal dialog of the app, in one place.

- :mod:`.forms` — ``FormScreen`` (a form from a field list) and ``ConfirmScreen`` (yes/no).
- :mod:`.quit` — the rule for quitting with unsaved input and its Save/Discard/Cancel dialog.
- :mod:`.help` — the keys of the current screen.
- :mod:`.import_contacts` — import a CSV/vCard file: preview, then import.
- :mod:`.review` — the review's records-behind-a-figure list, targets form and export dialog.
"""
