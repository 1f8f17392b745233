"""Emails that differ only in their Unicode spelling (``é`` as one code point, or ``e`` and
a combining accent) are one address: on import, on lookup, when adding from the shell."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from interop_helpers import prospects

from dualrole.core.models import ProspectIn
from dualrole.core.parsing import email_key
from dualrole.interop.importer import import_contacts
from dualrole.services import sales
from dualrole.services.daily import add_prospect
from dualrole.services.resolve import resolve_prospect
from dualrole.storage.db import StorageError, open_memory

COMPOSED = "jos\u00e9@caf\u00e9.example"  # é as one code point
DECOMPOSED = "jose\u0301@cafe\u0301.example"  # e + U+0301 COMBINING ACUTE ACCENT


def test_the_two_spellings_differ_only_in_unicode() -> None:
    assert COMPOSED != DECOMPOSED
    assert unicodedata.normalize("NFC", DECOMPOSED) == COMPOSED


def test_one_prospect_from_both_spellings_in_one_file(store, tmp_path) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text(
        f"Name,Email,Company\nJosé,{COMPOSED},\nJosé Again,{DECOMPOSED},Café Ltd\n",
        encoding="utf-8",
    )
    report = import_contacts(store, path)
    assert (report.created, report.merged) == (1, 1)
    (jose,) = prospects(store)
    assert jose["email"] == COMPOSED and jose["company"] == "Café Ltd"


@pytest.mark.parametrize(("stored", "imported"), [(COMPOSED, DECOMPOSED), (DECOMPOSED, COMPOSED)])
def test_a_reimport_in_the_other_spelling_finds_the_prospect(
    store, tmp_path, stored: str, imported: str
) -> None:
    # An older dualrole stored whatever spelling it was given: written here by SQL.
    kept = sales.create_prospect(store, ProspectIn(name="José"))
    with store.transaction():
        store.execute("UPDATE prospects SET email = ? WHERE id = ?", (stored, kept.id))
    path = tmp_path / "contacts.csv"
    path.write_text(f"Name,Email,Title\nJosé,{imported},Chef\n", encoding="utf-8")
    report = import_contacts(store, path)
    assert (report.created, report.merged) == (0, 1)
    assert [p["title"] for p in prospects(store)] == ["Chef"]
    assert sales.find_by_email(store, imported).id == kept.id
    assert resolve_prospect(store, imported) == kept.id


def test_adding_from_the_shell_refuses_the_other_spelling(store) -> None:
    add_prospect(store, {"name": "José", "email": COMPOSED})
    with pytest.raises(StorageError, match="already prospect"):
        add_prospect(store, {"name": "José twice", "email": DECOMPOSED})
    assert len(prospects(store)) == 1


LETTERS = st.sampled_from("aeiounc") | st.sampled_from("áéíóúñçÅÉÑäöü")
LOCAL = st.text(LETTERS, min_size=1, max_size=12)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(local=LOCAL, domain=LOCAL, upper=st.booleans())
def test_any_spelling_and_case_of_an_email_is_one_prospect(
    tmp_path, local: str, domain: str, upper: bool
) -> None:
    email = f"{local}@{domain}.example"
    first = unicodedata.normalize("NFC", email)
    second = unicodedata.normalize("NFD", email.upper() if upper else email)
    assert email_key(first) == email_key(second)
    path = tmp_path / "contacts.csv"
    path.write_text(f"Name,Email\nOne,{first}\nTwo,{second}\n", encoding="utf-8")
    with open_memory() as store:
        report = import_contacts(store, path)
        assert report.created == 1, (first, second)
        assert report.merged + report.skipped == 1
        assert store.scalar("SELECT email FROM prospects") == first
