"""Importing a contact file into prospects: one transaction, one report.

:func:`import_contacts` reads a CSV or vCard file (see ``contacts_csv``/``contacts_vcard``)
and, per record, creates a prospect, merges into an existing one (empty fields filled,
nothing overwritten) or skips it with the reason and its line or card number. Duplicates are
found by email, case-insensitively, against the database and within the file; a contact
without an email matches on name + company, so importing the same file twice adds nothing.

The whole import is one transaction: an error, Ctrl-C or a progress callback raising
:class:`ImportCancelled` leaves the database as it was. A dry run does all the same work and
rolls it back, so its report is exactly what the real import would do.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypedDict, Unpack

from pydantic import ValidationError

from dualrole.core.models import LeadSource, ProspectIn, Stage, describe_errors
from dualrole.core.parsing import email_key, parse_email
from dualrole.interop.contact import WHITE_SPACE, BadRecord, FileShape, RawContact, read_head
from dualrole.interop.contacts_csv import CsvContacts
from dualrole.interop.contacts_vcard import VCardContacts, looks_like_vcard
from dualrole.services.bulk import ProspectBatch
from dualrole.services.records import now_text, to_columns
from dualrole.services.settings import workspace_currency
from dualrole.storage.db import Store

Progress = Callable[[int, int], None]  # (bytes read, file size)
PROGRESS_EVERY = 500
MAX_CREATED_DETAILS = 1_000
MAX_DETAILS = 10_000
IMPORT_CACHE_KIB = -65_536  # 64 MiB page cache while importing
FILLABLE = ("company", "title", "email", "phone", "website", "notes", "value_minor")


class ImportCancelled(Exception):
    """Raised (by a progress callback) to stop an import; nothing is kept."""


class _DryRun(Exception):
    """Rolls a dry run back."""


@dataclass(slots=True)
class Outcome:
    position: str
    action: str  # created | merged | skipped
    name: str = ""
    prospect_id: int | None = None
    reason: str = ""
    filled: list[str] = field(default_factory=list)

    def line(self) -> str:
        who = f" {self.name}" if self.name else ""
        if self.action == "merged":
            return f"{self.position}: merged{who} into #{self.prospect_id} ({self.reason})"
        if self.action == "created":
            return f"{self.position}: created{who} as #{self.prospect_id}"
        return f"{self.position}: skipped{who}: {self.reason}"


@dataclass
class ImportReport:
    """What an import did (or, for a dry run, would do)."""

    path: str
    shape: FileShape
    dry_run: bool
    created: int = 0
    merged: int = 0
    skipped: int = 0
    outcomes: list[Outcome] = field(default_factory=list)
    omitted: int = 0
    seconds: float = 0.0
    keep_all: bool = False
    """Keep every record's outcome (``--json``), not only the first thousands."""
    _kept: dict[str, int] = field(default_factory=dict, repr=False)

    @property
    def total(self) -> int:
        return self.created + self.merged + self.skipped

    def add(self, outcome: Outcome) -> None:
        setattr(self, outcome.action, getattr(self, outcome.action) + 1)
        limit = MAX_CREATED_DETAILS if outcome.action == "created" else MAX_DETAILS
        kept = self._kept.get(outcome.action, 0)
        if self.keep_all or kept < limit:
            self._kept[outcome.action] = kept + 1
            self.outcomes.append(outcome)
        else:
            self.omitted += 1

    def problems(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.action != "created"]

    def summary(self) -> str:
        verb = "Would import" if self.dry_run else "Imported"
        return (
            f"{verb} {Path(self.path).name} ({self.shape.format}): {self.created:,} created, "
            f"{self.merged:,} merged, {self.skipped:,} skipped."
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.path,
            "format": self.shape.format,
            "encoding": self.shape.encoding,
            "delimiter": self.shape.delimiter,
            "mapping": self.shape.mapping,
            "unused_columns": self.shape.unmapped,
            "dry_run": self.dry_run,
            "counts": {"created": self.created, "merged": self.merged, "skipped": self.skipped},
            "records": [asdict(o) for o in self.outcomes],
            "omitted": self.omitted,
        }


