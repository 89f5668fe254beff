"""Seed one course with learners, assignments, progress, reflections and feedback, in bulk.

Used by `bench.progress_grid`. Rows go in with multi-row INSERTs (ids read back with RETURNING), so
2,000 learners take seconds, not minutes. The mix is fixed by a seeded random generator, so two
runs seed the same course:

- of the learners, ~4 % never launched (the roster lists them; a roster sync inserts such rows),
  ~3 % are inactive in the LMS and ~1 % were removed from the roster;
- 8 modules are assigned: 4 required (3 with a due date, one of them past), 4 optional;
- per learner and module: ~35 % not started, ~25 % in progress (a draft now and then), ~40 %
  completed with one version per prompt (sometimes two), shared with the facilitator 70 % of the
  time; half of the shared completions have feedback on every latest version (reviewed), a few
  on some prompts only.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import insert
from sqlalchemy.orm import Session

from lti_tool.learning_modules.domain.modules import Catalogue
from lti_tool.learning_modules.models import (
    Feedback,
    ModuleAssignment,
    ModuleProgress,
    Reflection,
    ReflectionVersion,
)
from lti_tool.people.models import Membership, User

GIVEN = ("Jean-François", "Zoë", "Amélie", "Élodie", "Noémie", "François", "Hélène", "Loïc",
         "Chloé", "Maël", "Priya", "Aarav", "Mei", "Olu", "Gabriel", "Léa", "Thomas", "Anaïs")  # fmt: skip
FAMILY = ("Côté", "Tremblay", "Gagnon", "Roy", "Bouchard", "O'Connor", "Lévesque", "Bélanger",
          "Singh", "Nguyen", "Leblanc", "Pelletier", "Gauthier", "Morin", "Fortin", "Ouellet")  # fmt: skip
MODULES = 8
CHUNK = 1_000  # rows per INSERT statement batch


@dataclass
class Seeded:
    """What one call added (for the report)."""

    learners: int = 0
    progress: int = 0
    reflections: int = 0
    versions: int = 0
    feedback: int = 0


def assign_modules(session: Session, context_pk: int, catalogue: Catalogue, today: date) -> list:
    """Assign the first 8 catalogue modules; returns them (the grid's columns, unordered)."""
    modules = list(catalogue.modules[:MODULES])
    dues = (today - timedelta(days=10), today + timedelta(days=14), today + timedelta(days=40))
    rows = [
        {
            "context_id": context_pk,
            "module_slug": module.slug,
            "required": index < 4,
            "due_on": dues[index] if index < 3 else None,
        }
        for index, module in enumerate(modules)
    ]
    session.execute(insert(ModuleAssignment), rows)
    return modules


def _ids(session: Session, model: type, rows: Sequence[dict]) -> list[int]:
    """Insert `rows` in batches and return their new ids, in order."""
    ids: list[int] = []
    for start in range(0, len(rows), CHUNK):
        statement = insert(model).returning(model.id, sort_by_parameter_order=True)
        ids += session.scalars(statement, list(rows[start : start + CHUNK])).all()
    return ids


def seed_learners(
    session: Session,
    *,
    issuer: str,
    context_pk: int,
    modules: Sequence,
    numbers: range,
    now: datetime,
    rng: random.Random,
) -> Seeded:
    """Learners `numbers` (e.g. range(20, 200)) with their work in `modules`; flushed, not committed."""
    seeded = Seeded(learners=len(numbers))
    users = []
    for n in numbers:
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        users.append(
            {
                "issuer": issuer,
                "sub": f"bench-learner-{n:05d}",
                "name": f"{given} {family} {n:05d}",
                "given_name": given,
                "family_name": f"{family} {n:05d}",
                "email": f"learner.{n:05d}@example.org",
            }
        )
    user_ids = _ids(session, User, users)
    memberships, progress, reflections = [], [], []
    for user_id in user_ids:
        roll = rng.random()
        launched = roll >= 0.04
        status = (
            "inactive" if 0.04 <= roll < 0.07 else "deleted" if 0.07 <= roll < 0.08 else "active"
        )
        last_launch = now - timedelta(days=rng.uniform(0, 60)) if launched else None
        memberships.append(
            {
                "context_id": context_pk,
                "user_id": user_id,
                "role": "learner",
                "status": status,
                "last_launch_at": last_launch,
                "roster_seen_at": now,
            }
        )
        if not launched:
            continue
        for module in modules:
            state = rng.random()
            if state < 0.35:
                continue
            started = last_launch - timedelta(days=rng.uniform(0, 30))
            updated = started + timedelta(hours=rng.uniform(0, 48))
            completed = updated if state >= 0.60 else None
            progress.append(
                {
                    "user_id": user_id,
                    "context_id": context_pk,
                    "module_slug": module.slug,
                    "sections_seen": [s.id for s in module.sections],
                    "started_at": started,
                    "updated_at": updated,
                    "completed_at": completed,
                }
            )
            shared = rng.random() < 0.7
            review = rng.random()  # < 0.5: every prompt gets feedback; < 0.55: the first only
            for index, prompt in enumerate(module.prompts if completed else module.prompts[:1]):
                if completed is None and rng.random() < 0.5:
                    continue  # in progress without a draft yet
                reflections.append(
                    {
                        "user_id": user_id,
                        "context_id": context_pk,
                        "module_slug": module.slug,
                        "prompt_id": prompt.id,
                        "draft_html": "<p>Ce que j’ai remarqué cette semaine.</p>",
                        "visibility": "facilitator" if shared else "private",
                        "created_at": started,
                        "updated_at": updated,
                        "_completed": completed,
                        "_versions": 2 if rng.random() > 0.9 else 1,
                        "_feedback": shared and (review < 0.5 or (review < 0.55 and index == 0)),
                    }
                )
    session.execute(insert(Membership), memberships)
    for start in range(0, len(progress), CHUNK):
        session.execute(insert(ModuleProgress), progress[start : start + CHUNK])
    extras = [(r.pop("_completed"), r.pop("_versions"), r.pop("_feedback")) for r in reflections]
    reflection_ids = _ids(session, Reflection, reflections)
    versions, plans = [], []
    for reflection_id, row, (completed, count, give) in zip(
        reflection_ids, reflections, extras, strict=True
    ):
        if completed is None:
            continue
        for number in range(1, count + 1):
            versions.append(
                {
                    "reflection_id": reflection_id,
                    "number": number,
                    "html": row["draft_html"],
                    "visibility": row["visibility"],
                    "submitted_at": completed - timedelta(minutes=count - number),
                }
            )
            plans.append(give and number == count)  # feedback goes on the latest version
    version_ids = _ids(session, ReflectionVersion, versions)
    feedback = [
        {
            "reflection_version_id": version_id,
            "strength": "<p>Un exemple concret, bien décrit.</p>",
            "question": "<p>Qu’essaieriez-vous la prochaine fois ?</p>",
            "next_step": "",
            "created_at": version["submitted_at"] + timedelta(days=1),
            "reviewed_at": version["submitted_at"] + timedelta(days=1),
        }
        for version_id, version, planned in zip(version_ids, versions, plans, strict=True)
        if planned
    ]
    for start in range(0, len(feedback), CHUNK):
        session.execute(insert(Feedback), feedback[start : start + CHUNK])
    session.flush()
    seeded.progress, seeded.reflections = len(progress), len(reflections)
    seeded.versions, seeded.feedback = len(versions), len(feedback)
    return seeded
