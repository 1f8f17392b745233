"""What identifies a dualrole database file: kept apart from the migrations so that opening
a current file needs no sqlite-utils import."""

APPLICATION_ID = 0x44526F6C  # "DRol", in the SQLite header (PRAGMA application_id)
# The number of migration steps in ``dualrole.storage.migrations``; a test checks they agree.
SCHEMA_VERSION = 17

# The pipeline's per-stage totals (m008; of deals since m014) counted afresh: after a
# migration, and after a bulk load that dropped the triggers which keep them.
REBUILD_STAGE_TOTALS = (
    "DELETE FROM stage_totals",
    "INSERT INTO stage_totals SELECT stage, count(*), coalesce(sum(value_minor), 0) "
    "FROM deals WHERE deleted_at IS NULL GROUP BY stage",
)

# When a person is due a keep-in-touch whatever their first deal's stage (``touch_due_at``
# leaves out a person whose first deal is lost; m005): Today reads this for the lost ones.
TOUCH_DUE_ANY_STAGE = (
    "CASE WHEN last_contact_at IS NULL THEN created_at ELSE strftime('%Y-%m-%dT%H:%M:%SZ', "
    "last_contact_at, '+' || keep_in_touch_days || ' days') END"
)
