"""One sync: the phone's changes come in, then dualrole's go out; nothing is lost.

For each collection (the address book, the task calendar):

1. **Pull.** ``sync-collection`` from the stored token lists what changed on the server;
   only resources whose ETag differs from the link's are fetched (``multiget``, in
   batches), so a sync with nothing changed is one small request per collection. Each
   batch is applied in one transaction with its links; the new token is stored only when
   every batch is in, so a sync killed half-way simply pulls the rest next time.
2. **Push.** Prospects and open follow-ups whose fields differ from what both sides last
   agreed on (``dav_links.synced``) are sent with ``If-Match`` (or ``If-None-Match: *``
   for new ones, at an href derived from the record, so a repeat after a crash finds its
   earlier copy instead of making a second one).

Rules (also in docs/phone-sync.md):
- **Both sides changed a field**: the newer change wins — the card's ``REV`` against the
  prospect's last edit (a card without ``REV`` counts as the newer; a tie keeps
  dualrole's; on a first link nothing was agreed yet and dualrole's value is kept) — and
  the other value is kept in the prospect's notes with the date. For a task, done on the phone
  always wins; a title or due date changed on both sides keeps dualrole's.
- **Deleted on the phone**: the prospect (or follow-up) stays here, unlinked, and is
  reported; it is not sent again. **Deleted here**: removed from the server.
- **Contacts already on the server**: linked to the prospect with the same email or phone,
  never duplicated; others are imported only with ``import_new``.
- **412** (changed on the server while we were sending): left for the next sync, which
  pulls the phone's change first.
"""

from __future__ import annotations

from dualrole.dav.client import DavSession
from dualrole.dav.contacts import Contacts
from dualrole.dav.side import Progress, SyncReport
from dualrole.dav.tasks import Tasks
from dualrole.storage.db import Store

__all__ = ["Contacts", "Progress", "SyncReport", "Tasks", "sync"]


def sync(
    store: Store,
    session: DavSession,
    *,
    addressbook: str | None,
    calendar: str | None,
    import_new: bool = False,
    progress: Progress | None = None,
    tasks_session: DavSession | None = None,
) -> SyncReport:
    """Sync both collections; ``tasks_session`` when the tasks live on another server."""
    report = SyncReport()
    if addressbook:
        Contacts(store, session, addressbook, report, import_new, progress).run()
    if calendar:
        Tasks(store, tasks_session or session, calendar, report, progress).run()
    return report
