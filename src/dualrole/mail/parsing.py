"""One message's bytes as what dualrole keeps of it: its key, people, date, subject, excerpt.

Mail is input like any import, and hostile mail is normal mail: broken MIME, headers in
any encoding, control characters and bidi overrides in names and subjects, HTML-only
bodies. Parsing uses the standard library (``email`` with ``policy.default``) and never
raises: a header that cannot be read is read more plainly, then left empty. Callers hand
in at most :data:`MAX_BYTES` of a message (headers and the start of its body), so a 50 MB
attachment is never read.
"""

from __future__ import annotations

import datetime as dt
import email.header
import email.utils
import hashlib
import re
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from html.parser import HTMLParser

from dualrole.services.mail import Address, CapturedMail

MAX_BYTES = 256 * 1024  # headers and the start of the body; an attachment is never read whole
EXCERPT_CHARS = 280
_MAX_PARTS = 40
_NOREPLY = re.compile(
    r"^(no[-_.]?reply|do[-_.]?not[-_.]?reply|mailer[-_.]?daemon|postmaster|bounces?|"
    r"notifications?|newsletters?|news|marketing|updates)([+-].*)?$",
    re.IGNORECASE,
)
# Control characters and bidirectional overrides are dropped from names and subjects.
_UNSAFE = dict.fromkeys(
    [*range(0, 32), 0x7F, *range(0x80, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)],
    " ",
)
_SPACES = re.compile(r"\s+")
_QUOTED = re.compile(r"^\s*>.*$", re.MULTILINE)


def clean(text: str, limit: int = 500) -> str:
    """One line: control characters and bidi overrides gone, runs of space made one; raw
    8-bit header bytes (surrogate escapes) read as UTF-8 where they are, else replaced."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        text = text.encode("utf-8", "replace").decode("utf-8")
    return _SPACES.sub(" ", text.translate(_UNSAFE)).strip()[:limit]


def parse_message(raw: bytes, *, full_body: bool = False) -> CapturedMail:
    """What dualrole keeps of one message (never raises; see the module): a short excerpt of
    its text, or all of the text read (``full_body``, when the owner turned it on)."""
    try:
        return _parse(raw, full_body)
    except Exception:  # the last guard: such a message is kept out, known by its bytes
        digest = hashlib.sha256(raw[:MAX_BYTES]).hexdigest()
        return CapturedMail(f"raw:{digest}", None, (), None, "", is_bulk=True)


def _parse(raw: bytes, full_body: bool) -> CapturedMail:
    message = BytesParser(policy=policy.default).parsebytes(raw[:MAX_BYTES])
    senders = _addresses(message, "from")
    recipients = tuple(address for name in ("to", "cc") for address in _addresses(message, name))
    bulk = _is_bulk(message, senders[0] if senders else None)
    return CapturedMail(
        key=_key(message),
        sender=senders[0] if senders else None,
        recipients=recipients,
        occurred_at=_date(message),
        subject=clean(_header(message, "subject"), 200),
        excerpt="" if bulk else _excerpt(message, full_body),  # a list's text is never kept
        is_bulk=bulk,
        organisation=clean(_header(message, "organization"), 200),
    )


def _header(message: Message, name: str) -> str:
    """A header's text, its encoded words decoded. Read from the raw header (the default
    policy's header objects cost a millisecond each: minutes over 100,000 messages)."""
    raw = _raw_header(message, name)
    return _decoded(raw) if raw else ""


def _decoded(text: str) -> str:
    if "=?" not in text:
        return text
    try:
        return str(email.header.make_header(email.header.decode_header(text)))
    except Exception:  # a broken encoded word: shown as it came
        return text


def _raw_header(message: Message, name: str) -> str:
    for key, value in message.raw_items():
        if key.lower() == name:
            return str(value)
    return ""


def _addresses(message: Message, name: str) -> tuple[Address, ...]:
    """Addresses split from the raw header (a comma inside an encoded name stays in it),
    each display name then decoded."""
    found: list[Address] = []
    try:
        pairs = email.utils.getaddresses([_raw_header(message, name)])
    except Exception:
        return ()
    for display, address in pairs:
        address = clean(address, 254).strip("<>").lower()
        if "@" in address and " " not in address:
            found.append(Address(address, clean(_decoded(display), 200)))
    return tuple(found)


def _date(message: Message) -> dt.datetime | None:
    text = _header(message, "date")
    if not text:
        return None
    try:
        when = email.utils.parsedate_to_datetime(text)
    except Exception:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC)


def _key(message: Message) -> str:
    """Message-ID, else a hash of the headers every copy of the message shares."""
    message_id = clean(_header(message, "message-id"), 2000).strip("<> ")
    if message_id and " " not in message_id:
        if len(message_id) <= 300:
            return f"mid:{message_id}"
        return "mid#" + hashlib.sha256(message_id.encode()).hexdigest()
    parts = [clean(_raw_header(message, name), 2000) for name in ("date", "from", "to", "subject")]
    return "hash:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _is_bulk(message: Message, sender: Address | None) -> bool:
    """Mailing lists, newsletters, automatic mail and no-reply senders."""
    if _raw_header(message, "list-id") or _raw_header(message, "list-unsubscribe"):
        return True
    if _raw_header(message, "precedence").strip().lower() in {"bulk", "list", "junk"}:
        return True
    auto = _raw_header(message, "auto-submitted").strip().lower()
    if auto and auto != "no":
        return True
    return sender is not None and bool(_NOREPLY.match(sender.address.partition("@")[0]))


def _excerpt(message: Message, full: bool = False) -> str:
    """The start of the first plain-text part (an HTML-only message as text), quotes left out."""
    html = None
    try:
        parts = message.walk() if message.is_multipart() else iter([message])
        for index, part in enumerate(parts):
            if index >= _MAX_PARTS:
                break
            if part.is_multipart() or part.get_content_disposition() == "attachment":
                continue
            kind = part.get_content_type()
            if kind == "text/plain":
                text = _content(part)
                if text.strip():
                    return _body(text) if full else clean(_QUOTED.sub("", text), EXCERPT_CHARS)
            elif kind == "text/html" and html is None:
                html = _content(part)
    except Exception:  # a MIME structure too broken to walk
        return ""
    if not html:
        return ""
    text = html_to_text(html)
    return _body(text) if full else clean(text, EXCERPT_CHARS)


def _body(text: str) -> str:
    """The whole text read, lines kept; control characters and bidi overrides dropped."""
    lines = (clean(line, MAX_BYTES) for line in text.splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _content(part: Message) -> str:
    try:
        if isinstance(part, EmailMessage):
            content = part.get_content()
            if isinstance(content, str):
                return content
    except Exception:
        pass
    payload = part.get_payload(decode=True)
    if isinstance(payload, bytes):
        charset = part.get_content_charset() or "utf-8"
        try:
            return payload.decode(charset, "replace")
        except LookupError:
            return payload.decode("utf-8", "replace")
    return ""


class _Text(HTMLParser):
    _SKIP = frozenset({"script", "style", "head", "title"})
    _BREAK = frozenset({"p", "br", "div", "li", "tr", "h1", "h2", "h3", "blockquote"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self.skipping += 1
        elif tag in self._BREAK:
            self.chunks.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self.skipping:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.chunks.append(data)


def html_to_text(html: str) -> str:
    """An HTML body as its visible text (scripts and styles left out)."""
    parser = _Text()
    try:
        parser.feed(html)
        parser.close()
    except Exception:
        pass
    return "".join(parser.chunks)
