"""LTI endpoints: OIDC login initiation, the launch (redirect_uri), and the tool's JWKS.

Login and launch are cross-site POSTs from the LMS, so they are CSRF-exempt; their protection is
the state cookie, the single-use login record and the signed id_token (see validation.py).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from pylti1p3.contrib.flask import FlaskRequest
from pylti1p3.exception import LtiException

from lti_tool.extensions import csrf, db
from lti_tool.limits import limit
from lti_tool.lti import events, keys
from lti_tool.lti.binding import remember_launch
from lti_tool.lti.errors import LaunchError
from lti_tool.lti.jwks_cache import KeySetPolicy
from lti_tool.lti.launch import DEEP_LINKING_REQUEST, parse_claims
from lti_tool.lti.login import LOGIN_PARAMS, ToolOIDCLogin
from lti_tool.lti.services import record_launch, start_launch_session
from lti_tool.lti.tool_conf import DbToolConf
from lti_tool.lti.validation import LaunchPolicy, ToolMessageLaunch

blueprint = Blueprint("lti", __name__, url_prefix="/lti")
log = logging.getLogger(__name__)


def _store():
    return current_app.extensions["lti_state_store"]


def _policy() -> LaunchPolicy:
    config = current_app.config
    return LaunchPolicy(
        leeway_seconds=config["LTI_CLOCK_LEEWAY_SECONDS"],
        max_token_age_seconds=config["LTI_MAX_TOKEN_AGE_SECONDS"],
        launch_seconds=config["LTI_LAUNCH_SECONDS"],
        key_sets=KeySetPolicy(
            cache_seconds=config["LTI_JWKS_CACHE_SECONDS"],
            min_refetch_seconds=config["LTI_JWKS_MIN_REFETCH_SECONDS"],
            timeout_seconds=config["LTI_HTTP_TIMEOUT_SECONDS"],
        ),
    )


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
    response = oidc.redirect(url_for("lti.launch", _external=True))
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


@blueprint.post("/launch")
@csrf.exempt
def launch():
    store = _store()
    message_launch = ToolMessageLaunch(
        FlaskRequest(), DbToolConf(db.session), session=db.session, store=store, policy=_policy()
    )
    try:
        message_launch.validate()
    except LaunchError as error:
        error.log_ids = message_launch.log_ids()
        raise
    except LtiException as error:  # anything pylti1p3 itself still raises
        raise LaunchError("launch-invalid", _("The launch is not valid.")) from error
    claims = parse_claims(message_launch.verified_body(), message_launch.get_client_id())
    user, context = record_launch(
        db.session, claims, message_launch.platform, message_launch.deployment
    )
    launch = start_launch_session(
        store,
        claims,
        platform=message_launch.platform,
        deployment=message_launch.deployment,
        user=user,
        context=context,
        lifetime_seconds=current_app.config["LTI_LAUNCH_SECONDS"],
    )
    events.on_launch_recorded(db.session, launch)
    db.session.commit()
    remember_launch(launch)
    log.info(
        "launch accepted",
        extra={
            "event": "lti.launch",
            "iss": claims.issuer,
            "client_id": claims.client_id,
            "deployment_id": claims.deployment_id,
            "context_id": claims.context_id,
            "resource_link_id": claims.resource_link_id,
            "message_type": claims.message_type,
            "sub": claims.sub,
            "role": claims.role.value,
            "launch_id": launch.launch_id,
        },
    )
    landing = "learning_modules.picker" if claims.message_type == DEEP_LINKING_REQUEST else "home.index"
    return redirect(url_for(landing, launch_id=launch.launch_id), code=303)


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
