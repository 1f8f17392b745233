"""One search (issue 24): the list filter, the palette and ``dualrole find`` find the same.

Accents and case are folded, any word of a name counts, and short prefixes of names come
before tags. Each example of the issue is checked on all three paths.
"""

from __future__ import annotations

import dataclasses
import string

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dualrole.cli.main import cli
from dualrole.core.enums import RecordKind
from dualrole.core.models import (
    FollowUpIn,
    InteractionIn,
    PromotionIn,
    ProspectIn,
    ResearchNoteIn,
    SegmentIn,
)
from dualrole.services import marketing, sales
from dualrole.services.lists import (
    ProspectFilter,
    ProspectSort,
    followups_query,
    notes_query,
    promotions_query,
    prospects_query,
    segments_query,
)
from dualrole.services.lookup import find_records
from dualrole.services.records import soft_delete
from dualrole.services.resolve import find_prospects
from dualrole.services.search import fold
from dualrole.storage.db import Store, open_store
from workspace_copies import empty_memory

PEOPLE = [
    "José García",
    "Anna Müller",
    "Sofia Khan",
    "Omar Khan",
    "Lena Khan",
    "Renée Dubois",
    *(f"{first} Becker" for first in ("Chloe", "Tom", "Ines", "Paul", "Nils")),
]


def listed(store: Store, text: str) -> list[str]:
    """Names the Sales list shows for ``/text``, top to bottom."""
    query = prospects_query(store, ProspectFilter(search=text))
    return [row.name for row in query.page(store, 0, max(query.count(store), 1))]


def palette(store: Store, text: str) -> list[str]:
    return [hit.label for hit in find_records(store, text) if hit.kind == RecordKind.prospect]


def found(store: Store, text: str) -> list[str]:
    return [candidate.name for candidate in find_prospects(store, text)]


PATHS = (listed, palette, found)


@pytest.fixture
def people(store: Store) -> Store:
    for name in PEOPLE:
        sales.create_prospect(store, ProspectIn(name=name))
    for number in range(20):  # 20 people tagged berlin, none with a name starting with b
        sales.create_prospect(store, ProspectIn(name=f"Ada Lind {number:02}", tags=["berlin"]))
    return store


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.__name__)
@pytest.mark.parametrize(
    ("text", "who"),
    [
        ("José", {"José García"}),
        ("jose", {"José García"}),
        ("JOSE", {"José García"}),
        ("garcia", {"José García"}),
        ("GARCÍA", {"José García"}),
        ("jose garc", {"José García"}),
        ("muller", {"Anna Müller"}),
        ("renee", {"Renée Dubois"}),
        ("kh", {"Sofia Khan", "Omar Khan", "Lena Khan"}),
        ("kha", {"Sofia Khan", "Omar Khan", "Lena Khan"}),
    ],
)
def test_each_path_finds_folded_words_of_a_name(people, path, text, who):
    assert set(path(people, text)) == who


BECKERS = {f"{first} Becker" for first in ("Chloe", "Tom", "Ines", "Paul", "Nils")}


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.__name__)
@pytest.mark.parametrize("text", ["b", "be", "B"])
def test_short_prefixes_of_names_come_before_tags(people, path, text):
    names = path(people, text)
    assert set(names[:5]) == BECKERS  # the five Beckers first …
    assert all(name.startswith("Ada Lind") for name in names[5:])  # … then tagged berlin
    if path is listed:
        assert len(names) == 25  # the list shows every match
        assert names[:5] == sorted(BECKERS)  # each part in the list's order


def test_the_command_line_find_is_the_same_search(tmp_path):
    path = tmp_path / "w.db"
    runner = CliRunner()
    for name in ("José García", "Chloe Becker"):
        result = runner.invoke(cli, ["--db", str(path), "add", name])
        assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["--db", str(path), "find", "jose"])
    assert result.exit_code == 0 and "José García" in result.output
    result = runner.invoke(cli, ["--db", str(path), "find", "be"])
    assert result.exit_code == 0 and "Chloe Becker" in result.output


