"""``python -m dualrole`` is the ``dualrole`` command."""

from dualrole.cli import main

main()
