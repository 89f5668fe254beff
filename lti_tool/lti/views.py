"""LTI endpoints: OIDC login initiation and the tool's JWKS, and the page a refused launch gets.

Login is a cross-site request from the LMS, so it is CSRF-exempt; its protection is the state
cookie and the single-use login record (see login.py). It is open to anyone, so it is limited per
client address (RATE_LIMIT_LTI_LOGIN, lti_tool/rate_limits.py) before anything is stored. The
launch itself (the redirect_uri) is lti_tool.launches' view: it records people, which the protocol
layer knows nothing of.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import gettext as _
from pylti1p3.contrib.flask import FlaskRequest

from lti_tool import rate_limits
from lti_tool.extensions import csrf, db, limiter
from lti_tool.limits import limit
from lti_tool.lti import keys
from lti_tool.lti.errors import LaunchError
from lti_tool.lti.login import LOGIN_PARAMS, ToolOIDCLogin
from lti_tool.lti.tool_conf import DbToolConf

blueprint = Blueprint("lti", __name__, url_prefix="/lti")
log = logging.getLogger(__name__)


def _store():
    return current_app.extensions["lti_state_store"]


@blueprint.get("/jwks")
def jwks():
    overlap = timedelta(seconds=current_app.config["LTI_KEY_OVERLAP_SECONDS"])
    response = current_app.json.response(keys.jwks(db.session, overlap))
    response.cache_control.public = True
    response.cache_control.max_age = 300
    return response


@blueprint.route("/login", methods=["GET", "POST"])
@csrf.exempt
@limiter.limit(rate_limits.login_limit)
def login():
    _refuse_oversized_login_params()
    oidc = ToolOIDCLogin(
        FlaskRequest(),
        DbToolConf(db.session),
        store=_store(),
        login_seconds=current_app.config["LTI_LOGIN_STATE_SECONDS"],
        tool_origin=request.host_url.rstrip("/"),
    )
    if current_app.config.get("LTI_COOKIE_CHECK", True):
        oidc.enable_check_cookies()
    response = oidc.redirect(url_for("launches.launch", _external=True))
    db.session.commit()
    log.info(
        "login started",
        extra={
            "event": "lti.login",
            "iss": request.values.get("iss"),
            "client_id": request.values.get("client_id"),
        },
    )
    return response


def _refuse_oversized_login_params() -> None:
    """Every login parameter is stored with the login state: bound each one before anything is."""
    most = limit("LTI_LOGIN_PARAM_MAX_CHARS")
    for name in LOGIN_PARAMS:
        if any(len(value) > most for value in request.values.getlist(name)):
            raise LaunchError(
                "login-parameter-too-long",
                _(
                    "The login request's %(name)s is longer than %(limit)d characters, so it was "
                    "refused. Ask your LMS administrator to check the tool's configuration.",
                    name=name,
                    limit=most,
                ),
            )


def _login_log_ids() -> dict[str, str]:
    """At login the identifiers are plain parameters; at launch, see ToolMessageLaunch.log_ids."""
    names = {"iss": "iss", "client_id": "client_id", "lti_deployment_id": "deployment_id"}
    return {
        field: request.values[name][:255]
        for name, field in names.items()
        if request.values.get(name)
    }


@blueprint.app_errorhandler(LaunchError)
def launch_refused(error: LaunchError):
    db.session.rollback()
    log.warning(
        "launch refused",
        extra={
            "event": "lti.refused",
            "error_code": error.code,
            "status": error.status,
            **(error.log_ids or _login_log_ids()),
        },
    )
    page = render_template("lti/launch_error.html", error=error)
    return page, error.status
