"""An address book that already holds the owner's contacts, hostile content from the server,
and the `dualrole dav` commands (the password never written or printed)."""

from __future__ import annotations

import stat
from pathlib import Path

from click.testing import CliRunner

from dualrole.cli.main import cli
from dualrole.services import phone_sync, sales
from dualrole.storage.db import Store, open_store

from .conftest import Phone, sync
from .radicale_server import PASSWORD, USER, Radicale


def card(uid: str, name: str, *lines: str) -> str:
    body = ["BEGIN:VCARD", "VERSION:3.0", f"UID:{uid}", f"FN:{name}", *lines, "END:VCARD"]
    return "\r\n".join(body) + "\r\n"


def test_contacts_already_there_are_matched_and_linked_never_duplicated(
    demo: Store, demo_path: Path, phone: Phone
) -> None:
    by_email = sales.get_prospect(demo, 10)
    from .test_faults import edit

    edit(demo, 12, phone="+44 20 7946 0012")
    by_phone = {"id": 12, "phone": "020 7946 0012"}  # another spelling of the same number
    assert by_email.email
    phone.new_card(
        "ios-1",
        card("ios-1", "K. from the phone", f"EMAIL:{by_email.email.upper()}", "BDAY:1980-02-03"),
    )
    phone.new_card("ios-2", card("ios-2", "Someone", f"TEL:{by_phone['phone']}"))
    phone.new_card("ios-3", card("ios-3", "Only On Phone", "EMAIL:only@phone.example"))

    report = sync(demo_path, demo)
    assert report.linked == 2 and report.not_imported == 1
    assert "1 contact on the server is not in dualrole" in report.summary()
    cards = phone.cards()
    assert len(cards) == 60 + 1  # the two matched are the prospects' cards now
    links = phone_sync.links(demo, "contact")
    assert links[10].href and links[10].href.endswith("ios-1.vcf")
    assert links[12].href and links[12].href.endswith("ios-2.vcf")
    _h, _e, body = phone.card_of("UID:ios-1\n")
    assert "BDAY" in body and f"X-DUALROLE-ID:{by_email.id}" in body  # the phone's kept
    assert sales.get_prospect(demo, 10).name == by_email.name  # dualrole's name kept …
    assert "K. from the phone" in sales.get_prospect(demo, 10).notes  # … the other noted
    assert demo.scalar("SELECT count(*) FROM prospects WHERE deleted_at IS NULL") == 60

    again = sync(demo_path, demo, import_new=True)
    assert again.imported == 1 and again.created_there == 0 and again.linked == 0
    assert demo.scalar("SELECT count(*) FROM prospects WHERE email = 'only@phone.example'") == 1
    assert len(phone.cards()) == 61


def test_hostile_cards_and_tasks_are_reported_and_the_rest_syncs(
    demo: Store, demo_path: Path, phone: Phone
) -> None:
    sync(demo_path, demo)
    href, etag, body = phone.card_of("X-DUALROLE-ID:11\n")
    bad = body.replace("EMAIL;TYPE=INTERNET:", "EMAIL;TYPE=INTERNET:not an email ")
    bad = bad.replace("FN:", "FN:\x1b[31m")
    phone.put(href, bad.replace("\n", "\r\n"), etag)
    phone.new_card("junk", card("junk", "", "N:;;;;"))
    before = sales.get_prospect(demo, 11)
    report = sync(demo_path, demo, import_new=True)
    after = sales.get_prospect(demo, 11)
    assert after.email == before.email  # an address that is none is not taken
    assert any("change to 'Nadia Nakamura' was not taken: email" in n for n in report.notes)
    assert any("was not imported" in note for note in report.notes)
    idle = sync(demo_path, demo)
    assert idle.received == 0


def test_cli_connect_and_sync_never_write_or_print_the_password(
    tmp_path: Path, radicale: Radicale, phone: Phone
) -> None:
    db = tmp_path / "cli.db"
    with open_store(db) as store:
        from dualrole.demo.workspace import generate

        generate(store, seed=7)
    runner = CliRunner()
    result = runner.invoke(
        cli,
        [
            "--db",
            str(db),
            "dav",
            "connect",
            radicale.url,
            "--user",
            USER,
            "--addressbook",
            phone.book_name,
            "--calendar",
            phone.calendar_name,
        ],
    )
    assert result.exit_code == 0, result.output
    assert f"Contacts: address book “{phone.book_name}”" in result.output
    result = runner.invoke(cli, ["--db", str(db), "dav", "sync"])
    assert result.exit_code == 0, result.output
    assert "Synced: 0 changes in, 83 changes out." in result.output
    config = Path(tmp_path / "config" / "dav.json")
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    text = config.read_text()
    assert PASSWORD not in text and USER in text
    assert PASSWORD not in result.output


def test_cli_says_what_to_do_when_not_connected_or_refused(
    tmp_path: Path, radicale: Radicale, phone: Phone, monkeypatch: object
) -> None:
    import subprocess
    import sys

    db = tmp_path / "plain.db"
    open_store(db).close()
    run = subprocess.run(
        [sys.executable, "-m", "dualrole", "--db", str(db), "dav", "sync"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1
    assert run.stderr.strip() == (
        "Error: This workspace is not connected to a contacts server yet; run "
        "`dualrole dav connect URL --user NAME` first."
    )
    import os

    env = {**os.environ, "DUALROLE_DAV_PASSWORD": "wrong-one"}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "dualrole",
            "--db",
            str(db),
            "dav",
            "connect",
            radicale.url,
            "--user",
            USER,
        ],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    assert run.returncode == 1
    assert "refused the user name or password (owner)" in run.stderr
    assert "wrong-one" not in run.stderr + run.stdout
    assert len(run.stderr.strip().splitlines()) == 1


def test_tasks_on_another_server_are_discovered_and_synced_there(
    tmp_path: Path, radicale: Radicale, phone: Phone
) -> None:
    """iCloud and Fastmail keep calendars on another host: --tasks-url finds them there."""
    from dualrole.dav import connect, settings
    from replication.seaweed import Cable

    db = tmp_path / "apart.db"
    with Cable(radicale.url.rstrip("/")) as cable, open_store(db) as store:
        from dualrole.demo.workspace import generate

        generate(store, seed=7)
        other = cable.endpoint + "/"
        done = connect.connect(
            db,
            store,
            radicale.url,
            USER,
            PASSWORD,
            addressbook=phone.book_name,
            calendar=phone.calendar_name,
            tasks_url=other,
        )
        assert done.calendar is not None and done.calendar.url.startswith(other)
        saved = settings.get(db)
        assert saved is not None and saved.tasks_url == other
        report = connect.run(db, store)
        assert report.created_there == 83
        assert len(phone.tasks()) == 23 and len(phone.cards()) == 60
