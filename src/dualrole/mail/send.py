"""Sending one outreach message: through the owner's SMTP server, sendmail, or a mailto: link.

``--via`` names the way, like a source names where mail is read from:

- ``smtps://USER@HOST[:PORT]`` — TLS from the start (port 465);
- ``smtp+starttls://USER@HOST[:PORT]`` — STARTTLS (port 587); the password is not sent
  when the server does not offer it;
- ``smtp+plain://HOST:PORT`` — no TLS, no login, only to 127.0.0.1 (a local relay or a test);
- ``sendmail:`` or ``sendmail:/path/to/sendmail`` — hand the message to the mail program;
- ``mailto:`` — nothing is sent: a ``mailto:`` link for the owner's own mail program.

The password comes as for IMAP (``DUALROLE_MAIL_PASSWORD``, the keyring, a prompt) and is
never stored or printed. Every failure is a :class:`~dualrole.mail.sources.MailError`.
"""

from __future__ import annotations

import smtplib
import ssl
import subprocess
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from urllib.parse import quote, unquote, urlsplit

from dualrole.mail.sources import MailError, SourceUrl, is_loopback

TIMEOUT = 30.0


@dataclass(frozen=True)
class Via:
    scheme: str  # smtps | smtp+starttls | smtp+plain | sendmail | mailto
    user: str = ""
    host: str = ""
    port: int = 0
    path: str = ""

    def as_source(self) -> SourceUrl:
        """For :func:`dualrole.mail.fetch.password_for` (the same password rules)."""
        return SourceUrl("imap", user=self.user, host=self.host, port=self.port)


def parse_via(text: str) -> Via:
    scheme, sep, rest = text.strip().partition(":")
    scheme = scheme.lower()
    if scheme == "sendmail" and sep:
        return Via("sendmail", path=rest or "/usr/sbin/sendmail")
    if scheme == "mailto" and sep:
        return Via("mailto")
    if scheme not in {"smtps", "smtp+starttls", "smtp+plain"} or not rest.startswith("//"):
        raise MailError(
            f"{text!r} is not a way to send; use smtps://USER@HOST, "
            "smtp+starttls://USER@HOST, sendmail: or mailto:."
        )
    parts = urlsplit(text.strip())
    if parts.password:
        raise MailError("Leave the password out of the URL; dualrole asks for it or reads it.")
    if not parts.hostname:
        raise MailError(f"Name the server in {text!r}, e.g. smtps://me@smtp.example.com.")
    if scheme == "smtp+plain" and not is_loopback(parts.hostname):
        raise MailError("smtp+plain:// is only for 127.0.0.1; use smtps:// or smtp+starttls://.")
    try:
        port = parts.port or 0
    except ValueError as exc:
        raise MailError(f"The port in {text!r} is not a number.") from exc
    if scheme != "smtp+plain" and not parts.username:
        raise MailError(f"Name the user in {text!r}, e.g. smtps://me@smtp.example.com.")
    return Via(scheme, user=unquote(parts.username or ""), host=parts.hostname, port=port)


def compose(sender: str, recipient: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    domain = sender.rpartition("@")[2] or "dualrole.invalid"
    message["Message-ID"] = make_msgid(domain=domain)
    message.set_content(body)
    return message


def mailto_link(recipient: str, subject: str, body: str) -> str:
    return f"mailto:{quote(recipient, safe='@')}?subject={quote(subject)}&body={quote(body)}"


def deliver(
    message: EmailMessage, via: Via, password: str | None = None, *, cafile: str | None = None
) -> None:
    """Send ``message`` the way ``via`` says (not for ``mailto:``, which sends nothing)."""
    if via.scheme == "sendmail":
        _sendmail(message, via.path)
        return
    where = f"{via.host}:{via.port or _default_port(via.scheme)}"
    context = ssl.create_default_context(cafile=cafile)
    try:
        smtp: smtplib.SMTP
        if via.scheme == "smtps":
            smtp = smtplib.SMTP_SSL(via.host, via.port or 465, timeout=TIMEOUT, context=context)
        else:
            smtp = smtplib.SMTP(via.host, via.port or 587, timeout=TIMEOUT)
        with smtp:
            if via.scheme == "smtp+starttls":
                smtp.ehlo()
                if not smtp.has_extn("starttls"):
                    raise MailError(
                        f"{where} does not offer STARTTLS, so the password was not sent; "
                        "use smtps:// if it offers that."
                    )
                smtp.starttls(context=context)
                smtp.ehlo()
            if via.scheme != "smtp+plain":
                smtp.login(via.user, password or "")
            smtp.send_message(message)
    except MailError:
        raise
    except smtplib.SMTPAuthenticationError as exc:
        raise MailError(
            f"{where} refused the user name or password for {via.user}; nothing was sent."
        ) from exc
    except smtplib.SMTPRecipientsRefused as exc:
        raise MailError(f"{where} refused the recipient; nothing was sent.") from exc
    except ssl.SSLCertVerificationError as exc:
        raise MailError(
            f"{where} showed a certificate that could not be verified; nothing was sent."
        ) from exc
    except (ssl.SSLError, smtplib.SMTPServerDisconnected) as exc:
        raise MailError(
            f"{where} did not speak TLS or closed the connection; nothing was sent."
        ) from exc
    except smtplib.SMTPException as exc:
        raise MailError(f"{where} refused the message ({exc}); nothing was sent.") from exc
    except OSError as exc:
        raise MailError(f"Cannot reach the mail server at {where}: {exc.strerror or exc}.") from exc


def _default_port(scheme: str) -> int:
    return {"smtps": 465, "smtp+starttls": 587}.get(scheme, 25)


def _sendmail(message: EmailMessage, path: str) -> None:
    try:
        done = subprocess.run(
            [path, "-t", "-oi"], input=message.as_bytes(), capture_output=True, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise MailError(f"Cannot run {path}: {exc}.") from exc
    if done.returncode != 0:
        raise MailError(f"{path} refused the message (exit {done.returncode}); nothing was sent.")


def sender_address(name: str, address: str) -> str:
    return formataddr((name, address)) if name else address
