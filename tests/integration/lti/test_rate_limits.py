"""Rate limits on the anonymous LTI endpoints: /lti/login and /lti/launch per client address, and
the key-set refetch on an unknown kid per key-set URL (lti_tool/rate_limits.py).

Each test sets small limits through the app's settings. What must hold: the request beyond the
limit gets the 429 page, in the person's language, with Retry-After, and stores nothing (no login,
no user, no state cookie); another address is not limited; behind the proxy the address is the one
the proxy saw; and a stream of tokens with invented kids makes at most the allowed number of
fetches from the platform, counted for every app on the same Redis together.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from lti_tool import create_app
from lti_tool.errors import ConfigurationError
from lti_tool.extensions import db
from lti_tool.lti.models import StateEntry
from tests.conftest import make_app
from tests.fake_platform import TOOL_URL, FakePlatform, serve_fake_platform
from tests.lti_helpers import (
    assert_refused,
    error_code,
    login_record,
    page_text,
    row_counts,
    served_requests,
    signed_launch,
)

REDIS_URL = os.environ.get("REDIS_URL")
LOGINS_ALLOWED = 3
SMALL_LOGIN_LIMIT = {"RATE_LIMIT_LTI_LOGIN": f"{LOGINS_ALLOWED} per minute"}
SCHOOL = "203.0.113.7"  # one school board's egress address
OTHER_SCHOOL = "198.51.100.20"

# What a person reads on the 429 page, in each language the tool speaks.
SEEN = {
    "en": (
        "Too many requests right now",
        "received more requests from your network in a short time than it accepts",
        "nothing was saved or lost",
        "then open the tool again from your course.",
    ),
    "fr": (
        "Trop de demandes en ce moment",
        "plus de demandes provenant de votre réseau qu’il n’en accepte",
        "rien n’a été enregistré ni perdu",
        "puis rouvrir l’outil à partir de votre cours.",
    ),
}
WAIT = {
    "en": r"Please wait (\d+) (second|minute)s?,",
    "fr": r"Veuillez attendre (\d+) (seconde|minute)s?,",
}


def client_at(app: Flask, address: str) -> FlaskClient:
    """A browser whose requests reach the tool from `address`."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def login(platform: FakePlatform, client: FlaskClient, **kwargs: Any) -> TestResponse:
    """One POST /lti/login, straight to the redirect (as the cookie check's second step sends)."""
    params = platform.login_params("priya", TOOL_URL + "/lti/launch", lti1p3_new_window="1")
    return client.post(TOOL_URL + "/lti/login", data=params, **kwargs)


def stored_logins(app: Flask) -> int:
    """Login records in the tool's state store (the database, or Redis when REDIS_URL is set)."""
    if app.config.get("REDIS_URL"):
        import redis

        connection = redis.Redis.from_url(app.config["REDIS_URL"])
        try:
            return sum(1 for _ in connection.scan_iter(app.config["REDIS_KEY_PREFIX"] + "login:*"))
        finally:
            connection.close()
    with app.app_context():
        count = db.session.scalar(
            select(func.count()).select_from(StateEntry).where(StateEntry.key.like("login:%"))
        )
        db.session.remove()
    return int(count or 0)


def assert_rate_limited(response: TestResponse, language: str = "en") -> int:
    """The 429 page in `language`, with a Retry-After that the page's words agree with; the wait."""
    body = response.get_data(as_text=True)[:1500]
    assert response.status_code == 429, f"{response.status_code}: {body}"
    assert response.mimetype == "text/html"
    retry_after = int(response.headers["Retry-After"])
    assert 1 <= retry_after <= 3600
    text = page_text(response)
    assert f'<html lang="{language}">' in text
    for words in SEEN[language]:
        assert words in text, words
    wait = re.search(WAIT[language], text)
    assert wait, text
    number, unit = int(wait.group(1)), wait.group(2)
    shown = number if unit.startswith("second") else number * 60
    assert shown - 60 < retry_after <= shown, (retry_after, wait.group(0))
    assert error_code(response) == "rate-limited"
    assert "Traceback" not in text
    assert "RateLimitExceeded" not in text
    assert "Set-Cookie" not in response.headers  # no state cookie, no session
    return retry_after


