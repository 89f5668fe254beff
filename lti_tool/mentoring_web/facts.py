"""The plain data the pure parts of the web work on: scoring, gap prompts, layout and rendering.

Services turn database rows into these frozen dataclasses; nothing here knows Flask or SQLAlchemy,
so every rule about a web is unit-testable from literals (see tests/unit/mentoring_web/).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from lti_tool.mentoring_web.vocabulary import (
    Formality,
    Frequency,
    Location,
    Model,
    RoleFamily,
    Stance,
    Status,
    StrandKind,
    Support,
    role_family,
)


class Direction(StrEnum):
    """Who supports whom. Reciprocal strands run both ways; some strands are people I support."""

    SUPPORTS_ME = "supports_me"
    MUTUAL = "mutual"  # "I am a strand in their web too" (the brief's `reciprocal`)
    I_SUPPORT = "i_support"  # whom I support, e.g. my students as a group


@dataclass(frozen=True)
class StrandFacts:
    label: str
    kind: StrandKind
    board_role: str
    location: Location
    model: Model
    supports: frozenset[Support]
    frequency: Frequency
    status: Status
    direction: Direction = Direction.SUPPORTS_ME
    strength: int | None = None  # 1-10, the scaling-questions scale
    strength_note: str = ""
    i_offer: str = ""
    stance: Stance | None = None
    formality: Formality | None = None
    next_step: str = ""
    next_check_in: date | None = None
    last_contact_on: date | None = None
    id: int | None = None

    @property
    def role_family(self) -> RoleFamily:
        return role_family(self.board_role)

    @property
    def is_reciprocal(self) -> bool:
        return self.direction in (Direction.MUTUAL, Direction.I_SUPPORT)

    @property
    def is_planned(self) -> bool:
        return self.status is Status.PLANNED


@dataclass(frozen=True)
class CentreCard:
    """The learner at the centre ("look in the mirror"): strengths before needs."""

    display_name: str = ""
    board_role: str | None = None
    years_in_role: str | None = None
    strengths: tuple[str, ...] = ()
    quiet_victories: tuple[str, ...] = ()
    goals: tuple[str, ...] = ()


@dataclass(frozen=True)
class WebFacts:
    centre: CentreCard
    strands: tuple[StrandFacts, ...] = field(default_factory=tuple)
