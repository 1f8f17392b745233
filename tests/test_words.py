"""Counts in words: one helper, singular for exactly one (no "1 prospects")."""

import pytest

from dualrole.core.words import counted


@pytest.mark.parametrize(
    ("count", "noun", "plural", "expected"),
    [
        (0, "prospect", None, "0 prospects"),
        (1, "prospect", None, "1 prospect"),
        (2, "lead", None, "2 leads"),
        (1204, "follow-up", None, "1,204 follow-ups"),
        (1, "research note", None, "1 research note"),
        (3, "entry", "entries", "3 entries"),
        (1, "entry", "entries", "1 entry"),
    ],
)
def test_counted(count, noun, plural, expected):
    assert counted(count, noun, plural) == expected
