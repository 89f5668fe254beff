"""The OAuth2 token endpoint (client_credentials + RFC 7523 JWT assertion) and bearer-token checks.

Security Framework 1.0 §4.1: the tool proves itself with a JWT signed by a key in its JWKS,
`iss` = `sub` = client_id and `aud` = this token URL. Tokens are random, expire, and carry only the
scopes asked for; `state.tokens_issued` lets tests check that the tool caches them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Blueprint, Response, jsonify, request
from flask_babel import gettext as _

from lti_tool.devplatform.runtime import current_platform, json_error
from lti_tool.devplatform.signer import AGS_SCOPES, SCOPE_NRPS
from lti_tool.devplatform.toolkeys import ToolJwtError, verify_tool_jwt

blueprint = Blueprint("dev_oauth", __name__)

JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
KNOWN_SCOPES = frozenset({*AGS_SCOPES, SCOPE_NRPS})

View = TypeVar("View", bound=Callable[..., Any])


@blueprint.post("/token")
def token() -> Response:
    platform = current_platform()
    settings, state = platform.settings, platform.state
    form = request.form
    if form.get("grant_type") != "client_credentials":
        return json_error(400, "unsupported_grant_type", _("Only client_credentials is supported."))
    if form.get("client_assertion_type") != JWT_BEARER or not form.get("client_assertion"):
        return json_error(
            400, "invalid_request", _("A JWT bearer client_assertion is required (RFC 7523).")
        )
    scopes = frozenset(form.get("scope", "").split())
    if not scopes or not scopes <= KNOWN_SCOPES:
        return json_error(400, "invalid_scope", _("Ask for one or more LTI service scopes."))
    try:
        claims = verify_tool_jwt(
            platform, form["client_assertion"], audience=settings.url("/token"), required=("sub",)
        )
    except ToolJwtError as error:
        return json_error(401, "invalid_client", str(error))
    if claims["iss"] != settings.client_id or claims["sub"] != settings.client_id:
        return json_error(
            401, "invalid_client", _("The assertion's iss and sub must both be the client_id.")
        )
    jti = claims.get("jti")
    if jti is not None and not state.first_use("jti", str(jti)):
        return json_error(401, "invalid_client", _("This client assertion was already used."))

    access_token = state.issue_token(settings.client_id, scopes, settings.token_lifetime)
    response = jsonify(
        {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": settings.token_lifetime,
            "scope": " ".join(sorted(scopes)),
        }
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def require_scope(*accepted: str) -> Callable[[View], View]:
    """Refuse the call unless it carries a live bearer token holding one of `accepted` scopes."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            scheme, _sep, credential = request.headers.get("Authorization", "").partition(" ")
            grant = None
            if scheme.lower() == "bearer" and credential.strip():
                grant = current_platform().state.token_grant(credential.strip())
            if grant is None:
                return json_error(
                    401,
                    "invalid_token",
                    _("A valid bearer access token is required."),
                    **{"WWW-Authenticate": 'Bearer error="invalid_token"'},
                )
            if not grant.scopes & set(accepted):
                return json_error(
                    403,
                    "insufficient_scope",
                    _("The access token lacks the scope this call needs."),
                    **{"WWW-Authenticate": 'Bearer error="insufficient_scope"'},
                )
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate
