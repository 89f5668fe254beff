"""1EdTech certification §6.1.2 / §6.1.3 valid Instructor and Learner launches, deep linking, identity.

Each launch must succeed whatever the platform chose to send: several roles, the deprecated short
role names, a role nobody knows, no role at all, only an email, only names, no personal data, no
course. Then what a launch records: users keyed by (issuer, sub), contexts per deployment, the
membership with the LTI roles as sent and the tool role they map to, and mentees for a mentor.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from lti_tool.devplatform.course import (
    INSTITUTION_FACULTY,
    INSTITUTION_STUDENT,
    INSTRUCTOR,
    JEAN_FRANCOIS,
    LEARNER,
    MEMBERSHIP,
)
from lti_tool.devplatform.signer import DEEP_LINKING_REQUEST
from lti_tool.extensions import db
from lti_tool.lti.registrations import find_platform
from lti_tool.lti.roles import canonical_roles
from tests.fake_platform import TOOL_URL, FakePlatform, serve_fake_platform
from tests.lti_helpers import (
    assert_refused,
    follow,
    memberships,
    page_text,
    row_counts,
    signed_launch,
    users,
)


@pytest.fixture
def app_overrides() -> dict:
    """These tests check what a launch itself writes: the roster sync a facilitator's launch
    starts (more memberships) is tested in tests/integration/rosters."""
    return {"ROSTER_SYNC_ON_LAUNCH": "off"}


SYSTEM_USER = "http://purl.imsglobal.org/vocab/lis/v2/system/person#User"
UNKNOWN_ROLE = "http://lms.example/vocab/roles#HallMonitor"
NO_NAMES = {"name": None, "given_name": None, "family_name": None}
ROLE_LABEL = {"facilitator": "Facilitator", "mentor": "Mentor", "learner": "Learner"}

# (user, roles sent, tool role). Unknown and absent roles get the least privilege.
ROLE_CASES: dict[str, tuple[str, list[str], str]] = {
    "instructor-multiple-roles": (
        "amelie",
        [INSTRUCTOR, INSTITUTION_FACULTY, MEMBERSHIP + "ContentDeveloper", SYSTEM_USER],
        "facilitator",
    ),
    "learner-multiple-roles": (
        "priya",
        [LEARNER, INSTITUTION_STUDENT, SYSTEM_USER],
        "learner",
    ),
    "instructor-short-role": ("amelie", ["Instructor"], "facilitator"),
    "learner-short-role": ("priya", ["Learner"], "learner"),
    "instructor-unknown-role": ("amelie", [UNKNOWN_ROLE], "learner"),
    "learner-unknown-role": ("priya", [UNKNOWN_ROLE], "learner"),
    "instructor-no-role": ("amelie", [], "learner"),
    "learner-no-role": ("priya", [], "learner"),
}

# PII variants, each for an instructor and a learner.
PII_CASES: dict[str, dict[str, Any]] = {
    "email-only": {**NO_NAMES},
    "names-only": {"email": None},
    "no-pii": {**NO_NAMES, "email": None},
}


def _launch_page(platform: FakePlatform, client: FlaskClient, user_key: str, **claims: Any) -> str:
    attempt = signed_launch(platform, client, user_key, claims=claims)
    page = follow(client, attempt.response)
    assert page.status_code == 200, page.get_data(as_text=True)[:800]
    return page_text(page)


@pytest.mark.parametrize(("user_key", "roles", "role"), ROLE_CASES.values(), ids=ROLE_CASES.keys())
def test_role_variants_launch(
    app: Flask,
    client: FlaskClient,
    fake_platform: FakePlatform,
    user_key: str,
    roles: list[str],
    role: str,
) -> None:
    text = _launch_page(fake_platform, client, user_key, roles=roles)

    assert f'<span class="role">{ROLE_LABEL[role]}</span>' in text
    assert fake_platform.course.title in text
    [(membership, _context, _user)] = memberships(app)
    assert membership.role == role
    assert membership.lti_roles == canonical_roles(roles)  # full LIS URIs, each once, sorted


@pytest.mark.parametrize("user_key", ["amelie", "priya"])
@pytest.mark.parametrize("claims", PII_CASES.values(), ids=PII_CASES.keys())
def test_pii_variants_launch(
    app: Flask,
    client: FlaskClient,
    fake_platform: FakePlatform,
    user_key: str,
    claims: dict[str, Any],
) -> None:
    member = fake_platform.member(user_key)

    text = _launch_page(fake_platform, client, user_key, **claims)

    assert fake_platform.course.title in text
    [user] = users(app)
    assert user.sub == member.sub
    assert user.email == claims.get("email", member.email)
    assert user.name == (None if "name" in claims else member.name)
    if user.name:
        assert member.name in text
    else:
        assert "Signed in through your LMS" in text
    if user.email:
        assert user.email not in text  # the email is kept, not shown


@pytest.mark.parametrize("user_key", ["amelie", "priya"])
def test_email_without_a_context_launches_and_asks_for_a_course(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform, user_key: str
) -> None:
    text = _launch_page(fake_platform, client, user_key, context=None, **NO_NAMES)

    assert "This launch did not come from a course" in text
    assert "Open Mentoring Web from a course" in text
    assert fake_platform.course.title not in text
    counts = row_counts(app)
    assert (counts["lti_user"], counts["lti_context"], counts["lti_membership"]) == (1, 0, 0)
    assert users(app)[0].email == fake_platform.member(user_key).email


def test_deep_linking_request_launch_is_accepted(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    response = fake_platform.launch(client, "amelie", DEEP_LINKING_REQUEST)

    page = follow(client, response)
    assert page.status_code == 200
    [(membership, context, _user)] = memberships(app)
    assert (membership.role, context.context_id) == ("facilitator", fake_platform.course.id)


# Identity and what a launch records -------------------------------------------------------------------


def test_context_and_membership_record_the_roles_in_canonical_form_and_the_tool_role(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    for user_key in ("amelie", "priya"):
        assert fake_platform.launch(client, user_key).status_code == 200

    rows = {user.sub: (membership, context) for membership, context, user in memberships(app)}
    course = fake_platform.course
    for user_key, role in (("amelie", "facilitator"), ("priya", "learner")):
        member = fake_platform.member(user_key)
        membership, context = rows[member.sub]
        assert membership.role == role
        assert membership.lti_roles == canonical_roles(member.roles)
        assert (context.context_id, context.title, context.label) == (
            course.id,
            course.title,
            course.label,
        )
    assert row_counts(app)["lti_context"] == 1


def test_role_scope_mentor_is_recorded_as_the_mentors_mentees(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    page = follow(client, fake_platform.launch(client, "marc"))

    assert '<span class="role">Mentor</span>' in page_text(page)
    [(membership, _context, user)] = memberships(app)
    assert user.sub == fake_platform.member("marc").sub
    assert membership.role == "mentor"
    assert membership.mentee_subs == [JEAN_FRANCOIS.sub]


def test_a_later_launch_with_less_personal_data_keeps_what_was_known(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    member = fake_platform.member("priya")
    assert fake_platform.launch(client, "priya").status_code == 200

    again = signed_launch(fake_platform, client, "priya", claims={**NO_NAMES, "email": None})

    assert again.response.status_code == 200
    [user] = users(app)
    assert (user.name, user.given_name, user.family_name, user.email) == (
        member.name,
        member.given_name,
        member.family_name,
        member.email,
    )


def test_the_same_sub_from_two_platforms_is_two_users(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    with serve_fake_platform(app) as other:
        assert other.issuer != fake_platform.issuer
        assert fake_platform.launch(client, "priya").status_code == 200
        assert other.launch(app.test_client(), "priya").status_code == 200

    sub = fake_platform.member("priya").sub
    assert sorted((u.issuer, u.sub) for u in users(app)) == sorted(
        [(fake_platform.issuer, sub), (other.issuer, sub)]
    )
    assert row_counts(app)["lti_context"] == 2  # context ids are scoped to their deployment


def test_one_issuer_with_two_client_ids_is_two_registrations(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    """Canvas: every school shares the issuer; each developer key is its own client_id."""
    second_deployment = "canvas-second-deployment"
    with serve_fake_platform(
        app,
        issuer=fake_platform.issuer,
        client_id="canvas-second-developer-key",
        deployment_id=second_deployment,
    ) as second:
        first_launch = signed_launch(fake_platform, client, "priya")
        second_launch = signed_launch(second, client, "priya")
        # A deployment of the first key is unknown to the second key, and the reverse.
        crossed = signed_launch(
            second, client, "priya", claims={"deployment_id": fake_platform.deployment_id}
        )
        # The token names the first key, but the login was made through the second one.
        mixed = signed_launch(
            second,
            client,
            "priya",
            claims={
                "client_id": fake_platform.client_id,
                "deployment_id": fake_platform.deployment_id,
            },
        )

    assert first_launch.response.status_code == 200
    assert second_launch.response.status_code == 200
    assert_refused(crossed.response, 403, "deployment-unknown")
    assert_refused(mixed.response, 401, "login-mismatch")
    with app.app_context():
        first = find_platform(db.session, fake_platform.issuer, fake_platform.client_id)
        other = find_platform(db.session, second.issuer, second.client_id)
        assert first is not None
        assert other is not None
        deployments = {first.deployments[0].id: first.id, other.deployments[0].id: other.id}
        db.session.remove()
    contexts = {context.deployment_id for _m, context, _u in memberships(app)}
    assert first.id != other.id
    assert {deployments[d] for d in contexts} == {first.id, other.id}
    assert len(users(app)) == 1  # one person: same issuer, same sub


def test_a_course_without_title_still_renders(
    client: FlaskClient, fake_platform: FakePlatform
) -> None:
    text = _launch_page(fake_platform, client, "priya", context={"id": "course-without-title"})
    assert "Your course" in text


def test_login_initiation_by_get_as_well_as_post(client, fake_platform) -> None:
    """Platforms may start the login with a GET (query string) or a POST (form); both work."""
    params = fake_platform.login_params("priya", TOOL_URL + "/lti/launch")
    params["lti1p3_new_window"] = "1"  # straight to the redirect, as the cookie check continues
    by_get = client.get(TOOL_URL + "/lti/login?" + urlencode(params))
    by_post = client.post(TOOL_URL + "/lti/login", data=params)
    for response in (by_get, by_post):
        assert response.status_code == 302
        query = dict(parse_qsl(urlsplit(response.headers["Location"]).query))
        assert response.headers["Location"].startswith(fake_platform.url("/auth"))
        assert query["login_hint"] == params["login_hint"]
        assert query["redirect_uri"] == TOOL_URL + "/lti/launch"
        assert (query["response_type"], query["response_mode"], query["prompt"]) == (
            "id_token",
            "form_post",
            "none",
        )
    states = {
        dict(parse_qsl(urlsplit(r.headers["Location"]).query))["state"] for r in (by_get, by_post)
    }
    assert len(states) == 2  # a fresh state (and nonce) for every login


@pytest.mark.parametrize("value", [5, "not-a-list", {"sub": "x"}, True])
def test_a_role_scope_mentor_of_the_wrong_type_is_refused_never_a_500(
    client: FlaskClient, fake_platform: FakePlatform, value: object
) -> None:
    claim = "https://purl.imsglobal.org/spec/lti/claim/role_scope_mentor"
    response = fake_platform.launch(client, "marc", claims_overrides={claim: value})
    assert_refused(response, 400, "claim-type-invalid")
    assert "role_scope_mentor claim must be an array" in page_text(response)
