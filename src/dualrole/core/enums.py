"""The domain's fixed vocabularies (stages, channels, kinds…) as plain enums.

Kept apart from ``models`` so code that only needs a name (lists, the Today screen, the first
frame) does not pay for building the pydantic models.
"""

from __future__ import annotations

from enum import StrEnum


class Side(StrEnum):
    marketing = "marketing"
    sales = "sales"


class ResearchKind(StrEnum):
    consumer = "consumer"
    product = "product"
    competitor = "competitor"
    trend = "trend"
    feedback = "feedback"


class ResearchSource(StrEnum):
    interview = "interview"
    survey = "survey"
    reviews = "reviews"
    social_media = "social media"
    sales_feedback = "sales feedback"
    desk_research = "desk research"
    other = "other"


class Channel(StrEnum):
    social_media = "social media"
    online_ads = "online ads"
    email = "email"
    website = "website/blog"
    press_release = "press release"
    event = "event"
    radio = "radio"
    tv = "TV"
    newspaper = "newspaper"
    magazine = "magazine"
    referral_programme = "referral programme"
    other = "other"


class PromotionStatus(StrEnum):
    idea = "idea"
    planned = "planned"
    running = "running"
    done = "done"
    cancelled = "cancelled"


class Stage(StrEnum):
    lead = "lead"
    contacted = "contacted"
    qualified = "qualified"
    proposal = "proposal"
    negotiation = "negotiation"
    won = "won"
    lost = "lost"

    @property
    def is_open(self) -> bool:
        return self not in (Stage.won, Stage.lost)

    @property
    def rank(self) -> int:
        """Position in the funnel; lost ranks nowhere."""
        return STAGE_ORDER.index(self) if self in STAGE_ORDER else -1


STAGE_ORDER = [
    Stage.lead,
    Stage.contacted,
    Stage.qualified,
    Stage.proposal,
    Stage.negotiation,
    Stage.won,
]
OPEN_STAGES = [s for s in Stage if s.is_open]
# Chance that an open deal at this stage is won; used for the weighted pipeline.
STAGE_WEIGHT = {
    Stage.lead: 0.1,
    Stage.contacted: 0.2,
    Stage.qualified: 0.3,
    Stage.proposal: 0.5,
    Stage.negotiation: 0.7,
}


class LeadSource(StrEnum):
    promotion = "promotion"
    referral = "referral"
    inbound = "inbound"
    outbound = "outbound"
    event = "event"
    other = "other"


class InteractionKind(StrEnum):
    call = "call"
    email = "email"
    meeting = "meeting"
    message = "message"
    demo = "demo"
    note = "note"


class RepeatUnit(StrEnum):
    days = "days"
    weeks = "weeks"


class RecordKind(StrEnum):
    """The records that have a page of their own (the palette finds them, lists open them)."""

    prospect = "prospect"
    segment = "segment"
    research_note = "research_note"
    promotion = "promotion"
    company = "company"
