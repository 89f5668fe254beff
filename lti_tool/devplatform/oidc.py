"""The OIDC authorization endpoint (the tool's login redirects here) and the platform's JWKS.

Validation follows Security Framework 1.0 §5.1.1.2 and LTI Core §4.1 as a strict LMS applies it:
fixed scope/response values, the registered client_id, an exact redirect_uri match, a nonce, a
known user, and an lti_message_hint this platform issued. The answer is the OIDC form_post response:
a page that POSTs id_token and state to the redirect_uri.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import Blueprint, Response, current_app, make_response, render_template, request
from flask_babel import gettext as _

from lti_tool.devplatform.course import Member, ResourceLink
from lti_tool.devplatform.launches import BadHintError
from lti_tool.devplatform.runtime import DevPlatform, current_platform

blueprint = Blueprint("dev_oidc", __name__)


class AuthRequestError(ValueError):
    pass


@blueprint.get("/jwks")
def jwks() -> Response:
    response = current_app.json.response(current_platform().settings.key.jwks())
    response.cache_control.public = True
    response.cache_control.max_age = 300
    return response


@blueprint.route("/auth", methods=["GET", "POST"])
def authorize() -> Response:
    platform = current_platform()
    params = request.values
    try:
        member, link, target = _check_auth_request(platform, params)
    except AuthRequestError as error:
        page = render_template(
            "devplatform/error.html",
            title=_("The platform refused this login request"),
            message=str(error),
        )
        return make_response(page, 400)

    claims = platform.launches.claims(member, link, nonce=params["nonce"], target_link_uri=target)
    id_token = platform.settings.key.sign(claims)
    page = render_template(
        "devplatform/auto_post.html",
        action=params["redirect_uri"],
        fields={"id_token": id_token, "state": params.get("state", "")},
        title=_("Opening %(title)s", title=link.title),
    )
    response = make_response(page)
    response.headers["Cache-Control"] = "no-store"
    return response


def _check_auth_request(
    platform: DevPlatform, params: Mapping[str, str]
) -> tuple[Member, ResourceLink, str | None]:
    settings = platform.settings
    expected = {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "prompt": "none",
    }
    for name, value in expected.items():
        if params.get(name) != value:
            raise AuthRequestError(
                _("The %(name)s parameter must be %(value)s.", name=name, value=value)
            )
    if params.get("client_id") != settings.client_id:
        raise AuthRequestError(_("Unknown client_id: this tool is not registered here."))
    if params.get("redirect_uri") not in settings.redirect_uris:
        raise AuthRequestError(
            _("The redirect_uri is not one registered for this tool (exact match required).")
        )
    if not params.get("nonce"):
        raise AuthRequestError(_("The nonce parameter is missing."))
    member = platform.state.member(settings.course, params.get("login_hint", ""))
    if member is None:
        raise AuthRequestError(_("The login_hint does not name a user of this platform."))
    try:
        hint = platform.launches.read_message_hint(params.get("lti_message_hint", ""))
    except BadHintError as error:
        raise AuthRequestError(
            _("The lti_message_hint was not issued by this platform or has expired.")
        ) from error
    link = platform.state.link(settings.course, hint.get("link", ""))
    if hint.get("user") != member.key or link is None:
        raise AuthRequestError(_("The lti_message_hint does not match this login_hint."))
    return member, link, hint.get("target")
