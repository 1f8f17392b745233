"""The domain's vocabulary: enums and pydantic models for every entity, with validation.

No I/O here. Input models (``…In``) validate what a person typed or a file held; record
models add the identity and bookkeeping columns the database keeps. Error messages name the
field, say what is wrong and what is expected, so a form can show them next to the field.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, ClassVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from dualrole.core.dates import clock
from dualrole.core.dates.reading import DATE_EXAMPLES, MAX_YEAR, MIN_YEAR, parse_date, parse_time
from dualrole.core.dates.when import format_day, parse_moment, split_moment
from dualrole.core.enums import (
    OPEN_STAGES,
    STAGE_ORDER,
    STAGE_WEIGHT,
    Channel,
    InteractionKind,
    LeadSource,
    PromotionStatus,
    RepeatUnit,
    ResearchKind,
    ResearchSource,
    Side,
    Stage,
)
from dualrole.core.parsing import clean_text, parse_email, parse_money
from dualrole.core.printable import visible

__all__ = [  # the enums are re-exported here for convenience
    "NAME_MAX",
    "OPEN_STAGES",
    "SHORT_MAX",
    "STAGE_ORDER",
    "STAGE_WEIGHT",
    "TEXT_MAX",
    "Channel",
    "CompanyIn",
    "DealIn",
    "FollowUp",
    "FollowUpIn",
    "Input",
    "Interaction",
    "InteractionIn",
    "InteractionKind",
    "LeadSource",
    "MarketingTask",
    "MarketingTaskIn",
    "Promotion",
    "PromotionIn",
    "PromotionResult",
    "PromotionResultIn",
    "PromotionStatus",
    "Prospect",
    "ProspectIn",
    "Record",
    "Reflection",
    "ReflectionIn",
    "RepeatUnit",
    "ResearchKind",
    "ResearchNote",
    "ResearchNoteIn",
    "ResearchSource",
    "Segment",
    "SegmentIn",
    "Side",
    "Stage",
    "StageChange",
    "describe_errors",
    "error_sentence",
    "field_errors",
]

NAME_MAX = 200
SHORT_MAX = 500
TEXT_MAX = 1_000_000  # a long Markdown note; anything bigger is a pasted file, not a note


def _not_blank(value: str) -> str:
    if not value.strip():  # Python's strip also drops the separators \x1c-\x1f
        raise ValueError("is required")
    return value


def _max_len(limit: int) -> AfterValidator:
    def check(value: str | None) -> str | None:
        if value is not None and len(value) > limit:
            raise ValueError(f"is {len(value):,} characters long; at most {limit:,} fit")
        return value

    return AfterValidator(check)


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _currency(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip().upper()
        if not (len(value) == 3 and value.isascii() and value.isalpha()):
            raise ValueError("must be a three-letter currency code such as EUR or USD")
    return value


def _moment_in_range(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(
            f"year {value.year} is out of range; use a year from {MIN_YEAR} to {MAX_YEAR}"
        )
    return value


def _past_day(value: Any) -> Any:
    return parse_date(value, past=True)


def _happened(value: dt.datetime | None) -> dt.datetime | None:
    """Something that happened is at most tomorrow: a later day would make the prospect look
    recently contacted for months (no idle or keep-in-touch alert until then)."""
    if value is None:
        return None
    latest = clock.today() + dt.timedelta(days=1)
    if value.astimezone().date() > latest:
        raise ValueError(
            f"is {format_day(value.astimezone().date())}, after tomorrow; log what has "
            "happened (a follow-up is for what is to come)"
        )
    return value


class _OneLine:
    """Marks a field that holds one line of text (a name, a title): see ``Input._one_line``."""


ONE_LINE = _OneLine()
_NOT_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
"""Control characters (C0, DEL, C1) and the Unicode line and paragraph separators."""
_LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")


def one_line_problem(value: str) -> str | None:
    """Why ``value`` cannot be one line of text (a line break or a control character), or None."""
    found = _NOT_ONE_LINE.search(value)
    if found is None:
        return None
    if found[0] in _LINE_BREAKS:
        return "must be one line; remove the line break"
    return f"contains a control character (U+{ord(found[0]):04X}); remove it"


Text = Annotated[str, BeforeValidator(clean_text)]
Name = Annotated[Text, AfterValidator(_not_blank), _max_len(NAME_MAX), ONE_LINE]
Short = Annotated[Text, _max_len(SHORT_MAX), ONE_LINE]
# Long text (notes, Markdown bodies) is kept exactly as typed: leading spaces can be Markdown.
LongText = Annotated[
    str, StringConstraints(strip_whitespace=False), BeforeValidator(clean_text), _max_len(TEXT_MAX)
]
OptShort = Annotated[
    str | None,
    BeforeValidator(_blank_to_none),
    BeforeValidator(clean_text),
    _max_len(SHORT_MAX),
    ONE_LINE,
]
Email = Annotated[str | None, BeforeValidator(parse_email)]
Money = Annotated[int | None, BeforeValidator(parse_money)]
ReqMoney = Annotated[int, BeforeValidator(parse_money)]
Date = Annotated[dt.date | None, BeforeValidator(parse_date)]
ReqDate = Annotated[dt.date, BeforeValidator(parse_date)]
PastDate = Annotated[dt.date, BeforeValidator(_past_day)]
"""A day something happened on: ``mon`` is last Monday."""
Time = Annotated[dt.time | None, BeforeValidator(parse_time)]
Moment = Annotated[
    dt.datetime | None,
    BeforeValidator(parse_moment),
    AfterValidator(_moment_in_range),
    AfterValidator(_happened),
]
"""When something happened: ``yesterday 15:00``, ``thu 3pm``, ISO; at most tomorrow."""
Count = Annotated[int, Field(ge=0, le=10**12)]
Id = Annotated[int | None, BeforeValidator(_blank_to_none)]


def _tags(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list | tuple | set):
        raise ValueError("must be words separated by commas, e.g. berlin, trade fair")
    tags: list[str] = []
    for raw in value:
        tag = clean_text(str(raw)).strip().lstrip("#").strip().lower()
        if len(tag) > 50:
            raise ValueError(f"tag {tag[:20]!r}… is longer than 50 characters")
        problem = one_line_problem(tag)
        if problem:
            raise ValueError(f"tag {visible(tag[:20])!r} {problem}")
        if tag and tag not in tags:
            tags.append(tag)
    return tags


Tags = Annotated[list[str], BeforeValidator(_tags)]


class Input(BaseModel):
    """Base for what a person or a file hands us: strict about unknown fields."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, use_enum_values=False)

    stored: ClassVar[bool] = False
    """True on the record models: a row already kept is read as it is, never refused."""

    @field_validator("*", mode="after")
    @classmethod
    def _one_line(cls, value: Any, info: ValidationInfo) -> Any:
        """A name, title or other one-line field holds no line break or control character
        (multi-line fields — notes, an interaction's outcome — keep theirs)."""
        if cls.stored or type(value) is not str or _NOT_ONE_LINE.search(value) is None:
            return value
        field = cls.model_fields.get(info.field_name or "")
        if field is not None and any(mark is ONE_LINE for mark in field.metadata):
            raise ValueError(one_line_problem(value))
        return value


