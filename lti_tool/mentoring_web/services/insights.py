"""Cohort web insights (issue 5 point 3): a course's anonymous figures today, and their change.

For the facilitator's cohort page and the steering committee's one-page report. The figures are
computed from the course's *publication* (`published_cohort`): the learners' webs (webs of active
members whose course role is learner, through `sharing.webs_in`, the same rule as the facilitators'
shared list) as they were when it was made, with every word taken out, and the earliest snapshot of
each web taken before it. A publication is replaced at most once a period and only once at least
k learners' webs (or their snapshots) changed (`domain.cohort_publish`), so reading the page before
and after one learner's edit shows the same figures. The figures come out of `domain.cohort` and
`domain.cohort_change`, which read scores and vocabulary values only.

Queries are constant whatever the size of the course: the webs and their strands, the snapshot
counts, the publication, and one query for the first snapshot of every web in the course, picked
by a window function so that a learner with twenty milestone snapshots costs one row, not twenty.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lti_tool.db import utcnow
from lti_tool.lti.launch import LaunchContext
from lti_tool.lti.roles import ToolRole
from lti_tool.mentoring_web.domain.cohort import CohortSummary, cohort_summary
from lti_tool.mentoring_web.domain.cohort_change import CohortChange, LearnerChange, cohort_change
from lti_tool.mentoring_web.domain.cohort_publish import (
    changed_learners,
    fingerprint,
    should_republish,
    wordless,
)
from lti_tool.mentoring_web.domain.export import (
    WebDataError,
    snapshot_from_json,
    web_from_json,
    web_to_json,
)
from lti_tool.mentoring_web.domain.facts import WebScoreAndFacts
from lti_tool.mentoring_web.domain.score import score as web_score
from lti_tool.mentoring_web.models import CohortPublication, WebOwner, WebSnapshot
from lti_tool.mentoring_web.services.sharing import facilitator_course, webs_in
from lti_tool.mentoring_web.services.web import web_facts
from lti_tool.people.models import Membership


@dataclass(frozen=True)
class CohortInsights:
    """What the cohort page and report show; each part is None below the threshold."""

    threshold: int
    summary: CohortSummary | None  # today's figures (§3.4)
    change: CohortChange | None  # first snapshot (on or after `since`) vs. the publication
    since: date | None
    published_at: datetime | None = None  # when the figures were published


def cohort_insights(
    session: Session,
    launch: LaunchContext,
    *,
    threshold: int,
    today: date,
    since: date | None = None,
    period: timedelta = timedelta(days=1),
    now: datetime | None = None,
) -> CohortInsights:
    """The course's anonymous figures and their change since each learner's first snapshot, from
    the published cohort (`published_cohort`), so one learner's edit never shows on its own.

    `since` moves "first" to the earliest snapshot taken on or after that day (UTC), for a
    "September vs. now" comparison; learners with no snapshot since then are not counted in the
    change. Only snapshots taken before the publication count. A snapshot the tool can no longer
    read is left out of the change rather than failing the page. Flushes a new publication when
    one is due: the view commits.
    """
    context_pk = facilitator_course(launch)
    publication = published_cohort(
        session, context_pk, threshold=threshold, period=period, now=now or utcnow()
    )
    as_of = publication.published_at.date()
    learners: dict[int, WebScoreAndFacts] = {}
    for entry in publication.learners:
        web = web_from_json(entry["web"])
        learners[entry["owner_id"]] = WebScoreAndFacts(web=web, score=web_score(web, as_of))
    summary = cohort_summary(list(learners.values()), threshold)
    snapshots = first_snapshots(session, context_pk, since, until=publication.published_at)
    return CohortInsights(
        threshold=threshold,
        summary=summary,
        change=cohort_change(_changes(snapshots, learners), threshold),
        since=since,
        published_at=publication.published_at,
    )


def published_cohort(
    session: Session, context_pk: int, *, threshold: int, period: timedelta, now: datetime
) -> CohortPublication:
    """The course's publication, made or replaced now if due (see domain.cohort_publish)."""
    current = _wordless_learners(session, context_pk, now.date())
    publication: CohortPublication | None = session.scalar(
        select(CohortPublication).where(CohortPublication.context_id == context_pk)
    )
    if publication is None:
        publication = CohortPublication(context_id=context_pk, published_at=now, learners=current)
        session.add(publication)
        session.flush()
        return publication
    changed = changed_learners(
        {e["owner_id"]: e["fingerprint"] for e in publication.learners},
        {e["owner_id"]: e["fingerprint"] for e in current},
    )
    if should_republish(
        publication.published_at,
        now,
        changed,
        published_learners=len(publication.learners),
        threshold=threshold,
        period=period,
    ):
        publication.learners, publication.published_at = current, now
        session.flush()
    return publication


def _wordless_learners(session: Session, context_pk: int, today: date) -> list[dict[str, Any]]:
    """Each learner's web without words, and a fingerprint of it and of how many snapshots the
    web has (a first snapshot changes the change figures as surely as a new strand)."""
    owners = list(
        session.scalars(webs_in(context_pk).where(Membership.role == ToolRole.LEARNER.value))
    )
    snapshots = dict(
        session.execute(
            select(WebSnapshot.owner_id, func.count())
            .join(WebOwner, WebOwner.id == WebSnapshot.owner_id)
            .where(WebOwner.context_id == context_pk)
            .group_by(WebSnapshot.owner_id)
        ).all()
    )
    found = []
    for owner in owners:
        web = wordless(web_facts(owner))
        data = web_to_json(web, web_score(web, today))
        print_of = fingerprint({**data, "snapshots": snapshots.get(owner.id, 0)})
        found.append({"owner_id": owner.id, "fingerprint": print_of, "web": data})
    return sorted(found, key=lambda entry: entry["owner_id"])


def first_snapshots(
    session: Session, context_pk: int, since: date | None, until: datetime | None = None
) -> list[WebSnapshot]:
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
    if until is not None:
        ranked = ranked.where(WebSnapshot.taken_at <= until)
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
            then = snapshot_from_json(snapshot.web, snapshot.taken_at)
        except WebDataError:
            continue
        changes.append(LearnerChange(then=then.score, now=now.score))
    return changes
