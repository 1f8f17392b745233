"""Outreach rows: templates, the fields a template sees, a sent message logged once, sequences.

A template's fields come from the prospect, its company and deal, its segment (pain points,
values, objections — dualrole's own angle) and the promotion that brought it
(:func:`template_fields`); rendering is :mod:`dualrole.mail.templates`' job. A message sent
is logged as an outbound email interaction under its Message-ID, so fetching the Sent
folder later adds nothing. A sequence is a series of templates on a schedule ("day 0 intro,
day 4 case study, day 10 check-in"): starting one for a prospect creates its follow-ups, and
a reply captured from the prospect pauses it (:func:`dualrole.services.mail.pause_on_reply`
removes the follow-ups not yet done).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

from dualrole.core.dates import clock
from dualrole.core.models import FollowUpIn, InteractionIn, InteractionKind
from dualrole.core.printable import visible
from dualrole.services.marketing import get_promotion, get_segment
from dualrole.services.records import now_text
from dualrole.services.sales import (
    create_followup,
    deal_to_pick,
    get_prospect,
    log_interaction,
)
from dualrole.storage.db import NotFoundError, StorageError, Store

_NAME = re.compile(r"^[\w.-]{1,60}$")


@dataclass(frozen=True)
class Template:
    id: int
    name: str
    subject: str
    body: str


@dataclass(frozen=True)
class Step:
    day: int
    template: str


@dataclass(frozen=True)
class Sequence:
    id: int
    name: str
    steps: tuple[Step, ...]


# --- templates ---------------------------------------------------------------------------


def save_template(store: Store, name: str, subject: str, body: str) -> Template:
    """Add a template, or replace the one of that name."""
    if not _NAME.match(name):
        raise StorageError(
            f"{name!r} cannot name a template: use letters, digits, '-', '_' or '.'."
        )
    if not subject.strip():
        raise StorageError("A template needs a subject.")
    with store.transaction():
        store.execute(
            "INSERT INTO mail_templates(name, subject, body, created_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(name) DO UPDATE SET subject = excluded.subject, body = excluded.body",
            (name, subject.strip(), body, now_text()),
        )
    return get_template(store, name)


def get_template(store: Store, name: str) -> Template:
    rows = store.query("SELECT * FROM mail_templates WHERE name = ?", (name,))
    if not rows:
        raise NotFoundError(f"There is no template named {name!r}.")
    row = rows[0]
    return Template(int(row["id"]), str(row["name"]), str(row["subject"]), str(row["body"]))


def templates(store: Store) -> list[Template]:
    return [
        Template(int(r["id"]), str(r["name"]), str(r["subject"]), str(r["body"]))
        for r in store.query("SELECT * FROM mail_templates ORDER BY name")
    ]


def _lines(text: str) -> list[str]:
    return [line.strip(" -*•\t") for line in text.splitlines() if line.strip(" -*•\t")]


def template_fields(store: Store, prospect_id: int) -> dict[str, Any]:
    """What a template can use: ``prospect``, ``company``, ``deal``, ``segment``,
    ``promotion``, and the shortcuts ``first_name``, ``pain_point``, ``value``, ``objection``
    (the first of each list). Text only: a template sees values, never objects."""
    prospect = get_prospect(store, prospect_id)
    segment: dict[str, Any] = {"name": "", "pain_points": [], "values": [], "objections": []}
    if prospect.segment_id is not None:
        found = get_segment(store, prospect.segment_id)
        segment = {
            "name": found.name,
            "description": found.description,
            "pain_points": _lines(found.pain_points),
            "values": _lines(found.values),
            "objections": _lines(found.objections),
        }
    promotion: dict[str, Any] = {"name": "", "message": "", "channel": ""}
    if prospect.promotion_id is not None:
        promo = get_promotion(store, prospect.promotion_id)
        promotion = {"name": promo.name, "message": promo.message, "channel": str(promo.channel)}
    value = prospect.value
    return {
        "prospect": {
            "name": prospect.name,
            "first_name": prospect.name.split()[0] if prospect.name.split() else "",
            "email": prospect.email or "",
            "title": prospect.title or "",
            "company": prospect.company or "",
            "stage": str(prospect.stage),
            "website": prospect.website or "",
        },
        "company": {"name": prospect.company or "", "website": prospect.website or ""},
        "deal": {
            "value": "" if value is None else f"{value / 100:,.2f}",
            "currency": prospect.currency,
            "stage": str(prospect.stage),
        },
        "segment": segment,
        "promotion": promotion,
        "first_name": prospect.name.split()[0] if prospect.name.split() else "",
        "pain_point": (segment["pain_points"] or [""])[0],
        "value": (segment["values"] or [""])[0],
        "objection": (segment["objections"] or [""])[0],
    }


def log_sent(
    store: Store,
    prospect_id: int,
    subject: str,
    message_id: str,
    *,
    excerpt: str = "",
    when: dt.datetime | None = None,
) -> int:
    """Log a message sent to a prospect as an outbound email, once (by its Message-ID)."""
    key = f"mid:{message_id.strip('<> ')}"
    with store.transaction():
        if store.scalar("SELECT 1 FROM mail_messages WHERE key = ?", (key,)):
            raise StorageError("This message was already logged.")
        interaction = log_interaction(
            store,
            InteractionIn(
                prospect_id=prospect_id,
                kind=InteractionKind.email,
                occurred_at=when or clock.now(),
                # A control character (from a name an older release kept) is shown, not
                # refused: the message has gone, so it is logged whatever its subject.
                summary=visible(" ".join(subject.split()))[:200] or "(no subject)",
            ),
        )
        store.execute(
            "INSERT INTO mail_log(interaction_id, message_key, direction, excerpt, choose_deal) "
            "VALUES (?, ?, 'out', ?, ?)",
            (interaction.id, key, excerpt[:280], int(deal_to_pick(store, interaction))),
        )
        store.execute(
            "INSERT INTO mail_messages(key, status, seen_at) VALUES (?, 'logged', ?)",
            (key, now_text()),
        )
    return interaction.id


# --- sequences ---------------------------------------------------------------------------


def parse_steps(texts: list[str]) -> list[Step]:
    """``0:intro 4:case-study 10:check-in`` as steps, in day order."""
    steps = []
    for text in texts:
        day, sep, name = text.partition(":")
        if not sep or not day.strip().isdigit() or not name.strip():
            raise StorageError(f"{text!r}: write each step as DAY:TEMPLATE, e.g. 4:case-study.")
        steps.append(Step(int(day), name.strip()))
    if not steps:
        raise StorageError("A sequence needs at least one step (DAY:TEMPLATE).")
    return sorted(steps, key=lambda s: s.day)


def save_sequence(store: Store, name: str, steps: list[Step]) -> Sequence:
    for step in steps:
        get_template(store, step.template)  # each step's template must exist
    with store.transaction():
        store.execute(
            "INSERT INTO mail_sequences(name, steps, created_at) VALUES (?, ?, ?) "
            "ON CONFLICT(name) DO UPDATE SET steps = excluded.steps",
            (name, json.dumps([[s.day, s.template] for s in steps]), now_text()),
        )
    return get_sequence(store, name)


def get_sequence(store: Store, name: str) -> Sequence:
    rows = store.query("SELECT * FROM mail_sequences WHERE name = ?", (name,))
    if not rows:
        raise NotFoundError(f"There is no sequence named {name!r}.")
    steps = tuple(Step(int(day), str(t)) for day, t in json.loads(rows[0]["steps"]))
    return Sequence(int(rows[0]["id"]), str(rows[0]["name"]), steps)


def start_sequence(
    store: Store, name: str, prospect_id: int, start: dt.date | None = None
) -> list[int]:
    """Start a sequence for a prospect: one follow-up per step ("Send intro (sequence x)")."""
    sequence = get_sequence(store, name)
    first = start or clock.today()
    with store.transaction():
        get_prospect(store, prospect_id)
        if store.scalar(
            "SELECT 1 FROM mail_enrolments WHERE sequence_id = ? AND prospect_id = ?",
            (sequence.id, prospect_id),
        ):
            raise StorageError(f"This prospect is already in the sequence {name!r}.")
        ids = [
            create_followup(
                store,
                FollowUpIn(
                    prospect_id=prospect_id,
                    title=f"Send {step.template} (sequence {sequence.name})",
                    due_date=first + dt.timedelta(days=step.day),
                ),
            ).id
            for step in sequence.steps
        ]
        store.execute(
            "INSERT INTO mail_enrolments(sequence_id, prospect_id, started_on, followups) "
            "VALUES (?, ?, ?, ?)",
            (sequence.id, prospect_id, first.isoformat(), json.dumps(ids)),
        )
    return ids


def enrolment_paused(store: Store, name: str, prospect_id: int) -> bool:
    sequence = get_sequence(store, name)
    paused = store.scalar(
        "SELECT paused_at FROM mail_enrolments WHERE sequence_id = ? AND prospect_id = ?",
        (sequence.id, prospect_id),
    )
    return paused is not None
