"""Storage: the SQLite workspace and what sits beside it.

The connection, schema and migrations, the files dualrole writes, backups, and the owner's
replica choice.
"""
