"""Paged list queries: a count and one page at a time, never the whole table.

Every list screen asks a :class:`ListQuery` for ``count()`` (its virtual height) and
``page(offset, limit)`` for the rows in view; each ordering is backed by an index (see
``migrations.m002_indexes``) and ties break on ``id`` so pages never overlap.

Each list's row is a typed record declared just above its query: a ``NamedTuple`` whose
fields are the query's ``SELECT`` columns, in the same order (a page builds it from each
cursor row positionally, which costs about as little as reading the row). To add a list:
declare its record, then ``ListQuery(TheRow, columns="a, b AS c", ...)`` naming the same
columns in the same order; the first page read checks the names agree.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, Generic, NamedTuple, TypeVar

from dualrole.core.dates import clock
from dualrole.core.enums import LeadSource, PromotionStatus, ResearchKind, Stage
from dualrole.services.pipeline import idle_cutoff
from dualrole.services.search import fold, fts_query, prospect_match
from dualrole.storage.db import Store

BROAD_FROM = 500  # matches from which a search's page walks the list's order index
NEVER_BROAD = 1 << 62
REVERSE_AFTER = 1_000  # pages past this offset (and past half the list) are read backwards

R = TypeVar("R", bound=NamedTuple)
"""A list's row record: a NamedTuple with the query's columns as fields, in order."""

_CHECKED: set[tuple[type[Any], str]] = set()
"""(record, columns) pairs whose column names were checked against the record's fields."""


def reversed_order(order: str) -> str:
    """``ORDER BY`` terms turned round: ``a, b DESC`` → ``a DESC, b ASC``.

    Every list's order ends on a unique ``id``, so the reversed order is exactly the
    original one read backwards (SQLite sorts NULLs first ascending, last descending).
    """
    terms: list[str] = []
    depth, start = 0, 0
    for index, char in enumerate(order + ","):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 0:
            terms.append(order[start:index].strip())
            start = index + 1
    flipped = []
    for term in terms:
        upper = term.upper()
        if upper.endswith(" DESC"):
            flipped.append(term[: -len(" DESC")] + " ASC")
        elif upper.endswith(" ASC"):
            flipped.append(term[: -len(" ASC")] + " DESC")
        else:
            flipped.append(term + " DESC")
    return ", ".join(flipped)


