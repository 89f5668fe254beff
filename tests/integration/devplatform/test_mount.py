"""The development platform inside the tool app: the /dev-platform mount, its guard and its CLI."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select

from lti_tool.devplatform import mount_dev_platform
from lti_tool.errors import ConfigurationError
from lti_tool.extensions import db
from lti_tool.lti.models import Deployment, Platform, ToolKey


def test_the_platform_is_mounted_under_dev_platform(client: FlaskClient) -> None:
    page = client.get("/dev-platform/")
    assert page.status_code == 200
    assert "Mentoring for All — Demo course" in page.get_data(as_text=True)
    # the platform's own CSP (it frames the tool), not the tool's
    assert "frame-src 'self' http://localhost:5000" in page.headers["Content-Security-Policy"]
    assert "keys" in client.get("/dev-platform/jwks").get_json()

    launch = client.post("/dev-platform/launch/priya")
    location = urlsplit(launch.headers["Location"])
    query = dict(parse_qsl(location.query))
    assert location.netloc + location.path == "localhost:5000/lti/login"
    assert query["iss"] == "http://localhost:5000/dev-platform"
    assert query["client_id"] == "mentoring-web-dev"
    assert query["lti_deployment_id"] == "dev-deployment-1"


def test_init_registers_the_platform_once(app: Flask, runner: FlaskCliRunner) -> None:
    first = runner.invoke(args=["dev-platform", "init"])
    second = runner.invoke(args=["dev-platform", "init"])

    assert first.exit_code == 0, first.output
    assert "Tool key: created" in first.output
    assert "registered." in first.output
    assert "http://localhost:5000/dev-platform/" in first.output
    assert "PRIVATE KEY" not in first.output
    assert second.exit_code == 0, second.output
    assert "already registered" in second.output
    with app.app_context():
        platform = db.session.scalar(select(Platform))
        assert platform.issuer == "http://localhost:5000/dev-platform"
        assert platform.auth_login_url == "http://localhost:5000/dev-platform/auth"
        assert platform.auth_token_url == "http://localhost:5000/dev-platform/token"
        assert platform.key_set_url == "http://localhost:5000/dev-platform/jwks"
        for model in (Platform, Deployment, ToolKey):
            assert db.session.scalar(select(func.count()).select_from(model)) == 1


def test_the_platform_is_never_mounted_in_production() -> None:
    production = Flask("production_app")
    production.config["ENV_NAME"] = "production"
    with pytest.raises(ConfigurationError):
        mount_dev_platform(production)


def test_the_platform_url_must_end_in_the_mount_path(tmp_path) -> None:
    other = Flask("other_app", instance_path=str(tmp_path))
    other.config.update(ENV_NAME="development", DEV_PLATFORM_URL="http://localhost:5000/lms")
    with pytest.raises(ConfigurationError, match="/dev-platform"):
        mount_dev_platform(other)
