"""A learner's progress and reflections in the mini-modules, always through the launch that asks.

Every function takes the request's Session and the LaunchContext explicitly and reads or writes
only the rows of that launch's user in that launch's course; a launch without a course is refused.
Answers are sanitised with nh3 before they are stored. Services flush; the view commits once.
Completion (every section seen, every prompt submitted) is recorded once and announced through
`events.on_module_completed`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import nh3
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session, selectinload

from lti_tool import errors
from lti_tool.db import utcnow
from lti_tool.errors import DomainError, NotFoundError
from lti_tool.learning_modules.domain.modules import Module
from lti_tool.learning_modules.domain.progress import (
    ModuleStatus,
    ProgressFacts,
    PromptEntry,
    draft_digest,
    is_blank_answer,
    is_complete,
    is_conflict,
    module_status,
    with_seen,
)
from lti_tool.learning_modules.models import (
    VISIBILITIES,
    ModuleProgress,
    Reflection,
    ReflectionFile,
    ReflectionVersion,
)
from lti_tool.learning_modules.services import events
from lti_tool.limits import limit
from lti_tool.lti.launch import LaunchContext

ANSWER_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "blockquote"}
ANSWER_ATTRIBUTES = {"a": {"href"}}
ANSWER_URL_SCHEMES = {"https", "mailto"}


class UnprocessableError(DomainError):
    """The request was understood but its content cannot be accepted (an empty answer)."""

    status = 422
    code = "invalid-answer"


@dataclass(frozen=True)
class PromptState:
    prompt_id: str
    reflection: Reflection | None

    @property
    def draft(self) -> str:
        return self.reflection.draft_html if self.reflection else ""

    @property
    def visibility(self) -> str:
        return self.reflection.visibility if self.reflection else VISIBILITIES[0]

    @property
    def shared_with_mentors(self) -> bool:
        return bool(self.reflection and self.reflection.shared_with_mentors)

    @property
    def versions(self) -> list[ReflectionVersion]:
        """Submitted versions, newest first."""
        return list(self.reflection.versions) if self.reflection else []


@dataclass(frozen=True)
class ModuleState:
    """What the player needs for one learner in one module."""

    progress: ModuleProgress | None
    prompts: dict[str, PromptState]
    status: ModuleStatus

    @property
    def sections_seen(self) -> list[str]:
        return list(self.progress.sections_seen) if self.progress else []


def require_course(launch: LaunchContext) -> int:
    return errors.require_course(launch)


def sanitise_answer(text: str) -> str:
    """Keep simple formatting and https/mailto links; drop every other tag and attribute."""
    return nh3.clean(
        text.replace("\r\n", "\n"),
        tags=ANSWER_TAGS,
        attributes=ANSWER_ATTRIBUTES,
        url_schemes=ANSWER_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    ).strip()


def _check_length(html: str) -> None:
    most = limit("REFLECTION_MAX_CHARS")
    if len(html) > most:
        raise UnprocessableError(
            _l(
                "Your answer is longer than %(limit)d characters. Shorten it and save again.",
                limit=most,
            ),
            code="answer-too-long",
        )


def bump_revision(reflection: Reflection) -> None:
    """The draft changed: pages loaded before now are stale (see `save_page`)."""
    reflection.revision = (reflection.revision or 0) + 1


def stored_digest(reflection: Reflection | None) -> str:
    """The digest of a draft as the reflection page shows it (see domain.progress.draft_digest)."""
    if reflection is None:
        return draft_digest("", VISIBILITIES[0], False, "")
    return draft_digest(
        reflection.draft_html,
        reflection.visibility,
        bool(reflection.shared_with_mentors),
        reflection.link_url or "",
    )


def posted_digest(entry: PromptEntry) -> str:
    """The digest of what a posted form holds for one prompt, sanitised as it would be stored."""
    return draft_digest(
        sanitise_answer(entry.answer), entry.visibility, entry.shared_with_mentors, entry.link
    )


@dataclass(frozen=True)
class Conflict:
    """A prompt saved from another tab after this page was loaded, and changed on this page too."""

    prompt_id: str
    saved_html: str
    saved_at: datetime | None


def conflicts(
    session: Session, launch: LaunchContext, module: Module, entries: list[PromptEntry]
) -> list[Conflict]:
    """The prompts of a posted page that a newer save from elsewhere would be overwritten in."""
    by_prompt = {r.prompt_id: r for r in _reflections(session, launch, module.slug)}
    found = []
    for entry in entries:
        stored = by_prompt.get(entry.prompt_id)
        revision = stored.revision if stored is not None else 0
        if is_conflict(entry, revision, posted_digest(entry)):
            found.append(
                Conflict(
                    entry.prompt_id,
                    stored.draft_html if stored is not None else "",
                    stored.updated_at if stored is not None else None,
                )
            )
    return found


def _check_prompt(module: Module, prompt_id: str) -> None:
    if prompt_id not in {prompt.id for prompt in module.prompts}:
        raise NotFoundError(_l("This mini-module has no such question."), code="prompt-not-found")


def _progress(session: Session, launch: LaunchContext, slug: str) -> ModuleProgress | None:
    return session.scalar(
        select(ModuleProgress).where(
            ModuleProgress.user_id == launch.user_pk,
            ModuleProgress.context_id == require_course(launch),
            ModuleProgress.module_slug == slug,
        )
    )


def _own_progress(session: Session, launch: LaunchContext, slug: str) -> ModuleProgress:
    progress = _progress(session, launch, slug)
    if progress is None:
        progress = ModuleProgress(
            user_id=launch.user_pk,
            context_id=require_course(launch),
            module_slug=slug,
            sections_seen=[],
        )
        session.add(progress)
        session.flush()
    return progress


def _reflections(session: Session, launch: LaunchContext, slug: str) -> list[Reflection]:
    return list(
        session.scalars(
            select(Reflection)
            .options(selectinload(Reflection.versions))
            .where(
                Reflection.user_id == launch.user_pk,
                Reflection.context_id == require_course(launch),
                Reflection.module_slug == slug,
            )
        )
    )


def _own_reflection(
    session: Session, launch: LaunchContext, module: Module, prompt_id: str
) -> Reflection:
    _check_prompt(module, prompt_id)
    found = next(
        (r for r in _reflections(session, launch, module.slug) if r.prompt_id == prompt_id), None
    )
    if found is None:
        found = Reflection(
            user_id=launch.user_pk,
            context_id=require_course(launch),
            module_slug=module.slug,
            prompt_id=prompt_id,
            draft_html="",
        )
        session.add(found)
        session.flush()
    return found


def _facts(progress: ModuleProgress | None, reflections: list[Reflection]) -> ProgressFacts:
    return ProgressFacts(
        sections_seen=frozenset(progress.sections_seen if progress else ()),
        prompts_submitted=frozenset(r.prompt_id for r in reflections if r.versions),
        prompts_drafted=frozenset(r.prompt_id for r in reflections if r.draft_html),
        started=progress is not None,
    )


def module_state(session: Session, launch: LaunchContext, module: Module) -> ModuleState:
    """This learner's progress, drafts and submitted versions in `module` (for the player)."""
    progress = _progress(session, launch, module.slug)
    reflections = _reflections(session, launch, module.slug)
    by_prompt = {r.prompt_id: r for r in reflections}
    status = module_status(
        [s.id for s in module.sections],
        [p.id for p in module.prompts],
        _facts(progress, reflections),
    )
    if progress is not None and progress.completed_at is not None:
        status = ModuleStatus.COMPLETED  # recorded once; later content edits do not undo it
    prompts = {p.id: PromptState(p.id, by_prompt.get(p.id)) for p in module.prompts}
    return ModuleState(progress, prompts, status)


