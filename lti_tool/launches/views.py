"""The launch (the tool's redirect_uri): validate the LMS's id_token, record who launched from
which course, store the launch and bind it to this browser, then answer with the course home
(or send a deep-linking request on to the picker).

The POST is cross-site from the LMS, so it is CSRF-exempt; its protection is the state cookie,
the single-use login record and the signed id_token (lti_tool/lti/validation.py). A refused
launch raises LaunchError, whose page is lti.views.launch_refused. It is open to anyone, so it is
limited per client address (RATE_LIMIT_LTI_LAUNCH), and the key-set refetch a token with an
unknown kid asks for per key-set URL (RATE_LIMIT_JWKS_REFETCH; lti_tool/rate_limits.py).
"""

from __future__ import annotations

import logging

from flask import Blueprint, Response, current_app, g, redirect, url_for
from flask_babel import gettext as _
from pylti1p3.contrib.flask import FlaskRequest
from pylti1p3.exception import LtiException

from lti_tool import i18n, rate_limits
from lti_tool.extensions import csrf, db, limiter
from lti_tool.launches import events
from lti_tool.launches.binding import remember_launch
from lti_tool.launches.services import start_launch_session
from lti_tool.lti.errors import LaunchError
from lti_tool.lti.jwks_cache import KeySetPolicy
from lti_tool.lti.launch import DEEP_LINKING_REQUEST, LaunchContext, parse_claims
from lti_tool.lti.tool_conf import DbToolConf
from lti_tool.lti.validation import LaunchPolicy, ToolMessageLaunch
from lti_tool.people.services import record_launch

blueprint = Blueprint("launches", __name__, url_prefix="/lti")
log = logging.getLogger(__name__)


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
            may_refetch=rate_limits.allow_key_set_refetch,
        ),
    )


@blueprint.post("/launch")
@csrf.exempt
@limiter.limit(rate_limits.launch_limit)
def launch():
    store = current_app.extensions["lti_state_store"]
    message_launch = ToolMessageLaunch(
        FlaskRequest(),
        DbToolConf(db.session),
        session=db.session,
        store=store,
        policy=_policy(),
        known_key_sets=current_app.extensions["lti_key_sets"],
    )
    try:
        message_launch.validate()
    except LaunchError as error:
        error.log_ids = message_launch.log_ids()
        raise
    except LtiException as error:  # anything pylti1p3 itself still raises
        raise LaunchError("launch-invalid", _("The launch is not valid.")) from error
    claims = parse_claims(message_launch.verified_body(), message_launch.get_client_id())
    platform, deployment = message_launch.verified_registration()
    people = record_launch(db.session, claims, deployment.id)
    launch = start_launch_session(
        store,
        claims,
        platform_pk=platform.id,
        deployment_pk=deployment.id,
        people=people,
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
    if claims.message_type == DEEP_LINKING_REQUEST:
        return redirect(url_for("learning_modules.picker", launch_id=launch.launch_id), code=303)
    return _course_home(launch)


def _course_home(launch: LaunchContext) -> Response:
    """The course home as the launch's own answer, not a 303 to it: one round trip fewer inside
    the LMS frame for every launch. The page says where it lives (`Content-Location`, and a script
    that gives the browser's entry that address), so a reload or a return to it is a GET of
    /l/<launch>/ rather than a second POST of the spent id_token. The home's own view renders it,
    bound to this launch as on any launch page."""
    g.launch = launch
    g.page_address = url_for("home.index", launch_id=launch.launch_id)
    i18n.launch_bound()
    response = current_app.make_response(current_app.view_functions["home.index"]())
    # The home only read, and its page is rendered: end that read now, so that nothing queued by
    # the launch (run at once in tests' immediate queue) starts while this request holds a
    # connection, as none did when the launch answered with a redirect.
    db.session.close()
    if response.status_code == 200:
        response.headers["Content-Location"] = g.page_address
    response.headers["Cache-Control"] = "private, no-store"  # as every launch page
    return response
