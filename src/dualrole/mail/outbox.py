"""One outreach message to one prospect: rendered, edited, sent and logged once.

``dualrole mail send`` and the app's "Write email" (on a prospect) both go through here:
:func:`draft` renders a template for the prospect, :func:`edit_text` opens it in the owner's
``$VISUAL``/``$EDITOR``, and :func:`send_draft` composes it, hands it over ``--via`` (SMTP or
sendmail) and logs it as an outbound email under its Message-ID
(:func:`dualrole.services.outreach.log_sent`). Every failure is one sentence: a
:class:`~dualrole.mail.sources.MailError`, a template's
:class:`~dualrole.mail.templates.TemplateProblem`, or a storage error.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from dualrole.mail.send import Via, compose, deliver
from dualrole.mail.sources import MailError
from dualrole.mail.templates import render
from dualrole.services.mail import sources
from dualrole.services.outreach import get_template, log_sent, template_fields
from dualrole.services.sales import get_prospect
from dualrole.storage.db import Store

SEND_ENV = "DUALROLE_MAIL_SEND"  # how to send (--via), for the CLI and the app
FROM_ENV = "DUALROLE_MAIL_FROM"  # the owner's address (--from)


@dataclass(frozen=True)
class Draft:
    prospect_id: int
    to: str
    subject: str
    body: str

    def text(self) -> str:
        """What the editor shows: a ``Subject:`` line, a blank line, the body."""
        return f"Subject: {self.subject}\n\n{self.body}"

    def edited(self, text: str) -> Draft:
        """What came back from the editor: an optional ``Subject:`` line, then the body."""
        first, _sep, rest = text.partition("\n")
        if first.lower().startswith("subject:"):
            return replace(self, subject=first[8:].strip() or self.subject, body=rest.lstrip("\n"))
        return replace(self, body=text)


def draft(store: Store, template: str, prospect_id: int, *, need_address: bool = True) -> Draft:
    """Template ``template`` rendered for the prospect (its fields: ``template_fields``)."""
    found = get_template(store, template)
    rendered = render(found.subject, found.body, template_fields(store, prospect_id))
    email = get_prospect(store, prospect_id).email or ""
    if need_address and not email:
        raise MailError("This prospect has no email address.")
    return Draft(prospect_id, email, rendered.subject, rendered.body)


def edit_text(text: str) -> str | None:
    """``text`` opened in ``$VISUAL``/``$EDITOR`` (else vi); what the file holds when the
    editor ends well, None when it ends with an error (vim's ``:cq``: do not send)."""
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    with tempfile.TemporaryDirectory(prefix="dualrole-") as folder:
        path = Path(folder) / "message.txt"
        path.write_text(text, encoding="utf-8")
        try:
            done = subprocess.run([*shlex.split(editor), str(path)], check=False)
        except OSError as exc:
            raise MailError(f"Cannot run the editor {editor!r}: {exc.strerror or exc}.") from exc
        if done.returncode != 0:
            return None
        return path.read_text(encoding="utf-8")


def default_sender(store: Store) -> str | None:
    """``$DUALROLE_MAIL_FROM``, else the first of your own addresses given to ``mail connect``."""
    from_env = os.environ.get(FROM_ENV, "").strip()
    if from_env:
        return from_env
    return next((source.me[0] for source in sources(store) if source.me), None)


def send_draft(
    store: Store,
    message: Draft,
    via: Via,
    sender: str,
    password: str | None = None,
    *,
    cafile: str | None = None,
) -> int:
    """Send ``message`` ``via`` SMTP or sendmail, then log it once; the interaction's id.
    Nothing is logged when sending fails."""
    if not message.body.strip():
        raise MailError("The message is empty; nothing was sent.")
    composed = compose(sender, message.to, message.subject, message.body)
    deliver(composed, via, password, cafile=cafile)
    return log_sent(
        store,
        message.prospect_id,
        message.subject,
        str(composed["Message-ID"]),
        excerpt=" ".join(message.body.split())[:280],
    )


def needs_password(via: Via) -> bool:
    return via.scheme in {"smtps", "smtp+starttls"}
