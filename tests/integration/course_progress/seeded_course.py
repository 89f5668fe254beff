"""A course seeded with every kind of learner, for the tests of the grid's SQL (no tests here).

Rows go in through the ORM (so the users' search keys and the memberships' activity triggers run
as in production): names with accents, apostrophes and hyphens or none at all, every roster
status, people who never launched, progress in and out of the assigned modules, drafts, one or two
submitted versions, feedback on the latest version, on an older one or none, private work.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from flask import Flask
from sqlalchemy import func, select

from lti_tool.extensions import db
from lti_tool.learning_modules.models import (
    Feedback,
    ModuleAssignment,
    ModuleProgress,
    Reflection,
    ReflectionVersion,
)
from lti_tool.people.models import Context, Membership, User
from tests.integration.course_progress.progress_pages import LISTENING, SCALING, TRUST

TODAY = date(2026, 3, 10)
START = datetime(2026, 1, 5, 8)
MODULES = (SCALING, TRUST, LISTENING)
UNASSIGNED = "reflective-listening-practice"  # activity here counts, its column does not exist
GIVEN = ("Jean-François", "Zoë", "Élodie", "Ana", "Bea", "ÉLODIE", "", None)
FAMILY = ("Côté", "O'Connor", "Roy", "Lévesque-Tremblay", "Nguyễn", "", None)
SEARCHES = ("cote", "CÔTÉ", "o'connor", "oconnor", "elodie roy", "lévesque tremblay", "example")


def moment(rng: random.Random) -> datetime:
    return START + timedelta(minutes=rng.randrange(0, 60 * 24 * 60))


def seed(app: Flask, rng: random.Random, learners: int, *, other_course: bool = True) -> None:
    """Learners of every kind in the demo course (which a launch has created)."""
    with app.app_context():
        course = db.session.scalar(select(Context).where(Context.context_id == "demo-course-1"))
        assert course is not None
        if not db.session.scalar(select(func.count(ModuleAssignment.id))):
            for module, required, due in (
                (SCALING, True, TODAY - timedelta(days=3)),  # past due: overdue unless done
                (TRUST, True, None),
                (LISTENING, False, TODAY - timedelta(days=3)),  # optional: never overdue
            ):
                db.session.add(
                    ModuleAssignment(
                        context_id=course.id, module_slug=module.slug, required=required, due_on=due
                    )
                )
        courses = [course]
        if other_course:
            other = Context(deployment_id=course.deployment_id, context_id="other-course")
            db.session.add(other)
            db.session.flush()
            courses.append(other)
        start = db.session.scalar(select(func.count(User.id))) or 0
        for number in range(start, start + learners):
            given, family = rng.choice(GIVEN), rng.choice(FAMILY)
            shown = rng.random() < 0.6
            name = " ".join(p for p in (given, family) if p) if shown else None
            user = User(
                issuer="https://elsewhere.example",
                sub=f"seeded-{number}",
                name=f"{name} {number:03d}" if name else None,
                given_name=given,
                family_name=f"{family} {number:03d}" if family and not name else family,
                email=f"person.{number:03d}@example.org" if rng.random() < 0.9 else None,
            )
            db.session.add(user)
            db.session.flush()
            for where in courses:
                _member(rng, where.id, user.id)
        db.session.commit()
        db.session.remove()


def _member(rng: random.Random, course: int, user: int) -> None:
    launched = rng.random() < 0.85
    roll = rng.random()
    status = "inactive" if roll < 0.12 else "deleted" if roll < 0.2 else "active"
    db.session.add(
        Membership(
            context_id=course,
            user_id=user,
            role="learner",
            status=status,
            last_launch_at=moment(rng) if launched else None,
        )
    )
    db.session.flush()  # the membership first: the triggers record activity on it
    slugs = [*(m.slug for m in MODULES), UNASSIGNED]
    for slug in slugs:
        state = rng.random()
        if not launched or state < 0.3:
            continue
        started = moment(rng)
        completed = started + timedelta(hours=rng.randrange(1, 50)) if state > 0.55 else None
        db.session.add(
            ModuleProgress(
                user_id=user,
                context_id=course,
                module_slug=slug,
                sections_seen=[],
                started_at=started,
                updated_at=started + timedelta(hours=rng.randrange(0, 80)),
                completed_at=completed,
            )
        )
        module = next((m for m in MODULES if m.slug == slug), None)
        prompts = [p.id for p in module.prompts] if module else ["p1"]
        for prompt in prompts:
            if rng.random() < 0.15:
                continue
            _reflection(rng, course, user, slug, prompt, started, completed)


def _reflection(
    rng: random.Random,
    course: int,
    user: int,
    slug: str,
    prompt: str,
    started: datetime,
    completed: datetime | None,
) -> None:
    reflection = Reflection(
        user_id=user,
        context_id=course,
        module_slug=slug,
        prompt_id=prompt,
        draft_html="<p>Brouillon</p>",
        visibility=rng.choice(("facilitator", "private")),
        created_at=started,
        updated_at=started + timedelta(hours=rng.randrange(0, 90)),
    )
    db.session.add(reflection)
    db.session.flush()
    versions = 0 if completed is None and rng.random() < 0.5 else rng.choice((1, 1, 2))
    for number in range(1, versions + 1):
        version = ReflectionVersion(
            reflection_id=reflection.id,
            number=number,
            html="<p>Version</p>",
            visibility=reflection.visibility,
            submitted_at=started + timedelta(hours=rng.randrange(0, 100)),
        )
        db.session.add(version)
        db.session.flush()
        if rng.random() < 0.6:  # on the latest or an older one
            db.session.add(
                Feedback(
                    reflection_version_id=version.id,
                    strength="<p>Bien</p>",
                    question="<p>Et ensuite ?</p>",
                    next_step="",
                    reviewed_at=version.submitted_at + timedelta(days=1),
                )
            )
