"""Prospects as vCards and open follow-ups as VTODOs, and back: the fields both sides hold.

A contact's synced fields are name, email, phone, company, title, website and notes; a
task's are its title, due day, due time and whether it is done. Reading uses the vCard
import's parser (:func:`dualrole.interop.contacts_vcard.card_to_contact`), so a card from
the server is read like an imported one. Writing patches the server's copy when there is
one, so what dualrole does not hold (a second address, a birthday, a photo, alarms) stays
on the phone; a new card is vCard 3.0 (what iOS and DAVx5 write), with ``UID`` and
``X-DUALROLE-ID`` naming the prospect.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from dualrole.core.dates import clock
from dualrole.core.parsing import parse_email
from dualrole.core.printable import printable

CONTACT_FIELDS = ("name", "email", "phone", "company", "title", "website", "notes")
TASK_FIELDS = ("title", "due_date", "due_time", "done")
PRODID = "-//dualrole//phone sync//EN"
SEPARATOR = " — "


class Unreadable(ValueError):
    """A card or task from the server that cannot be read (reported, then left alone)."""


Fields = dict[str, str]


def prospect_fields(row: Any) -> Fields:
    """The synced fields of a prospect row (missing values as empty strings)."""
    return {key: str(row[key] or "") for key in CONTACT_FIELDS}


def contact_uid(prospect_id: int) -> str:
    return f"dualrole-prospect-{prospect_id}"


def task_uid(followup_id: int) -> str:
    return f"dualrole-followup-{followup_id}"


def uid_record(uid: str, kind: str) -> int | None:
    """The record a UID of ours names (``dualrole-prospect-12`` → 12), else None."""
    prefix = "dualrole-prospect-" if kind == "contact" else "dualrole-followup-"
    tail = uid.removeprefix(prefix)
    return int(tail) if uid.startswith(prefix) and tail.isdigit() else None


# --- vCards ------------------------------------------------------------------------------


def _card(text: str) -> Any:
    import vobject

    try:
        card = vobject.readOne(text)
    except Exception as exc:  # vobject raises many kinds; a bad card is data
        raise Unreadable(f"cannot be read ({type(exc).__name__})") from exc
    if getattr(card, "name", "").upper() != "VCARD":
        raise Unreadable("is not a vCard")
    return card


def card_fields(text: str) -> tuple[str, Fields]:
    """The card's UID and synced fields; raises :class:`Unreadable`."""
    from dualrole.interop.contacts_vcard import card_to_contact

    card = _card(text)
    try:
        raw = card_to_contact(card, "card")
    except Exception as exc:
        raise Unreadable(f"cannot be read ({type(exc).__name__})") from exc
    email = raw.emails[0] if raw.emails else ""  # none valid: refused like an import
    for candidate in raw.emails:
        try:
            email = parse_email(candidate) or ""
        except ValueError:
            continue
        break
    uid_lines = card.contents.get("uid", [])
    uid = str(uid_lines[0].value).strip() if uid_lines else ""
    fields = {
        "name": raw.name or email,
        "email": email,
        "phone": raw.phones[0] if raw.phones else "",
        "company": raw.company,
        "title": raw.title,
        "website": raw.website,
        "notes": raw.notes,
    }
    return uid, fields


def _first(card: Any, key: str) -> Any:
    from dualrole.interop.contacts_vcard import _preferred_first

    lines = card.contents.get(key, [])
    return _preferred_first(lines)[0] if lines else None


def _set(card: Any, key: str, value: str, **params: list[str]) -> None:
    """Set the preferred ``key`` line to ``value`` (added when absent, removed when empty)."""
    line = _first(card, key)
    if not value:
        if line is not None:
            card.remove(line)
        return
    if line is None:
        line = card.add(key)
        for name, values in params.items():
            line.params[name.upper()] = values
    line.value = value


def build_card(fields: Fields, uid: str, prospect_id: int, base: str | None) -> str:
    """The vCard for ``fields``: the server's copy ``base`` patched, else a new card."""
    import vobject

    if not base:
        return new_card(fields, uid, prospect_id)
    try:
        card = _card(base)
    except Unreadable:
        return new_card(fields, uid, prospect_id)
    clean = {key: printable(value) if key != "notes" else value for key, value in fields.items()}
    name = clean["name"]
    _set(card, "fn", name)
    parts = name.rsplit(" ", 1)
    given, family = (parts[0], parts[1]) if len(parts) == 2 else (name, "")
    old_n = _first(card, "n")
    if old_n is None or " ".join(
        p for p in (str(old_n.value.given), str(old_n.value.family)) if p
    ) != " ".join(p for p in (given, family) if p):
        if old_n is not None:
            card.remove(old_n)
        card.add("n").value = vobject.vcard.Name(family=family, given=given)
    _set(card, "email", clean["email"], type=["INTERNET"])
    _set(card, "tel", clean["phone"], type=["CELL"])
    _set(card, "title", clean["title"])
    _set(card, "url", clean["website"])
    _set(card, "note", clean["notes"])
    org = _first(card, "org")
    if org is not None:
        card.remove(org)
    if clean["company"]:
        card.add("org").value = [clean["company"]]
    _set(card, "x-dualrole-id", str(prospect_id))
    rev = _first(card, "rev")
    if rev is not None:
        card.remove(rev)
    card.add("rev").value = clock.now().astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    if _first(card, "prodid") is None:
        card.add("prodid").value = PRODID
    text: str = card.serialize()
    return text


