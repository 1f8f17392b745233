"""Reading vCard 2.1, 3.0 and 4.0 files with vobject, one card at a time.

The file is split into cards here (BEGIN:VCARD … END:VCARD) and each card is parsed on its
own, so a broken card is reported with its number and line and the rest still import.
vCard 2.1 quoted-printable soft line breaks (a trailing ``=``) are joined before parsing,
which vobject does not do. Grouped properties (``item1.EMAIL``) count like plain ones; the
value marked preferred (``PREF=1`` or ``TYPE=pref``) comes first.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from pathlib import Path

import vobject
from vobject.base import Component, ContentLine  # untyped: mypy sees them as Any

from dualrole.interop.contact import (
    WHITE_SPACE,
    BadRecord,
    FileShape,
    RawContact,
    check_readable,
    detect_encoding,
    read_head,
)

_URL_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
# Apple and Google write "\:" (not an RFC escape); vobject keeps the backslash. Drop it unless
# the backslash is itself escaped ("\\:").
_ESCAPED_COLON = re.compile(r"(?<!\\)((?:\\\\)*)\\:")
_QP = re.compile(r"^[^:]*;(ENCODING=)?QUOTED-PRINTABLE[;:]", re.IGNORECASE)


EXACT_PROPERTY = "x-dualrole-exact"
EXACT_FIELDS = ("name", "company", "title", "phone", "website", "notes")


def encode_exact(fields: dict[str, str | list[str]]) -> str:
    """Fields vCard cannot carry as they are (a carriage return), for ``X-DUALROLE-EXACT``."""
    return base64.b64encode(json.dumps(fields, ensure_ascii=False).encode()).decode("ascii")


def decode_exact(card: Component) -> dict[str, str | list[str]]:
    """What :func:`encode_exact` wrote in a card (nothing when absent or not well-formed)."""
    lines = card.contents.get(EXACT_PROPERTY, [])
    if not lines:
        return {}
    try:
        data = json.loads(base64.b64decode(str(lines[0].value), validate=True))
    except (ValueError, TypeError):
        return {}
    if not isinstance(data, dict):
        return {}
    exact: dict[str, str | list[str]] = {
        key: value for key in EXACT_FIELDS if isinstance(value := data.get(key), str)
    }
    tags = data.get("tags")
    if isinstance(tags, list) and all(isinstance(tag, str) for tag in tags):
        exact["tags"] = tags
    return exact


def looks_like_vcard(path: Path) -> bool:
    head = read_head(path).lstrip("\ufeff\xef\xbb\xbf \t\r\n")
    return head[:11].upper() == "BEGIN:VCARD"


def unescape_url(value: str) -> str:
    r"""Undo text escapes some writers put in URLs (Google's ``http\://``)."""
    return _URL_ESCAPE.sub(lambda m: "\n" if m[1] in "nN" else m[1], value)


def escape_url(value: str) -> str:
    """What :func:`unescape_url` reverses: backslashes and newlines (used on export)."""
    return value.replace("\\", "\\\\").replace("\n", "\\n")


def _preferred_first(lines: list[ContentLine]) -> list[ContentLine]:
    def rank(line: ContentLine) -> int:
        params = {k.upper(): [str(v).lower() for v in vs] for k, vs in line.params.items()}
        flags = [s.lower() for s in line.singletonparams]
        if "pref" in params.get("TYPE", []) or "pref" in flags or params.get("PREF") == ["1"]:
            return 0
        return 1

    return sorted(lines, key=rank)


def _text(value: object) -> str:
    if isinstance(value, list):
        return ";".join(str(v) for v in value if v)
    return str(value or "")


def card_to_contact(card: Component, position: str) -> RawContact:
    contents = card.contents

    def values(key: str, strip: bool = True) -> list[str]:
        lines = _preferred_first(contents.get(key, []))
        texts = [_text(line.value) for line in lines]
        return [t.strip(WHITE_SPACE) for t in texts] if strip else texts

    name = next((v for v in values("fn") if v), "")
    if not name and "n" in contents:
        n = contents["n"][0].value
        parts = [getattr(n, a, "") for a in ("prefix", "given", "additional", "family", "suffix")]
        name = " ".join(_text(p).strip(WHITE_SPACE) for p in parts if _text(p).strip(WHITE_SPACE))
    org = contents.get("org", [])
    company = ""
    if org:
        value = org[0].value
        company = (value[0] if isinstance(value, list) and value else _text(value)).strip(
            WHITE_SPACE
        )
    phones = [p.removeprefix("tel:") for p in values("tel")]
    websites = [unescape_url(v) for v in values("url")]
    tags = [str(t) for line in contents.get("categories", []) for t in line.value]
    exact = decode_exact(card)  # dualrole's own card: the fields with a carriage return
    name = str(exact.get("name", name))
    company = str(exact.get("company", company))
    if "phone" in exact:
        phones = [str(exact["phone"]), *phones[1:]]
    if "website" in exact:
        websites = [str(exact["website"]), *websites[1:]]
    if isinstance(exact.get("tags"), list):
        tags = list(exact["tags"])
    return RawContact(
        position=position,
        name=name,
        company=company,
        title=str(exact.get("title", next((v for v in values("title") if v), ""))),
        emails=[v for v in values("email") if v],
        phones=[p for p in phones if p],
        website=next((w for w in websites if w), ""),
        notes=str(exact.get("notes", next((v for v in values("note", strip=False) if v), ""))),
        tags=[t for t in tags if t],
    )


class VCardContacts:
    """A vCard file: iterate for contacts and broken cards."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.size = check_readable(self.path)
        self.encoding = detect_encoding(self.path)
        self.shape = FileShape(format="vCard", encoding=self.encoding)
        self._file = open(self.path, encoding=self.encoding, newline="")  # noqa: SIM115
        self._read = 0

    def bytes_read(self) -> int:
        return min(self._read, self.size)

    def close(self) -> None:
        self._file.close()

    def _cards(self) -> Iterator[tuple[int, int, list[str] | None, str]]:
        """(card number, first line, lines or None when broken, reason)."""
        number, start, lines = 0, 0, None
        pending = ""
        for line_no, raw in enumerate(self._file, 1):
            self._read += len(raw)
            line = raw.rstrip("\r\n")
            if pending:
                line, pending = pending + line, ""
            if _QP.match(line) and line.endswith("="):
                pending = line[:-1]
                continue
            line = _ESCAPED_COLON.sub(r"\1:", line)
            # A line starting with a space or tab continues the one before (RFC 6350 folding):
            # text such as "…BEGIN:VCARD" folded there is a value, never a card's edge.
            upper = "" if line[:1] in (" ", "\t") else line.strip().upper()
            if upper == "BEGIN:VCARD":
                if lines is not None:
                    yield number, start, None, "has no END:VCARD before the next card"
                number, start, lines = number + 1, line_no, [line]
            elif lines is None:
                continue
            else:
                lines.append(line)
                if upper == "END:VCARD":
                    yield number, start, lines, ""
                    lines = None
        if lines is not None:
            yield number, start, None, "is cut off (no END:VCARD at the end of the file)"

    def __iter__(self) -> Iterator[RawContact | BadRecord]:
        try:
            for number, start, lines, reason in self._cards():
                position = f"card {number} (line {start})"
                if lines is None:
                    yield BadRecord(position, reason)
                    continue
                try:
                    card = vobject.readOne("\r\n".join(lines) + "\r\n")
                    yield card_to_contact(card, position)
                except Exception as exc:  # vobject raises many kinds; a bad card is data
                    detail = re.sub(r"^At line \d+: ", "", str(exc)) or type(exc).__name__
                    yield BadRecord(position, f"cannot be read ({detail})")
        finally:
            self.close()
