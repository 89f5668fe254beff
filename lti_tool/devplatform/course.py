"""The demo course the development platform serves: one course, its people and its two placements.

Names are deliberately non-ASCII (French and English, as in Ontario boards) so encoding bugs show up
in development, and `sub` values are fixed so a relaunch maps to the same tool user.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
LEARNER = MEMBERSHIP + "Learner"
INSTRUCTOR = MEMBERSHIP + "Instructor"
MENTOR = MEMBERSHIP + "Mentor"
INSTITUTION_STUDENT = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Student"
INSTITUTION_FACULTY = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Faculty"


@dataclass(frozen=True)
class Member:
    """A person in the course, as the LMS knows them. `key` is the platform's own handle (login_hint)."""

    key: str
    sub: str
    roles: tuple[str, ...]
    name: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    email: str | None = None
    mentees: tuple[str, ...] = ()  # subs, sent as role_scope_mentor

    @property
    def display_name(self) -> str:
        return self.name or self.key


@dataclass(frozen=True)
class ResourceLink:
    """A placement of the tool in the course. Deep-linking placements have no resource link id claim."""

    id: str
    title: str
    message_type: str = "LtiResourceLinkRequest"
    url: str | None = None  # target_link_uri; None means the tool's registered launch URL
    custom: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Course:
    id: str
    label: str
    title: str
    members: tuple[Member, ...]
    links: tuple[ResourceLink, ...]

    def member(self, key: str) -> Member | None:
        return next((m for m in self.members if m.key == key), None)

    @property
    def facilitator(self) -> Member:
        return next(m for m in self.members if INSTRUCTOR in m.roles)


JEAN_FRANCOIS = Member(
    key="jean-francois",
    sub="b6f1a3c2-51d4-4c8e-9d0f-1e2a3b4c5d01",
    roles=(LEARNER, INSTITUTION_STUDENT),
    name="Jean-François Côté",
    given_name="Jean-François",
    family_name="Côté",
    email="jean-francois.cote@example.org",
)

DEMO_COURSE = Course(
    id="demo-course-1",
    label="MFA-DEMO",
    title="Mentoring for All — Demo course",
    members=(
        Member(
            key="amelie",
            sub="0c2d7e9a-3f41-4b6a-8e5d-2f7c9a1b3e10",
            roles=(INSTRUCTOR, INSTITUTION_FACULTY),
            name="Amélie Tremblay",
            given_name="Amélie",
            family_name="Tremblay",
            email="amelie.tremblay@example.org",
        ),
        JEAN_FRANCOIS,
        Member(
            key="priya",
            sub="5a9e2c7b-8d13-4f60-a4b2-6c1d8e3f9a02",
            roles=(LEARNER,),
            name="Priya Singh",
            given_name="Priya",
            family_name="Singh",
            email="priya.singh@example.org",
        ),
        Member(
            key="zoe",
            sub="e3b8d1f4-2a6c-4d97-b05e-7f2a9c4d6b03",
            roles=(LEARNER,),
            name="Zoë O'Connor",
            given_name="Zoë",
            family_name="O'Connor",
            email="zoe.oconnor@example.org",
        ),
        Member(
            key="marc",
            sub="9d4c6a2e-7b15-4e83-a9f0-3c5e8b1d7f04",
            roles=(MENTOR,),
            name="Marc-André Gagnon",
            given_name="Marc-André",
            family_name="Gagnon",
            email="marc-andre.gagnon@example.org",
            mentees=(JEAN_FRANCOIS.sub,),
        ),
    ),
    links=(
        ResourceLink(id="rl-mentoring-web-1", title="Mentoring Web"),
        ResourceLink(
            id="dl-placement-1",
            title="Add a Mentoring Web activity",
            message_type="LtiDeepLinkingRequest",
        ),
    ),
)
