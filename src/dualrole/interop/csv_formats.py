"""The CSV shapes dualrole recognises, and which column feeds which prospect field.

Each :class:`Profile` maps a field to header patterns (normalised: lower case, single spaces;
full-match regexes). :func:`detect_profile` picks one from the header row and
:func:`resolve_mapping` applies it, then the user's ``--map field=Column`` overrides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Fields a column can be mapped to (``--map field=Column``).
FIELDS = (
    "name",
    "first_name",
    "middle_name",
    "last_name",
    "company",
    "title",
    "email",
    "phone",
    "website",
    "notes",
    "tags",
    "value",
    "currency",
    "source",
    "stage",
)
# dualrole's own CSV export: ``dump.py`` writes exactly these columns.
OWN_HEADER = (
    "Name",
    "Company",
    "Title",
    "Email",
    "Phone",
    "Website",
    "Stage",
    "Value",
    "Currency",
    "Source",
    "Tags",
    "Notes",
)


@dataclass(frozen=True)
class Profile:
    """A known CSV shape: field → header patterns (normalised, full-match regexes)."""

    name: str
    fields: dict[str, tuple[str, ...]]
    multi: bool = False  # Google joins several values in one cell with " ::: "
    own: bool = False  # dualrole's export: undo the formula-safety apostrophe
    tag_separator: str = ","


_EMAILS = (r"e-mail \d+ - value",)
_PHONES = (r"phone \d+ - value",)
_SITES = (r"website \d+ - value",)

_OWN_COLUMNS = (
    "name company title email phone website stage value currency source tags notes".split()
)

PROFILES = {
    "dualrole": Profile(
        "dualrole CSV",
        {f: (f,) for f in _OWN_COLUMNS},
        own=True,
    ),
    "google": Profile(
        "Google Contacts",
        {
            "name": ("name",),
            "first_name": ("first name", "given name"),
            "middle_name": ("middle name", "additional name"),
            "last_name": ("last name", "family name"),
            "company": ("organization name", "organization 1 - name"),
            "title": ("organization title", "organization 1 - title"),
            "email": _EMAILS,
            "phone": _PHONES,
            "website": _SITES,
            "notes": ("notes",),
            "tags": ("labels", "group membership"),
        },
        multi=True,
        tag_separator=":::",
    ),
    "linkedin": Profile(
        "LinkedIn Connections",
        {
            "first_name": ("first name",),
            "last_name": ("last name",),
            "email": ("email address",),
            "company": ("company",),
            "title": ("position",),
            "website": ("url", "profile url"),
        },
    ),
    "outlook": Profile(
        "Outlook",
        {
            "first_name": ("first name",),
            "middle_name": ("middle name",),
            "last_name": ("last name",),
            "company": ("company",),
            "title": ("job title",),
            "email": (r"e-mail( \d)? address",),
            "phone": (
                "business phone",
                "mobile phone",
                "primary phone",
                "company main phone",
                "home phone",
                "other phone",
            ),
            "website": ("web page",),
            "notes": ("notes",),
            "tags": ("categories",),
        },
        tag_separator=";",
    ),
    "hubspot": Profile(
        "HubSpot",
        {
            "first_name": ("first name",),
            "last_name": ("last name",),
            "email": ("email",),
            "phone": ("phone number", "mobile phone number"),
            "company": ("company name", "company", "associated company"),
            "title": ("job title",),
            "website": ("website url",),
        },
    ),
    "generic": Profile(
        "CSV",
        {
            "name": ("name", "full name", "contact name", "display name", "contact"),
            "first_name": ("first name", "firstname", "given name", "forename", "vorname"),
            "last_name": ("last name", "lastname", "surname", "family name", "nachname"),
            "company": ("company", "company name", "organization", "organisation", "firma"),
            "title": ("title", "job title", "position", "role"),
            "email": ("e-?mail", "e-?mail address", "mail", r"e-?mail \d+"),
            "phone": ("phone", "telephone", "phone number", "mobile", "tel", "telefon"),
            "website": ("website", "url", "web", "homepage", "web page", "website url"),
            "notes": ("notes", "note", "comments", "comment", "description"),
            "tags": ("tags", "labels", "categories", "groups"),
            "value": ("value", "deal value", "amount"),
            "currency": ("currency",),
        },
    ),
}


def norm(header: str) -> str:
    return " ".join(header.replace("\ufeff", "").strip().lower().split())


def detect_profile(header: list[str], preamble: bool) -> str:
    names = {norm(h) for h in header}
    has = names.__contains__
    if [norm(h) for h in header] == [norm(h) for h in OWN_HEADER]:
        return "dualrole"
    if any(re.fullmatch(_EMAILS[0], n) for n in names) or has("given name"):
        return "google"
    if preamble or has("connected on"):
        return "linkedin"
    if has("e-mail address") and (has("job title") or len(names) >= 50):
        return "outlook"
    if names & {"contact id", "record id", "lifecycle stage", "lead status", "contact owner"}:
        return "hubspot"
    return "generic"


def resolve_mapping(
    header: list[str], profile: Profile, overrides: dict[str, str] | None
) -> dict[str, list[int]]:
    """Field → column indices, detection first, then ``overrides`` (field → header name)."""
    normed = [norm(h) for h in header]
    mapping: dict[str, list[int]] = {}
    for field, patterns in profile.fields.items():
        hits = [
            i
            for pattern in patterns
            for i, name in enumerate(normed)
            if re.fullmatch(pattern, name)
        ]
        if hits:
            mapping[field] = list(dict.fromkeys(hits))
    for field, column in (overrides or {}).items():
        if field not in FIELDS:
            raise ValueError(f"--map {field}=…: {field!r} is not a field; use one of {FIELDS}")
        if norm(column) not in normed:
            shown = ", ".join(h for h in header if h.strip())
            raise ValueError(f"--map {field}={column}: the file has no such column ({shown})")
        mapping[field] = [normed.index(norm(column))]
        if field == "name":
            for part in ("first_name", "middle_name", "last_name"):
                mapping.pop(part, None)
    if not mapping.keys() & {"name", "first_name", "last_name", "email"}:
        shown = ", ".join(h for h in header if h.strip())
        raise ValueError(
            f"No name or email column found among: {shown}; "
            "say which is which with --map name=Column (and email=Column)."
        )
    return mapping
