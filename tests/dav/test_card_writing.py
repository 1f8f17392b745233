"""A new card is written directly (not by vobject) for speed; it must read back exactly as
a card vobject writes from the same fields."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dualrole.dav import mapping

BASE = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:dualrole-prospect-7\r\nFN:x\r\nEND:VCARD\r\n"
line = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=120)
text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\x00"))


@given(
    name=line.filter(lambda v: v.strip()),
    email=st.one_of(st.just(""), st.emails()),
    phone=st.from_regex(r"\A(\+?[0-9][0-9 ()-]{5,20})?\Z"),
    company=line,
    title=line,
    website=st.one_of(st.just(""), st.from_regex(r"\Ahttps://[a-z]{1,20}\.example(/[a-z,;]*)?\Z")),
    notes=text,
)
def test_a_new_card_reads_back_as_vobjects_own(
    name: str, email: str, phone: str, company: str, title: str, website: str, notes: str
) -> None:
    fields = {
        "name": name,
        "email": email,
        "phone": phone,
        "company": company,
        "title": title,
        "website": website,
        "notes": notes,
    }
    written = mapping.new_card(fields, "dualrole-prospect-7", 7)
    assert all(len(row.encode()) <= 75 for row in written.split("\r\n"))
    by_vobject = mapping.build_card(fields, "dualrole-prospect-7", 7, BASE)
    assert mapping.card_fields(written) == mapping.card_fields(by_vobject)


def test_a_new_card_holds_every_field_and_the_link_back() -> None:
    fields = {
        "name": "Chloë Becker",
        "email": "chloe@becker.example",
        "phone": "+49 30 1234567",
        "company": "Becker, Lang; Partner",
        "title": "Owner",
        "website": "https://becker.example",
        "notes": "Met at the fair.\nWants a quote.",
    }
    written = mapping.new_card(fields, "dualrole-prospect-12", 12)
    assert mapping.card_fields(written) == ("dualrole-prospect-12", fields)
    assert "X-DUALROLE-ID:12\r\n" in written and written.startswith("BEGIN:VCARD\r\n")