@dataclass
class ListQuery(Generic[R]):
    """``SELECT {columns} FROM {source} WHERE {where} ORDER BY {order}``, paged, each row
    read as a ``record`` (whose fields are ``columns``, in order)."""

    record: type[R]
    columns: str
    source: str
    order: str
    where: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)
    column_params: list[Any] = field(default_factory=list)
    empty: bool = False  # a search with no searchable word matches nothing
    broad: list[tuple[int, str]] = field(default_factory=list)
    """(index in ``where``, the same test written so no index drives it): used for a page
    when many rows match, so the rows are read in the list's order (its index) and the first
    page stops early, instead of fetching and sorting every match."""
    broad_from: int = BROAD_FROM
    first_broad_from: int = BROAD_FROM
    """``broad_from`` for the rows passing ``first``."""
    first: tuple[str, list[Any], int] | None = None
    """(a test on ids ``x.id IN (…)``, its params, n): the rows passing it are listed before
    the others, each part in the list's order (a search's name matches come first). It
    narrows the last test of ``where``, which takes the last n params."""
    tally: tuple[str, list[Any], int] | None = None
    """(SQL, params, n): the same count as ``count()`` read from indexes only, while
    ``where`` holds n tests (a search of the whole list; another filter makes it unused)."""
    first_tally: tuple[str, list[Any]] | None = None
    """The count of the rows passing ``first``, as ``tally`` has it."""

    def _where(self) -> str:
        return " AND ".join(self.where) if self.where else "1"

    def count(self, store: Store) -> int:
        if self.empty:
            return 0
        sql = f"SELECT count(*) FROM {self.source} WHERE {self._where()}"
        params = tuple(self.params)
        if self.tally is not None and self.tally[2] == len(self.where):
            sql, params = self.tally[0], tuple(self.tally[1])
        return store.memo(("count", sql, params), lambda: int(store.scalar(sql, params) or 0))

    def page(self, store: Store, offset: int, limit: int) -> list[R]:
        """Rows ``offset`` … ``offset + limit - 1`` in this order.

        A page in the second half of a long list is read from the end in the reverse
        order (and turned round): SQLite walks an OFFSET row by row, so the last page of
        100,000 rows costs as little as the first.
        """
        if self.empty:
            return []
        offset = max(offset, 0)
        if self.first is not None:
            top, rest = self._parts()
            above = top.count(store)
            records = top.page(store, offset, min(limit, above - offset)) if offset < above else []
            if len(records) < limit:
                records += rest.page(store, max(offset - above, 0), limit - len(records))
            return records
        order = self.order
        reverse = offset > REVERSE_AFTER
        if reverse:
            total = self.count(store)
            if offset <= total // 2:
                reverse = False
            else:
                limit = max(min(limit, total - offset), 0)
                offset = total - offset - limit
                order = reversed_order(self.order)
        where = self._where()
        if self.broad and self.count(store) > self.broad_from:
            loose = dict(self.broad)
            where = " AND ".join(loose.get(i, w) for i, w in enumerate(self.where))
        sql = (
            f"SELECT {self.columns} FROM {self.source} WHERE {where} "
            f"ORDER BY {order} LIMIT ? OFFSET ?"
        )
        rows = store.query(sql, [*self.column_params, *self.params, limit, offset])
        if reverse:
            rows.reverse()
        if rows and (self.record, self.columns) not in _CHECKED:
            self._check(rows[0])
        make = self.record._make
        return [make(row) for row in rows]

    def _check(self, row: sqlite3.Row) -> None:
        """Refuse a record whose fields are not the columns read, in order (once per list)."""
        if tuple(row.keys()) != self.record._fields:
            raise TypeError(
                f"{self.record.__name__} has fields {self.record._fields}, "
                f"but its query reads {tuple(row.keys())}"
            )
        _CHECKED.add((self.record, self.columns))

    def index_of(self, store: Store, record_id: int, id_column: str) -> int | None:
        """Where the record ``id_column = record_id`` sits in this order (None: not listed).

        One pass over the filtered rows in the list's order (a row number per row): used
        once after an add, to select the new record wherever the sort puts it.
        """
        if self.empty:
            return None
        if self.first is not None:
            top, rest = self._parts()
            found = top.index_of(store, record_id, id_column)
            if found is not None:
                return found
            found = rest.index_of(store, record_id, id_column)
            return None if found is None else top.count(store) + found
        sql = (
            f"SELECT n FROM (SELECT {id_column} AS rid, row_number() OVER (ORDER BY {self.order})"
            f" - 1 AS n FROM {self.source} WHERE {self._where()}) WHERE rid = ?"
        )
        found = store.scalar(sql, (*self.params, record_id))
        return None if found is None else int(found)

    def _parts(self) -> tuple[ListQuery[R], ListQuery[R]]:
        """The rows passing ``first``, and the others: two queries in this list's order."""
        assert self.first is not None
        test, params, narrows = self.first
        column, _, ids = test.partition(" IN ")
        last = len(self.where) - 1
        kept = self.params[: len(self.params) - narrows]
        top = replace(
            self,
            where=[*self.where[:last], test],
            params=[*kept, *params],
            broad=[*(b for b in self.broad if b[0] != last), (last, "+" + test)],
            broad_from=self.first_broad_from,
            first=None,
            tally=None,
        )
        rest = replace(
            self,
            where=[*self.where, f"{column} NOT IN {ids}"],
            params=[*self.params, *params],
            broad=[*self.broad, (last + 1, f"+{column} NOT IN {ids}")],
            first=None,
            tally=None,
        )
        whole = self.tally is not None and self.tally[2] == len(self.where)
        if whole and self.tally is not None and self.first_tally is not None:
            sql, tally_params = self.first_tally
            top.tally = (sql, tally_params, len(top.where))
            rest.tally = (
                f"SELECT ({self.tally[0]}) - ({sql})",
                [*self.tally[1], *tally_params],
                len(rest.where),
            )
        return top, rest

    def search(self, fts_table: str, id_column: str, text: str | None) -> None:
        if not text or not text.strip():
            return
        match = fts_query(text)
        if match is None:
            self.empty = True
            return
        self.where.append(
            f"{id_column} IN (SELECT rowid FROM {fts_table} WHERE {fts_table} MATCH ?)"
        )
        self.params.append(match)


class ProspectSort(StrEnum):
    name = "name"
    next_followup = "next follow-up"
    value = "value"
    last_contact = "last contact"
    newest = "newest"


_PROSPECT_ORDER = {
    ProspectSort.name: "p.name COLLATE NOCASE, p.id",
    ProspectSort.next_followup: "p.next_followup_date IS NULL, p.next_followup_date, p.id",
    ProspectSort.value: "p.value_minor IS NULL, p.value_minor DESC, p.id",
    ProspectSort.last_contact: "p.last_contact_at IS NULL, p.last_contact_at, p.id",
    ProspectSort.newest: "p.id DESC",  # ids are given in the order records are added
}


