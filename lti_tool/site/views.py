"""Public pages: the tool's index (what an LMS administrator needs to register it) and /healthz."""

from __future__ import annotations

import logging

from flask import Blueprint, render_template
from sqlalchemy import text

from lti_tool.extensions import db

blueprint = Blueprint("site", __name__)
log = logging.getLogger(__name__)


@blueprint.get("/")
def index():
    return render_template("site/index.html")


@blueprint.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:
        log.exception("health check: database unreachable")
        db.session.rollback()
        return {"status": "error", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}


@blueprint.get("/favicon.ico")
def favicon():
    """No icon of our own: 204 so browsers stop asking, and the logs carry no 404 for every visit."""
    return "", 204, {"Cache-Control": "public, max-age=86400"}