class SegmentIn(Input):
    name: Name
    description: LongText = ""
    age_range: OptShort = None
    gender: OptShort = None
    marital_status: OptShort = None
    income: OptShort = None
    education: OptShort = None
    occupation: OptShort = None
    location: OptShort = None
    interests: LongText = ""
    pain_points: LongText = ""
    values: LongText = ""
    objections: LongText = ""


class ResearchNoteIn(Input):
    kind: ResearchKind = ResearchKind.consumer
    title: Name
    body: LongText = ""
    source: ResearchSource = ResearchSource.other
    segment_id: Id = None
    prospect_id: Id = None
    tags: Tags = []


class PromotionIn(Input):
    name: Name
    message: LongText = ""
    channel: Channel = Channel.other
    segment_id: Id = None
    status: PromotionStatus = PromotionStatus.idea
    start_date: Date = None
    end_date: Date = None
    budget: Money = None
    currency: Annotated[str | None, BeforeValidator(_currency), BeforeValidator(_blank_to_none)] = (
        None
    )
    """The budget's and the logged spend's; None: the workspace's (new), unchanged (edit)."""

    @model_validator(mode="after")
    def _dates_in_order(self) -> PromotionIn:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError("end date: comes before the start date; pick a later day")
        return self


class PromotionResultIn(Input):
    promotion_id: int
    day: PastDate
    reach: Count = 0
    engagement: Count = 0
    clicks: Count = 0
    spend: Money = None


