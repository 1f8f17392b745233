"""The foundation holds together: schema, demo data, a round trip through the services."""

from dualrole.core.models import InteractionIn, ProspectIn, Stage
from dualrole.services import sales
from dualrole.services.lists import ProspectFilter, prospects_query


def test_demo_workspace_has_every_kind_of_record(demo_store):
    for table in ("prospects", "interactions", "followups", "research_notes", "promotions"):
        assert demo_store.scalar(f"SELECT count(*) FROM {table}") > 0


def test_create_move_and_log(store):
    prospect = sales.create_prospect(store, ProspectIn(name="Priya Sharma", value="8,400"))
    assert prospect.value == 840000
    moved = sales.move_stage(store, prospect.id, Stage.qualified)
    assert moved.stage == Stage.qualified
    sales.log_interaction(store, InteractionIn(prospect_id=prospect.id, summary="Intro call"))
    assert sales.get_prospect(store, prospect.id).last_contact_at is not None
    query = prospects_query(store, ProspectFilter(search="priya"))
    assert query.count(store) == 1
    assert [row.name for row in query.page(store, 0, 10)] == ["Priya Sharma"]
