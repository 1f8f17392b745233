"""Contacts in, follow-ups and data out: CSV/vCard import, iCalendar and full data export.

Nothing here imports Textual; the CLI (``cli.interop``) and the app's import screen both call
:func:`dualrole.interop.importer.import_contacts` and the writers in ``calendar``/``dump``.
"""

from dualrole.interop.importer import ImportCancelled, ImportReport, import_contacts, preview

__all__ = ["ImportCancelled", "ImportReport", "import_contacts", "preview"]
