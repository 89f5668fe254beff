"""Cohort web insights (issue 5 point 3): a course's anonymous figures today, and their change.

For the facilitator's cohort page and the steering committee's one-page report. The figures are
computed from the course's *publication* (`published_cohort`): the learners' webs (webs of active
members whose course role is learner, the same rule as the facilitators' shared list) as they
were when it was made, with every word taken out, and the snapshots of each web taken before it.
A publication is replaced at most once a period and only once at least k learners' webs (or their
snapshots) changed (`domain.cohort_publish`), so reading the page before and after one learner's
edit shows the same figures. The figures come out of `domain.cohort` and `domain.cohort_change`,
which read counts of scores and vocabulary values only.

What a read costs does not grow with the course:
- the publication carries the counts behind today's figures (`domain.cohort.CohortCounts`),
  worked out once when it is made;
- the change figures are added up by the database, from each published learner's score facts
  (`CohortLearner`) and the facts of their first snapshot (`CohortSnapshot`, picked by a window
  function), in one statement that returns one row: when published for the page without
  `since`, on each read for a chosen day;
- once the period is over, checking for changes compares each web's signature in the database
  (its row's and its strands' update times, its strands' and snapshots' counts) with the one last
  checked, and reads and fingerprints only the webs whose signature moved.
Making a publication reads every learner's web and snapshots: at most once a period.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Row,
    and_,
    case,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from lti_tool.db import utcnow
from lti_tool.lti.launch import LaunchContext
from lti_tool.lti.roles import ToolRole
from lti_tool.mentoring_web.domain.cohort import (
    STRAND_BUCKETS,
    CohortSummary,
    cohort_counts,
    counts_from_json,
    counts_to_json,
    summary_from_counts,
)
from lti_tool.mentoring_web.domain.cohort_change import (
    FIVE_STRANDS,
    ChangeCounts,
    CohortChange,
    MomentCounts,
    Trend,
    change_counts_from_json,
    change_counts_to_json,
    change_from_counts,
)
from lti_tool.mentoring_web.domain.cohort_publish import fingerprint, should_republish, wordless
from lti_tool.mentoring_web.domain.export import WebDataError, snapshot_from_json, web_to_json
from lti_tool.mentoring_web.domain.facts import WebScore, WebScoreAndFacts
from lti_tool.mentoring_web.domain.score import score as web_score
from lti_tool.mentoring_web.domain.vocabulary import RoleFamily
from lti_tool.mentoring_web.models import (
    CohortLearner,
    CohortPublication,
    CohortSnapshot,
    Strand,
    WebOwner,
    WebSnapshot,
)
from lti_tool.mentoring_web.services.sharing import facilitator_course
from lti_tool.mentoring_web.services.web import web_facts
from lti_tool.people.models import MEMBER_ACTIVE, Membership

FAMILY_BITS = {family: 1 << index for index, family in enumerate(RoleFamily)}
SIGNATURE = ("sig_owner_at", "sig_strands", "sig_strand_ids", "sig_strand_at", "sig_snapshots")


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
    return CohortInsights(
        threshold=threshold,
        summary=summary_from_counts(counts_from_json(publication.counts), threshold),
        change=change_from_counts(
            change_counts_from_json(publication.change_counts)
            if since is None
            else change_counts(session, context_pk, since),
            threshold,
        ),
        since=since,
        published_at=publication.published_at,
    )


def published_cohort(
    session: Session, context_pk: int, *, threshold: int, period: timedelta, now: datetime
) -> CohortPublication:
    """The course's publication, made or replaced now if due (see domain.cohort_publish).

    Within the period nothing else is read. After it, the webs are checked for changes (only
    those whose signature moved are read), and the publication is made again if enough changed.
    """
    publication: CohortPublication | None = session.scalar(
        select(CohortPublication).where(CohortPublication.context_id == context_pk)
    )
    if publication is None:
        publication = CohortPublication(
            context_id=context_pk, published_at=now, counts={}, change_counts={}
        )
        session.add(publication)
        _publish(session, publication, now)
        return publication
    if now - publication.published_at < period:
        return publication  # too soon to publish again, whatever changed
    changed = _changed_learners(session, context_pk, now.date())
    if should_republish(
        publication.published_at,
        now,
        changed,
        published_learners=publication.learner_count,
        threshold=threshold,
        period=period,
    ):
        _publish(session, publication, now)
    return publication


# -- which webs changed -------------------------------------------------------------------------


def _current_learners(context_pk: int) -> Any:
    """Each web of an active learner of the course with its signature, as a subquery."""
    strands = (
        select(
            Strand.owner_id.label("owner_id"),
            func.count(Strand.id).label("n"),
            func.sum(Strand.id).label("ids"),
            func.max(Strand.updated_at).label("at"),
        )
        .join(WebOwner, WebOwner.id == Strand.owner_id)
        .where(WebOwner.context_id == context_pk)
        .group_by(Strand.owner_id)
        .subquery()
    )
    snapshots = (
        select(WebSnapshot.owner_id.label("owner_id"), func.count(WebSnapshot.id).label("n"))
        .join(WebOwner, WebOwner.id == WebSnapshot.owner_id)
        .where(WebOwner.context_id == context_pk)
        .group_by(WebSnapshot.owner_id)
        .subquery()
    )
    return (
        select(
            WebOwner.id.label("owner_id"),
            WebOwner.updated_at.label("sig_owner_at"),
            func.coalesce(strands.c.n, 0).label("sig_strands"),
            func.coalesce(strands.c.ids, 0).label("sig_strand_ids"),
            strands.c.at.label("sig_strand_at"),
            func.coalesce(snapshots.c.n, 0).label("sig_snapshots"),
        )
        .join(
            Membership,
            and_(
                Membership.context_id == WebOwner.context_id,
                Membership.user_id == WebOwner.user_id,
            ),
        )
        .outerjoin(strands, strands.c.owner_id == WebOwner.id)
        .outerjoin(snapshots, snapshots.c.owner_id == WebOwner.id)
        .where(
            WebOwner.context_id == context_pk,
            Membership.status == MEMBER_ACTIVE,
            Membership.role == ToolRole.LEARNER.value,
        )
        .subquery()
    )


def _changed_learners(session: Session, context_pk: int, today: date) -> int:
    """How many learners were added, removed or changed since the publication (by fingerprint),
    reading only the webs whose signature moved since the last check. Three statements when
    nothing moved; what moved is then read and its check recorded."""
    current = _current_learners(context_pk)
    checked = and_(
        CohortLearner.context_id == context_pk, CohortLearner.owner_id == current.c.owner_id
    )
    moved = session.execute(
        select(current, CohortLearner.id.label("row_id"))
        .outerjoin(CohortLearner, checked)
        .where(
            or_(
                CohortLearner.id.is_(None),
                CohortLearner.checked_fingerprint.is_(None),
                *(getattr(CohortLearner, n).is_distinct_from(current.c[n]) for n in SIGNATURE),
            )
        )
    ).all()
    # Webs gone from the course, or whose owner is no longer an active learner of it: an
    # anti-join on the owner and membership keys, not the strands' aggregate again.
    learner = and_(
        Membership.context_id == context_pk,
        Membership.user_id == WebOwner.user_id,
        Membership.status == MEMBER_ACTIVE,
        Membership.role == ToolRole.LEARNER.value,
    )
    gone = list(
        session.scalars(
            select(CohortLearner.id)
            .outerjoin(
                WebOwner,
                and_(WebOwner.id == CohortLearner.owner_id, WebOwner.context_id == context_pk),
            )
            .outerjoin(Membership, learner)
            .where(
                CohortLearner.context_id == context_pk,
                CohortLearner.checked_fingerprint.is_not(None),
                Membership.id.is_(None),
            )
        )
    )
    if gone:  # read first: a read of the page writes nothing unless something changed
        session.execute(
            update(CohortLearner)
            .where(CohortLearner.id.in_(gone))
            .values(checked_fingerprint=None, **dict.fromkeys(SIGNATURE))
        )
    if moved:
        prints = _fingerprints(session, context_pk, moved, today)
        known = [row for row in moved if row.row_id is not None]
        if known:
            session.execute(
                update(CohortLearner),
                [
                    {"id": row.row_id, "checked_fingerprint": prints.get(row.owner_id), **_sig(row)}
                    for row in known
                ],
            )
        new = [row for row in moved if row.row_id is None]
        if new:
            try:
                with session.begin_nested():
                    session.execute(
                        insert(CohortLearner),
                        [
                            {
                                "context_id": context_pk,
                                "owner_id": row.owner_id,
                                "checked_fingerprint": prints.get(row.owner_id),
                                **_sig(row),
                            }
                            for row in new
                        ],
                    )
            except IntegrityError:  # another read recorded these webs first: the same check
                pass
    differs = or_(
        and_(
            CohortLearner.published_fingerprint.is_not(None),
            or_(
                CohortLearner.checked_fingerprint.is_(None),
                CohortLearner.checked_fingerprint != CohortLearner.published_fingerprint,
            ),
        ),
        and_(
            CohortLearner.published_fingerprint.is_(None),
            CohortLearner.checked_fingerprint.is_not(None),
        ),
    )
    return int(
        session.scalar(
            select(func.count(CohortLearner.id)).where(
                CohortLearner.context_id == context_pk, differs
            )
        )
        or 0
    )


def _sig(row: Row[Any]) -> dict[str, Any]:
    return {name: getattr(row, name) for name in SIGNATURE}


def _fingerprints(
    session: Session, context_pk: int, rows: Sequence[Row[Any]], today: date
) -> dict[int, str]:
    """The fingerprint of each of these webs (wordless, with its count of snapshots)."""
    snapshots = {row.owner_id: row.sig_snapshots for row in rows}
    owners = _owners(session, context_pk, list(snapshots))
    return {owner.id: _wordless(owner, snapshots[owner.id], today)[2] for owner in owners}


def _owners(session: Session, context_pk: int, ids: Iterable[int] | None) -> list[WebOwner]:
    query = (
        select(WebOwner)
        .where(WebOwner.context_id == context_pk)
        .options(selectinload(WebOwner.strands))
        .order_by(WebOwner.id)
    )
    if ids is not None:
        query = query.where(WebOwner.id.in_(sorted(ids)))
    return list(session.scalars(query))


def _wordless(
    owner: WebOwner, snapshots: int, today: date
) -> tuple[WebScoreAndFacts, WebScore, str]:
    """The web without words, its score today, and the fingerprint of it and its snapshots (a
    first snapshot changes the change figures as surely as a new strand)."""
    web = wordless(web_facts(owner))
    score = web_score(web, today)
    data = web_to_json(web, score)
    return (
        WebScoreAndFacts(web=web, score=score),
        score,
        fingerprint({**data, "snapshots": snapshots}),
    )


# -- making a publication -----------------------------------------------------------------------


def _families(score: WebScore) -> int:
    return sum(FAMILY_BITS[family] for family in score.role_families)


def _facts(score: WebScore) -> dict[str, Any]:
    return {
        "active_strands": score.active_strands,
        "reciprocal_strands": score.reciprocal_strands,
        "strong_web": score.is_strong_web,
        "role_families": _families(score),
    }


def _publish(session: Session, publication: CohortPublication, now: datetime) -> None:
    """Every learner's web as it is now, without words: the counts of today's figures, each
    learner's facts and fingerprint, and the facts of their snapshots taken until now."""
    context_pk, today = publication.context_id, now.date()
    signatures = {
        row.owner_id: row for row in session.execute(select(_current_learners(context_pk)))
    }
    owners = _owners(session, context_pk, None)
    learners, rows = [], []
    for owner in owners:
        signature = signatures.get(owner.id)
        if signature is None:  # not an active learner of the course
            continue
        entry, score, print_of = _wordless(owner, signature.sig_snapshots, today)
        learners.append(entry)
        rows.append(
            {
                "context_id": context_pk,
                "owner_id": owner.id,
                "published_fingerprint": print_of,
                "checked_fingerprint": print_of,
                **_sig(signature),
                **_facts(score),
            }
        )
    session.execute(delete(CohortLearner).where(CohortLearner.context_id == context_pk))
    if rows:
        session.execute(insert(CohortLearner), rows)
    snapshots = []
    if signatures:
        for snapshot in session.execute(
            select(WebSnapshot.id, WebSnapshot.owner_id, WebSnapshot.taken_at, WebSnapshot.web)
            .join(WebOwner, WebOwner.id == WebSnapshot.owner_id)
            .where(WebOwner.context_id == context_pk, WebSnapshot.taken_at <= now)
        ):
            if snapshot.owner_id not in signatures:
                continue  # a facilitator's or mentor's web, or someone no longer in the course
            try:
                then = snapshot_from_json(snapshot.web, snapshot.taken_at)
            except WebDataError:
                continue  # left out of the change rather than failing the page
            snapshots.append(
                {
                    "context_id": context_pk,
                    "owner_id": snapshot.owner_id,
                    "snapshot_id": snapshot.id,
                    "taken_at": snapshot.taken_at,
                    **_facts(then.score),
                }
            )
    session.execute(delete(CohortSnapshot).where(CohortSnapshot.context_id == context_pk))
    if snapshots:
        session.execute(insert(CohortSnapshot), snapshots)
    session.flush()
    publication.counts = counts_to_json(cohort_counts(learners))
    publication.change_counts = change_counts_to_json(change_counts(session, context_pk, None))
    publication.learner_count = len(learners)
    publication.published_at = now
    session.flush()