def _complete_if_done(session: Session, launch: LaunchContext, module: Module) -> bool:
    """Record completion the first time its rule holds; True when it happened now."""
    progress = _own_progress(session, launch, module.slug)
    if progress.completed_at is not None:
        return False
    session.flush()
    reflections = _reflections(session, launch, module.slug)
    facts = _facts(progress, reflections)
    if not is_complete([s.id for s in module.sections], [p.id for p in module.prompts], facts):
        return False
    progress.completed_at = utcnow()
    session.flush()
    events.on_module_completed(
        session,
        launch,
        module.slug,
        module.title,
        awaiting_review=any(r.visibility == "facilitator" for r in reflections),
    )
    return True


def mark_section_seen(
    session: Session, launch: LaunchContext, module: Module, section_id: str
) -> bool:
    """Record that the learner saw `section_id` (idempotent). True if the module completed now."""
    if section_id not in {s.id for s in module.sections}:
        raise NotFoundError(_l("This mini-module has no such section."), code="section-not-found")
    progress = _own_progress(session, launch, module.slug)
    seen = with_seen(progress.sections_seen or [], section_id)
    if seen != list(progress.sections_seen or []):
        progress.sections_seen = seen  # a new list, so the JSON column is seen as changed
        session.flush()
    return _complete_if_done(session, launch, module)


