"""Launch people from the fake platform and reach the tool's services as the tool's code does."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import requests
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from lti_tool.extensions import db
from lti_tool.grades.models import ScoreRecord
from lti_tool.grades.services import delivery as services
from lti_tool.grades.services.delivery import DeliveryReport
from lti_tool.launches.services import load_launch
from lti_tool.lti.launch import LaunchContext
from tests.fake_platform import FakePlatform
from tests.lti_helpers import launch_path

MODULE = "active-listening"
MODULE_TITLE = "Écouter pour comprendre"


class Launched:
    """A browser launched as one person: its client, its `/l/<id>/` path and its LaunchContext."""

    def __init__(self, app: Flask, platform: FakePlatform, user_key: str, **claims: Any) -> None:
        self.client: FlaskClient = app.test_client()
        response = platform.launch(self.client, user_key, claims_overrides=claims or None)
        self.path = launch_path(response)
        launch_id = self.path.strip("/").split("/")[1]
        with app.app_context():
            found = load_launch(app.extensions["lti_state_store"], launch_id)
            db.session.remove()
        assert found is not None
        self.launch: LaunchContext = found

    def get(self, page: str):
        return self.client.get(self.path + page)

    def post(self, page: str, form_page: str) -> Any:
        html = self.get(form_page).get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', html)
        assert token, "no CSRF token on the page"
        return self.client.post(self.path + page, data={"csrf_token": token.group(1)})


def record(
    app: Flask, launched: Launched, slug: str = MODULE, now: datetime | None = None
) -> int | None:
    """What the module player does on completion: record in the request's transaction, commit."""
    with app.app_context():
        row = services.record_completion(
            db.session, launched.launch, slug, label=MODULE_TITLE, now=now
        )
        db.session.commit()
        record_id = None if row is None else row.id
        db.session.remove()
    return record_id


def deliver(app: Flask, now: datetime) -> DeliveryReport:
    with app.app_context(), requests.Session() as http:
        report = services.deliver_pending(db.session, now, http)
        db.session.remove()
    return report


def records(app: Flask) -> list[ScoreRecord]:
    with app.app_context():
        rows = list(db.session.scalars(select(ScoreRecord).order_by(ScoreRecord.id)))
        db.session.expunge_all()
        db.session.remove()
    return rows
