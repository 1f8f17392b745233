"""The command line: ``dualrole <command>``, one module per area (see :mod:`.main`)."""

from dualrole.cli.main import cli, main

__all__ = ["cli", "main"]
