"""Company names by their start (the palette and the prospect form's suggestions): case
aside, by name, capped, and read from the unique index only (it is asked on every key)."""

from __future__ import annotations

from dualrole.core.models import ProspectIn
from dualrole.services import companies, sales
from dualrole.storage.db import Store


def test_names_starting_with_a_prefix_whatever_its_case(store: Store):
    for name, company in (("Ada", "Lotus Labs"), ("Ben", "lotus cafe"), ("Cy", "Mosaic")):
        sales.create_prospect(store, ProspectIn(name=name, company=company))
    assert [n for _, n in companies.names_starting(store, "LOTUS")] == ["lotus cafe", "Lotus Labs"]
    assert [n for _, n in companies.names_starting(store, "lotus l")] == ["Lotus Labs"]
    assert [n for _, n in companies.names_starting(store, "lo", limit=1)] == ["lotus cafe"]
    assert companies.names_starting(store, "   ") == []
    assert companies.names_starting(store, "x") == []


def test_names_starting_reads_a_range_of_the_index_not_the_table(store: Store):
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    try:
        companies.names_starting(store, "lo")
    finally:
        store.conn.set_trace_callback(None)
    [sql] = [s for s in statements if "FROM companies" in s]  # as run, its values inlined
    detail = " ".join(str(row[3]) for row in store.query(f"EXPLAIN QUERY PLAN {sql}"))
    assert "SEARCH companies USING INDEX companies_by_name (name>? AND name<?)" in detail
    assert "SCAN" not in detail and "TEMP B-TREE" not in detail
