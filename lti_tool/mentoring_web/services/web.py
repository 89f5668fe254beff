"""Reading and changing mentoring webs, always through the launch that asks.

Every function takes the request's Session and the LaunchContext explicitly and works only on the
web of that launch's user in that launch's course: a strand id from another web is "not found",
never someone else's data. Services flush; the view commits once.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from types import SimpleNamespace

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, selectinload

from lti_tool import errors
from lti_tool.errors import ConflictError, NotFoundError
from lti_tool.limits import limit
from lti_tool.lti.launch import LaunchContext
from lti_tool.lti.models import Deployment
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
from lti_tool.mentoring_web.models import Strand, WebOwner
from lti_tool.people.models import Context, User
from lti_tool.people.services import mentors_of

STRAND_FIELDS = (
    "label",
    "kind",
    "board_role",
    "location",
    "model",
    "frequency",
    "status",
    "direction",
    "strength",
    "strength_note",
    "i_offer",
    "stance",
    "formality",
    "next_step",
    "next_check_in",
    "last_contact_on",
)


def require_course(launch: LaunchContext) -> int:
    return errors.require_course(launch)


def find_own_web(session: Session, launch: LaunchContext) -> WebOwner | None:
    context_pk = require_course(launch)
    return session.scalar(
        select(WebOwner)
        .options(selectinload(WebOwner.strands))
        .where(WebOwner.user_id == launch.user_pk, WebOwner.context_id == context_pk)
    )


_owners, _strands = WebOwner.__table__, Strand.__table__
# A web as the course home reads it, built once: the owner's card and its strands, one row each
# (the owner's columns repeated), for `web_facts` without ORM objects.
_OWN_WEB_ROWS = (
    select(
        *(column.label(f"web_{column.name}") for column in _owners.c),
        *(column.label(column.name) for column in _strands.c),
    )
    .select_from(_owners)
    .outerjoin(_strands, _strands.c.owner_id == _owners.c.id)
    .where(
        _owners.c.user_id == bindparam("user_pk"), _owners.c.context_id == bindparam("context_pk")
    )
    .order_by(_strands.c.id)
)


def own_web_facts(session: Session, launch: LaunchContext) -> WebFacts | None:
    """`web_facts(find_own_web(...))` in one prebuilt statement, for pages that only read it."""
    rows = session.execute(
        _OWN_WEB_ROWS, {"user_pk": launch.user_pk, "context_pk": require_course(launch)}
    ).all()
    if not rows:
        return None
    owner = SimpleNamespace(
        **{column.name: getattr(rows[0], f"web_{column.name}") for column in _owners.c}
    )
    return WebFacts(
        centre=centre_card(owner),  # type: ignore[arg-type]  # the owner's columns, by name
        strands=tuple(facts_of_strand(row) for row in rows if row.id is not None),  # type: ignore[arg-type]
    )


def own_web(session: Session, launch: LaunchContext) -> WebOwner:
    """This user's web in this course, created empty on first use."""
    owner = find_own_web(session, launch)
    if owner is None:
        owner = WebOwner(user_id=launch.user_pk, context_id=require_course(launch))
        session.add(owner)
        session.flush()
    return owner


def facts_of_strand(strand: Strand) -> StrandFacts:
    return StrandFacts(
        id=strand.id,
        label=strand.label,
        kind=StrandKind(strand.kind),
        board_role=strand.board_role,
        location=Location(strand.location) if strand.location else None,
        model=Model(strand.model) if strand.model else None,
        supports=frozenset(Support(value) for value in strand.supports),
        frequency=Frequency(strand.frequency) if strand.frequency else None,
        status=Status(strand.status),
        direction=Direction(strand.direction),
        strength=strand.strength,
        strength_note=strand.strength_note or "",
        i_offer=strand.i_offer or "",
        stance=Stance(strand.stance) if strand.stance else None,
        formality=Formality(strand.formality) if strand.formality else None,
        next_step=strand.next_step or "",
        next_check_in=strand.next_check_in,
        last_contact_on=strand.last_contact_on,
    )


def centre_card(owner: WebOwner, display_name: str = "") -> CentreCard:
    return CentreCard(
        display_name=display_name,
        board_role=owner.board_role,
        years_in_role=owner.years_in_role,
        strengths=tuple(owner.strengths or ()),
        quiet_victories=tuple(owner.quiet_victories or ()),
        goals=tuple(owner.goals or ()),
    )


def web_facts(owner: WebOwner, display_name: str = "") -> WebFacts:
    return WebFacts(
        centre=centre_card(owner, display_name),
        strands=tuple(facts_of_strand(strand) for strand in owner.strands),
    )


# Not said yet (a quick-added strand) is stored as "" in these NOT NULL columns, read back as None.
UNSAID_AS_BLANK = frozenset({"location", "model", "frequency"})


def _write_strand(strand: Strand, facts: StrandFacts) -> None:
    for name in STRAND_FIELDS:
        value = getattr(facts, name)
        if value is None and name in UNSAID_AS_BLANK:
            value = ""
        setattr(strand, name, value.value if hasattr(value, "value") else value)
    strand.supports = sorted(support.value for support in facts.supports)