def test_a_search_with_other_filters_still_folds_and_ranks(people):
    tagged = sales.create_prospect(people, ProspectIn(name="Björn Becker", tags=["vip"]))
    query = prospects_query(people, ProspectFilter(search="bjorn", tag="vip"))
    assert [row.id for row in query.page(people, 0, 10)] == [tagged.id]
    assert query.count(people) == 1


def test_deleted_prospects_are_not_counted_or_listed(people):
    from dualrole.services.records import soft_delete

    gone = next(r for r in people.query("SELECT id, name FROM prospects WHERE name LIKE 'Omar%'"))
    soft_delete(people, "prospect", gone["id"])
    query = prospects_query(people, ProspectFilter(search="kh"))
    assert query.count(people) == 2
    assert dataclasses.replace(query, tally=None).count(people) == 2  # read row by row
    assert set(listed(people, "kh")) == {"Sofia Khan", "Lena Khan"}
    assert "Omar Khan" not in palette(people, "kh") + found(people, "kh")


def test_a_long_list_pages_the_name_matches_then_the_rest(store):
    for number in range(150):
        sales.create_prospect(store, ProspectIn(name=f"Ann Becker {number:03}"))
    for number in range(150):
        sales.create_prospect(store, ProspectIn(name=f"Zed Lind {number:03}", tags=["berlin"]))
    query = prospects_query(store, ProspectFilter(search="be"))
    assert query.count(store) == 300
    pages = [row.name for offset in (0, 100, 200) for row in query.page(store, offset, 100)]
    assert pages == [f"Ann Becker {n:03}" for n in range(150)] + [
        f"Zed Lind {n:03}" for n in range(150)
    ]
    assert query.page(store, 250, 100)[-1].name == "Zed Lind 149"
    last = store.scalar("SELECT id FROM prospects WHERE name = 'Zed Lind 000'")
    assert query.index_of(store, last, "p.id") == 150


def test_followups_are_found_by_their_prospect_the_same_way(people):
    jose = people.scalar("SELECT id FROM prospects WHERE name = 'José García'")
    sales.create_followup(people, FollowUpIn(prospect_id=jose, title="Call", due_date="today"))
    query = followups_query(search="garcia", store=people)
    assert [row.prospect for row in query.page(people, 0, 10)] == ["José García"]


def test_marketing_lists_fold_accents_and_case_and_match_short_prefixes(store):
    marketing.create_segment(store, SegmentIn(name="Cafés in Zürich"))
    marketing.create_promotion(store, PromotionIn(name="Müller Bäckerei launch"))
    marketing.create_note(store, ResearchNoteIn(title="Interview with Renée"))
    for query, texts in (
        (segments_query, ["zurich", "CAFES", "z", "ca"]),
        (promotions_query, ["muller", "backerei", "m", "ba"]),
        (notes_query, ["renee", "RENÉE", "r", "in"]),
    ):
        for text in texts:
            listed_query = query(search=text)
            assert listed_query.count(store) == 1, (query.__name__, text)
    assert [hit.label for hit in find_records(store, "muller")] == ["Müller Bäckerei launch"]
    assert [hit.label for hit in find_records(store, "renee")] == ["Interview with Renée"]


# Letters whose accents the word index takes off as :func:`fold` does: Latin, with accents.
LETTERS = string.ascii_letters + "".join(
    chr(code) for code in range(0xC0, 0x17F) if chr(code).isalpha() and chr(code) not in "ĲĳĿŀŉ"
)
WORD = st.text(alphabet=LETTERS, min_size=1, max_size=10)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(words=st.lists(WORD, min_size=1, max_size=4), pick=st.integers(min_value=0))
def test_any_folded_word_of_a_name_finds_it_on_every_path(words, pick):
    name = " ".join(words)
    typed = fold(words[pick % len(words)])
    with empty_memory() as store:
        sales.create_prospect(store, ProspectIn(name="Zz Other", tags=["vip"]))
        target = sales.create_prospect(store, ProspectIn(name=name))
        query = prospects_query(store, ProspectFilter(search=typed))
        assert target.id in [row.id for row in query.page(store, 0, 10)]
        assert target.id in [h.record_id for h in find_records(store, typed)]
        assert target.id in [c.id for c in find_prospects(store, typed)]