@dataclass
class ProspectFilter:
    stage: Stage | None = None
    open_only: bool = False
    tag: str | None = None
    source: LeadSource | None = None
    segment_id: int | None = None
    promotion_id: int | None = None
    idle_only: bool = False
    search: str | None = None
    sort: ProspectSort = ProspectSort.name


class ProspectRow(NamedTuple):
    """One line of the Prospects list (and of a segment's or a promotion's leads)."""

    id: int
    name: str
    company: str | None
    stage: str
    value_minor: int | None
    currency: str
    email: str | None
    last_contact_at: str | None
    next_followup_date: str | None
    source: str
    idle: int
    """1 when open and not contacted for the workspace's idle days, else 0."""


def prospects_query(store: Store, filters: ProspectFilter) -> ListQuery[ProspectRow]:
    cutoff = idle_cutoff(store)
    open_stages = tuple(s.value for s in Stage if s.is_open)
    marks = ",".join("?" for _ in open_stages)
    idle_sql = f"(p.stage IN ({marks}) AND coalesce(p.last_contact_at, p.created_at) < ?)"
    query = ListQuery(
        ProspectRow,
        columns=(
            "p.id, p.name, p.company, p.stage, p.value_minor, p.currency, p.email, "
            f"p.last_contact_at, p.next_followup_date, p.source, {idle_sql} AS idle"
        ),
        source="prospects p",
        order=_PROSPECT_ORDER[filters.sort],
        where=["p.deleted_at IS NULL"],
        column_params=[*open_stages, cutoff],
    )
    if filters.stage:
        query.where.append("p.stage = ?")
        query.params.append(filters.stage.value)
    if filters.open_only:
        query.where.append(f"p.stage IN ({marks})")
        query.params.extend(open_stages)
    if filters.idle_only:
        query.where.append(idle_sql)
        query.params.extend([*open_stages, cutoff])
    if filters.source:
        query.where.append("p.source = ?")
        query.params.append(filters.source.value)
    if filters.segment_id is not None:
        query.where.append("p.segment_id = ?")
        query.params.append(filters.segment_id)
    if filters.promotion_id is not None:
        query.where.append("p.promotion_id = ?")
        query.params.append(filters.promotion_id)
    if filters.tag:
        query.where.append(
            "p.id IN (SELECT pt.prospect_id FROM prospect_tags pt JOIN tags t ON t.id = pt.tag_id "
            "WHERE t.name = ?)"
        )
        query.params.append(filters.tag.strip().lower())
    search_prospects(store, query, filters.search)
    return query


def search_prospects(store: Store, query: ListQuery[ProspectRow], text: str | None) -> None:
    """``/`` on prospects: what ``dualrole find`` and the palette find (one search,
    :func:`dualrole.services.search.prospect_match`), the name matches listed first.

    When many rows match, a page walks the list's order index and tests each id against the
    match (``broad``), so the first page stops early instead of sorting every match.
    """
    if not text or not text.strip():
        return
    match = prospect_match(store, text)
    if match is None:
        query.empty = True
        return
    whole_list = query.where == ["p.deleted_at IS NULL"]
    test = f"p.id IN ({match.ids})"
    query.broad.append((len(query.where), "+" + test))
    query.where.append(test)
    query.params.extend(match.ids_params)
    query.first = (f"p.id IN ({match.names})", list(match.names_params), len(match.ids_params))
    if not whole_list:
        return
    # Count the ids in the indexes, less those in the trash (a few), not row by row.
    trash = "SELECT id FROM prospects INDEXED BY prospects_in_trash WHERE deleted_at NOTNULL"
    count = "SELECT count(*) FROM ({}) WHERE id NOT IN ({})"
    query.tally = (count.format(match.ids, trash), list(match.ids_params), len(query.where))
    query.first_tally = (count.format(match.names, trash), list(match.names_params))
    if query.order.startswith("p.name"):
        # Walking the name index finds name matches spread over it ("sh": Aisha Sharma,
        # Omar Sharma …) at once, but walks most of it to reach a cluster ("z": every Zara
        # sits at its end); a cluster of thousands is read and sorted faster.
        first = fold(text).split()[0]
        starts = int(
            store.scalar(
                "SELECT count(*) FROM prospects WHERE deleted_at IS NULL "
                "AND name >= ? COLLATE NOCASE AND name < ? COLLATE NOCASE",
                (first, first + "\U0010ffff"),
            )
            or 0
        )
        sql, params = query.first_tally
        names = store.memo(("count", sql, tuple(params)), lambda: int(store.scalar(sql, params)))
        if starts * 2 > names:
            query.first_broad_from = NEVER_BROAD


