"""Phone sync against a real Radicale: the demo goes out, the phone's changes come back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from dualrole.core.models import FollowUpIn
from dualrole.services import phone_sync, sales
from dualrole.storage.db import Store

from .conftest import Phone, requests_made, sync


def open_followups(store: Store) -> int:
    return int(
        store.scalar(
            "SELECT count(*) FROM followups f JOIN prospects p ON p.id = f.prospect_id "
            "WHERE f.done_at IS NULL AND f.deleted_at IS NULL AND p.deleted_at IS NULL"
        )
    )


def test_first_sync_sends_the_demo_and_an_idle_one_changes_nothing(
    demo: Store, demo_path: Path, phone: Phone
) -> None:
    report = sync(demo_path, demo)
    prospects = int(demo.scalar("SELECT count(*) FROM prospects WHERE deleted_at IS NULL"))
    cards = phone.cards()
    assert len(cards) == prospects == 60
    assert len(phone.tasks()) == open_followups(demo)
    assert report.created_there == prospects + open_followups(demo)
    ada = sales.get_prospect(demo, 1)
    _href, _etag, body = phone.card_of(f"X-DUALROLE-ID:{ada.id}\n")
    assert f"FN:{ada.name}" in body and f"UID:dualrole-prospect-{ada.id}" in body
    if ada.email:
        assert ada.email in body

    before = demo.query("SELECT * FROM dav_links ORDER BY id")
    versions = demo.query("SELECT id, version FROM prospects ORDER BY id")
    with requests_made() as requests:
        again = sync(demo_path, demo)
    assert (again.received, again.sent, again.created_there) == (0, 0, 0)
    assert requests == ["REPORT", "REPORT"]  # one sync-collection per collection
    assert [dict(r) for r in demo.query("SELECT * FROM dav_links ORDER BY id")] == [
        dict(r) for r in before
    ]
    assert demo.query("SELECT id, version FROM prospects ORDER BY id") == versions


def test_a_phone_number_changed_on_the_phone_comes_back(
    demo: Store, demo_path: Path, phone: Phone
) -> None:
    sync(demo_path, demo)
    href, etag, body = phone.card_of("X-DUALROLE-ID:2\n")
    old = sales.get_prospect(demo, 2).phone
    lines = [line for line in body.splitlines() if not line.startswith(("TEL", "REV"))]
    lines.insert(-2, "TEL;TYPE=CELL:+49 170 5550123")
    lines.insert(-2, "ADR;TYPE=HOME:;;Hauptstr. 1;Berlin;;10115;Germany")
    phone.put(href, "\r\n".join(lines), etag)

    report = sync(demo_path, demo)
    assert sales.get_prospect(demo, 2).phone == "+49 170 5550123" != old
    assert report.received == 1
    # The local edit of another field goes out with the phone's address kept.
    prospect = sales.get_prospect(demo, 2)
    data = prospect.model_dump(include={"name", "company", "email", "phone", "notes"})
    from dualrole.core.models import ProspectIn

    sales.update_prospect(demo, 2, prospect.version, ProspectIn(**{**data, "title": "CFO"}))
    out = sync(demo_path, demo)
    assert out.sent == 1
    _href, _etag, body = phone.card_of("X-DUALROLE-ID:2\n")
    assert "TITLE:CFO" in body and "Hauptstr. 1" in body and "+49 170 5550123" in body
    idle = sync(demo_path, demo)
    assert (idle.received, idle.sent) == (0, 0)


def test_a_task_completed_on_the_phone_is_done_here_and_the_next_is_scheduled(
    demo: Store, demo_path: Path, phone: Phone
) -> None:
    repeating = sales.create_followup(
        demo,
        FollowUpIn(
            prospect_id=3,
            title="Weekly check-in",
            due_date=dt.date(2026, 11, 23),
            repeat_every=1,
            repeat_unit="weeks",
        ),
    )
    sync(demo_path, demo)
    href, etag, body = phone.task_of("Weekly check-in")
    body = body.replace("STATUS:NEEDS-ACTION", "STATUS:COMPLETED\nCOMPLETED:20261121T090000Z")
    phone.put(href, body, etag, card=False)

    report = sync(demo_path, demo)
    assert report.completed == 1
    assert sales.get_followup(demo, repeating.id).done_at is not None
    upcoming = [
        f for f in sales.followups_for(demo, 3, open_only=True) if f.title == "Weekly check-in"
    ]
    assert len(upcoming) == 1 and upcoming[0].due_date == dt.date(2026, 11, 30)
    # The next one is on the phone now, the completed one stays completed there.
    tasks = [b for _e, b in phone.tasks().values() if "Weekly check-in" in b]
    assert len(tasks) == 2
    assert sum("STATUS:COMPLETED" in b for b in tasks) == 1
    assert any("DUE;VALUE=DATE:20261130" in b for b in tasks)
    idle = sync(demo_path, demo)
    assert (idle.received, idle.sent, idle.created_there, idle.completed) == (0, 0, 0, 0)
    # Reopened here: open on the phone again.
    sales.reopen_followup(demo, repeating.id)
    assert sync(demo_path, demo).sent == 1
    _h, _e, body = phone.task_of(f"UID:dualrole-followup-{repeating.id}\n")
    assert "STATUS:NEEDS-ACTION" in body


def test_a_task_done_here_is_completed_on_the_phone(
    demo: Store, demo_path: Path, phone: Phone
) -> None:
    sync(demo_path, demo)
    followup = demo.query("SELECT id, title FROM followups WHERE done_at IS NULL LIMIT 1")[0]
    sales.complete_followup(demo, int(followup["id"]))
    report = sync(demo_path, demo)
    assert report.sent == 1
    _h, _e, body = phone.task_of(f"UID:dualrole-followup-{followup['id']}\n")
    assert "STATUS:COMPLETED" in body


def test_both_sides_changed_the_same_field_newer_wins_and_the_other_is_kept(
    demo: Store, demo_path: Path, phone: Phone
) -> None:
    sync(demo_path, demo)
    from dualrole.core.models import ProspectIn

    prospect = sales.get_prospect(demo, 4)
    data = prospect.model_dump(include=set(ProspectIn.model_fields))
    sales.update_prospect(demo, 4, prospect.version, ProspectIn(**{**data, "phone": "+1 111"}))
    href, etag, body = phone.card_of("X-DUALROLE-ID:4\n")
    lines = [line for line in body.splitlines() if not line.startswith(("TEL", "REV"))]
    lines.insert(-2, "TEL:+1 222")  # no REV: the phone's change counts as the newer
    phone.put(href, "\r\n".join(lines), etag)

    report = sync(demo_path, demo)
    after = sales.get_prospect(demo, 4)
    assert after.phone == "+1 222"
    assert "phone here was “+1 111”" in after.notes
    assert report.received == 1
    _h, _e, body = phone.card_of("X-DUALROLE-ID:4\n")
    assert "+1 111" in body  # the note with the other value travelled too
    idle = sync(demo_path, demo)
    assert (idle.received, idle.sent) == (0, 0)


def test_a_contact_deleted_on_the_phone_is_kept_here_unlinked_and_reported(
    demo: Store, demo_path: Path, phone: Phone
) -> None:
    sync(demo_path, demo)
    name = sales.get_prospect(demo, 5).name
    href, etag, _body = phone.card_of("X-DUALROLE-ID:5\n")
    phone.session.delete(href, etag)
    report = sync(demo_path, demo)
    assert any(name in note and "deleted on the phone" in note for note in report.notes)
    assert demo.scalar("SELECT deleted_at IS NULL FROM prospects WHERE id = 5") == 1
    assert phone_sync.links(demo, "contact")[5].state == "unlinked"
    again = sync(demo_path, demo)
    assert again.created_there == 0 and len(phone.cards()) == 59


def test_a_prospect_deleted_here_is_removed_from_the_address_book(
    demo: Store, demo_path: Path, phone: Phone
) -> None:
    sync(demo_path, demo)
    from dualrole.services import records

    open_tasks = len(sales.followups_for(demo, 6, open_only=True))
    records.soft_delete(demo, "prospect", 6)
    report = sync(demo_path, demo)
    assert report.removed_there == 1 + open_tasks
    assert not [b for _e, b in phone.cards().values() if "X-DUALROLE-ID:6\n" in b]
    assert 6 not in phone_sync.links(demo, "contact")


def test_a_due_date_moved_on_the_phone_comes_back_and_a_deleted_task_stays_here(
    demo: Store, demo_path: Path, phone: Phone
) -> None:
    sync(demo_path, demo)
    first, second = (
        int(r[0])
        for r in demo.query(
            "SELECT id FROM followups WHERE done_at IS NULL AND deleted_at IS NULL "
            "ORDER BY id LIMIT 2"
        )
    )
    href, etag, body = phone.task_of(f"UID:dualrole-followup-{first}\n")
    lines = [line for line in body.splitlines() if not line.startswith("DUE")]
    lines.insert(lines.index("END:VTODO"), "DUE;VALUE=DATE:20261203")
    phone.put(href, "\r\n".join(lines), etag, card=False)
    href2, etag2, _body = phone.task_of(f"UID:dualrole-followup-{second}\n")
    phone.session.delete(href2, etag2)

    report = sync(demo_path, demo)
    moved = sales.get_followup(demo, first)
    assert moved.due_date == dt.date(2026, 12, 3) and moved.due_time is None
    kept = sales.get_followup(demo, second)
    assert kept.done_at is None
    assert any(f"f{second} was deleted on the phone" in note for note in report.notes)
    again = sync(demo_path, demo)
    assert (again.received, again.sent, again.created_there) == (0, 0, 0)
    assert not [b for _e, b in phone.tasks().values() if f"followup-{second}\n" in b]


def test_an_empty_collection_is_filled_in_one_request_and_keeps_its_name(
    demo: Store, demo_path: Path, phone: Phone
) -> None:
    """A first sync into empty collections: one PUT each (all or nothing on the server),
    their names and task-only components kept, no prospect changed by the linking."""
    names = (phone.collection_props("book"), phone.collection_props("calendar"))
    assert names[1].endswith(" VTODO")
    versions = demo.query("SELECT id, version, notes FROM prospects ORDER BY id")
    with requests_made() as requests:
        report = sync(demo_path, demo)
    assert requests.count("PUT") == 2, requests
    assert requests.count("REPORT") == 4, requests  # two listings each; nothing fetched
    assert report.created_there == 60 + open_followups(demo)
    assert (report.received, report.sent, report.notes) == (0, 0, [])
    assert (phone.collection_props("book"), phone.collection_props("calendar")) == names
    assert demo.query("SELECT id, version, notes FROM prospects ORDER BY id") == versions
    links = demo.scalar(
        "SELECT count(*) FROM dav_links WHERE state = 'linked' AND etag IS NOT NULL"
    )
    assert links == 60 + open_followups(demo)


def test_a_collection_that_is_not_empty_gets_one_request_per_card(
    demo: Store, demo_path: Path, phone: Phone
) -> None:
    """The owner's own card stays as it is: nothing is uploaded over a collection."""
    phone.own_contact()
    report = sync(demo_path, demo)
    cards = phone.cards()
    assert len(cards) == 61
    assert any("UID:owners-own" in body for _etag, body in cards.values())
    assert report.created_there == 60 + open_followups(demo)
    idle = sync(demo_path, demo)
    assert (idle.received, idle.sent, idle.created_there) == (0, 0, 0)