def open_contacts(
    path: Path, overrides: dict[str, str] | None = None
) -> CsvContacts | VCardContacts:
    """A CSV or vCard reader for ``path``, chosen by content (not by extension)."""
    from dualrole.interop.contact import check_readable

    path = Path(path)
    size = check_readable(path)
    vcard_name = path.suffix.lower() in (".vcf", ".vcard")
    if size == 0 and vcard_name:
        raise ValueError(f"{path.name} is empty: there is no vCard (BEGIN:VCARD) in it.")
    if looks_like_vcard(path):
        if overrides:
            raise ValueError("--map applies to CSV files; a vCard names its own fields.")
        return VCardContacts(path)
    if vcard_name and not read_head(path).strip("\ufeff\xef\xbb\xbf \t\r\n"):
        raise ValueError(f"{path.name} has no vCard (BEGIN:VCARD) in it; is it empty?")
    return CsvContacts(path, overrides)


def resolve_source(store: Store, text: str | None) -> tuple[LeadSource, int | None]:
    """``--source``: a lead source (referral, inbound…) or the name of a promotion."""
    if not text:
        return LeadSource.other, None
    try:
        return LeadSource(text.strip().lower()), None
    except ValueError:
        pass
    row = store.scalar(
        "SELECT id FROM promotions WHERE name = ? COLLATE NOCASE AND deleted_at IS NULL",
        (text.strip(),),
    )
    if row is None:
        choices = ", ".join(s.value for s in LeadSource)
        raise ValueError(f"--source {text!r} is neither a lead source ({choices}) nor a promotion")
    return LeadSource.promotion, int(row)


class ImportOptions(TypedDict, total=False):
    """The options of :func:`import_contacts` besides ``dry_run``."""

    stage: Stage
    tags: list[str] | None
    source: str | None
    mapping: dict[str, str] | None
    progress: Progress | None
    keep_all: bool


def preview(store: Store, path: Path, **options: Unpack[ImportOptions]) -> ImportReport:
    """A dry run: the report an import would give, nothing written."""
    return import_contacts(store, path, dry_run=True, **options)


def import_contacts(
    store: Store,
    path: Path | str,
    *,
    dry_run: bool = False,
    stage: Stage = Stage.lead,
    tags: list[str] | None = None,
    source: str | None = None,
    mapping: dict[str, str] | None = None,
    progress: Progress | None = None,
    keep_all: bool = False,
) -> ImportReport:
    """Import ``path`` into prospects in one transaction and report every record.

    The report keeps the first :data:`MAX_CREATED_DETAILS` created and :data:`MAX_DETAILS`
    other outcomes (the counts are always exact); ``keep_all`` keeps every one.
    """
    started = time.perf_counter()
    reader = open_contacts(Path(path), mapping)
    report = ImportReport(str(path), reader.shape, dry_run, keep_all=keep_all)
    cache = None
    try:
        lead_source, promotion_id = resolve_source(store, source)
        run = _Run(store, report, stage, tags or [], lead_source, promotion_id)
        cache = store.conn.execute("PRAGMA cache_size").fetchone()[0]
        store.conn.execute(f"PRAGMA cache_size={IMPORT_CACHE_KIB}")  # FTS and indexes in RAM
        with store.transaction():
            for count, item in enumerate(_records(reader), 1):
                run.handle(item)
                if progress and count % PROGRESS_EVERY == 0:
                    progress(reader.bytes_read(), reader.size)
            run.flush()
            if progress:
                progress(reader.size, reader.size)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    finally:
        reader.close()
        if cache is not None:
            store.conn.execute(f"PRAGMA cache_size={int(cache)}")
    report.seconds = time.perf_counter() - started
    return report


def _records(reader: CsvContacts | VCardContacts) -> Iterator[RawContact | BadRecord]:
    yield from reader