@pytest.mark.parametrize("sort", [ProspectSort.name, ProspectSort.newest])
def test_pages_read_forwards_backwards_and_by_index_agree(store, monkeypatch, sort):
    """Deep pages are read backwards, many matches walk the order index: same rows."""
    import dualrole.services.lists as lists

    for number in range(40):
        first = "Zoe" if number % 3 else "Bea"  # a cluster of name matches, and spread ones
        name = f"{first} Becker {number:02}" if number % 2 else f"{first} Lind {number:02}"
        sales.create_prospect(store, ProspectIn(name=name, tags=["berlin"] if number % 5 else []))
    query = prospects_query(store, ProspectFilter(search="be", sort=sort))
    whole = [row.name for row in query.page(store, 0, 100)]
    monkeypatch.setattr(lists, "REVERSE_AFTER", 4)
    query = prospects_query(store, ProspectFilter(search="be", sort=sort))
    query.broad_from = query.first_broad_from = 3
    assert query.count(store) == len(whole)
    paged = [row.name for offset in range(0, 60, 7) for row in query.page(store, offset, 7)]
    assert paged == whole
    matches = [name for name in whole if any(w.startswith("be") for w in fold(name).split())]
    assert whole[: len(matches)] == matches  # name matches first
    for position, name in enumerate(whole):
        record = store.scalar("SELECT id FROM prospects WHERE name = ?", (name,))
        assert query.index_of(store, record, "p.id") == position


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.__name__)
def test_two_letters_stay_with_names_and_tags_three_reach_the_rest(store, path):
    sales.create_prospect(store, ProspectIn(name="Ada Lind", company="Beacon Print"))
    sales.create_prospect(store, ProspectIn(name="Bea Ortiz"))
    assert path(store, "be") == ["Bea Ortiz"]  # not every word of every company and note
    assert path(store, "bea") == ["Bea Ortiz", "Ada Lind"]  # the name first, then the company
    assert path(store, "eaco") == ["Ada Lind"]  # inside a word, from three letters


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.__name__)
def test_a_word_only_in_a_logged_interaction_finds_its_prospect(store, path):
    """Issue 28 leftover: a call's or an email's text finds whom it was logged for, by word
    prefix from three letters, live interactions only, after the name matches."""
    kim = sales.create_prospect(store, ProspectIn(name="Kim Ortiz"))
    bo = sales.create_prospect(store, ProspectIn(name="Bo Lind"))
    sales.create_prospect(store, ProspectIn(name="Zanzibar Quill"))
    sales.log_interaction(
        store, InteractionIn(prospect_id=kim.id, summary="Call", outcome="wants the zanzibar plan")
    )
    gone = sales.log_interaction(
        store, InteractionIn(prospect_id=bo.id, summary="Asked about Quokka pricing")
    )
    assert path(store, "zanzib") == ["Zanzibar Quill", "Kim Ortiz"]  # the name first
    assert path(store, "quokka") == ["Bo Lind"]
    assert path(store, "quokka pric") == ["Bo Lind"]  # every word, in one interaction
    assert path(store, "quokka zanzibar") == []  # not spread over two prospects
    assert path(store, "zan") == ["Zanzibar Quill", "Kim Ortiz"]
    assert path(store, "za") == ["Zanzibar Quill"]  # two letters stay with names and tags
    soft_delete(store, "interaction", gone.id)
    assert path(store, "quokka") == []


def test_find_says_which_interaction_matched(tmp_path):
    path = tmp_path / "w.db"
    with open_store(path) as store:
        kim = sales.create_prospect(store, ProspectIn(name="Kim Ortiz"))
        sales.create_prospect(store, ProspectIn(name="Quokka Bay"))
        for when, summary in (("2026-11-02 10:00", "Quokka demo"), ("2026-11-09 15:30", "Hi")):
            data = InteractionIn(prospect_id=kim.id, summary=summary, occurred_at=when)
            sales.log_interaction(store, data)
    result = CliRunner().invoke(cli, ["--db", str(path), "find", "quokka"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "#2  Quokka Bay · lead",
        "#1  Kim Ortiz · lead",
        "    logged Mon 2 Nov 2026 10:00  call  Quokka demo",
    ]
