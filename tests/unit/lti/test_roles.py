"""LTI roles → the tool's roles (lti_tool/lti/roles.py): pure functions, no app needed."""

from __future__ import annotations

import pytest

from lti_tool.lti.roles import (
    ParsedRole,
    ToolRole,
    canonical_role,
    canonical_roles,
    parse_role,
    tool_role,
)

LIS = "http://purl.imsglobal.org/vocab/lis/v2/"
MEMBERSHIP = LIS + "membership#"
INSTITUTION = LIS + "institution/person#"
SYSTEM = LIS + "system/person#"


@pytest.mark.parametrize(
    ("role", "parsed"),
    [
        (MEMBERSHIP + "Instructor", ParsedRole("context", "Instructor")),
        (
            LIS + "membership/Instructor#TeachingAssistant",
            ParsedRole("context", "Instructor", "TeachingAssistant"),
        ),
        (INSTITUTION + "Administrator", ParsedRole("institution", "Administrator")),
        (SYSTEM + "User", ParsedRole("system", "User")),
        ("Learner", ParsedRole("context", "Learner")),
        ("  Instructor  ", ParsedRole("context", "Instructor")),
    ],
)
def test_parse_role(role: str, parsed: ParsedRole) -> None:
    assert parse_role(role) == parsed


@pytest.mark.parametrize(
    "role",
    ["", "   ", "http://example.org/roles#Instructor", LIS + "membership", "urn:lti:role:x/y"],
)
def test_values_outside_the_lis_vocabularies_are_not_parsed(role: str) -> None:
    assert parse_role(role) is None


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        # Full URIs, as in an LTI 1.3 id_token.
        ([MEMBERSHIP + "Instructor"], ToolRole.FACILITATOR),
        ([MEMBERSHIP + "Learner"], ToolRole.LEARNER),
        ([MEMBERSHIP + "ContentDeveloper"], ToolRole.FACILITATOR),
        ([MEMBERSHIP + "Administrator"], ToolRole.FACILITATOR),
        ([MEMBERSHIP + "Mentor"], ToolRole.MENTOR),
        # Short names, as in Moodle's NRPS membership lists.
        (["Instructor"], ToolRole.FACILITATOR),
        (["Learner"], ToolRole.LEARNER),
        (["Mentor"], ToolRole.MENTOR),
        (["ContentDeveloper"], ToolRole.FACILITATOR),
        # Sub-roles: principal role and sub-role both count.
        ([LIS + "membership/Instructor#TeachingAssistant"], ToolRole.FACILITATOR),
        ([MEMBERSHIP + "TeachingAssistant"], ToolRole.FACILITATOR),
        ([LIS + "membership/Learner#Learner"], ToolRole.LEARNER),
        # Facilitator > mentor > learner when several context roles arrive together.
        ([MEMBERSHIP + "Learner", MEMBERSHIP + "Mentor"], ToolRole.MENTOR),
        ([MEMBERSHIP + "Mentor", MEMBERSHIP + "Instructor"], ToolRole.FACILITATOR),
    ],
)
def test_context_roles(roles: list[str], expected: ToolRole) -> None:
    assert tool_role(roles) is expected


def test_institution_administrator_without_context_role_is_facilitator() -> None:
    assert tool_role([INSTITUTION + "Administrator"]) is ToolRole.FACILITATOR
    assert tool_role([SYSTEM + "Administrator"]) is ToolRole.FACILITATOR


def test_canvas_institution_administrator_who_is_a_learner_in_the_course_is_a_learner() -> None:
    # Canvas sends institution roles alongside the course role; the course role decides.
    roles = [INSTITUTION + "Administrator", SYSTEM + "User", MEMBERSHIP + "Learner"]
    assert tool_role(roles) is ToolRole.LEARNER


def test_institution_roles_other_than_administrator_grant_nothing() -> None:
    assert tool_role([INSTITUTION + "Instructor", INSTITUTION + "Faculty"]) is ToolRole.LEARNER


@pytest.mark.parametrize(
    "roles",
    [
        [],
        [""],
        ["http://example.org/roles#Instructor"],
        [MEMBERSHIP + "Guest"],
        ["SomethingNew"],
        [SYSTEM + "User"],
    ],
)
def test_unknown_or_no_roles_are_learner(roles: list[str]) -> None:
    assert tool_role(roles) is ToolRole.LEARNER


def test_roles_can_be_any_iterable() -> None:
    assert tool_role(iter(["Instructor"])) is ToolRole.FACILITATOR


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("Instructor", "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"),
        (
            "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner",
            "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner",
        ),
        (
            "urn:lti:role:ims/lis/Instructor/TeachingAssistant",
            "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant",
        ),
        ("https://example.org/roles#Custom", "https://example.org/roles#Custom"),
    ],
)
def test_roles_are_stored_in_one_canonical_form(sent: str, stored: str) -> None:
    assert canonical_role(sent) == stored


def test_canonical_roles_are_each_once_and_in_a_stable_order() -> None:
    moodle_nrps = ["Learner", "Learner"]
    launch = ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"]
    assert canonical_roles(moodle_nrps) == canonical_roles(launch) == launch