def save_draft(
    session: Session, launch: LaunchContext, module: Module, prompt_id: str, text: str
) -> Reflection:
    """Store the sanitised answer as the working draft; submitted versions are not touched."""
    html = sanitise_answer(text)
    _check_length(html)
    reflection = _own_reflection(session, launch, module, prompt_id)
    if reflection.draft_html != html:
        reflection.draft_html = html
        bump_revision(reflection)
    _own_progress(session, launch, module.slug)
    session.flush()
    return reflection


def submit_reflection(
    session: Session, launch: LaunchContext, module: Module, prompt_id: str, text: str
) -> ReflectionVersion:
    """Save `text` as the draft and freeze it as the next version (1, 2, …).

    An answer with no words is refused before anything is written.
    """
    html = sanitise_answer(text)
    if is_blank_answer(html):
        raise UnprocessableError(
            _l("Write your answer before you submit it. An empty answer cannot be submitted."),
            code="empty-answer",
        )
    _check_length(html)
    reflection = save_draft(session, launch, module, prompt_id, text)
    number = max((v.number for v in reflection.versions), default=0) + 1
    version = ReflectionVersion(
        number=number,
        html=html,
        visibility=reflection.visibility,
        shared_with_mentors=reflection.shared_with_mentors,
        submitted_at=utcnow(),
    )
    version.link_url = reflection.link_url
    reflection.versions.insert(0, version)
    session.flush()
    # The draft's uploaded file is frozen with this version (see files.py).
    session.execute(
        update(ReflectionFile)
        .where(
            ReflectionFile.reflection_id == reflection.id,
            ReflectionFile.version_number.is_(None),
        )
        .values(version_number=number)
        .execution_options(synchronize_session="fetch")
    )
    _complete_if_done(session, launch, module)
    return version


def set_visibility(
    session: Session,
    launch: LaunchContext,
    module: Module,
    prompt_id: str,
    visibility: str,
    *,
    shared_with_mentors: bool | None = None,
) -> Reflection:
    """Who may see this reflection: only the learner, or also the course's facilitators; and,
    apart from that, the learner's mentors (None leaves that choice as it was). Applies to the
    versions already submitted too: the learner's latest choice is what counts."""
    if visibility not in VISIBILITIES:
        raise UnprocessableError(
            _l("Choose who can see your reflection."), code="invalid-visibility"
        )
    reflection = _own_reflection(session, launch, module, prompt_id)
    mentors = reflection.shared_with_mentors if shared_with_mentors is None else shared_with_mentors
    if (reflection.visibility, bool(reflection.shared_with_mentors)) != (visibility, mentors):
        bump_revision(reflection)
    reflection.visibility = visibility
    reflection.shared_with_mentors = mentors
    for version in reflection.versions:
        version.visibility = visibility
        version.shared_with_mentors = reflection.shared_with_mentors
    session.flush()
    return reflection


# Table columns, not ORM attributes: a statement over mapped attributes goes through the
# ORM's compile and result setup on every execution, which a plain row does not need.
_progress_rows = ModuleProgress.__table__
# Built once: the course home reads it on every learner's visit.
_MY_PROGRESS = select(
    _progress_rows.c.module_slug,
    _progress_rows.c.completed_at,
    _progress_rows.c.updated_at,
    _progress_rows.c.id,
).where(
    _progress_rows.c.user_id == bindparam("user_pk"),
    _progress_rows.c.context_id == bindparam("context_pk"),
)


def my_modules_overview(
    session: Session, launch: LaunchContext, modules: tuple[Module, ...]
) -> dict[str, ModuleStatus]:
    """The status of every module for this learner in this course, from one query.

    A progress row exists as soon as the learner saw a section or saved an answer, and carries the
    completion time, so it alone tells the three states apart.
    """
    return my_progress(session, launch, modules)[0]


def my_progress(
    session: Session, launch: LaunchContext, modules: tuple[Module, ...]
) -> tuple[dict[str, ModuleStatus], str | None]:
    """The status of every module for this learner in this course (`my_modules_overview`), and the
    module they last worked on and have not completed, if any: one query, for the course home."""
    rows = session.execute(
        _MY_PROGRESS, {"user_pk": launch.user_pk, "context_pk": require_course(launch)}
    ).all()
    unfinished = [row for row in rows if row.completed_at is None]
    last = max(unfinished, key=lambda row: (row.updated_at, row.id), default=None)
    return _statuses(modules, {slug: done for slug, done, _at, _id in rows}), (
        None if last is None else last.module_slug
    )


def _statuses(
    modules: tuple[Module, ...], found: dict[str, datetime | None]
) -> dict[str, ModuleStatus]:
    return {
        module.slug: (
            ModuleStatus.NOT_STARTED
            if module.slug not in found
            else ModuleStatus.COMPLETED
            if found[module.slug] is not None
            else ModuleStatus.IN_PROGRESS
        )
        for module in modules
    }
