"""Seed one course for `bench.course_pages`: `bench.progress_seed`'s learners and work, plus webs.

`progress_seed.seed_learners` is used as it is (the progress-grid benchmark relies on it): it adds
the learners, their memberships, progress and reflections, of which about half of the shared ones
wait for feedback, so the review queue has a long list. This module adds, in bulk and from a
seeded random generator, what the cohort pages read:

- a mentoring web (`WebOwner`) for ~85 % of the learners who launched, with a centre-card role;
- 0 to 9 strands per web, drawn from the vocabulary (role, model, supports, status, direction);
- the users' search keys (`User.name_key`, `User.search_text`), which a bulk insert leaves empty;
- 1 to 3 snapshots per web over the last 90 days, each holding the web as it was (`web_to_json`
  of its first strands then) and its score, as `services.snapshots` writes them.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from bench.progress_seed import CHUNK, Seeded, _ids, seed_learners
from lti_tool.mentoring_web.domain.export import web_to_json
from lti_tool.mentoring_web.domain.facts import CentreCard, Direction, StrandFacts, WebFacts
from lti_tool.mentoring_web.domain.score import score as web_score
from lti_tool.mentoring_web.domain.vocabulary import (
    BOARD_ROLES,
    STUDENTS_ROLE,
    Formality,
    Frequency,
    Location,
    Model,
    Status,
    StrandKind,
    Support,
)
from lti_tool.mentoring_web.models import Strand, WebOwner, WebSnapshot
from lti_tool.people.models import MEMBER_ACTIVE, Membership, User

ROLES = tuple(value for value, _label, _family in BOARD_ROLES)
STATUSES = (Status.ACTIVE,) * 6 + (Status.DORMANT, Status.ENDED, Status.PLANNED)


def _strand(rng: random.Random, n: int, today: date) -> StrandFacts:
    role = rng.choice(ROLES)
    return StrandFacts(
        label=f"Collègue {n}",
        # Students are always a group strand (domain.validation), as the strand form insists.
        kind=StrandKind.GROUP if role == STUDENTS_ROLE else rng.choice(tuple(StrandKind)),
        board_role=role,
        location=rng.choice(tuple(Location)),
        model=rng.choice(tuple(Model)),
        supports=frozenset(rng.sample(tuple(Support), rng.randint(1, 3))),
        frequency=rng.choice(tuple(Frequency)),
        status=rng.choice(STATUSES),
        direction=rng.choice(tuple(Direction)),
        strength=rng.randint(1, 10),
        formality=rng.choice(tuple(Formality)),
        last_contact_on=today - timedelta(days=rng.randint(0, 120)),
    )


def seed_course(
    session: Session,
    *,
    issuer: str,
    context_pk: int,
    modules: Sequence,
    numbers: range,
    now: datetime,
    rng: random.Random,
) -> dict[str, int]:
    """Learners `numbers` with their module work (`seed_learners`) and their webs; flushed."""
    before = session.scalar(select(User.id).order_by(User.id.desc()).limit(1)) or 0
    seeded: Seeded = seed_learners(
        session,
        issuer=issuer,
        context_pk=context_pk,
        modules=modules,
        numbers=numbers,
        now=now,
        rng=rng,
    )
    # The users' search keys are column defaults computed from their names, so the bulk insert
    # above stored them as a launch or a roster sync would.
    learners = session.execute(
        select(Membership.user_id)
        .where(
            Membership.context_id == context_pk,
            Membership.user_id > before,
            Membership.status == MEMBER_ACTIVE,
            Membership.last_launch_at.is_not(None),
        )
        .order_by(Membership.user_id)
    ).scalars()
    today = now.date()
    owners: list[dict[str, Any]] = []
    webs: list[list[StrandFacts]] = []
    for user_id in learners:
        if rng.random() >= 0.85:
            continue
        owners.append(
            {
                "user_id": user_id,
                "context_id": context_pk,
                "board_role": rng.choice(ROLES),
                "years_in_role": rng.choice(("lt1", "1_2", "3_5")),
                "strengths": [],
                "quiet_victories": [],
                "goals": [],
                "shared_with_facilitators": rng.random() < 0.3,
                "created_at": now - timedelta(days=100),
                "updated_at": now - timedelta(days=rng.uniform(0, 10)),
            }
        )
        webs.append([_strand(rng, n, today) for n in range(rng.randint(0, 9))])
    owner_ids = _ids(session, WebOwner, owners)
    strands, snapshots = [], []
    for owner_id, owner, web in zip(owner_ids, owners, webs, strict=True):
        for facts in web:
            strands.append(
                {
                    "owner_id": owner_id,
                    "label": facts.label,
                    "kind": facts.kind.value,
                    "board_role": facts.board_role,
                    "location": facts.location.value if facts.location else "",
                    "model": facts.model.value if facts.model else "",
                    "supports": sorted(s.value for s in facts.supports),
                    "frequency": facts.frequency.value if facts.frequency else "",
                    "status": facts.status.value,
                    "direction": facts.direction.value,
                    "strength": facts.strength,
                    "formality": facts.formality.value if facts.formality else None,
                    "last_contact_on": facts.last_contact_on,
                }
            )
        centre = CentreCard(board_role=owner["board_role"], years_in_role=owner["years_in_role"])
        for taken in sorted(rng.sample(range(1, 90), rng.randint(1, 3)), reverse=True):
            taken_at = now - timedelta(days=taken)
            then = WebFacts(centre=centre, strands=tuple(web[: rng.randint(0, len(web))]))
            then_score = web_score(then, taken_at.date())
            snapshots.append(
                {
                    "owner_id": owner_id,
                    "taken_at": taken_at,
                    "reason": "requested",
                    "web": web_to_json(then, then_score),
                    "total": then_score.total,
                    "band": then_score.band.value,
                }
            )
    for start in range(0, len(strands), CHUNK):
        session.execute(insert(Strand), strands[start : start + CHUNK])
    for start in range(0, len(snapshots), CHUNK):
        session.execute(insert(WebSnapshot), snapshots[start : start + CHUNK])
    session.flush()
    return {
        **vars(seeded),
        "webs": len(owner_ids),
        "strands": len(strands),
        "snapshots": len(snapshots),
    }
