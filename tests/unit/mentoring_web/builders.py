"""Strand literals for the domain tests: one helper with sensible defaults, and the brief's webs."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from lti_tool.mentoring_web.domain.facts import CentreCard, Direction, StrandFacts, WebFacts
from lti_tool.mentoring_web.domain.vocabulary import (
    Formality,
    Frequency,
    Location,
    Model,
    Stance,
    Status,
    StrandKind,
    Support,
)

TODAY = date(2025, 11, 14)


def strand(label: str = "Strand", **changes: Any) -> StrandFacts:
    """An active, weekly, supporting strand from a colleague in my building, unless told otherwise."""
    fields: dict[str, Any] = {
        "kind": StrandKind.INDIVIDUAL,
        "board_role": "classroom_teacher_elementary",
        "location": Location.SAME_SITE,
        "model": Model.PEER_INFORMAL,
        "supports": frozenset({Support.INSTRUCTIONAL_PRACTICE}),
        "frequency": Frequency.WEEKLY_PLUS,
        "status": Status.ACTIVE,
    }
    fields.update(changes)
    if isinstance(fields["supports"], set):
        fields["supports"] = frozenset(fields["supports"])
    return StrandFacts(label=label, **fields)


def web(*strands: StrandFacts, centre: CentreCard | None = None) -> WebFacts:
    return WebFacts(centre=centre or CentreCard(), strands=strands)


def new_dece() -> WebFacts:
    """§1.7 example 1: teaching partner, another DECE, VP, CYW, online ECE network; 3 models;
    5 support types; one reciprocal (the teaching partner). One strand rated 7 or more."""
    return web(
        strand(
            "M.K. (Gr. 1 teaching partner)",
            supports={Support.INSTRUCTIONAL_PRACTICE, Support.WELLBEING},
            direction=Direction.MUTUAL,
            i_offer="Play-based assessment ideas",
            strength=8,
            stance=Stance.COLLABORATOR,
            formality=Formality.EMERGED,
        ),
        strand(
            "The other DECE in kindergarten",
            board_role="early_childhood_educator",
            supports={Support.WELLBEING, Support.EXPERTISE},
            strength=6,
        ),
        strand(
            "Our VP",
            board_role="principal_vice_principal",
            model=Model.ONE_TO_ONE_CHOSEN,
            supports={Support.NAVIGATION, Support.CAREER},
            frequency=Frequency.MONTHLY,
            strength=5,
        ),
        strand(
            "CYW on our team",
            board_role="child_youth_worker",
            frequency=Frequency.EVERY_2_3_WEEKS,
        ),
        strand(
            "Online ECE network",
            kind=StrandKind.NETWORK,
            board_role="external_network_colleague",
            location=Location.OUTSIDE_BOARD,
            model=Model.E_MENTORING,
            supports={Support.EXPERTISE, Support.INSTRUCTIONAL_PRACTICE},
            frequency=Frequency.MONTHLY,
        ),
    )


def seven_teacher_friends() -> WebFacts:
    """§1.7 example 2: seven teacher friends, all informal peers; 3 support types; 2 rated ≥ 7."""
    supports = (
        {Support.INSTRUCTIONAL_PRACTICE},
        {Support.WELLBEING},
        {Support.EXPERTISE},
        {Support.INSTRUCTIONAL_PRACTICE, Support.WELLBEING},
        {Support.WELLBEING},
        {Support.INSTRUCTIONAL_PRACTICE},
        {Support.EXPERTISE},
    )
    strengths = (8, 7, 6, 5, None, 4, 6)
    return web(
        *(
            strand(
                f"Teacher friend {letter}",
                board_role="classroom_teacher_secondary"
                if i % 2
                else "classroom_teacher_elementary",
                supports=support,
                strength=strength,
            )
            for i, (letter, support, strength) in enumerate(
                zip("ABCDEFG", supports, strengths, strict=True)
            )
        )
    )


def new_payroll_clerk() -> WebFacts:
    """§1.7 example 3: broker (office manager), a finance colleague, a flash chat with IT."""
    return web(
        strand(
            "Office manager",
            board_role="office_administrator",
            model=Model.BROKER,
            supports={Support.NAVIGATION},
        ),
        strand(
            "Finance colleague at the board office",
            board_role="business_support_staff",
            location=Location.OTHER_SITE,
            model=Model.ONE_TO_ONE_CHOSEN,
            supports={Support.EXPERTISE, Support.INSTRUCTIONAL_PRACTICE},
            frequency=Frequency.MONTHLY,
        ),
        strand(
            "IT technician",
            board_role="business_support_staff",
            location=Location.OTHER_SITE,
            model=Model.FLASH,
            supports={Support.INSTRUCTIONAL_PRACTICE},
            frequency=Frequency.JUST_IN_TIME,
            last_contact_on=TODAY - timedelta(days=20),
        ),
    )
