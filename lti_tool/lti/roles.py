"""Map LTI roles to the tool's three roles. Pure functions: no Flask, no database.

LTI 1.3 roles arrive as full URIs (context `membership#Instructor`, sub-roles
`membership/Instructor#TeachingAssistant`, institution `institution/person#Administrator`, system
`system/person#Administrator`) or, from Moodle's NRPS and older platforms, as short names
(`Instructor`, `Learner`) or LTI 1.1 URNs (`urn:lti:role:ims/lis/Instructor`). Context roles win
when present: Canvas sends institution roles such as Administrator to people who are students in
the course, and this course is what we authorise.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

LIS = "http://purl.imsglobal.org/vocab/lis/v2/"
CONTEXT_PREFIX = LIS + "membership"
INSTITUTION_PREFIX = LIS + "institution/person#"
SYSTEM_PREFIX = LIS + "system/person#"
# LTI 1.1 role URNs, which some NRPS implementations (older Moodle) still send.
LEGACY_PREFIXES = {
    "urn:lti:role:ims/lis/": "context",
    "urn:lti:instrole:ims/lis/": "institution",
    "urn:lti:sysrole:ims/lis/": "system",
}


class ToolRole(StrEnum):
    FACILITATOR = "facilitator"
    MENTOR = "mentor"
    LEARNER = "learner"


FACILITATOR_ROLES = frozenset(
    {"Instructor", "TeachingAssistant", "ContentDeveloper", "Administrator"}
)
MENTOR_ROLES = frozenset({"Mentor"})


@dataclass(frozen=True)
class ParsedRole:
    scope: str  # "context", "institution", "system"
    name: str  # the principal role name, e.g. "Instructor"
    sub_role: str | None = None


def parse_role(role: str) -> ParsedRole | None:
    """Parse one role value; None for a value outside the LIS vocabularies (kept but not mapped)."""
    role = role.strip()
    if not role:
        return None
    if role.startswith(CONTEXT_PREFIX):
        rest = role[len(CONTEXT_PREFIX) :]
        if rest.startswith("#"):  # membership#Instructor
            return ParsedRole("context", rest[1:])
        if rest.startswith("/") and "#" in rest:  # membership/Instructor#TeachingAssistant
            principal, sub = rest[1:].split("#", 1)
            return ParsedRole("context", principal, sub)
        return None
    if role.startswith(INSTITUTION_PREFIX):
        return ParsedRole("institution", role[len(INSTITUTION_PREFIX) :])
    if role.startswith(SYSTEM_PREFIX):
        return ParsedRole("system", role[len(SYSTEM_PREFIX) :])
    for prefix, scope in LEGACY_PREFIXES.items():
        if role.startswith(prefix):  # urn:lti:role:ims/lis/Instructor/TeachingAssistant
            principal, _, sub = role[len(prefix) :].partition("/")
            return ParsedRole(scope, principal, sub or None) if principal else None
    if "://" not in role and "#" not in role and "/" not in role:
        # Deprecated short names are context roles (LTI 1.3 Core §A.2.3.1).
        return ParsedRole("context", role)
    return None


def canonical_role(role: str) -> str:
    """One role in its full LIS v2 form, so `Instructor` (Moodle's NRPS), the launch's full URI
    and an LTI 1.1 URN are stored alike; a role outside the vocabularies is kept as sent."""
    parsed = parse_role(role)
    if parsed is None:
        return role.strip()
    if parsed.scope == "context":
        if parsed.sub_role:
            return f"{CONTEXT_PREFIX}/{parsed.name}#{parsed.sub_role}"
        return f"{CONTEXT_PREFIX}#{parsed.name}"
    prefix = INSTITUTION_PREFIX if parsed.scope == "institution" else SYSTEM_PREFIX
    return prefix + parsed.name


def canonical_roles(roles: Iterable[str]) -> list[str]:
    """The roles as stored: canonical, each once, in a stable order (a sync that changes nothing
    then writes nothing)."""
    return sorted({canonical_role(role) for role in roles if role.strip()})


def _names(parsed: Iterable[ParsedRole]) -> set[str]:
    names: set[str] = set()
    for role in parsed:
        names.add(role.name)
        if role.sub_role:
            names.add(role.sub_role)
    return names


def tool_role(roles: Iterable[str]) -> ToolRole:
    """Facilitator > mentor > learner. Unknown or no roles get the least privilege: learner."""
    parsed = [p for p in (parse_role(r) for r in roles) if p is not None]
    context = [p for p in parsed if p.scope == "context"]
    if context:
        names = _names(context)
        if names & FACILITATOR_ROLES:
            return ToolRole.FACILITATOR
        if names & MENTOR_ROLES:
            return ToolRole.MENTOR
        return ToolRole.LEARNER
    # No context role: only an institution or system administrator is trusted beyond learner.
    if any(p.name == "Administrator" for p in parsed):
        return ToolRole.FACILITATOR
    return ToolRole.LEARNER