class FollowUpBucket(StrEnum):
    open = "open"
    overdue = "overdue"
    today = "today"
    upcoming = "upcoming"
    done = "done"


class FollowUpRow(NamedTuple):
    """One line of the Follow-ups list."""

    id: int
    title: str
    due_date: str
    due_time: str | None
    done_at: str | None
    prospect_id: int
    prospect: str
    stage: str
    repeat_every: int | None
    repeat_unit: str


def followups_query(
    bucket: FollowUpBucket = FollowUpBucket.open,
    search: str | None = None,
    *,
    store: Store | None = None,
) -> ListQuery[FollowUpRow]:
    """Follow-ups in a bucket; ``search`` (which needs ``store``) finds their prospects."""
    today = clock.today().isoformat()
    query = ListQuery(
        FollowUpRow,
        columns="f.id, f.title, f.due_date, f.due_time, f.done_at, f.prospect_id, "
        "p.name AS prospect, p.stage, f.repeat_every, f.repeat_unit",
        source="followups f JOIN prospects p ON p.id = f.prospect_id",
        order="f.due_date, f.due_time IS NULL, f.due_time, f.id",
        where=["f.deleted_at IS NULL", "p.deleted_at IS NULL"],
    )
    if bucket == FollowUpBucket.done:
        query.where.append("f.done_at IS NOT NULL")
        query.order = "f.done_at DESC, f.id DESC"
    else:
        query.where.append("f.done_at IS NULL")
        condition = {
            FollowUpBucket.overdue: "f.due_date < ?",
            FollowUpBucket.today: "f.due_date = ?",
            FollowUpBucket.upcoming: "f.due_date > ?",
        }.get(bucket)
        if condition:
            query.where.append(condition)
            query.params.append(today)
    if search and search.strip():
        if store is None:
            raise TypeError("searching follow-ups needs the store")
        match = prospect_match(store, search)
        if match is None:
            query.empty = True
        else:
            query.where.append(f"f.prospect_id IN ({match.ids})")
            query.params.extend(match.ids_params)
    return query


class InteractionRow(NamedTuple):
    """One line of a prospect's history."""

    id: int
    kind: str
    occurred_at: str
    summary: str
    outcome: str
    is_feedback: int
    research_note_id: int | None
    prospect_id: int
    prospect: str
    deal_id: int | None  # the deal it was about, if any
    deals: int  # how many deals its person has (a deal is named only when there are several)


def interactions_query(
    prospect_id: int | None = None, search: str | None = None
) -> ListQuery[InteractionRow]:
    query = ListQuery(
        InteractionRow,
        columns="i.id, i.kind, i.occurred_at, i.summary, i.outcome, i.is_feedback, "
        "i.research_note_id, i.prospect_id, p.name AS prospect, i.deal_id, "
        "(SELECT count(*) FROM deals d WHERE d.prospect_id = i.prospect_id "
        "AND d.deleted_at IS NULL) AS deals",
        source="interactions i JOIN prospects p ON p.id = i.prospect_id",
        order="i.occurred_at DESC, i.id DESC",
        where=["i.deleted_at IS NULL", "p.deleted_at IS NULL"],
    )
    if prospect_id is not None:
        query.where.append("i.prospect_id = ?")
        query.params.append(prospect_id)
    query.search("interactions_fts", "i.id", search)
    return query


class NoteRow(NamedTuple):
    """One line of the Research notes list."""

    id: int
    kind: str
    title: str
    source: str
    created_at: str
    segment: str | None
    prospect: str | None


def notes_query(
    kind: ResearchKind | None = None, search: str | None = None, segment_id: int | None = None
) -> ListQuery[NoteRow]:
    query = ListQuery(
        NoteRow,
        columns="n.id, n.kind, n.title, n.source, n.created_at, s.name AS segment, "
        "p.name AS prospect",
        source="research_notes n LEFT JOIN segments s ON s.id = n.segment_id "
        "LEFT JOIN prospects p ON p.id = n.prospect_id",
        order="n.created_at DESC, n.id DESC",
        where=["n.deleted_at IS NULL"],
    )
    if kind:
        query.where.append("n.kind = ?")
        query.params.append(kind.value)
    if segment_id is not None:
        query.where.append("n.segment_id = ?")
        query.params.append(segment_id)
    query.search("research_notes_fts", "n.id", search)
    return query


