"""Shapes not in the sample folder: Outlook cp1252, current Google with BOM, semicolons, tabs,
vCard 2.1 quoted-printable, broken quoting, --map, Latin-1 — written here byte by byte."""

from __future__ import annotations

import csv
import io

import pytest
from interop_helpers import prospects, tags_of

from dualrole.interop.importer import import_contacts

OUTLOOK_COLUMNS = (  # as Outlook writes them, one comma-separated line
    "Title,First Name,Middle Name,Last Name,Suffix,Company,Department,Job Title,"
    "Business Street,Business Street 2,Business Street 3,Business City,Business State,"
    "Business Postal Code,Business Country/Region,Home Street,Home Street 2,Home Street 3,"
    "Home City,Home State,Home Postal Code,Home Country/Region,Other Street,Other Street 2,"
    "Other Street 3,Other City,Other State,Other Postal Code,Other Country/Region,"
    "Assistant's Phone,Business Fax,Business Phone,Business Phone 2,Callback,Car Phone,"
    "Company Main Phone,Home Fax,Home Phone,Home Phone 2,ISDN,Mobile Phone,Other Fax,"
    "Other Phone,Pager,Primary Phone,Radio Phone,TTY/TDD Phone,Telex,Account,Anniversary,"
    "Assistant's Name,Billing Information,Birthday,Business Address PO Box,Categories,"
    "Children,Directory Server,E-mail Address,E-mail Type,E-mail Display Name,"
    "E-mail 2 Address,E-mail 2 Type,E-mail 2 Display Name,E-mail 3 Address,E-mail 3 Type,"
    "E-mail 3 Display Name,Gender,Government ID Number,Hobby,Home Address PO Box,Initials,"
    "Internet Free Busy,Keywords,Language,Location,Manager's Name,Mileage,Notes,"
    "Office Location,Organizational ID Number,Other Address PO Box,Priority,Private,"
    "Profession,Referred By,Sensitivity,Spouse,User 1,User 2,User 3,User 4,Web Page"
)
OUTLOOK_HEADER = OUTLOOK_COLUMNS.split(",")


def outlook_row(**values: str) -> list[str]:
    row = dict.fromkeys(OUTLOOK_HEADER, "")
    row.update({"Birthday": "0/0/00", "Anniversary": "0/0/00", "Priority": "Normal"})
    row.update({"Private": "False", "Sensitivity": "Normal", "Gender": "Unspecified"})
    row.update(values)
    return [row[h] for h in OUTLOOK_HEADER]


def write_csv(path, header, rows, *, encoding="utf-8", delimiter=","):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def test_outlook_cp1252(store, tmp_path):
    assert len(OUTLOOK_HEADER) >= 90
    path = write_csv(
        tmp_path / "outlook.csv",
        OUTLOOK_HEADER,
        [
            outlook_row(
                **{
                    "Title": "Mme",
                    "First Name": "Héloïse",
                    "Last Name": "Dubois",
                    "Company": "Café Œuvre",
                    "Job Title": "Gérante",
                    "E-mail Address": "heloise@cafe.example",
                    "E-mail 2 Address": "h.dubois@perso.example",
                    "Business Phone": "+33 1 23 45 67 89",
                    "Mobile Phone": "+33 6 12 34 56 78",
                    "Categories": "VIP;Paris",
                    "Notes": "Rencontrée au salon – “très intéressée”",
                    "Web Page": "cafe.example",
                }
            ),
            outlook_row(**{"First Name": "Tom", "Last Name": "Ng", "Job Title": "CEO"}),
        ],
        encoding="cp1252",
    )
    report = import_contacts(store, path)
    assert report.shape.format == "Outlook" and report.shape.encoding == "cp1252"
    assert report.created == 2
    first = prospects(store)[0]
    assert first["name"] == "Héloïse Dubois"
    assert first["title"] == "Gérante"  # "Job Title", not the Mme in "Title"
    assert first["company"] == "Café Œuvre"
    assert first["email"] == "heloise@cafe.example"
    assert first["phone"] == "+33 1 23 45 67 89"
    assert first["website"] == "cafe.example"
    assert first["notes"].startswith("Rencontrée au salon – “très intéressée”")
    assert "Other emails: h.dubois@perso.example" in first["notes"]
    assert tags_of(store, first["id"]) == ["paris", "vip"]


