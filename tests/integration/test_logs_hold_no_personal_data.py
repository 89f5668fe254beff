"""The logs never carry what a person wrote, their name or email, tokens, nonces or login state.

Each test forces a real failure — the database refusing a save (a trigger raises inside the
INSERT, so the driver's error carries the statement and its values), a forged launch, the LMS
refusing scores — and then reads every line the tool's loggers wrote.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from lti_tool.extensions import db
from lti_tool.logs import JsonFormatter
from tests.fake_platform import FakePlatform
from tests.integration.grades.test_columns import _complete
from tests.integration.learning_modules.test_player import answer
from tests.integration.mentoring_web.my_web_pages import launch
from tests.lti_helpers import signed_launch

SECRET_TEXT = "My private worry about my principal, written at 11 pm"


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """Everything the tool's loggers and the libraries' (root) write, as the formatter writes it."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonFormatter())
    handler.setLevel(logging.DEBUG)
    loggers = [logging.getLogger("lti_tool"), logging.getLogger()]
    for logger in loggers:
        logger.addHandler(handler)
    yield out
    for logger in loggers:
        logger.removeHandler(handler)


def _refuse_inserts_into_reflections(app: Flask) -> None:
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            db.session.execute(
                text(
                    "CREATE OR REPLACE FUNCTION refuse_save() RETURNS trigger AS $$ BEGIN "
                    "RAISE EXCEPTION 'forced failure'; END $$ LANGUAGE plpgsql"
                )
            )
            db.session.execute(
                text(
                    "CREATE TRIGGER refuse_save BEFORE INSERT ON lm_reflection "
                    "FOR EACH ROW EXECUTE FUNCTION refuse_save()"
                )
            )
        else:
            db.session.execute(
                text(
                    "CREATE TRIGGER refuse_save BEFORE INSERT ON lm_reflection "
                    "BEGIN SELECT RAISE(ABORT, 'forced failure'); END"
                )
            )
        db.session.commit()
        db.session.remove()


def _person_data(platform: FakePlatform, key: str) -> list[str]:
    member = platform.member(key)
    return [v for v in (member.name, member.given_name, member.family_name, member.email) if v]


def test_a_failed_save_logs_the_error_type_but_not_the_text(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform, log_lines: io.StringIO
) -> None:
    base = launch(fake_platform, client, "priya")
    _refuse_inserts_into_reflections(app)
    response = answer(client, base, SECRET_TEXT)
    assert response.status_code == 500
    logged = log_lines.getvalue()
    assert "unexpected error" in logged
    assert "exception_type" in logged
    assert "sqlalchemy.exc" in logged
    assert SECRET_TEXT not in logged
    assert "principal" not in logged
    for value in _person_data(fake_platform, "priya"):
        assert value not in logged


def test_a_refused_launch_logs_no_state_nonce_nor_token(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform, log_lines: io.StringIO
) -> None:
    attempt = signed_launch(fake_platform, client, app=app, changes={"nonce": "not-the-nonce"})
    assert 400 <= attempt.response.status_code < 500
    forged = signed_launch(fake_platform, client, app=app, changes={"aud": "someone-else"})
    assert 400 <= forged.response.status_code < 500
    logged = log_lines.getvalue()
    assert "launch refused" in logged
    for secret in (attempt.state, attempt.nonce, forged.state, forged.nonce):
        assert secret not in logged
    for token in (attempt.id_token, forged.id_token):
        for part in token.split("."):
            assert part not in logged
    for value in _person_data(fake_platform, "priya"):
        assert value not in logged


def test_an_lms_refusing_scores_logs_ids_but_no_token_nor_person(
    app: Flask, fake_platform: FakePlatform, log_lines: io.StringIO
) -> None:
    fake_platform.state.fail_next(20, status=500)
    _complete(app, fake_platform, "priya", fake_platform.link(), "scaling-questions")
    logged = log_lines.getvalue()
    assert "not delivered" in logged
    for token in list(fake_platform.state.tokens):
        assert token not in logged
    for value in _person_data(fake_platform, "priya"):
        assert value not in logged
    assert "Réponse" not in logged  # the answers typed by _complete
