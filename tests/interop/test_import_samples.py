"""Every real-world sample (copied from ../shared/samples/contacts) imports as expected."""

from __future__ import annotations

import pytest
from interop_helpers import SAMPLES, prospects

from dualrole.interop.importer import import_contacts

# file → (format, created, merged, skipped)
EXPECTED = {
    "linkedin_Connections.csv": ("LinkedIn Connections", 4, 0, 1),
    "linkedin_Connections_other_column_order.csv": ("LinkedIn Connections", 3, 0, 0),
    "google_contacts_legacy_format.csv": ("Google Contacts", 2, 0, 0),
    "hubspot_contacts_synthetic_head.csv": ("HubSpot", 4, 0, 0),
    "google_vcard30_gmail-single2.vcf": ("vCard", 1, 0, 0),
    "apple_vcard30_no_photo.vcf": ("vCard", 1, 0, 0),
    "vcard40_full_vobject.vcf": ("vCard", 1, 0, 0),
    "vcard40_korean_khard.vcf": ("vCard", 1, 0, 0),
    "vcard_truncated_unparsable_khard.vcf": ("vCard", 0, 0, 1),
}


def test_every_sample_is_covered():
    assert sorted(EXPECTED) == sorted(p.name for p in SAMPLES.iterdir())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_imports_with_expected_counts(store, name):
    fmt, created, merged, skipped = EXPECTED[name]
    report = import_contacts(store, SAMPLES / name)
    assert report.shape.format == fmt
    assert (report.created, report.merged, report.skipped) == (created, merged, skipped)
    assert len(prospects(store)) == created


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_importing_a_sample_twice_adds_nothing(store, name):
    import_contacts(store, SAMPLES / name)
    before = prospects(store)
    again = import_contacts(store, SAMPLES / name)
    assert again.created == 0 and again.merged == 0
    assert prospects(store) == before


def test_linkedin_preamble_and_columns(store):
    report = import_contacts(store, SAMPLES / "linkedin_Connections.csv")
    rows = {(p["name"], p["company"]): p for p in prospects(store)}
    rahul = rows[("Rahul Iyer", "Flipkart")]
    assert rahul["email"] == "rahul@example.com"
    assert rahul["title"] == "Senior SDE"
    assert rahul["website"] == "https://www.linkedin.com/in/rahul-iyer"
    # the two Priya Sharmas work at different companies: two people
    assert ("Priya Sharma", "Razorpay") in rows
    assert ("Priya Sharma", "Razorpay Software Pvt Ltd") in rows
    (problem,) = report.problems()
    assert problem.position == "line 9" and problem.reason == "no name and no email"


def test_linkedin_other_column_order_maps_by_header(store):
    import_contacts(store, SAMPLES / "linkedin_Connections_other_column_order.csv")
    alice = prospects(store)[0]
    assert (alice["name"], alice["email"], alice["company"], alice["title"]) == (
        "Alice Johnson",
        "alice.johnson@techcorp.com",
        "TechCorp",
        "CTO",
    )
    assert alice["website"] == "https://linkedin.com/in/alicejohnson"


def test_google_legacy_quoted_comma_and_unicode(store):
    import_contacts(store, SAMPLES / "google_contacts_legacy_format.csv")
    names = [(p["name"], p["email"], p["phone"]) for p in prospects(store)]
    assert names == [
        ("Jerry Mathis", "jerry@example.com", "(757) 555-0101"),
        ("Zoë, Smith", "zoe@example.com", None),
    ]


def test_hubspot_phone_with_extension(store):
    import_contacts(store, SAMPLES / "hubspot_contacts_synthetic_head.csv")
    first = prospects(store)[0]
    assert (first["name"], first["phone"], first["title"]) == (
        "Francisco Small",
        "416-810-9897x752",
        "Youth worker",
    )
    assert first["website"] == "https://wallace.com/"
    assert "Other phones: (376)694-9481x10051" in first["notes"]


def test_gmail_vcard_groups_escapes_and_extra_emails(store):
    import_contacts(store, SAMPLES / "google_vcard30_gmail-single2.vcf")
    (card,) = prospects(store)
    assert (card["name"], card["email"], card["company"]) == (
        "VCard Test",
        "email@example.com",
        "TheCompany",
    )
    assert card["website"] == "http://www.example1.com"  # "http\://" unescaped
    assert "customcategory@example.com" in card["notes"]  # grouped item1.EMAIL kept


def test_apple_vcard_preferred_values(store):
    import_contacts(store, SAMPLES / "apple_vcard30_no_photo.vcf")
    (card,) = prospects(store)
    assert card["company"] == "IBM" and card["title"] == "Money Counter"
    assert card["email"] == "john.doe@ibm.com" and card["phone"] == "905-777-1234"
    assert "\nFavotire Color: Blue" in card["notes"]  # Apple's "\:" read as ":"
    assert card["notes"].endswith(
        "Other phones: 905-666-1234, 905-555-1234, 905-888-1234, "
        "905-999-1234, 905-111-1234, 905-222-1234"
    )


def test_vcard40_pref_email_and_tel_uri(store):
    import_contacts(store, SAMPLES / "vcard40_full_vobject.vcf")
    (card,) = prospects(store)
    assert card["name"] == "Dr. John Q. Public, III"
    assert card["email"] == "johnny@personal.example.org"  # PREF=1 wins
    assert card["phone"] == "+1-555-555-5555"  # "tel:" URI scheme dropped
    tags = store.query("SELECT name FROM tags ORDER BY name")
    assert [t[0] for t in tags] == ["business", "networking"]


def test_vcard40_hangul_name_only(store):
    import_contacts(store, SAMPLES / "vcard40_korean_khard.vcf")
    assert [p["name"] for p in prospects(store)] == ["최유림"]


def test_truncated_vcard_is_reported_not_fatal(store):
    report = import_contacts(store, SAMPLES / "vcard_truncated_unparsable_khard.vcf")
    (problem,) = report.problems()
    assert problem.position == "card 1 (line 1)"
    assert "END:VCARD" in problem.reason