def new_card(fields: Fields, uid: str, prospect_id: int) -> str:
    """A new vCard 3.0 for ``fields``, written directly: a first sync writes thousands, and
    vobject's writer takes a millisecond each. :func:`card_fields` reads it back the same
    (tested over arbitrary text)."""
    clean = {key: printable(value) if key != "notes" else value for key, value in fields.items()}
    name = clean["name"]
    parts = name.rsplit(" ", 1)
    given, family = (parts[0], parts[1]) if len(parts) == 2 else (name, "")
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        f"PRODID:{PRODID}",
        f"UID:{_escape(uid)}",
        f"FN:{_escape(name)}",
        f"N:{_escape(family)};{_escape(given)};;;",
    ]
    for key, prop in (
        ("email", "EMAIL;TYPE=INTERNET"),
        ("phone", "TEL;TYPE=CELL"),
        ("company", "ORG"),
        ("title", "TITLE"),
        ("website", "URL"),
        ("notes", "NOTE"),
    ):
        if clean[key]:
            lines.append(f"{prop}:{_escape(clean[key])}")
    lines.append(f"X-DUALROLE-ID:{prospect_id}")
    lines.append(f"REV:{clock.now().astimezone(dt.UTC).strftime('%Y%m%dT%H%M%SZ')}")
    lines.append("END:VCARD")
    return "".join(_fold(line) + "\r\n" for line in lines)


def _escape(value: str) -> str:
    """A text value as vCard 3.0 writes it (RFC 2426 §5: backslash, comma, semicolon,
    line breaks)."""
    value = value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    return value.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def _fold(line: str) -> str:
    """``line`` folded to lines of at most 75 octets, never inside a UTF-8 character."""
    if len(line.encode()) <= 75:
        return line
    pieces: list[str] = []
    current: list[str] = []
    size, limit = 0, 75
    for char in line:
        width = len(char.encode())
        if size + width > limit:
            pieces.append("".join(current))
            current, size, limit = [], 0, 74  # a continuation starts with a space
        current.append(char)
        size += width
    pieces.append("".join(current))
    return "\r\n ".join(pieces)


# --- VTODOs ------------------------------------------------------------------------------


def followup_fields(row: Any) -> Fields:
    return {
        "title": str(row["title"]),
        "due_date": str(row["due_date"]),
        "due_time": str(row["due_time"] or "")[:5],
        "done": "yes" if row["done_at"] else "",
    }


def _todo(text: str) -> tuple[Any, Any]:
    from icalendar import Calendar

    try:
        calendar = Calendar.from_ical(text)
    except Exception as exc:
        raise Unreadable(f"cannot be read ({type(exc).__name__})") from exc
    todo = next((c for c in calendar.walk("VTODO")), None)
    if todo is None:
        raise Unreadable("holds no task (VTODO)")
    return calendar, todo


def todo_fields(text: str, prospect_name: str = "") -> tuple[str, Fields]:
    """The task's UID and synced fields; raises :class:`Unreadable`."""
    _, todo = _todo(text)
    summary = str(todo.get("summary", "")).strip()
    prefix = f"{prospect_name}{SEPARATOR}"
    if prospect_name and summary.startswith(prefix):
        summary = summary.removeprefix(prefix)
    due_date, due_time = "", ""
    due = todo.get("due")
    if due is not None:
        value = due.dt
        if isinstance(value, dt.datetime):
            if value.tzinfo is not None:
                value = value.astimezone().replace(tzinfo=None)
            due_date, due_time = value.date().isoformat(), value.strftime("%H:%M")
        elif isinstance(value, dt.date):
            due_date = value.isoformat()
    status = str(todo.get("status", "")).upper()
    done = status == "COMPLETED" or todo.get("completed") is not None
    fields = {
        "title": summary,
        "due_date": due_date,
        "due_time": due_time,
        "done": "yes" if done else "",
    }
    return str(todo.get("uid", "")), fields


def build_todo(
    fields: Fields, uid: str, prospect_name: str, description: str, base: str | None
) -> str:
    """The VTODO for ``fields``: the server's copy patched (alarms kept), else a new one."""
    from icalendar import Calendar, Todo

    calendar = todo = None
    if base:
        try:
            calendar, todo = _todo(base)
        except Unreadable:
            calendar = todo = None
    if calendar is None or todo is None:
        calendar = Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        todo = Todo()
        todo.add("uid", uid)
        calendar.add_component(todo)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    for key in (
        "summary",
        "due",
        "status",
        "completed",
        "dtstamp",
        "last-modified",
        "description",
        "percent-complete",
    ):
        todo.pop(key, None)
    todo.add("dtstamp", now)
    todo.add("last-modified", now)
    todo.add("summary", printable(f"{prospect_name}{SEPARATOR}{fields['title']}"))
    if description:
        todo.add("description", printable(description))
    day = dt.date.fromisoformat(fields["due_date"])
    if fields["due_time"]:
        todo.add("due", dt.datetime.combine(day, dt.time.fromisoformat(fields["due_time"])))
    else:
        todo.add("due", day)
    if fields["done"]:
        todo.add("status", "COMPLETED")
        todo.add("completed", now)
        todo.add("percent-complete", 100)
    else:
        todo.add("status", "NEEDS-ACTION")
    ical: bytes = calendar.to_ical()
    return ical.decode("utf-8")


def todo_collection(bodies: list[str]) -> str:
    """One calendar holding the VTODOs of ``bodies`` (each one calendar of one task, as
    :func:`build_todo` writes them): the tasks' lines, unparsed, inside one VCALENDAR."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}"]
    for body in bodies:
        inside = False
        for line in body.splitlines():
            if line == "BEGIN:VTODO":
                inside = True
            if inside:
                lines.append(line)
            if line == "END:VTODO":
                inside = False
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"