def test_current_google_with_bom_and_multi_values(store, tmp_path):
    header = [
        "First Name", "Middle Name", "Last Name", "Nickname", "Organization Name",
        "Organization Title", "Birthday", "Notes", "Labels", "E-mail 1 - Label",
        "E-mail 1 - Value", "E-mail 2 - Label", "E-mail 2 - Value", "Phone 1 - Label",
        "Phone 1 - Value", "Website 1 - Label", "Website 1 - Value",
    ]  # fmt: skip
    rows = [
        ["Jürgen", "", "Weiß", "", "Bäckerei Weiß", "Inhaber", "", "Line one\nline two",
         "* myContacts ::: Kunden ::: Berlin", "* Work ::: Home",
         "juergen@weiss.example ::: jw@home.example", "", "", "Mobile",
         "+49 170 1234567 ::: +49 30 765432", "", "https://weiss.example"],
        ["", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", ""],
        ["Ana", "", "Lima", "", "", "", "", "", "* myContacts", "", "ana@lima.example",
         "Work", "ANA@LIMA.example", "", "", "", ""],
    ]  # fmt: skip
    path = tmp_path / "google.csv"
    write_csv(path, header, rows, encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    report = import_contacts(store, path)
    assert report.shape.format == "Google Contacts" and report.shape.encoding == "utf-8-sig"
    assert (report.created, report.merged, report.skipped) == (2, 0, 0)  # blank row skipped
    jurgen, ana = prospects(store)
    assert jurgen["name"] == "Jürgen Weiß" and jurgen["email"] == "juergen@weiss.example"
    assert jurgen["phone"] == "+49 170 1234567"
    assert jurgen["notes"] == (
        "Line one\nline two\n\nOther emails: jw@home.example\n\nOther phones: +49 30 765432"
    )
    assert tags_of(store, jurgen["id"]) == ["berlin", "kunden"]
    assert ana["email"] == "ana@lima.example"
    assert "Other emails: ANA@LIMA.example" in ana["notes"]


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_semicolon_and_tab_csv_from_spreadsheets(store, tmp_path, delimiter):
    path = write_csv(
        tmp_path / "export.csv",
        ["Name", "E-Mail", "Firma", "Telefon", "Notizen"],
        [
            ["Müller, Anna", "anna@mueller.example", "Müller GmbH", "030 123", "a; b"],
            ["Bernd Krause", "bernd@krause.example", "Krause AG", "", "mehrzeilig\nja"],
        ],
        encoding="cp1252",
        delimiter=delimiter,
    )
    report = import_contacts(store, path)
    assert report.shape.delimiter == delimiter and report.shape.format == "CSV"
    assert report.created == 2
    anna, bernd = prospects(store)
    assert (anna["name"], anna["company"], anna["phone"]) == (
        "Müller, Anna",
        "Müller GmbH",
        "030 123",
    )
    assert report.shape.mapping["name"] == ["Name"]
    assert "Notizen" in report.shape.unmapped  # not a column we know: shown, not guessed
    assert bernd["email"] == "bernd@krause.example"


def test_map_override_and_unknown_column(store, tmp_path):
    path = write_csv(
        tmp_path / "crm.csv",
        ["Kontakt", "Elektropost", "Org", "Bemerkung"],
        [["Eva Roth", "eva@roth.example", "Roth KG", "rief an"]],
    )
    with pytest.raises(ValueError, match="No name or email column"):
        import_contacts(store, path, mapping={"company": "Org"})
    with pytest.raises(ValueError, match="no such column"):
        import_contacts(store, path, mapping={"name": "Nope"})
    with pytest.raises(ValueError, match="is not a field"):
        import_contacts(store, path, mapping={"shoe_size": "Org"})
    report = import_contacts(
        store,
        path,
        mapping={"name": "Kontakt", "email": "Elektropost", "company": "org", "notes": "Bemerkung"},
    )
    assert report.created == 1
    (eva,) = prospects(store)
    assert (eva["name"], eva["email"], eva["company"], eva["notes"]) == (
        "Eva Roth",
        "eva@roth.example",
        "Roth KG",
        "rief an",
    )


def test_vcard21_quoted_printable(store, tmp_path):
    card = (
        "BEGIN:VCARD\r\nVERSION:2.1\r\n"
        "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=BCrgen\r\n"
        "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:J=C3=BCrgen M=C3=BC=\r\nller\r\n"
        "ORG;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:B=C3=A4ckerei;Verkauf\r\n"
        "TEL;WORK;VOICE:+49 30 1234\r\n"
        "EMAIL;INTERNET;PREF:j@mueller.example\r\n"
        "NOTE;ENCODING=QUOTED-PRINTABLE:Zeile 1=0D=0AZeile 2 =3D gut=\r\n und weiter\r\n"
        "END:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Nachname;Vorname\r\nTEL;CELL:0170 1\r\nEND:VCARD\r\n"
    )
    path = tmp_path / "phone.vcf"
    path.write_bytes(card.encode())
    report = import_contacts(store, path)
    assert report.created == 2, [o.line() for o in report.problems()]
    jurgen, other = prospects(store)
    assert jurgen["name"] == "Jürgen Müller"  # soft line break joined
    assert jurgen["company"] == "Bäckerei"
    assert jurgen["email"] == "j@mueller.example" and jurgen["phone"] == "+49 30 1234"
    assert jurgen["notes"] == "Zeile 1\r\nZeile 2 = gut und weiter"
    assert other["name"] == "Vorname Nachname"  # no FN: built from N


def test_broken_card_in_the_middle_is_skipped_with_its_number(store, tmp_path):
    cards = (
        "BEGIN:VCARD\nVERSION:3.0\nFN:One\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Two\n"  # no END:VCARD
        "BEGIN:VCARD\nVERSION:3.0\nFN:Three\nEMAIL:three@example.com\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Four\nBDAY;VALUE=date:not a date\nthis line is junk\n"
        "END:VCARD\n"
    )
    path = tmp_path / "cards.vcf"
    path.write_text(cards)
    report = import_contacts(store, path)
    assert report.created == 2
    positions = {o.position: o.reason for o in report.problems()}
    assert "card 2 (line 5)" in positions
    assert positions["card 4 (line 13)"].startswith("cannot be read (")
    assert [p["name"] for p in prospects(store)] == ["One", "Three"]


def test_unterminated_quote_and_stray_columns_are_reported(store, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "Name,Email\n"
        "Good One,one@example.com\n"
        "Too Many,many@example.com,x,y\n"
        "Also Good,two@example.com\n"
        '"Broken,three@example.com\n'
        "Lost,lost@example.com\n"
    )
    report = import_contacts(store, path)
    assert [p["name"] for p in prospects(store)] == ["Good One", "Also Good"]
    reasons = {o.position: o.reason for o in report.problems()}
    assert "header has 2 columns" in reasons["line 3"]
    assert "unterminated quote" in reasons["line 5"] and "5–6" in reasons["line 5"]


def test_invalid_email_and_nameless_rows(store, tmp_path):
    path = write_csv(
        tmp_path / "mixed.csv",
        ["Name", "Email", "Company"],
        [
            ["", "only@example.com", ""],
            ["No Mail", "not-an-email", ""],
            ["", "", "Company Only"],
            ["x" * 300, "", ""],
        ],
    )
    report = import_contacts(store, path)
    assert [p["name"] for p in prospects(store)] == ["only@example.com"]
    reasons = {o.position: o.reason for o in report.problems()}
    assert "not an email address" in reasons["line 3"]
    assert reasons["line 4"] == "no name and no email"
    assert "name" in reasons["line 5"] and "200" in reasons["line 5"]


def test_latin1_bytes_undefined_in_cp1252(store, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("Name,Email\nJosé\x81,jose@example.com\n".encode("latin-1"))
    report = import_contacts(store, path)
    assert report.shape.encoding == "latin-1"
    # Latin-1 reads the byte as the control character U+0081, which a name refuses now:
    # the row is reported like any other bad row.
    assert report.skipped == 1 and not prospects(store)
    assert "name contains a control character (U+0081)" in report.problems()[0].reason


def test_missing_file_and_folder_are_one_sentence(store, tmp_path):
    from dualrole.storage.db import StorageError

    with pytest.raises(StorageError, match="There is no file"):
        import_contacts(store, tmp_path / "nope.csv")
    with pytest.raises(StorageError, match="is a folder"):
        import_contacts(store, tmp_path)
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(ValueError, match="no header row"):
        import_contacts(store, empty)
