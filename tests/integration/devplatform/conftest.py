"""Fixtures for testing the development platform on its own: a platform app and a stand-in tool key.

These tests drive the platform with its test client; `tests/fake_platform.py` runs it over HTTP.
"""

from __future__ import annotations

import secrets
import time
from functools import cache
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from lti_tool.devplatform.platform_app import PlatformSettings, create_platform_app
from lti_tool.devplatform.signer import PlatformKey
from lti_tool.devplatform.state import PlatformState
from tests.fake_platform import platform_key

ISSUER = "http://platform.test"
CLIENT_ID = "client-1"
DEPLOYMENT_ID = "deployment-1"
TOOL_LAUNCH_URL = "http://tool.test/lti/launch"


@cache
def tool_key() -> PlatformKey:
    """Stands in for the tool's key: the platform only needs it in the tool's JWKS."""
    return PlatformKey.generate()


@cache
def other_key() -> PlatformKey:
    return PlatformKey.generate()


@pytest.fixture(autouse=True, scope="session")
def _stand_in_keys_are_never_pooled() -> None:
    """Both keys are made by the real generator, before any test of this folder draws from the
    session's RSA key pool (tests/conftest.py), as the platform key is.

    They live as long as the process, and the pool hands its keys out again to every test: made
    lazily inside two different tests, both were the pool's first key, and "signed by another key"
    was signed by the tool's own (a pytest-xdist worker running the tests in another order failed).
    Session fixtures are set up before the pool's per-test patch.
    """
    tool_key()
    other_key()


@pytest.fixture
def platform_app() -> Flask:
    settings = PlatformSettings(
        issuer=ISSUER,
        client_id=CLIENT_ID,
        deployment_id=DEPLOYMENT_ID,
        tool_login_url="http://tool.test/lti/login",
        tool_launch_url=TOOL_LAUNCH_URL,
        tool_jwks_url="http://tool.test/lti/jwks",
        key=platform_key(),
        tool_jwks_fetcher=lambda: tool_key().jwks(),
    )
    return create_platform_app(settings)


@pytest.fixture
def pclient(platform_app: Flask) -> FlaskClient:
    return platform_app.test_client()


@pytest.fixture
def state(platform_app: Flask) -> PlatformState:
    return platform_app.extensions["dev_platform_state"]


def assertion(key: PlatformKey | None = None, headers: dict | None = None, **claims: Any) -> str:
    now = int(time.time())
    body = {
        "iss": CLIENT_ID,
        "sub": CLIENT_ID,
        "aud": ISSUER + "/token",
        "iat": now,
        "exp": now + 60,
        "jti": secrets.token_hex(8),
        **claims,
    }
    return (key or tool_key()).sign({k: v for k, v in body.items() if v is not None}, headers)


def token_request(client: FlaskClient, scopes: list[str], **form: str) -> TestResponse:
    data = {
        "grant_type": "client_credentials",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": assertion(),
        "scope": " ".join(scopes),
        **form,
    }
    return client.post("/token", data=data)


def bearer(client: FlaskClient, *scopes: str) -> dict[str, str]:
    response = token_request(client, list(scopes))
    assert response.status_code == 200, response.get_json()
    return {"Authorization": "Bearer " + response.get_json()["access_token"]}
