"""The roster rules without a database: NRPS pages, Link headers, what a sync changes, when."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from lti_tool.lti.roles import ToolRole
from lti_tool.rosters import domain
from lti_tool.rosters.domain import RosterMember

MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
NOW = datetime(2026, 12, 2, 9, 0)


# Link headers (RFC 8288) -------------------------------------------------------------------------


def test_link_header_gives_next_and_differences():
    header = (
        '<https://lms.example/c/1/memberships?page=2&limit=2>; rel="next", '
        '<https://lms.example/c/1/memberships?since=42>; rel="differences"'
    )
    assert domain.parse_link_header(header) == {
        "next": "https://lms.example/c/1/memberships?page=2&limit=2",
        "differences": "https://lms.example/c/1/memberships?since=42",
    }


def test_link_header_relations_are_case_insensitive_unquoted_or_several():
    header = '<https://a.example/p2>; REL=Next, <https://a.example/d>; rel="differences last"'
    links = domain.parse_link_header(header)
    assert links["next"] == "https://a.example/p2"
    assert links["differences"] == links["last"] == "https://a.example/d"


def test_link_header_keeps_the_url_exactly_as_sent():
    signed = "https://lms.example/m?sig=AbC%2Bd&Page=3"
    assert domain.parse_link_header(f'<{signed}>; rel="next"') == {"next": signed}


@pytest.mark.parametrize("header", [None, "", "garbage", '<https://a.example/x>; title="no rel"'])
def test_link_header_without_relations_gives_nothing(header):
    assert domain.parse_link_header(header) == {}


# Members ----------------------------------------------------------------------------------------


def test_member_carries_names_roles_and_status():
    member = domain.parse_member(
        {
            "user_id": "u-1",
            "status": "Inactive",
            "roles": [MEMBERSHIP + "Learner"],
            "name": "Jean-François Côté",
            "given_name": "Jean-François",
            "family_name": "Côté",
            "email": "jf@example.org",
        }
    )
    assert member == RosterMember(
        sub="u-1",
        status="inactive",
        roles=(MEMBERSHIP + "Learner",),
        name="Jean-François Côté",
        given_name="Jean-François",
        family_name="Côté",
        email="jf@example.org",
    )
    assert member.tool_role is ToolRole.LEARNER


def test_member_status_defaults_to_active_and_unknown_words_are_active():
    assert domain.parse_member({"user_id": "a"}).status == "active"
    assert domain.parse_member({"user_id": "a", "status": "Pending"}).status == "active"
    assert domain.parse_member({"user_id": "a", "status": "Deleted"}).status == "deleted"


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        (["Instructor"], ToolRole.FACILITATOR),  # Moodle's short names
        (["Learner"], ToolRole.LEARNER),
        (["Mentor"], ToolRole.MENTOR),
        (["urn:lti:role:ims/lis/Instructor"], ToolRole.FACILITATOR),  # LTI 1.1 URNs
        (["urn:lti:role:ims/lis/Instructor/TeachingAssistant"], ToolRole.FACILITATOR),
        ([MEMBERSHIP + "Instructor"], ToolRole.FACILITATOR),
        (["something-else"], ToolRole.LEARNER),
    ],
)
def test_member_roles_map_to_tool_roles_whatever_their_spelling(roles, expected):
    assert domain.parse_member({"user_id": "a", "roles": roles}).tool_role is expected


def test_member_without_roles_keeps_what_a_launch_said():
    assert domain.parse_member({"user_id": "a", "roles": []}).tool_role is None


@pytest.mark.parametrize(
    "raw", [{}, {"user_id": ""}, {"user_id": 7}, {"user_id": "x" * 256}, "user", None]
)
def test_entries_without_a_usable_user_id_are_skipped(raw):
    assert domain.parse_member(raw) is None


def test_names_are_trimmed_and_blank_ones_dropped():
    member = domain.parse_member({"user_id": "a", "name": "  ", "given_name": " Zoë "})
    assert member.name is None
    assert member.given_name == "Zoë"
    assert member.display_name == "Zoë"


def test_a_container_without_members_is_refused():
    with pytest.raises(domain.RosterFormatError):
        domain.parse_container({"id": "x"})
    with pytest.raises(domain.RosterFormatError):
        domain.parse_container(["not", "a", "container"])


def test_container_skips_bad_entries_and_keeps_the_rest():
    members = domain.parse_container({"members": [{"user_id": "a"}, {"name": "no id"}, 3]})
    assert [m.sub for m in members] == ["a"]


def test_a_person_repeated_across_pages_is_read_once_last_wins():
    first = [RosterMember("a", name="Old"), RosterMember("b")]
    second = [RosterMember("a", name="New")]
    merged = domain.merge_pages([first, second])
    assert list(merged) == ["a", "b"]
    assert merged["a"].name == "New"


# What a sync changes ------------------------------------------------------------------------------


def _listed(*members: RosterMember) -> dict[str, RosterMember]:
    return {m.sub: m for m in members}


def test_full_sync_adds_updates_and_removes_the_unlisted():
    known = {"a": "active", "b": "active", "gone": "active", "long-gone": "deleted"}
    changes = domain.plan_changes(
        known, _listed(RosterMember("a"), RosterMember("b"), RosterMember("new")), kind="full"
    )
    assert [m.sub for m in changes.added] == ["new"]
    assert [m.sub for m in changes.updated] == ["a", "b"]
    assert changes.removed == ("gone",)  # already deleted ones are not removed twice
    assert changes.unchanged == 1


def test_differences_sync_never_removes_the_unlisted():
    known = {"a": "active", "b": "active"}
    changes = domain.plan_changes(
        known, _listed(RosterMember("b", status="deleted")), kind="differences"
    )
    assert changes.removed == ()
    assert [(m.sub, m.status) for m in changes.updated] == [("b", "deleted")]
    assert changes.unchanged == 1


def test_a_deleted_stranger_in_differences_is_added_as_deleted():
    changes = domain.plan_changes(
        {}, _listed(RosterMember("x", status="deleted")), kind="differences"
    )
    assert [(m.sub, m.status) for m in changes.added] == [("x", "deleted")]


# When -------------------------------------------------------------------------------------------


def test_staleness_by_the_configured_age():
    assert domain.is_stale(None, NOW, 3600)
    assert not domain.is_stale(NOW - timedelta(seconds=3599), NOW, 3600)
    assert domain.is_stale(NOW - timedelta(seconds=3600), NOW, 3600)


def _next(**overrides):
    values = {
        "memberships_url": "https://lms/m",
        "differences_url": "https://lms/m?since=5",
        "full_synced_at": NOW - timedelta(days=1),
        "now": NOW,
        "full_every_seconds": 7 * 86400,
    }
    return domain.next_sync(**{**values, **overrides})


def test_next_sync_follows_the_differences_link_when_offered():
    assert _next() == ("differences", "https://lms/m?since=5")


def test_next_sync_is_full_without_a_link_on_request_or_when_the_last_full_is_old():
    assert _next(differences_url=None) == ("full", "https://lms/m")
    assert _next(want_full=True) == ("full", "https://lms/m")
    assert _next(full_synced_at=NOW - timedelta(days=8)) == ("full", "https://lms/m")
    assert _next(full_synced_at=None) == ("full", "https://lms/m")


def test_the_container_names_its_course_when_it_does():
    assert domain.container_context_id({"context": {"id": "c-1"}, "members": []}) == "c-1"
    assert domain.container_context_id({"members": []}) is None
    assert domain.container_context_id({"context": {"id": 5}}) is None
