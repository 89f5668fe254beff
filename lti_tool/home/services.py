"""What the course home shows each role, gathered from the other features' services.

- a learner: the modules assigned in this course by due date with their state, feedback they have
  not read, the web's next invitation to grow, and where to continue;
- a facilitator: what needs them: shared reflections awaiting feedback, learners' replies, scores
  the LMS refused, a roster not synced for longer than the board's age;
- a mentor: the people they mentor and what each shares with them.

Each is a fixed number of queries whatever the size of the course (tests count them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from lti_tool.grades.services import delivery
from lti_tool.learning_modules.domain.assignment import LearnerItem
from lti_tool.learning_modules.domain.modules import Catalogue
from lti_tool.learning_modules.domain.progress import ModuleStatus
from lti_tool.learning_modules.services import assignments, conversation, mentee_reading, progress
from lti_tool.learning_modules.services import review as review_service
from lti_tool.lti.launch import LaunchContext
from lti_tool.mentoring_web.domain.gaps import GapPrompt, gap_prompts
from lti_tool.mentoring_web.services import web as web_service
from lti_tool.rosters import domain as roster_domain
from lti_tool.rosters.services import sync as roster_sync


@dataclass(frozen=True)
class LearnerHome:
    assigned: tuple[LearnerItem, ...]
    statuses: dict[str, ModuleStatus]
    new_feedback: list[conversation.NewForLearner]
    continue_slug: str | None
    web_started: bool
    invitation: GapPrompt | None


@dataclass(frozen=True)
class FacilitatorHome:
    awaiting: dict[str, int]  # module slug → shared reflections awaiting feedback
    replies: list[conversation.NewReply]
    failed_scores: int
    roster_synced_at: datetime | None
    roster_stale: bool
    roster_failed: bool
    roster_known: bool  # the LMS gave a roster address for this course

    @property
    def awaiting_total(self) -> int:
        return sum(self.awaiting.values())


def learner_home(
    session: Session, launch: LaunchContext, catalogue: Catalogue, today: date
) -> LearnerHome:
    statuses, continue_slug = progress.my_progress(session, launch, catalogue.modules)
    assigned, _library = assignments.learner_view(session, launch, catalogue, statuses, today)
    by_date = tuple(
        sorted(
            assigned,
            key=lambda item: (
                statuses.get(item.slug) == ModuleStatus.COMPLETED,
                item.terms is None or item.terms.due_on is None,
                (item.terms.due_on if item.terms else None) or date.max,
            ),
        )
    )
    web = web_service.own_web_facts(session, launch)
    invitation = None
    if web is not None:
        found = gap_prompts(web, today, limit=1)
        invitation = found[0] if found else None
    return LearnerHome(
        assigned=by_date,
        statuses=statuses,
        new_feedback=conversation.new_for_learner(session, launch),
        continue_slug=continue_slug,
        web_started=web is not None and bool(web.strands),
        invitation=invitation,
    )


def facilitator_home(
    session: Session, launch: LaunchContext, now: datetime, config: dict[str, Any]
) -> FacilitatorHome:
    context_pk = review_service.require_facilitator(launch)
    row = roster_sync.sync_times(session, context_pk)
    max_age = int(config["ROSTER_MAX_AGE_SECONDS"])
    return FacilitatorHome(
        awaiting=review_service.awaiting_by_module(session, launch),
        replies=conversation.new_replies_for_facilitator(session, launch),
        failed_scores=delivery.failed_count(session, context_pk),
        roster_synced_at=row.synced_at if row else None,
        roster_stale=row is not None and roster_domain.is_stale(row.synced_at, now, max_age),
        roster_failed=row is not None and row.last_error is not None,
        roster_known=row is not None,
    )


def mentor_home(session: Session, launch: LaunchContext) -> list[mentee_reading.MenteeShare]:
    return mentee_reading.mentees_sharing(session, launch)