# /lti/login ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("app_overrides", [SMALL_LOGIN_LIMIT])
@pytest.mark.parametrize(
    ("language", "accept_language"), [("en", "en-CA,en;q=0.9"), ("fr", "fr-CA,fr;q=0.9")]
)
def test_the_login_beyond_the_limit_gets_the_429_page_and_stores_nothing(
    app: Flask, fake_platform: FakePlatform, language: str, accept_language: str
) -> None:
    client = client_at(app, SCHOOL)
    headers = {"Accept-Language": accept_language}
    for _ in range(LOGINS_ALLOWED):
        assert login(fake_platform, client, headers=headers).status_code == 302
    assert stored_logins(app) == LOGINS_ALLOWED

    refused = login(fake_platform, client, headers=headers)

    retry_after = assert_rate_limited(refused, language)
    assert retry_after <= 60  # "3 per minute": the window started with the first login
    assert stored_logins(app) == LOGINS_ALLOWED
    assert login(fake_platform, client, headers=headers).status_code == 429  # still refused


@pytest.mark.parametrize("app_overrides", [SMALL_LOGIN_LIMIT])
def test_another_address_is_not_limited(app: Flask, fake_platform: FakePlatform) -> None:
    school = client_at(app, SCHOOL)
    for _ in range(LOGINS_ALLOWED):
        assert login(fake_platform, school).status_code == 302
    assert login(fake_platform, school).status_code == 429

    assert login(fake_platform, client_at(app, OTHER_SCHOOL)).status_code == 302
    assert stored_logins(app) == LOGINS_ALLOWED + 1


@pytest.mark.parametrize("app_overrides", [{**SMALL_LOGIN_LIMIT, "TRUST_PROXY_HOPS": 1}])
def test_behind_the_proxy_the_address_is_the_one_the_proxy_saw(
    app: Flask, fake_platform: FakePlatform
) -> None:
    """The limit is per client, not per proxy; a client cannot pick its own X-Forwarded-For."""
    proxy = client_at(app, "10.0.0.2")  # every request reaches the tool from the proxy

    def via_proxy(forwarded_for: str) -> int:
        return login(fake_platform, proxy, headers={"X-Forwarded-For": forwarded_for}).status_code

    assert [via_proxy(SCHOOL) for _ in range(LOGINS_ALLOWED)] == [302] * LOGINS_ALLOWED
    # A client that sends an X-Forwarded-For of its own: the proxy appends the address it saw.
    assert via_proxy(f"192.0.2.99, {SCHOOL}") == 429
    assert via_proxy(OTHER_SCHOOL) == 302


def test_the_default_limits_are_generous_for_a_board_behind_one_address(app: Flask) -> None:
    """A PD day: hundreds of teachers of one board launching in the same minute, from one NAT."""
    from limits import parse_many

    def per_minute(setting: str) -> float:
        return min(item.amount * 60 / item.get_expiry() for item in parse_many(app.config[setting]))

    assert per_minute("RATE_LIMIT_LTI_LAUNCH") >= 500
    assert per_minute("RATE_LIMIT_LTI_LOGIN") >= 2 * per_minute("RATE_LIMIT_LTI_LAUNCH")


@pytest.mark.parametrize(
    "setting", ["RATE_LIMIT_LTI_LOGIN", "RATE_LIMIT_LTI_LAUNCH", "RATE_LIMIT_JWKS_REFETCH"]
)
@pytest.mark.parametrize("wrong", ["lots", "", 600, None])
def test_a_rate_limit_that_does_not_parse_stops_the_start(
    tmp_path: Path, setting: str, wrong: object
) -> None:
    with pytest.raises(ConfigurationError, match=setting):
        create_app({"ENV_NAME": "test", "INSTANCE_PATH": str(tmp_path), setting: wrong})


# /lti/launch --------------------------------------------------------------------------------------


@pytest.mark.parametrize("app_overrides", [{"RATE_LIMIT_LTI_LAUNCH": "2 per hour"}])
def test_the_launch_beyond_the_limit_gets_the_429_page_and_writes_nothing(
    app: Flask, fake_platform: FakePlatform
) -> None:
    client = client_at(app, SCHOOL)
    for user_key in ("priya", "zoe"):
        assert signed_launch(fake_platform, client, user_key).response.status_code == 200

    refused = signed_launch(fake_platform, client, "amelie", app=app)

    retry_after = assert_rate_limited(refused.response)
    assert retry_after > 3000  # "2 per hour": the page says to wait about an hour
    assert "Please wait 60 minutes" in page_text(refused.response)
    assert row_counts(app) == refused.before  # no user, course, membership or launch stored
    assert login_record(app, refused.state) is not None  # nor was the login consumed

    elsewhere = client_at(app, OTHER_SCHOOL)
    assert signed_launch(fake_platform, elsewhere, "amelie").response.status_code == 200