class MarketingTaskIn(Input):
    title: Name
    due_date: Date = None
    promotion_id: Id = None
    segment_id: Id = None
    notes: LongText = ""


class ProspectIn(Input):
    name: Name
    company: OptShort = None
    title: OptShort = None
    email: Email = None
    phone: OptShort = None
    website: OptShort = None
    value: Money = None
    currency: Annotated[str, BeforeValidator(_currency)] = "EUR"
    source: LeadSource = LeadSource.other
    promotion_id: Id = None
    segment_id: Id = None
    notes: LongText = ""
    keep_in_touch_days: Annotated[
        int | None, Field(ge=1, le=3650), BeforeValidator(_blank_to_none)
    ] = None
    tags: Tags = []

    @model_validator(mode="after")
    def _promotion_source(self) -> ProspectIn:
        if self.promotion_id is not None:
            self.source = LeadSource.promotion
        return self


class DealValueIn(Input):
    """A deal's value on its own (the final value asked when a deal is won)."""

    value: Money = None


class InteractionIn(Input):
    prospect_id: int
    kind: InteractionKind = InteractionKind.call
    occurred_at: Moment = None
    summary: Name
    outcome: LongText = ""
    is_feedback: bool = False
    deal_id: int | None = None  # the deal it was about (default: the person's only open one)


class FollowUpIn(Input):
    prospect_id: int
    title: Name
    due_date: ReqDate
    due_time: Time = None
    repeat_every: Annotated[int | None, Field(ge=1, le=365), BeforeValidator(_blank_to_none)] = None
    repeat_unit: RepeatUnit = RepeatUnit.days

    @model_validator(mode="before")
    @classmethod
    def _time_in_due(cls, data: Any) -> Any:
        """``fri 14:30`` in Due: the day is due, the time fills an empty Time."""
        if not isinstance(data, dict) or not isinstance(data.get("due_date"), str):
            return data
        try:
            day, time = split_moment(data["due_date"]) if data["due_date"].strip() else (None, None)
        except ValueError:
            return data  # the field's own validator says what is wrong with it
        if time is None:
            return data
        given = data.get("due_time")
        if given is not None and str(given).strip():
            try:
                same = parse_time(given) == time
            except ValueError:
                return data
            if not same:
                raise ValueError(
                    f"due time: Due says {time:%H:%M} and Time says {str(given).strip()}; "
                    "give the time once"
                )
        return {**data, "due_date": day, "due_time": time}


class ReflectionIn(Input):
    went_well: LongText = ""
    to_improve: LongText = ""
    focus_next: LongText = ""


# --- records: what the database holds --------------------------------------------------


class Record(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    stored: ClassVar[bool] = True

    id: int
    version: int = 1
    created_at: dt.datetime
    updated_at: dt.datetime | None = None


class Segment(Record, SegmentIn):
    model_config = ConfigDict(extra="ignore")


class ResearchNote(Record, ResearchNoteIn):
    model_config = ConfigDict(extra="ignore")
    interaction_id: int | None = None


class Promotion(Record, PromotionIn):
    model_config = ConfigDict(extra="ignore")


class PromotionResult(BaseModel):
    id: int
    promotion_id: int
    day: dt.date
    reach: int
    engagement: int
    clicks: int
    spend: int | None


class MarketingTask(Record, MarketingTaskIn):
    model_config = ConfigDict(extra="ignore")
    done_at: dt.datetime | None = None


class Prospect(Record, ProspectIn):
    model_config = ConfigDict(extra="ignore")
    stage: Stage = Stage.lead
    lost_reason: str | None = None
    last_contact_at: dt.datetime | None = None
    stage_changed_at: dt.datetime | None = None


class StageChange(BaseModel):
    id: int
    prospect_id: int
    from_stage: Stage | None
    to_stage: Stage
    changed_at: dt.datetime
    reason: str | None = None


class Interaction(BaseModel):
    id: int
    prospect_id: int
    kind: InteractionKind
    occurred_at: dt.datetime
    summary: str
    outcome: str = ""
    is_feedback: bool = False
    research_note_id: int | None = None
    deal_id: int | None = None
    created_at: dt.datetime


class FollowUp(Record):
    model_config = ConfigDict(extra="ignore")
    prospect_id: int
    title: str
    due_date: dt.date
    due_time: dt.time | None = None
    repeat_every: int | None = None
    repeat_unit: RepeatUnit = RepeatUnit.days
    done_at: dt.datetime | None = None
    sequence: int = 0

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class Reflection(ReflectionIn):
    model_config = ConfigDict(extra="ignore")
    week: str


_SAID_BY_US = ("value_error", "assertion_error")
"""Error types whose text we wrote (a ``ValueError`` raised by our validators)."""

_TYPE_SENTENCES: tuple[tuple[str, str], ...] = (
    ("missing", "is required"),
    ("extra_forbidden", "is not a field we know"),
    ("greater_than_equal", "must be at least {ge}"),
    ("greater_than", "must be more than {gt}"),
    ("less_than_equal", "must be at most {le}"),
    ("less_than", "must be less than {lt}"),
    ("int", "must be a whole number"),
    ("float", "must be a number"),
    ("decimal", "must be a number"),
    ("bool", "must be yes or no"),
    ("datetime", "is not a date and time; try yesterday 15:00, thu 3pm or 2026-11-19 14:30"),
    ("date", f"is not a date; try {DATE_EXAMPLES}"),
    ("time", "is not a time; use HH:MM (24-hour) or e.g. 2pm"),
    ("string_too_long", "is too long; at most {max_length} characters fit"),
    ("too_long", "has too many entries; at most {max_length}"),
    ("string", "must be text"),
    ("list", "must be a list"),
)
"""Every other error in our words, by pydantic's error type (prefix): never its own text,
which reads "Input should be ...". Anything not listed is "is not valid"."""


def _our_words(item: Any) -> str:
    kind = str(item.get("type", ""))
    if kind in _SAID_BY_US:
        message = str(item.get("msg", "is not valid"))
        return message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    context = item.get("ctx") or {}
    if kind == "enum":
        return f"must be one of {context.get('expected', '')}"
    for prefix, sentence in _TYPE_SENTENCES:
        if kind.startswith(prefix):
            try:
                return sentence.format(**context)
            except (KeyError, IndexError):
                return "is not valid"
    return "is not valid"


def field_errors(error: ValidationError) -> dict[str, str]:
    """Map a pydantic error to {field: one sentence}, the shape forms and the CLI show.

    Model-level errors (from ``model_validator``) carry the field in their text as
    ``"field: message"``; they are filed under that field.
    """
    errors: dict[str, str] = {}
    for item in error.errors():
        loc = [str(part) for part in item.get("loc", ()) if not isinstance(part, int)]
        message = _our_words(item)
        field = loc[0] if loc else ""
        if not field and ": " in message:
            label, message = message.split(": ", 1)
            field = label.replace(" ", "_")
        errors.setdefault(field or "form", message)
    return errors


def describe_errors(error: ValidationError, labels: dict[str, str] | None = None) -> str:
    """One readable line per field, for the command line; ``labels`` names a field as the
    person typed it (``{"repeat_every": "--repeat"}``)."""
    names = labels or {}
    return "; ".join(
        f"{names.get(field, field.replace('_', ' '))} {message}"
        for field, message in field_errors(error).items()
    )


def error_sentence(error: BaseException) -> str:
    """A failure as the person reads it: a validation error in our words, else its text.

    ``ValidationError`` is a ``ValueError``, so every ``except ValueError`` that shows
    ``str(exc)`` would show pydantic's wording; such handlers call this instead.
    """
    if isinstance(error, ValidationError):
        return describe_errors(error)
    return str(error)


# --- companies and deals (issue 27) ---


class DealIn(Input):
    """A new deal, or a deal's edited fields. ``source`` None: credited to its person's own
    (original) source."""

    title: Name
    stage: Stage = Stage.lead
    value: Money = None
    currency: OptShort = None
    source: LeadSource | None = None
    promotion_id: Id = None
    expected_close: Date = None


class CompanyIn(Input):
    name: Name
    website: OptShort = None
    notes: LongText = ""
    tags: Tags = []