class _Run:
    """The state of one import: its batch writer and the keys seen so far."""

    def __init__(
        self,
        store: Store,
        report: ImportReport,
        stage: Stage,
        tags: list[str],
        source: LeadSource,
        promotion_id: int | None,
    ) -> None:
        self.report, self.stage = report, stage
        self.tags, self.source, self.promotion_id = tags, source, promotion_id
        self.own = report.shape.format == "dualrole CSV"
        self.currency = workspace_currency(store)  # of contacts that bring none
        self.batch = ProspectBatch(store, now_text())
        self.seen: dict[tuple[str, ...], tuple[int, str]] = {}

    def flush(self) -> None:
        self.batch.flush()

    def handle(self, item: RawContact | BadRecord) -> None:
        if isinstance(item, BadRecord):
            self.report.add(Outcome(item.position, "skipped", reason=item.reason))
            return
        data, problem = self.validate(item)
        if data is None:
            self.report.add(Outcome(item.position, "skipped", item.name, reason=problem))
            return
        key = (
            ("email", email_key(data.email))
            if data.email
            else ("name", data.name.casefold(), (data.company or "").casefold())
        )
        if key in self.seen:
            prospect_id, first = self.seen[key]
            self.merge(item.position, prospect_id, data, f"duplicate of {first}")
            return
        existing = self.find(data)
        if existing is not None:
            self.seen[key] = (existing, f"#{existing}")
            self.merge(item.position, existing, data, "already in dualrole")
            return
        prospect_id = self.create(data, item)
        self.seen[key] = (prospect_id, item.position)
        self.report.add(Outcome(item.position, "created", data.name, prospect_id))

    def validate(self, item: RawContact) -> tuple[ProspectIn | None, str]:
        email, others = None, []
        for candidate in item.emails:
            try:
                parsed = parse_email(candidate)
            except ValueError:
                parsed = None
            if parsed and email is None:
                email = parsed
            else:
                others.append(candidate)
        if item.emails and email is None:
            return None, f"email {item.emails[0]!r} is not an email address"
        name = item.name if item.name.strip(WHITE_SPACE) else (email or "")
        if not name:
            return None, "no name and no email"
        notes = item.notes
        extra = []
        if others:
            extra.append("Other emails: " + ", ".join(others))
        if len(item.phones) > 1:
            extra.append("Other phones: " + ", ".join(item.phones[1:]))
        if extra:
            notes = "\n\n".join(part for part in (notes.strip(), *extra) if part)
        fields = {
            "name": name,
            "company": item.company,
            "title": item.title,
            "email": email,
            "phone": item.phones[0] if item.phones else None,
            "website": item.website,
            "notes": notes,
            "tags": [*item.tags, *self.tags],
            "source": self.source,
            "promotion_id": self.promotion_id,
            "currency": self.currency,
        }
        if self.own:
            fields.update(
                value=item.value or None,
                currency=item.currency or self.currency,
                source=item.source or self.source,
            )
        try:
            return ProspectIn.model_validate(fields), ""
        except ValidationError as exc:
            return None, describe_errors(exc)

    def find(self, data: ProspectIn) -> int | None:
        return self.batch.find(data.email, data.name, data.company)

    def create(self, data: ProspectIn, item: RawContact) -> int:
        stage = self.stage
        if self.own and item.stage:
            try:
                stage = Stage(item.stage.strip().lower())
            except ValueError:
                stage = self.stage
        return self.batch.create(to_columns(data), stage, data.tags)

    def merge(self, position: str, prospect_id: int, data: ProspectIn, why: str) -> None:
        filled = [
            column.removesuffix("_minor")
            for column in self.batch.fill_empty(prospect_id, to_columns(data), FILLABLE)
        ]
        if self.batch.add_tags(prospect_id, data.tags):
            filled.append("tags")
        if filled:
            reason = f"{why}; filled {', '.join(filled)}"
            self.report.add(Outcome(position, "merged", data.name, prospect_id, reason, filled))
        else:
            reason = f"{why} (#{prospect_id}), nothing new"
            self.report.add(Outcome(position, "skipped", data.name, prospect_id, reason))
