"""``python -m dualrole`` is the ``dualrole`` command."""

from dualrole.entry import main

main()
