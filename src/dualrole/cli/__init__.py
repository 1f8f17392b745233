"""The command line: ``dualrole <command>``, one module per area, put together in .main."""
