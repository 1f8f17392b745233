"""What identifies a dualrole database file: kept apart from the migrations so that opening
a current file needs no sqlite-utils import."""

APPLICATION_ID = 0x44526F6C  # "DRol", in the SQLite header (PRAGMA application_id)
# The number of migration steps in ``dualrole.migrations``; a test checks they agree.
SCHEMA_VERSION = 7