# -- the change figures, added up by the database -----------------------------------------------


def change_counts(session: Session, context_pk: int, since: date | None) -> ChangeCounts:
    """Each published learner's first snapshot (on or after `since`) against their web as
    published, added up in one statement that returns one row.

    Ties on `taken_at` go to the lower snapshot id, so the choice never depends on the database's
    row order.
    """
    rank = (
        func.row_number()
        .over(
            partition_by=CohortSnapshot.owner_id,
            order_by=(CohortSnapshot.taken_at, CohortSnapshot.snapshot_id),
        )
        .label("rank")
    )
    ranked = select(
        CohortSnapshot.owner_id,
        CohortSnapshot.active_strands,
        CohortSnapshot.reciprocal_strands,
        CohortSnapshot.strong_web,
        CohortSnapshot.role_families,
        rank,
    ).where(CohortSnapshot.context_id == context_pk)
    if since is not None:
        ranked = ranked.where(CohortSnapshot.taken_at >= datetime.combine(since, time.min))
    first = ranked.subquery()
    now = CohortLearner
    columns: list[ColumnElement[Any]] = [func.count().label("learners")]
    moments = (
        (
            "then",
            first.c.active_strands,
            first.c.reciprocal_strands,
            first.c.strong_web,
            first.c.role_families,
        ),
        ("now", now.active_strands, now.reciprocal_strands, now.strong_web, now.role_families),
    )
    for name, active, reciprocal, strong, families in moments:
        columns += [
            *(_count(active == int(b), f"{name}_b{b}") for b in STRAND_BUCKETS[:-1]),
            _count(active >= len(STRAND_BUCKETS) - 1, f"{name}_b7"),
            func.coalesce(func.sum(active), 0).label(f"{name}_total"),
            _count(active >= FIVE_STRANDS, f"{name}_five"),
            _count(strong.is_(True), f"{name}_strong"),
            _count(reciprocal > 0, f"{name}_reciprocal"),
            *(
                _count(families.op("&")(bit) != 0, f"{name}_{family.value}")
                for family, bit in FAMILY_BITS.items()
            ),
        ]
    columns += [
        _count(now.active_strands > first.c.active_strands, "grew"),
        _count(now.active_strands < first.c.active_strands, "shrank"),
        _count(now.active_strands == first.c.active_strands, "stayed"),
    ]
    row = session.execute(
        select(*columns)
        .select_from(first)
        .join(
            now,
            and_(
                now.context_id == context_pk,
                now.owner_id == first.c.owner_id,
                now.published_fingerprint.is_not(None),
            ),
        )
        .where(first.c.rank == 1)
    ).one()

    def moment(name: str) -> MomentCounts:
        values = row._mapping
        return MomentCounts(
            strand_buckets={
                bucket: int(values[f"{name}_b{index}"])
                for index, bucket in enumerate(STRAND_BUCKETS)
            },
            strand_total=int(values[f"{name}_total"]),
            five_or_more=int(values[f"{name}_five"]),
            strong_web=int(values[f"{name}_strong"]),
            reciprocity=int(values[f"{name}_reciprocal"]),
            role_families={f: int(values[f"{name}_{f.value}"]) for f in RoleFamily},
        )

    return ChangeCounts(
        learners=int(row.learners),
        then=moment("then"),
        now=moment("now"),
        trends={
            Trend.GREW: int(row.grew),
            Trend.STAYED: int(row.stayed),
            Trend.SHRANK: int(row.shrank),
        },
    )


def _count(condition: ColumnElement[bool], label: str) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, literal(1)), else_=literal(0))), 0).label(label)
