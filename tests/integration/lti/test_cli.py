"""`flask lti …`: platform and deployment registration, tool keys, urls and purge-state.

Every invocation goes through `invoke`, which also checks that no private key ever reaches the
output (neither a PEM header nor any piece of a stored key's PEM body).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from click.testing import Result
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select

from lti_tool import security
from lti_tool.db import utcnow
from lti_tool.extensions import db
from lti_tool.lti import registrations
from lti_tool.lti.models import Deployment, Platform, StateEntry, ToolKey
from lti_tool.people.models import Context, Membership, User
from tests.conftest import make_app

Invoke = Callable[..., Result]

MOODLE = "https://moodle.myboard.ca"
CANVAS = "https://canvas.instructure.com"
EXAMPLE_JSON = "config/platforms.example.json"
PRIVATE_JWK_MEMBERS = {"d", "p", "q", "dp", "dq", "qi"}


def moodle_args(client_id: str = "Hx7lq2CCv3YzMbY", *extra: str) -> list[str]:
    return [
        "platform",
        "add",
        "--issuer",
        MOODLE,
        "--client-id",
        client_id,
        "--auth-login-url",
        f"{MOODLE}/mod/lti/auth.php",
        "--token-url",
        f"{MOODLE}/mod/lti/token.php",
        "--jwks-url",
        f"{MOODLE}/mod/lti/certs.php",
        *extra,
    ]


def registration(issuer: str = MOODLE, client_id: str = "Hx7lq2CCv3YzMbY") -> list[str]:
    return ["--issuer", issuer, "--client-id", client_id]


def _private_fragments(app: Flask) -> list[str]:
    with app.app_context():
        pems = db.session.scalars(select(ToolKey.private_key_pem)).all()
    fragments = []
    for pem in pems:
        body = "".join(line for line in pem.splitlines() if "-----" not in line)
        fragments += [body[i : i + 24] for i in range(0, len(body) - 24, 24)]
    return fragments


def _invoke_with(runner: FlaskCliRunner, app: Flask) -> Invoke:
    def invoke(*args: str, input: str | None = None) -> Result:
        result = runner.invoke(args=["lti", *args], input=input)
        assert "PRIVATE KEY" not in result.output
        for fragment in _private_fragments(app):
            assert fragment not in result.output
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result

    return invoke


@pytest.fixture
def invoke(runner: FlaskCliRunner, app: Flask) -> Invoke:
    return _invoke_with(runner, app)


def count(app: Flask, model: type) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model)) or 0


# --- platform add -----------------------------------------------------------------------------


def test_platform_add_with_options_then_show_and_list(invoke: Invoke) -> None:
    result = invoke(*moodle_args("Hx7lq2CCv3YzMbY", "--deployment", "3", "--deployment", "7"))
    assert result.exit_code == 0, result.output
    assert "Registered moodle.myboard.ca" in result.output
    assert "Deployments: 3, 7." in result.output

    shown = invoke("platform", "show", *registration())
    assert shown.exit_code == 0
    for text in (
        f"{MOODLE}/mod/lti/auth.php",
        f"{MOODLE}/mod/lti/token.php",
        f"{MOODLE}/mod/lti/certs.php",
        "  3  active",
        "  7  active",
        f"May frame the tool:       {MOODLE}",
    ):
        assert text in shown.output

    listed = invoke("platform", "list")
    assert listed.exit_code == 0
    assert "Name" in listed.output
    assert "Client ID" in listed.output
    row = next(line for line in listed.output.splitlines() if "Hx7lq2CCv3YzMbY" in line)
    assert "moodle.myboard.ca" in row
    assert MOODLE in row
    assert "2 active, 0 inactive" in row


def test_platform_list_when_empty(invoke: Invoke) -> None:
    result = invoke("platform", "list")
    assert result.exit_code == 0
    assert "No platform is registered yet" in result.output


@pytest.mark.parametrize("lms", ["moodle", "canvas", "brightspace"])
def test_platform_add_from_json_entry(invoke: Invoke, lms: str) -> None:
    with open(EXAMPLE_JSON, encoding="utf-8") as file:
        entry = json.load(file)[lms]
    result = invoke("platform", "add", "--from-json", EXAMPLE_JSON, "--lms", lms)
    assert result.exit_code == 0, result.output

    shown = invoke("platform", "show", *registration(entry["issuer"], entry["client_id"]))
    assert shown.exit_code == 0
    for key in ("auth_login_url", "auth_token_url", "key_set_url"):
        assert entry[key] in shown.output
    assert f"  {entry['deployment_ids'][0]}  active" in shown.output
    if lms == "brightspace":
        assert "Token audience:           https://api.brightspace.com/auth/token" in shown.output
    if lms == "canvas":  # the issuer is not where Canvas courses are served
        assert "--frame-origin https://<board>.instructure.com" in result.stderr


def test_options_win_over_json_and_deployments_add_up(invoke: Invoke) -> None:
    result = invoke(
        "platform", "add", "--from-json", EXAMPLE_JSON, "--lms", "canvas",
        "--client-id", "10000000000099", "--name", "Conseil scolaire Évangéline",
        "--deployment", "99:abc", "--frame-origin", "https://csé.instructure.com/courses/12",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    shown = invoke("platform", "show", *registration(CANVAS, "10000000000099"))
    assert "Conseil scolaire Évangéline" in shown.output
    assert "12:8865aa05b4b79b64a91a86042e43af5ea8ae79eb  active" in shown.output
    assert "99:abc  active" in shown.output
    assert f"{CANVAS}, https://csé.instructure.com" in shown.output
    assert "frame-origin" not in result.stderr


def test_from_json_entry_selection_errors(invoke: Invoke, tmp_path) -> None:
    several = invoke("platform", "add", "--from-json", EXAMPLE_JSON)
    assert several.exit_code == 2
    assert "choose one with --lms: brightspace, canvas, moodle" in several.output

    unknown = invoke("platform", "add", "--from-json", EXAMPLE_JSON, "--lms", "blackboard")
    assert unknown.exit_code == 1
    assert "no entry 'blackboard'" in unknown.output

    no_file = invoke("platform", "add", "--lms", "moodle")
    assert no_file.exit_code == 2

    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"moodle": {"issuer": MOODLE, "secret": "x"}}), encoding="utf-8")
    assert "unknown field(s) secret" in invoke("platform", "add", "--from-json", str(bad)).output


def test_from_json_file_with_one_entry_needs_no_lms(invoke: Invoke, app: Flask, tmp_path) -> None:
    with open(EXAMPLE_JSON, encoding="utf-8") as file:
        moodle = json.load(file)["moodle"]
    path = tmp_path / "platform.json"
    path.write_text(json.dumps(moodle), encoding="utf-8")
    assert invoke("platform", "add", "--from-json", str(path)).exit_code == 0
    assert count(app, Platform) == 1


def test_missing_values_are_a_usage_error(invoke: Invoke) -> None:
    result = invoke("platform", "add", "--issuer", MOODLE)
    assert result.exit_code == 2
    assert "Missing --client-id, --auth-login-url, --token-url, --jwks-url" in result.output


def test_duplicate_platform_is_refused(invoke: Invoke, app: Flask) -> None:
    assert invoke(*moodle_args()).exit_code == 0
    result = invoke(*moodle_args())
    assert result.exit_code == 1
    assert "already registered" in result.stderr
    assert count(app, Platform) == 1


def test_unknown_platform_is_reported(invoke: Invoke) -> None:
    for args in (
        ["platform", "show", *registration()],
        ["platform", "remove", *registration(), "--yes"],
        ["deployment", "add", *registration(), "3"],
    ):
        result = invoke(*args)
        assert result.exit_code == 1
        assert f"No platform with issuer {MOODLE} and client ID Hx7lq2CCv3YzMbY" in result.stderr


def test_http_urls_are_allowed_outside_production(invoke: Invoke) -> None:
    result = invoke(*[arg.replace("https://", "http://") for arg in moodle_args()])
    assert result.exit_code == 0, result.output


@pytest.fixture
def production_app(app: Flask, tmp_path) -> Iterator[Flask]:
    production = make_app(
        {
            "ENV_NAME": "production",
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "INSTANCE_TMP": str(tmp_path),
        }
    )
    with production.app_context():
        db.create_all()
    yield production
    with production.app_context():
        db.session.remove()
        db.engine.dispose()


def test_http_urls_are_refused_in_production(production_app: Flask) -> None:
    invoke = _invoke_with(production_app.test_cli_runner(), production_app)
    result = invoke(
        *[arg.replace(f"{MOODLE}/mod", "http://moodle.myboard.ca/mod") for arg in moodle_args()]
    )
    assert result.exit_code == 1
    assert "must be an https:// URL" in result.stderr
    assert count(production_app, Platform) == 0
    assert invoke(*moodle_args()).exit_code == 0


def test_platform_update_keeps_deployments(invoke: Invoke) -> None:
    invoke(*moodle_args("Hx7lq2CCv3YzMbY", "--deployment", "3"))
    result = invoke(
        "platform", "update", *registration(), "--jwks-url", f"{MOODLE}/mod/lti/certs2.php",
        "--frame-origin", "https://www.myboard.ca/lms",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    shown = invoke("platform", "show", *registration()).output
    assert f"{MOODLE}/mod/lti/certs2.php" in shown
    assert "https://www.myboard.ca" in shown
    assert "  3  active" in shown
    invoke("platform", "update", *registration(), "--no-frame-origins")
    assert "www.myboard.ca" not in invoke("platform", "show", *registration()).output


def test_registration_changes_refresh_frame_ancestors(invoke: Invoke, app: Flask) -> None:
    with app.app_context():
        security.frame_origins()  # fill the cache
    invoke(*moodle_args("Hx7lq2CCv3YzMbY", "--frame-origin", "https://board.instructure.com"))
    with app.app_context():
        assert {MOODLE, "https://board.instructure.com"} <= set(security.frame_origins())
    invoke("platform", "remove", *registration(), "--yes")
    with app.app_context():
        assert MOODLE not in security.frame_origins()


# --- several registrations and deployments ----------------------------------------------------


def test_several_client_ids_per_issuer_each_with_deployments(invoke: Invoke) -> None:
    for client_id, deployments in (("100001", ["1:aa", "2:bb"]), ("100002", ["1:aa", "3:cc"])):
        args = [arg for d in deployments for arg in ("--deployment", d)]
        result = invoke("platform", "add", "--from-json", EXAMPLE_JSON, "--lms", "canvas",
                        "--client-id", client_id, *args)  # fmt: skip
        assert result.exit_code == 0, result.output

    listed = invoke("platform", "list").output
    rows = [line for line in listed.splitlines() if CANVAS in line]
    assert len(rows) == 2
    assert all("3 active, 0 inactive" in row for row in rows)  # 12:… from the JSON, plus two

    invoke("deployment", "deactivate", *registration(CANVAS, "100002"), "1:aa")
    first = invoke("platform", "show", *registration(CANVAS, "100001")).output
    second = invoke("platform", "show", *registration(CANVAS, "100002")).output
    assert "1:aa  active" in first
    assert "2:bb  active" in first
    assert "3:cc" not in first
    assert "1:aa  INACTIVE" in second
    assert "3:cc  active" in second
    assert "2:bb" not in second


def test_deployment_lifecycle(invoke: Invoke, app: Flask) -> None:
    invoke(*moodle_args())
    added = invoke("deployment", "add", *registration(), "3")
    assert added.exit_code == 0
    assert "Added deployment 3" in added.output

    duplicate = invoke("deployment", "add", *registration(), "3")
    assert duplicate.exit_code == 1
    assert "already registered" in duplicate.stderr

    off = invoke("deployment", "deactivate", *registration(), "3")
    assert "launches from it are refused" in off.output
    assert "was already inactive" in invoke("deployment", "deactivate", *registration(), "3").output
    with app.app_context():
        platform = registrations.get_platform(db.session, MOODLE, "Hx7lq2CCv3YzMbY")
        assert registrations.get_deployment(db.session, platform, "3").active is False
    assert "2 active" not in invoke("platform", "list").output
    assert "0 active, 1 inactive" in invoke("platform", "list").output

    on = invoke("deployment", "activate", *registration(), "3")
    assert "launches from it are accepted" in on.output
    assert "1 active, 0 inactive" in invoke("platform", "list").output

    removed = invoke("deployment", "remove", *registration(), "3")
    assert removed.exit_code == 0
    assert count(app, Deployment) == 0
    missing = invoke("deployment", "remove", *registration(), "3")
    assert missing.exit_code == 1
    assert "No deployment 3" in missing.stderr


def test_deployment_ids_are_exact(invoke: Invoke) -> None:
    invoke(*moodle_args("Hx7lq2CCv3YzMbY", "--deployment", "3"))
    result = invoke("deployment", "deactivate", *registration(), "33")
    assert result.exit_code == 1
    assert "No deployment 33" in result.stderr


def test_deployment_id_longer_than_255_characters_is_refused(invoke: Invoke, app: Flask) -> None:
    invoke(*moodle_args())
    too_long = invoke("deployment", "add", *registration(), "d" * 256)
    assert too_long.exit_code == 1
    assert "at most 255 ASCII characters" in too_long.stderr
    assert invoke("deployment", "add", *registration(), "d" * 255).exit_code == 0

    with_platform = invoke(*moodle_args("other", "--deployment", "e" * 256))
    assert with_platform.exit_code == 1
    with app.app_context():
        assert registrations.find_platform(db.session, MOODLE, "other") is None


# --- removal cascades -------------------------------------------------------------------------


def _course_with_member(app: Flask, deployment_id: str = "3") -> None:
    with app.app_context():
        platform = registrations.get_platform(db.session, MOODLE, "Hx7lq2CCv3YzMbY")
        deployment = registrations.get_deployment(db.session, platform, deployment_id)
        context = Context(deployment=deployment, context_id="c-1", title="Mentorat 9ᵉ année")
        user = User(issuer=MOODLE, sub="u-1", name="Zoë Lévesque")
        db.session.add(Membership(context=context, user=user, role="learner", lti_roles=[]))
        db.session.commit()


def test_platform_remove_asks_and_cascades(invoke: Invoke, app: Flask) -> None:
    invoke(*moodle_args("Hx7lq2CCv3YzMbY", "--deployment", "3", "--deployment", "4"))
    _course_with_member(app)

    refused = invoke("platform", "remove", *registration(), input="n\n")
    assert refused.exit_code == 1
    assert "2 deployment(s), 1 course context(s) and 1 membership(s)" in refused.stderr
    assert count(app, Platform) == 1

    removed = invoke("platform", "remove", *registration(), input="y\n")
    assert removed.exit_code == 0
    assert "Removed moodle.myboard.ca" in removed.output
    assert [count(app, m) for m in (Platform, Deployment, Context, Membership)] == [0, 0, 0, 0]
    assert count(app, User) == 1  # people are kept; they may launch from another registration


def test_platform_remove_with_yes_does_not_ask(invoke: Invoke, app: Flask) -> None:
    invoke(*moodle_args())
    result = invoke("platform", "remove", *registration(), "--yes")
    assert result.exit_code == 0
    assert "[y/N]" not in result.output
    assert count(app, Platform) == 0


def test_deployment_remove_asks_only_when_it_has_courses(invoke: Invoke, app: Flask) -> None:
    invoke(*moodle_args("Hx7lq2CCv3YzMbY", "--deployment", "3", "--deployment", "4"))
    _course_with_member(app, "3")
    assert "[y/N]" not in invoke("deployment", "remove", *registration(), "4").output

    refused = invoke("deployment", "remove", *registration(), "3", input="n\n")
    assert refused.exit_code == 1
    assert "deactivate" in refused.stderr
    assert count(app, Context) == 1

    assert invoke("deployment", "remove", *registration(), "3", "--yes").exit_code == 0
    assert [count(app, m) for m in (Deployment, Context, Membership)] == [0, 0, 0]


# --- keys -------------------------------------------------------------------------------------


def _jwks(client: FlaskClient) -> list[dict]:
    response = client.get("/lti/jwks")
    assert response.status_code == 200
    keys = response.get_json()["keys"]
    for key in keys:
        assert not PRIVATE_JWK_MEMBERS & set(key), key
    return keys


def test_keys_generate_is_idempotent(invoke: Invoke, client: FlaskClient, app: Flask) -> None:
    assert "no key yet" in invoke("keys", "list").output
    first = invoke("keys", "generate")
    assert first.exit_code == 0
    assert "Created the tool key" in first.output
    again = invoke("keys", "generate")
    assert again.exit_code == 0
    assert "already has an active key" in again.output
    assert count(app, ToolKey) == 1
    assert len(_jwks(client)) == 1


def test_keys_rotate_keeps_previous_key_published(
    invoke: Invoke, client: FlaskClient, app: Flask
) -> None:
    invoke("keys", "generate")
    [old] = _jwks(client)
    result = invoke("keys", "rotate")
    assert result.exit_code == 0
    [new] = [key for key in _jwks(client) if key["kid"] != old["kid"]]
    assert f"New active key: {new['kid']}" in result.output
    assert f"Previous key: {old['kid']}" in result.output
    assert "stays in the JWKS until" in result.output
    assert [key["kid"] for key in _jwks(client)] == [new["kid"], old["kid"]]

    listed = invoke("keys", "list").output
    assert f"{new['kid']}  active" in listed
    assert f"{old['kid']}  published" in listed

    # Past the overlap, the previous key leaves the JWKS and is listed as retired.
    overlap = timedelta(seconds=app.config["LTI_KEY_OVERLAP_SECONDS"])
    with app.app_context():
        key = db.session.scalar(select(ToolKey).where(ToolKey.kid == old["kid"]))
        key.retired_at = utcnow() - overlap - timedelta(seconds=1)
        db.session.commit()
    assert [key["kid"] for key in _jwks(client)] == [new["kid"]]
    assert f"{old['kid']}  retired" in invoke("keys", "list").output


def test_keys_rotate_without_a_key_creates_the_first(invoke: Invoke, client: FlaskClient) -> None:
    result = invoke("keys", "rotate")
    assert result.exit_code == 0
    assert "this is the tool's first key" in result.output
    assert len(_jwks(client)) == 1


class TestWithoutOverlap:
    @pytest.fixture
    def app_overrides(self) -> dict:
        return {"LTI_KEY_OVERLAP_SECONDS": 0}

    def test_rotated_key_leaves_the_jwks_at_once(self, invoke: Invoke, client: FlaskClient) -> None:
        invoke("keys", "generate")
        [old] = _jwks(client)
        invoke("keys", "rotate")
        keys = _jwks(client)
        assert len(keys) == 1
        assert keys[0]["kid"] != old["kid"]
        assert f"{old['kid']}  retired" in invoke("keys", "list").output


# --- urls and purge-state ---------------------------------------------------------------------


@pytest.mark.parametrize("app_overrides", [{"TOOL_BASE_URL": "https://mentorat.example.ca/mw"}])
def test_urls_are_built_from_tool_base_url(invoke: Invoke) -> None:
    result = invoke("urls")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()

    def url(label: str) -> str:
        return next(line for line in lines if line.startswith(label)).split()[-1]

    assert url("OpenID Connect login URL") == "https://mentorat.example.ca/mw/lti/login"
    assert url("Redirect URI") == "https://mentorat.example.ca/mw/lti/launch"
    assert url("Target link URI") == "https://mentorat.example.ca/mw/lti/launch"
    assert url("Public keyset (JWKS) URL") == "https://mentorat.example.ca/mw/lti/jwks"
    assert url("Domain") == "mentorat.example.ca"
    assert "keys generate" in result.stderr
    invoke("keys", "generate")
    assert "keys generate" not in invoke("urls").stderr


def test_urls_need_tool_base_url(invoke: Invoke) -> None:
    result = invoke("urls")
    assert result.exit_code == 1
    assert "LTI_TOOL_TOOL_BASE_URL" in result.stderr


def test_urls_refuse_http_in_production(production_app: Flask) -> None:
    production_app.config["TOOL_BASE_URL"] = "http://mentorat.example.ca"
    invoke = _invoke_with(production_app.test_cli_runner(), production_app)
    result = invoke("urls")
    assert result.exit_code == 1
    assert "must be an https:// URL" in result.stderr


def test_purge_state_deletes_expired_rows(invoke: Invoke, app: Flask) -> None:
    if app.config.get("REDIS_URL"):
        pytest.skip("Redis expires launch state itself")
    now = utcnow()
    with app.app_context():
        db.session.add_all(
            [
                StateEntry(key="old-1", value={}, expires_at=now - timedelta(minutes=1)),
                StateEntry(key="old-2", value={}, expires_at=now - timedelta(days=1)),
                StateEntry(key="live", value={}, expires_at=now + timedelta(minutes=10)),
            ]
        )
        db.session.commit()
    result = invoke("purge-state")
    assert result.exit_code == 0
    assert "Deleted 2 expired launch state entries." in result.output
    with app.app_context():
        assert db.session.scalars(select(StateEntry.key)).all() == ["live"]
    assert "Deleted 0 expired" in invoke("purge-state").output
