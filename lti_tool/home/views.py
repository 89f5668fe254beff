"""Public pages: the tool's index (what an LMS administrator needs to register it) and /healthz."""

from __future__ import annotations

import logging

from flask import Blueprint, render_template
from sqlalchemy import text

from lti_tool.extensions import db
from lti_tool.lti.binding import current_launch, launch_blueprint

blueprint = Blueprint("home", __name__)
log = logging.getLogger(__name__)


@blueprint.get("/")
def index():
    return render_template("home/index.html")


@blueprint.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:
        log.exception("health check: database unreachable")
        db.session.rollback()
        return {"status": "error", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}


course = launch_blueprint("course", __name__)


@course.get("/")
def home():
    return render_template("home/course.html", launch=current_launch())
