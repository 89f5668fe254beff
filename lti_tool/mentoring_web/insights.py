"""Cohort web insights (issue 5 point 3): a course's anonymous figures today, and their change.

For the facilitator's cohort page and the steering committee's one-page report. Everything here
is computed from the learners' webs of the launch's course (webs of active members whose course
role is learner, through `sharing.webs_in`, the same rule as the facilitators' shared list), and the
earliest snapshot of each of those webs. The figures come out of `domain_cohort` and
`domain_cohort_change`, which read scores and vocabulary values only: no name, label or note is
copied into them.

Queries are constant whatever the size of the course: the webs and their strands (two, as on the
existing cohort page) and one query for the first snapshot of every web in the course, picked by a
window function so that a learner with twenty milestone snapshots costs one row, not twenty.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lti_tool.lti.launch import LaunchContext
from lti_tool.lti.models import Membership
from lti_tool.lti.roles import ToolRole
from lti_tool.mentoring_web import domain
from lti_tool.mentoring_web.domain_cohort_change import CohortChange, LearnerChange, cohort_change
from lti_tool.mentoring_web.facts import WebScoreAndFacts
from lti_tool.mentoring_web.models import WebOwner, WebSnapshot
from lti_tool.mentoring_web.services import web_facts
from lti_tool.mentoring_web.sharing import facilitator_course, webs_in


@dataclass(frozen=True)
class CohortInsights:
    """What the cohort page and report show; each part is None below the threshold."""

    threshold: int
    summary: domain.CohortSummary | None  # today's figures (§3.4)
    change: CohortChange | None  # first snapshot (on or after `since`) vs. today
    since: date | None


def cohort_insights(
    session: Session,
    launch: LaunchContext,
    *,
    threshold: int,
    today: date,
    since: date | None = None,
) -> CohortInsights:
    """Today's anonymous figures for the course and the change since each learner's first snapshot.

    `since` moves "first" to the earliest snapshot taken on or after that day (UTC), for a
    "September vs. now" comparison; learners with no snapshot since then are not counted in the
    change. A snapshot the tool can no longer read is left out of the change rather than failing
    the page: one unreadable history should not hide the whole cohort's.
    """
    context_pk = facilitator_course(launch)
    owners = session.scalars(webs_in(context_pk).where(Membership.role == ToolRole.LEARNER.value))
    # web_facts without a display name: nothing that could name a person enters the figures.
    learners: dict[int, WebScoreAndFacts] = {}
    for owner in owners:
        web = web_facts(owner)
        learners[owner.id] = WebScoreAndFacts(web=web, score=domain.score(web, today))
    summary = domain.cohort_summary(list(learners.values()), threshold)
    changes = _changes(first_snapshots(session, context_pk, since), learners)
    return CohortInsights(
        threshold=threshold,
        summary=summary,
        change=cohort_change(changes, threshold),
        since=since,
    )


def first_snapshots(session: Session, context_pk: int, since: date | None) -> list[WebSnapshot]:
    """The earliest snapshot of each web of the course (on or after `since`), in one query.

    Webs of every member are read here; `_changes` keeps the learners'. Ties on `taken_at` go to
    the lower id, so the choice never depends on the database's row order.
    """
    rank = (
        func.row_number()
        .over(partition_by=WebSnapshot.owner_id, order_by=(WebSnapshot.taken_at, WebSnapshot.id))
        .label("rank")
    )
    ranked = (
        select(WebSnapshot.id.label("id"), rank)
        .join(WebOwner, WebOwner.id == WebSnapshot.owner_id)
        .where(WebOwner.context_id == context_pk)
    )
    if since is not None:
        ranked = ranked.where(WebSnapshot.taken_at >= datetime.combine(since, time.min))
    firsts = ranked.subquery()
    return list(
        session.scalars(
            select(WebSnapshot)
            .join(firsts, firsts.c.id == WebSnapshot.id)
            .where(firsts.c.rank == 1)
            .order_by(WebSnapshot.owner_id)
        )
    )


def _changes(
    snapshots: Sequence[WebSnapshot], learners: dict[int, WebScoreAndFacts]
) -> list[LearnerChange]:
    """Pair each learner's first snapshot (scored as of when it was taken) with their web today."""
    changes = []
    for snapshot in snapshots:
        now = learners.get(snapshot.owner_id)
        if now is None:  # a facilitator's or mentor's web, or someone no longer in the course
            continue
        try:
            then = domain.snapshot_from_json(snapshot.web, snapshot.taken_at)
        except domain.WebDataError:
            continue
        changes.append(LearnerChange(then=then.score, now=now.score))
    return changes
