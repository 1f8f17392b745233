"""Dates and times in one place.

- :mod:`~dualrole.core.dates.clock`: what time it is (``DUALROLE_NOW`` freezes it), stored
  UTC text and back, local day bounds, a due day seen from today (``in 3d``, ``2d late``).
- :mod:`~dualrole.core.dates.reading`: the one reader of the dates, times and ISO weeks people
  type (``next tue``, ``+3d``, ``3pm``, ``2026-W47``).
- :mod:`~dualrole.core.dates.when`: a day with an optional time, a repeat, business days, and
  how a command echoes what it understood.
- :mod:`~dualrole.core.dates.showing`: dates in list cells (``Fri 27 Nov``, ``3d ago``).
"""