@pytest.mark.parametrize("app_overrides", [{"RATE_LIMIT_LTI_LAUNCH": "1 per minute"}])
def test_a_refused_launch_answers_json_to_a_client_that_asks_for_it(
    app: Flask, fake_platform: FakePlatform
) -> None:
    client = client_at(app, SCHOOL)
    assert signed_launch(fake_platform, client).response.status_code == 200
    state, _nonce, _query = fake_platform.begin_login(client, "zoe")
    response = client.post(
        TOOL_URL + "/lti/launch",
        data={"id_token": "x.y.z", "state": state},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 429
    assert response.get_json()["error"] == "rate-limited"
    assert response.get_json()["retry_after"] == int(response.headers["Retry-After"])


# The key-set refetch on an unknown kid -----------------------------------------------------------

REFETCHES_ALLOWED = 2
# No minimum age between refetches, so the rate limit alone bounds them.
REFETCH_LIMIT = {
    "LTI_JWKS_MIN_REFETCH_SECONDS": 0,
    "RATE_LIMIT_JWKS_REFETCH": f"{REFETCHES_ALLOWED} per hour",
}


def invented_kids(platform: FakePlatform, client: FlaskClient, count: int, tag: str) -> None:
    """`count` launches signed by the platform's key but naming kids it never published."""
    for number in range(count):
        attempt = signed_launch(platform, client, headers={"kid": f"invented-{tag}-{number}"})
        assert_refused(attempt.response, 401, "kid-unknown")


@pytest.mark.parametrize("app_overrides", [REFETCH_LIMIT])
def test_a_stream_of_invented_kids_makes_at_most_the_allowed_fetches(
    client: FlaskClient, fake_platform: FakePlatform
) -> None:
    assert fake_platform.launch(client, "zoe").status_code == 200  # the key set is now cached
    with served_requests(fake_platform) as fetches:
        invented_kids(fake_platform, client, REFETCHES_ALLOWED, "first")
        assert len(fetches) == REFETCHES_ALLOWED  # each unknown kid refetched, up to the limit
        invented_kids(fake_platform, client, 6, "then")
    assert len(fetches) == REFETCHES_ALLOWED
    # A kid the cached set has still verifies: only refetches are limited.
    assert fake_platform.launch(client, "priya").status_code == 200


@pytest.mark.parametrize("app_overrides", [REFETCH_LIMIT])
def test_the_refetch_limit_is_per_key_set(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    assert fake_platform.launch(client, "zoe").status_code == 200
    invented_kids(fake_platform, client, REFETCHES_ALLOWED + 1, "spent")
    with serve_fake_platform(app) as other:  # another LMS, its own key-set URL
        other_client = app.test_client()
        assert other.launch(other_client, "zoe").status_code == 200
        with served_requests(other) as fetches:
            invented_kids(other, other_client, 3, "other")
    assert len(fetches) == REFETCHES_ALLOWED


# Every worker and host counts together in the shared Redis ---------------------------------------


@pytest.fixture
def second_app(app: Flask, app_overrides: dict, tmp_path: Path) -> Iterator[Flask]:
    """Another instance of the tool (another host) on the same database and the same Redis."""
    other = make_app(
        {
            **app_overrides,
            "INSTANCE_PATH": str(tmp_path / "second-instance"),
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        }
    )
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


needs_redis = pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL not set")


@pytest.mark.parametrize("app_overrides", [REFETCH_LIMIT])
@pytest.mark.redis
@needs_redis
def test_the_refetch_limit_is_shared_by_two_instances_on_one_redis(
    app: Flask, second_app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    assert fake_platform.launch(client, "zoe").status_code == 200  # cached in the shared store
    second_client = second_app.test_client()
    with served_requests(fake_platform) as fetches:
        invented_kids(fake_platform, client, REFETCHES_ALLOWED, "first-host")
        invented_kids(fake_platform, second_client, 3, "second-host")
    assert len(fetches) == REFETCHES_ALLOWED  # the second host found the count used up

    import redis

    connection = redis.Redis.from_url(app.config["REDIS_URL"])
    try:
        counters = list(connection.scan_iter(app.config["REDIS_KEY_PREFIX"] + "rate-limits:*"))
    finally:
        connection.close()
    assert counters, "the counts are not under this instance's REDIS_KEY_PREFIX"


@pytest.mark.parametrize("app_overrides", [SMALL_LOGIN_LIMIT])
@pytest.mark.redis
@needs_redis
def test_the_login_limit_is_shared_by_two_instances_on_one_redis(
    app: Flask, second_app: Flask, fake_platform: FakePlatform
) -> None:
    hosts = [client_at(app, SCHOOL), client_at(second_app, SCHOOL)]
    statuses = [login(fake_platform, hosts[n % 2]).status_code for n in range(LOGINS_ALLOWED + 1)]
    assert statuses == [302] * LOGINS_ALLOWED + [429]
