"""Write an email to the selected prospect from the app (``W``; the palette's "sales: Write
email"), as ``dualrole mail send`` does from the shell.

Pick an outreach template (when there are several), see it rendered for the prospect in
``$VISUAL``/``$EDITOR`` (the app steps aside with ``App.suspend()`` while it runs), say yes,
and it is sent ``$DUALROLE_MAIL_SEND`` (``smtps://``, ``smtp+starttls://`` or ``sendmail:``)
from ``$DUALROLE_MAIL_FROM`` (else your first ``--me`` address) and logged once, by the same
:mod:`dualrole.mail.outbox` the command uses. Sending runs in a thread on a connection of
its own; the password comes from ``DUALROLE_MAIL_PASSWORD`` or the keyring (the app asks for
none). What happened is one toast: sent, or the one sentence of what went wrong.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from textual.app import SuspendNotSupported

from dualrole.mail import outbox
from dualrole.mail.fetch import password_for
from dualrole.mail.send import Via, parse_via
from dualrole.mail.sources import MailError
from dualrole.services.outreach import templates
from dualrole.storage.db import StorageError, open_store
from dualrole.tui.dialogs.forms import ConfirmScreen, Field, FormScreen

if TYPE_CHECKING:
    from dualrole.tui.areas.base import AreaScreen

NOT_SENT = "Not sent"


def write_email(screen: AreaScreen, prospect_id: int) -> None:
    """The whole flow for one prospect; each step that fails says so in one toast."""
    try:
        via = _via()
        sender = outbox.default_sender(screen.store)
        if sender is None:
            raise MailError(
                f"Set {outbox.FROM_ENV} to your address (or connect a mailbox with "
                "`dualrole mail connect … --me ADDRESS`) to send from the app."
            )
        choices = templates(screen.store)
    except (MailError, StorageError) as exc:
        _fault(screen, exc)
        return
    if not choices:
        _fault(screen, "No outreach template yet: add one with `dualrole mail template add`.")
        return
    if len(choices) == 1:
        _compose(screen, prospect_id, choices[0].name, via, sender)
        return
    options = [(f"{t.name} — {t.subject}", t.name) for t in choices]
    field = Field("template", "Template", "select", options, choices[0].name, allow_blank=False)

    def picked(data: dict[str, Any] | None) -> None:
        if data is not None:
            _compose(screen, prospect_id, str(data["template"]), via, sender)

    form = FormScreen("Write email: which template?", [field], None, lambda d: d, side="sales")
    screen.app.push_screen(form, picked)


def _via() -> Via:
    text = os.environ.get(outbox.SEND_ENV, "").strip()
    if not text:
        raise MailError(
            f"Set {outbox.SEND_ENV} (smtps://you@smtp.example.com, smtp+starttls://… or "
            "sendmail:) to send from the app."
        )
    via = parse_via(text)
    if via.scheme == "mailto":
        raise MailError(
            f"{outbox.SEND_ENV}=mailto: sends nothing; the app sends through smtps://, "
            "smtp+starttls:// or sendmail:."
        )
    return via


def _compose(screen: AreaScreen, prospect_id: int, template: str, via: Via, sender: str) -> None:
    """Render, edit in $EDITOR with the app suspended, then ask before sending."""
    try:
        message = outbox.draft(screen.store, template, prospect_id)
        edited = _edit(screen, message.text())
    except (MailError, StorageError, ValueError) as exc:  # ValueError: a template's mistake
        _fault(screen, exc)
        return
    if edited is None:
        _fault(screen, "The editor ended with an error; the message was not sent.")
        return
    message = message.edited(edited)
    if not message.body.strip():
        _fault(screen, "The message is empty; nothing was sent.")
        return

    def answer(yes: bool | None) -> None:
        if yes:
            _send(screen, message, via, sender)
        else:
            screen.notify("The message was not sent.", markup=False)

    question = f"Send “{message.subject}” to {message.to}?"
    screen.app.push_screen(ConfirmScreen(question, yes="Send", no="Cancel"), answer)


def _edit(screen: AreaScreen, text: str) -> str | None:
    try:
        with screen.app.suspend():
            return outbox.edit_text(text)
    except SuspendNotSupported:  # no terminal to hand over (a web or headless driver)
        return outbox.edit_text(text)


def _send(screen: AreaScreen, message: outbox.Draft, via: Via, sender: str) -> None:
    path = screen.store.path
    app = screen.app

    def in_background() -> None:
        try:
            if path is None:
                raise StorageError("An in-memory workspace cannot send mail.")
            password = password_for(via.as_source()) if outbox.needs_password(via) else None
            with open_store(path, create=False, backup_before_migrate=False) as own:
                outbox.send_draft(own, message, via, sender, password)
        except (MailError, StorageError) as exc:
            app.call_from_thread(_fault, screen, exc)
            return
        said = f"Sent “{message.subject}” to {message.to}, and logged it."
        app.call_from_thread(screen.notify, said, title="Email", markup=False)

    screen.notify(f"Sending “{message.subject}”…", markup=False)
    screen.run_worker(
        in_background, thread=True, exclusive=True, group="mail-send", exit_on_error=False
    )


def _fault(screen: AreaScreen, problem: BaseException | str) -> None:
    screen.notify(str(problem), title=NOT_SENT, severity="error", markup=False)