class WebFullError(ConflictError):
    """The web already holds as many strands as a web may (WEB_MAX_STRANDS)."""

    code = "web-full"


def check_room(owner: WebOwner, adding: int = 1) -> None:
    most = limit("WEB_MAX_STRANDS")
    if len(owner.strands) + adding > most:
        raise WebFullError(
            _l(
                "A web can hold up to %(limit)d strands, ended ones included, and yours is full. "
                "Remove a strand you no longer need, then add this one.",
                limit=most,
            )
        )


def add_strand(session: Session, owner: WebOwner, facts: StrandFacts) -> Strand:
    """A new strand in this web; WebFullError when the web is at its limit."""
    check_room(owner)
    strand = Strand(owner=owner)
    _write_strand(strand, facts)
    session.add(strand)
    session.flush()
    return strand


def own_strand(owner: WebOwner | None, strand_id: int) -> Strand:
    """A strand of this web; any other id (another person's strand included) is "not found"."""
    for strand in owner.strands if owner is not None else ():
        if strand.id == strand_id:
            return strand
    raise NotFoundError(_l("There is no such strand in your web."), code="strand-not-found")


def update_strand(session: Session, owner: WebOwner, strand_id: int, facts: StrandFacts) -> Strand:
    strand = own_strand(owner, strand_id)
    _write_strand(strand, facts)
    session.flush()
    return strand


def end_strand(session: Session, owner: WebOwner | None, strand_id: int) -> Strand:
    """Ended strands stay in the web's history (snapshots) but leave the picture and the score."""
    strand = own_strand(owner, strand_id)
    strand.status = Status.ENDED.value
    session.flush()
    return strand


def remove_strand(session: Session, owner: WebOwner | None, strand_id: int) -> None:
    strand = own_strand(owner, strand_id)
    strand.owner.strands.remove(strand)
    session.flush()


def update_centre_card(session: Session, owner: WebOwner, card: CentreCard) -> None:
    owner.board_role = card.board_role
    owner.years_in_role = card.years_in_role
    owner.strengths = list(card.strengths)
    owner.quiet_victories = list(card.quiet_victories)
    owner.goals = list(card.goals)
    session.flush()


FACILITATORS, MENTORS = "facilitators", "mentors"


def my_mentor_names(session: Session, launch: LaunchContext) -> list[str]:
    """Who "my mentors" are here: the members whose launch names this user as their mentee."""
    if launch.context_pk is None:
        return []
    user = session.get(User, launch.user_pk)
    if user is None:
        return []
    names = []
    for mentor in mentors_of(session, launch.context_pk, user):
        names.append(mentor.display_name or str(_l("A mentor without a name in the LMS")))
    return names


def set_sharing(
    session: Session, owner: WebOwner, *, shared: bool, audience: str = FACILITATORS
) -> None:
    """Share the web with the course's facilitators, or with the mentors the LMS names for its
    owner; each is the owner's own choice, so mentoring can stay apart from appraisal."""
    if audience == MENTORS:
        owner.shared_with_mentors = shared
    elif audience == FACILITATORS:
        owner.shared_with_facilitators = shared
    else:
        raise ValueError(f"unknown audience {audience!r}")
    session.flush()


def planned_to_active(facts: StrandFacts, today: date) -> StrandFacts:
    """A planned strand that happened: keep everything, make it active as of today."""
    return replace(facts, status=Status.ACTIVE, last_contact_on=today)


def other_course_webs(session: Session, launch: LaunchContext) -> list[WebOwner]:
    """This user's webs in other courses of the same platform, which may be copied here."""
    context_pk = require_course(launch)
    return list(
        session.scalars(
            select(WebOwner)
            .join(Context, WebOwner.context_id == Context.id)
            .join(Deployment, Context.deployment_id == Deployment.id)
            .options(selectinload(WebOwner.strands), selectinload(WebOwner.context))
            .where(
                WebOwner.user_id == launch.user_pk,
                WebOwner.context_id != context_pk,
                Deployment.platform_id == launch.platform_pk,
            )
            .order_by(WebOwner.updated_at.desc())
        )
    )


def copy_web(session: Session, launch: LaunchContext, source_owner_id: int) -> int:
    """Copy the strands of one of my other webs into this course's web; returns how many.

    Strands whose label already exists here are skipped, so copying twice adds nothing; two
    strands of the source with one label (one person, two kinds of support) are both copied.
    """
    source = next(
        (web for web in other_course_webs(session, launch) if web.id == source_owner_id), None
    )
    if source is None:
        raise NotFoundError(_l("There is no such web of yours to copy."), code="web-not-found")
    target = own_web(session, launch)
    existing = {_normalised(strand.label) for strand in target.strands}
    to_copy = [
        strand
        for strand in source.strands
        if strand.status != Status.ENDED.value and _normalised(strand.label) not in existing
    ]
    check_room(target, len(to_copy))  # all or nothing: never a half-copied web
    copied = 0
    for strand in to_copy:
        add_strand(session, target, facts_of_strand(strand))
        copied += 1
    if not target.board_role and source.board_role:
        target.board_role, target.years_in_role = source.board_role, source.years_in_role
        target.strengths = list(source.strengths or ())
    session.flush()
    return copied


def _normalised(label: str) -> str:
    return " ".join(label.casefold().split())
