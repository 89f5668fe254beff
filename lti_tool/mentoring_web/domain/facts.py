"""The plain data the pure parts of the web work on: scoring, gap prompts, layout and rendering.

Services turn database rows into these frozen dataclasses; nothing here knows Flask or SQLAlchemy,
so every rule about a web is unit-testable from literals (see tests/unit/mentoring_web/).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from lti_tool.mentoring_web.domain.vocabulary import (
    N_,
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
    # A strand needs only a label and a role (quick add): None is "not said yet", never a guess.
    location: Location | None
    model: Model | None
    supports: frozenset[Support]
    frequency: Frequency | None
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


# --- What the pure rules compute (domain/score.py) and what snapshots keep ---------------------
# These live here, beside the facts they are computed from, so a snapshot can carry its score
# and the renderer can read a score without importing the rules.


class Band(StrEnum):
    """The Web Strength bands (§1.7), shown as a growing web image, never as a grade."""

    SEED = "seed"  # 0-6
    GROWING = "growing"  # 7-13
    STRONG = "strong"  # 14-20


BAND_LABELS: dict[Band, str] = {
    Band.SEED: N_("Seed"),
    Band.GROWING: N_("Growing"),
    Band.STRONG: N_("Strong"),
}


@dataclass(frozen=True)
class ChecklistItem:
    """One line of the strong-web checklist: what was asked, what the web has, and whether it is met."""

    code: str  # "strands" | "role_families" | "models"
    label: str  # N_-marked English; the view translates it
    value: int
    target: int

    @property
    def met(self) -> bool:
        return self.value >= self.target


@dataclass(frozen=True)
class WebScore:
    """The Web Strength score (§1.7) with the counts behind it.

    The uncapped counts and sets are kept so the same object feeds the renderer, the gap prompts,
    growth comparisons and cohort figures without re-deriving anything from the strands.
    """

    strands: int  # S: active distinct strands, capped at 7
    role_reach: int  # R: distinct role families, capped at 4
    support_coverage: int  # T: distinct support types, capped at 5
    model_mix: int  # M: distinct models - 1, capped at 2
    quality: int  # Q: strong ties (+1) and reciprocity (+1)
    band: Band
    checklist: tuple[ChecklistItem, ...]
    active_strands: int = 0  # uncapped count of active distinct strands that support me
    role_families: frozenset[RoleFamily] = frozenset()
    supports: frozenset[Support] = frozenset()
    models: frozenset[Model] = frozenset()
    strong_ties: int = 0  # active distinct strands rated 7 or more
    reciprocal_strands: int = 0  # active strands that run both ways or towards others

    @property
    def total(self) -> int:
        return (
            self.strands + self.role_reach + self.support_coverage + self.model_mix + self.quality
        )

    @property
    def is_strong_web(self) -> bool:
        """The headline indicator: every checklist item met."""
        return all(item.met for item in self.checklist)

    def components(self) -> dict[str, int]:
        """The five components by their letters in the brief, for tables and deltas."""
        return {
            "S": self.strands,
            "R": self.role_reach,
            "T": self.support_coverage,
            "M": self.model_mix,
            "Q": self.quality,
        }


@dataclass(frozen=True)
class SnapshotFacts:
    """A web as it was at `taken_at`, with the score computed then (see domain.growth.snapshot_of)."""

    taken_at: datetime
    strands: tuple[StrandFacts, ...]
    score: WebScore


@dataclass(frozen=True)
class WebScoreAndFacts:
    """One learner's latest web and its score: the unit of the anonymous cohort figures."""

    web: WebFacts
    score: WebScore
