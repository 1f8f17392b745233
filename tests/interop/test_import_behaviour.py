"""Duplicates and merging, dry runs, interrupted imports, progress, options and speed."""

from __future__ import annotations

import pytest
from interop_helpers import prospects, tags_of

from dualrole.core.models import MarketingTaskIn, PromotionIn, ProspectIn, Stage
from dualrole.interop.importer import ImportCancelled, import_contacts
from dualrole.services import marketing, sales
from dualrole.services.bulk import FIND_BY_EMAIL, FIND_BY_NAME
from dualrole.services.settings import set_setting


def csv_file(tmp_path, text: str, name: str = "contacts.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def snapshot(store) -> dict[str, list]:
    """Every table's rows, to prove that nothing changed."""
    tables = [r[0] for r in store.query("SELECT name FROM sqlite_master WHERE type='table'")]
    return {t: [tuple(r) for r in store.query(f'SELECT * FROM "{t}"')] for t in tables}


def test_duplicates_in_the_file_merge_without_overwriting(store, tmp_path):
    path = csv_file(
        tmp_path,
        "Name,Email,Company,Phone\n"
        "Ada Lovelace,ada@example.com,,\n"
        "Ada L.,ADA@Example.com,Analytical Engines,+44 1\n"
        "Ada Again,ada@example.com,Other Co,+44 2\n",
    )
    report = import_contacts(store, path)
    assert (report.created, report.merged, report.skipped) == (1, 1, 1)
    (ada,) = prospects(store)
    assert ada["name"] == "Ada Lovelace"  # never overwritten
    assert (ada["company"], ada["phone"]) == ("Analytical Engines", "+44 1")  # filled once
    merged, skipped = report.problems()
    assert merged.position == "line 3" and merged.filled == ["company", "phone"]
    assert "duplicate of line 2" in merged.reason
    assert skipped.position == "line 4" and "nothing new" in skipped.reason


def test_existing_prospect_is_filled_not_overwritten(store, tmp_path):
    existing = sales.create_prospect(
        store, ProspectIn(name="Grace Hopper", email="Grace@Navy.example", title="Admiral")
    )
    path = csv_file(
        tmp_path,
        "Name,Email,Title,Company,Tags\nG. Hopper,grace@navy.example,Engineer,US Navy,cobol\n",
    )
    report = import_contacts(store, path, tags=["imported"])
    assert (report.created, report.merged) == (0, 1)
    (grace,) = prospects(store)
    assert grace["id"] == existing.id
    assert (grace["name"], grace["title"], grace["company"]) == (
        "Grace Hopper",
        "Admiral",
        "US Navy",
    )
    assert grace["version"] == existing.version + 1
    assert tags_of(store, existing.id) == ["cobol", "imported"]
    assert report.outcomes[0].filled == ["company", "tags"]


def test_contacts_without_email_match_on_name_and_company(store, tmp_path):
    path = csv_file(
        tmp_path,
        "Name,Company\nSam Lee,Acme\nsam lee,ACME\nSam Lee,Other\nSam Lee,\n",
    )
    report = import_contacts(store, path)
    assert (report.created, report.skipped) == (3, 1)
    again = import_contacts(store, path)
    assert again.created == 0 and again.merged == 0 and again.skipped == 4


def test_dry_run_writes_nothing_and_reports_the_same(file_store, tmp_path):
    sales.create_prospect(file_store, ProspectIn(name="Known", email="known@example.com"))
    path = csv_file(
        tmp_path,
        "Name,Email,Company\nKnown,known@example.com,Filled Co\nNew,new@example.com,\n,,\n"
        "Nobody,,\n",
    )
    before = snapshot(file_store)
    changes = file_store.conn.total_changes
    dry = import_contacts(file_store, path, dry_run=True, tags=["x"])
    assert snapshot(file_store) == before
    assert dry.dry_run and "Would import" in dry.summary()
    real = import_contacts(file_store, path, tags=["x"])
    assert file_store.conn.total_changes > changes
    assert [o.line() for o in dry.outcomes] == [o.line() for o in real.outcomes]
    assert (dry.created, dry.merged, dry.skipped) == (real.created, real.merged, real.skipped)


def test_interrupted_import_leaves_nothing(file_store, tmp_path):
    rows = "".join(f"Person {i},p{i}@example.com\n" for i in range(1200))
    path = csv_file(tmp_path, "Name,Email\n" + rows)
    before = snapshot(file_store)
    calls = []

    def cancel(done: int, total: int) -> None:
        calls.append((done, total))
        raise ImportCancelled

    with pytest.raises(ImportCancelled):
        import_contacts(file_store, path, progress=cancel)
    assert calls and calls[0][0] <= calls[0][1]
    assert snapshot(file_store) == before
    assert not file_store.conn.in_transaction


def test_progress_reaches_the_end(store, tmp_path):
    rows = "".join(f"Person {i},p{i}@example.com\n" for i in range(1200))
    path = csv_file(tmp_path, "Name,Email\n" + rows)
    seen: list[tuple[int, int]] = []
    import_contacts(store, path, progress=lambda done, total: seen.append((done, total)))
    assert len(seen) >= 3
    assert seen[-1] == (path.stat().st_size, path.stat().st_size)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_stage_tags_and_promotion_source(store, tmp_path):
    promo = marketing.create_promotion(store, PromotionIn(name="Autumn Fair"))
    path = csv_file(tmp_path, "Name,Email\nVisitor,visitor@example.com\n")
    import_contacts(
        store, path, stage=Stage.contacted, tags=["Fair", "#2026"], source="autumn fair"
    )
    (visitor,) = prospects(store)
    assert visitor["stage"] == "contacted"
    assert (visitor["source"], visitor["promotion_id"]) == ("promotion", promo.id)
    assert tags_of(store, visitor["id"]) == ["2026", "fair"]
    history = store.query("SELECT to_stage FROM stage_changes WHERE prospect_id = ?", (1,))
    assert [h[0] for h in history] == ["contacted"]
    with pytest.raises(ValueError, match="neither a lead source"):
        import_contacts(store, path, source="no such promotion")
    assert marketing.create_task(store, MarketingTaskIn(title="unrelated")).id  # store usable


def test_ten_thousand_rows_import_whole_and_again_add_nothing(file_store, tmp_path):
    """10,000 rows in one go; their speed (≤ 2 s, and the re-import) is ``make bench``'s."""
    lines = [
        f'First{i},Last{i},user{i}@example.com,Company {i % 300},CTO,+49 30 {i:06d},"a, b"'
        for i in range(10_000)
    ]
    path = csv_file(
        tmp_path, "First Name,Last Name,Email,Company,Job Title,Phone,Tags\n" + "\n".join(lines)
    )
    report = import_contacts(file_store, path)
    assert report.created == 10_000
    assert file_store.scalar("SELECT count(*) FROM prospects") == 10_000
    assert file_store.scalar("SELECT count(*) FROM prospect_tags") == 20_000
    again = import_contacts(file_store, path)
    assert again.skipped == 10_000
    assert file_store.scalar("SELECT count(*) FROM prospects") == 10_000


@pytest.mark.parametrize(
    ("sql", "params"),
    [(FIND_BY_EMAIL, ("a@b.example", "a@b.example")), (FIND_BY_NAME, ("Ada", "Firm"))],
)
def test_each_contact_finds_its_duplicate_through_an_index(file_store, sql, params):
    """What keeps a re-import of 10,000 rows as fast as the first: no scan per row."""
    plan = " ".join(row[3] for row in file_store.query("EXPLAIN QUERY PLAN " + sql, params))
    assert "USING INDEX" in plan and "SCAN prospects" not in plan, plan


def full_text_state(store) -> tuple[set, dict[str, list]]:
    """The prospects' triggers, and what each full-text index finds (checked sound)."""
    triggers = {
        tuple(row)
        for row in store.query(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'prospects'"
        )
    }
    found = {}
    for index, needle in (("prospects_fts", '"lovel"*'), ("prospects_grams", '"ovela"')):
        store.conn.execute(f"INSERT INTO {index}({index}, rank) VALUES ('integrity-check', 1)")
        found[index] = [
            row[0]
            for row in store.query(
                f"SELECT rowid FROM {index} WHERE {index} MATCH ? ORDER BY rowid", (needle,)
            )
        ]
    return triggers, found


def test_imported_prospects_are_found_as_if_added_one_by_one(file_store, tmp_path):
    """The import indexes its rows a batch at a time: the same entries as the triggers make,
    merges into rows of the same file included, and the triggers are whole afterwards."""
    triggers_before, _ = full_text_state(file_store)
    sales.create_prospect(file_store, ProspectIn(name="Old Lovelace", email="old@example.com"))
    rows = "".join(f"Ada Lovelace {i},ada{i}@example.com,,\n" for i in range(2_500))
    rows += "Ada L.,ADA7@example.com,Analytical Engines,notes of lovelace\n"  # merges into the 9th
    path = csv_file(tmp_path, "Name,Email,Company,Notes\n" + rows)
    report = import_contacts(file_store, path)
    assert (report.created, report.merged) == (2_500, 1)
    triggers_after, found = full_text_state(file_store)
    assert triggers_after == triggers_before
    assert found["prospects_fts"] == found["prospects_grams"] == list(range(1, 2_502))
    engines = file_store.query(
        "SELECT rowid FROM prospects_grams WHERE prospects_grams MATCH '\"lytical eng\"'"
    )
    assert [row[0] for row in engines] == [9]
    again = csv_file(tmp_path, "Name,Email\nLate Lovelace,late@example.com\n", "again.csv")
    import_contacts(file_store, again, stage=Stage.qualified)
    sales.create_prospect(file_store, ProspectIn(name="After Lovelace", value="5.00"))
    assert full_text_state(file_store)[1]["prospects_grams"][-2:] == [2_502, 2_503]
    totals = file_store.query("SELECT * FROM stage_totals ORDER BY stage")
    counted = file_store.query(
        "SELECT stage, count(*), coalesce(sum(value_minor), 0) FROM prospects "
        "WHERE deleted_at IS NULL GROUP BY stage ORDER BY stage"
    )
    assert [tuple(row) for row in totals] == [tuple(row) for row in counted]
    assert [tuple(row) for row in totals] == [("lead", 2_502, 500), ("qualified", 1, 0)]


def test_an_interrupted_import_keeps_the_full_text_triggers(file_store, tmp_path):
    triggers_before, _ = full_text_state(file_store)
    rows = "".join(f"Ada Lovelace {i},ada{i}@example.com\n" for i in range(1_500))
    path = csv_file(tmp_path, "Name,Email\n" + rows)

    def cancel(done: int, total: int) -> None:
        raise ImportCancelled

    with pytest.raises(ImportCancelled):
        import_contacts(file_store, path, progress=cancel)
    assert full_text_state(file_store)[0] == triggers_before


def test_a_merge_into_an_older_prospect_mid_batch_keeps_the_indexes_sound(file_store, tmp_path):
    """A merge into a prospect from before the import needs no flush of the batch (a flush
    per merge made a half-new, half-known file 4× slower); its update still reaches the
    full-text indexes, next to the batch's new rows."""
    old = sales.create_prospect(file_store, ProspectIn(name="Old Lovelace", email="o@x.example"))
    path = csv_file(
        tmp_path,
        "Name,Email,Company\nNew Lovelace,n@x.example,\nOld Lovelace,o@x.example,Ovelace Works\n",
    )
    report = import_contacts(file_store, path)
    assert (report.created, report.merged) == (1, 1)
    _, found = full_text_state(file_store)  # integrity-checked
    assert found["prospects_grams"] == found["prospects_fts"] == [old.id, old.id + 1]
    works = file_store.query(
        "SELECT rowid FROM prospects_grams WHERE prospects_grams MATCH '\"velace wor\"'"
    )
    assert [row[0] for row in works] == [old.id]


def test_imported_contacts_take_the_workspace_currency(store, tmp_path):
    """Issue 24: a contact that brings no currency was stored in EUR in a USD workspace, so
    its value, once set, read €."""
    set_setting(store, "currency", "USD")
    path = csv_file(tmp_path, "Name,Email\nAda Lovelace,ada@example.com\n")
    assert import_contacts(store, path).created == 1
    assert store.scalar("SELECT currency FROM prospects") == "USD"
