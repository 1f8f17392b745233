"""Mail capture and outreach (issue 30): sources, parsing, fetching, templates and sending.

Reads the owner's own mailbox (Maildir, mbox, IMAP; only the folders named) and logs the
messages to and from prospects; renders outreach templates and sends them. Rows change only
through :mod:`dualrole.services.mail` and :mod:`dualrole.services.outreach`.
"""