class PromotionRow(NamedTuple):
    """One line of the Promotions list."""

    id: int
    name: str
    channel: str
    status: str
    start_date: str | None
    end_date: str | None
    budget_minor: int | None
    currency: str
    spend_minor: int
    leads: int
    segment: str | None


def promotions_query(
    status: PromotionStatus | None = None,
    search: str | None = None,
    segment_id: int | None = None,
    currency: str = "EUR",
) -> ListQuery[PromotionRow]:
    """Promotions, running first; ``currency`` (the workspace's) rides along for their money."""
    query = ListQuery(
        PromotionRow,
        columns="m.id, m.name, m.channel, m.status, m.start_date, m.end_date, m.budget_minor, "
        "coalesce(m.currency, ?) AS currency, "
        "(SELECT coalesce(sum(spend_minor),0) FROM promotion_results r "
        " WHERE r.promotion_id = m.id) AS spend_minor, "
        "(SELECT count(*) FROM prospects l WHERE l.promotion_id = m.id "
        " AND l.deleted_at IS NULL) AS leads, s.name AS segment",
        source="promotions m LEFT JOIN segments s ON s.id = m.segment_id",
        order="CASE m.status WHEN 'running' THEN 0 WHEN 'planned' THEN 1 WHEN 'idea' THEN 2 "
        "ELSE 3 END, m.start_date DESC, m.id DESC",
        where=["m.deleted_at IS NULL"],
        column_params=[currency],
    )
    if status:
        query.where.append("m.status = ?")
        query.params.append(status.value)
    if segment_id is not None:
        query.where.append("m.segment_id = ?")
        query.params.append(segment_id)
    query.search("promotions_fts", "m.id", search)
    return query


class SegmentRow(NamedTuple):
    """One line of the Segments list."""

    id: int
    name: str
    location: str | None
    occupation: str | None
    prospects: int


def segments_query(search: str | None = None) -> ListQuery[SegmentRow]:
    query = ListQuery(
        SegmentRow,
        columns="g.id, g.name, g.location, g.occupation, "
        "(SELECT count(*) FROM prospects p WHERE p.segment_id = g.id AND p.deleted_at IS NULL) "
        "AS prospects",
        source="segments g",
        order="g.name COLLATE NOCASE, g.id",
        where=["g.deleted_at IS NULL"],
    )
    query.search("segments_fts", "g.id", search)
    return query


class TaskRow(NamedTuple):
    """One line of the marketing Tasks list."""

    id: int
    title: str
    due_date: str | None
    done_at: str | None
    promotion: str | None
    segment: str | None


def tasks_query(include_done: bool = False, search: str | None = None) -> ListQuery[TaskRow]:
    query = ListQuery(
        TaskRow,
        columns="t.id, t.title, t.due_date, t.done_at, m.name AS promotion, g.name AS segment",
        source="marketing_tasks t LEFT JOIN promotions m ON m.id = t.promotion_id "
        "LEFT JOIN segments g ON g.id = t.segment_id",
        order="t.done_at IS NOT NULL, t.due_date IS NULL, t.due_date, t.id",
        where=["t.deleted_at IS NULL"],
    )
    if not include_done:
        query.where.append("t.done_at IS NULL")
    query.search("marketing_tasks_fts", "t.id", search)
    return query


def prospect_index(store: Store, filters: ProspectFilter, prospect_id: int) -> int | None:
    """Where a prospect sits in the Prospects list as filtered and sorted (None: not in it).

    The unfiltered list by name or newest first counts the rows before it on an index
    (a few ms at 100k); any other list numbers its rows (``ListQuery.index_of``).
    """
    bare = filters == ProspectFilter(sort=filters.sort)
    if bare and filters.sort == ProspectSort.name:
        rows = store.query(
            "SELECT name FROM prospects WHERE id = ? AND deleted_at IS NULL", (prospect_id,)
        )
        if not rows:
            return None
        return int(
            store.scalar(
                "SELECT count(*) FROM prospects INDEXED BY prospects_by_name "
                "WHERE deleted_at IS NULL AND (name COLLATE NOCASE, id) < (?, ?)",
                (rows[0]["name"], prospect_id),
            )
            or 0
        )
    if bare and filters.sort == ProspectSort.newest:
        return int(
            store.scalar(
                "SELECT count(*) FROM prospects WHERE deleted_at IS NULL AND id > ?",
                (prospect_id,),
            )
            or 0
        )
    return prospects_query(store, filters).index_of(store, prospect_id, "p.id")
