"""LTI endpoints: OIDC login initiation, the launch (redirect_uri), and the tool's JWKS."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app

from lti_tool.extensions import csrf, db
from lti_tool.lti import keys

blueprint = Blueprint("lti", __name__, url_prefix="/lti")


@blueprint.get("/jwks")
def jwks():
    overlap = timedelta(seconds=current_app.config["LTI_KEY_OVERLAP_SECONDS"])
    response = current_app.json.response(keys.jwks(db.session, overlap))
    response.cache_control.public = True
    response.cache_control.max_age = 300
    return response


@blueprint.route("/login", methods=["GET", "POST"])
@csrf.exempt
def login():
    raise NotImplementedError  # replaced in the next commit


@blueprint.post("/launch")
@csrf.exempt
def launch():
    raise NotImplementedError  # replaced in the next commit
