"""What an operator relies on: the health check, refusing to start when unsafe, and structured logs.

Production must not start without SECRET_KEY and DATABASE_URL, never with the development platform
(which signs launches for anyone), and the served WSGI app not without a tool key. Logs are JSON
lines carrying the LTI ids an administrator needs, and never a token, a nonce, a key or a person's
name or email.
"""

from __future__ import annotations

import io
import json
import logging
import os
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from lti_tool import wsgi
from lti_tool.errors import ConfigurationError
from lti_tool.extensions import db
from lti_tool.logs import JsonFormatter
from lti_tool.lti.keys import generate_key
from tests.conftest import make_app
from tests.fake_platform import FakePlatform
from tests.lti_helpers import assert_refused, follow, launch_path, signed_launch

SECRET = "operations-test-secret-not-used-anywhere-else"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _dispose(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No configuration from the environment: create_app reads SECRET_KEY, DATABASE_URL, LTI_TOOL_*."""
    for name in ("SECRET_KEY", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    for name in [name for name in os.environ if name.startswith("LTI_TOOL_")]:
        monkeypatch.delenv(name)
    return monkeypatch


# Health ---------------------------------------------------------------------------------------------


def test_healthz_is_ok_with_the_database_up(client: FlaskClient) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.get_json()["status"] == "ok"


def test_healthz_is_503_when_the_database_is_unreachable(tmp_path: Path) -> None:
    app = make_app(
        {
            "INSTANCE_PATH": str(tmp_path),
            "SQLALCHEMY_DATABASE_URI": f"postgresql://postgres@127.0.0.1:{_closed_port()}/none",
        }
    )
    try:
        response = app.test_client().get("/healthz")
    finally:
        _dispose(app)

    assert response.status_code == 503
    assert response.get_json()["status"] == "error"


# Refusing to start ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("present", "missing"),
    [
        ({}, "SECRET_KEY and DATABASE_URL"),
        ({"SECRET_KEY": SECRET}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/any"}, "SECRET_KEY"),
    ],
)
def test_production_without_secret_key_or_database_url_refuses_to_start(
    clean_env: pytest.MonkeyPatch, tmp_path: Path, present: dict[str, str], missing: str
) -> None:
    for name, value in present.items():
        clean_env.setenv(name, value)

    with pytest.raises(ConfigurationError, match=f"missing {missing}\\. Set them"):
        make_app({"ENV_NAME": "production", "INSTANCE_PATH": str(tmp_path)})


def test_production_with_the_dev_platform_refuses_to_start(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings = {
        "ENV_NAME": "production",
        "INSTANCE_PATH": str(tmp_path),
        "SECRET_KEY": SECRET,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
    }
    with pytest.raises(ConfigurationError, match="development platform cannot be enabled"):
        make_app({**settings, "DEV_PLATFORM": True})

    clean_env.setenv("LTI_TOOL_DEV_PLATFORM", "true")
    with pytest.raises(ConfigurationError, match="development platform cannot be enabled"):
        make_app(settings)


def test_a_production_app_has_no_dev_platform_route(
    app: Flask, client: FlaskClient, clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert client.get("/dev-platform/jwks").status_code == 200  # the test app mounts it
    production = make_app(
        {
            "ENV_NAME": "production",
            "INSTANCE_PATH": str(tmp_path / "production"),
            "SECRET_KEY": SECRET,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        }
    )
    try:
        browser = production.test_client()
        answers = [
            browser.get(path).status_code for path in ("/dev-platform/", "/dev-platform/jwks")
        ]
    finally:
        _dispose(production)

    assert answers == [404, 404]
    assert "dev_platform_app" not in production.extensions


def test_the_served_app_needs_a_tool_key_in_production(
    app: Flask, clean_env: pytest.MonkeyPatch
) -> None:
    clean_env.setenv("LTI_TOOL_ENV", "production")
    clean_env.setenv("SECRET_KEY", SECRET)
    clean_env.setenv("DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    created: list[Flask] = []
    create_app = wsgi.create_app

    def create_and_keep() -> Flask:  # the refused app still holds a pooled connection
        created.append(create_app())
        return created[-1]

    clean_env.setattr(wsgi, "create_app", create_and_keep)
    try:
        with pytest.raises(ConfigurationError, match="no signing key"):
            wsgi.create_served_app()
        with app.app_context():
            generate_key(db.session)
            db.session.commit()
        served = wsgi.create_served_app()
    finally:
        for created_app in created:
            _dispose(created_app)

    assert served.config["ENV_NAME"] == "production"
    assert not served.config["DEV_PLATFORM"]


# Structured logs --------------------------------------------------------------------------------------


@pytest.fixture
def log_lines(app: Flask) -> Iterator[Callable[[], list[dict]]]:
    """The `lti_tool` logger's output, through the production formatter, as parsed JSON lines."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("lti_tool")
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)  # the test config logs warnings only

    def lines() -> list[dict]:
        raw = [line for line in stream.getvalue().splitlines() if line.strip()]
        return [json.loads(line) for line in raw]  # every line is one JSON object

    try:
        yield lines
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def test_logs_carry_lti_ids_and_no_tokens_keys_or_personal_data(
    client: FlaskClient, fake_platform: FakePlatform, log_lines: Callable[[], list[dict]]
) -> None:
    member = fake_platform.member("priya")
    accepted = signed_launch(fake_platform, client, "priya")
    course_page = follow(client, accepted.response)
    refused = signed_launch(fake_platform, client, "priya", headers={"kid": "unknown-kid"})

    assert course_page.status_code == 200
    assert_refused(refused.response, 401, "kid-unknown")
    lines = log_lines()
    by_event = {line.get("event"): line for line in lines}
    launch = by_event["lti.launch"]
    assert launch["iss"] == fake_platform.issuer
    assert launch["client_id"] == fake_platform.client_id
    assert launch["deployment_id"] == fake_platform.deployment_id
    assert launch["sub"] == member.sub
    assert launch["launch_id"] == launch_path(accepted.response).split("/")[2]
    assert by_event["lti.login"]["iss"] == fake_platform.issuer
    refusal = by_event["lti.refused"]
    assert (refusal["error_code"], refusal["status"]) == ("kid-unknown", 401)
    # A refusal names the LMS it came from, so an administrator can tell which one to fix.
    assert (refusal["iss"], refusal["client_id"], refusal["deployment_id"]) == (
        fake_platform.issuer,
        fake_platform.client_id,
        fake_platform.deployment_id,
    )

    text = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines)
    for secret in (accepted.id_token, refused.id_token, accepted.nonce, refused.nonce):
        assert secret not in text
    assert accepted.id_token.split(".")[1] not in text  # not even the payload part
    assert "PRIVATE KEY" not in text
    for personal in (member.email, member.name, member.family_name):
        assert personal not in text
