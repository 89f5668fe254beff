"""OIDC third-party-initiated login (LTI 1.3 Core §5.1.1, Security Framework §5.1.1).

We keep pylti1p3's state cookie and parameter handling but write our own login record: one entry
in the shared state store, keyed by the state, holding the nonce, the issuer and client_id, and the
target_link_uri. The launch pops it exactly once. Nonces and states come from `secrets`.
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import render_template
from flask_babel import gettext as _
from pylti1p3.contrib.flask import FlaskCookieService, FlaskOIDCLogin, FlaskRequest
from pylti1p3.exception import OIDCException

from lti_tool.lti.errors import LaunchError
from lti_tool.lti.state_store import StateStore
from lti_tool.lti.tool_conf import DbToolConf

STATE_COOKIE_SECONDS = 600
LOGIN_PARAMS = (
    "iss",
    "login_hint",
    "target_link_uri",
    "lti_message_hint",
    "lti_deployment_id",
    "client_id",
    "lti_storage_target",
)


def login_record_key(state: str) -> str:
    return "login:" + state


class PartitionedCookieService(FlaskCookieService):
    """pylti1p3's state cookie, plus `Partitioned` (CHIPS) over https so it survives in iframes."""

    def update_response(self, response: Any) -> None:
        secure = bool(self._request.is_secure())
        for key, data in self._cookie_data_to_set.items():
            response.set_cookie(
                key=key,
                value=data["value"],
                max_age=data["exp"],
                secure=secure,
                httponly=True,
                path="/",
                samesite="None" if secure else "Lax",
                partitioned=secure,
            )


def state_cookie_service(request: FlaskRequest) -> PartitionedCookieService:
    return PartitionedCookieService(request)


class ToolOIDCLogin(FlaskOIDCLogin):
    def __init__(
        self,
        request: FlaskRequest,
        tool_config: DbToolConf,
        *,
        store: StateStore,
        login_seconds: int,
        tool_origin: str,
    ) -> None:
        super().__init__(request, tool_config, cookie_service=state_cookie_service(request))
        self._store = store
        self._login_seconds = login_seconds
        self._tool_origin = tool_origin

    def login_params(self) -> dict[str, str]:
        params = {}
        for name in LOGIN_PARAMS:
            value = self._get_request_param(name)
            if value:
                params[name] = value
        return params

    def validate_target_link_uri(self) -> str:
        """Only a URL of this tool: never a redirect elsewhere (open redirect)."""
        target = self._get_request_param("target_link_uri")
        if not target:
            raise LaunchError(
                "target-link-uri-missing", _("The login request has no target_link_uri.")
            )
        parts = urlsplit(target)
        if f"{parts.scheme}://{parts.netloc}" != self._tool_origin:
            raise LaunchError(
                "target-link-uri-foreign",
                _("The target_link_uri does not point at this tool."),
            )
        return target

    def validate_oidc_login(self):  # type: ignore[no-untyped-def]
        """pylti1p3 checks iss, login_hint, then the registration, all as one OIDCException: we ask
        for the two parameters first, so each refusal has its own code without reading messages."""
        if not self._get_request_param("iss"):
            raise LaunchError("iss-missing", _("The login request has no issuer (iss)."))
        if not self._get_request_param("login_hint"):
            raise LaunchError("login-hint-missing", _("The login request has no login_hint."))
        try:
            return super().validate_oidc_login()
        except OIDCException as error:
            raise LaunchError(
                "registration-unknown",
                _("This LMS (issuer and client ID) is not registered with the tool."),
                status=401,
            ) from error

    def _prepare_redirect_url(self, launch_url: str) -> str:
        target_link_uri = self.validate_target_link_uri()
        self._registration = self.validate_oidc_login()
        state = "state-" + secrets.token_urlsafe(32)
        nonce = secrets.token_urlsafe(32)
        self._cookie_service.set_cookie(state, state, STATE_COOKIE_SECONDS)
        self._store.set(
            login_record_key(state),
            {
                "nonce": nonce,
                "iss": self._registration.get_issuer(),
                "client_id": self._registration.get_client_id(),
                "target_link_uri": target_link_uri,
            },
            self._login_seconds,
        )
        auth_params = {
            "scope": "openid",
            "response_type": "id_token",
            "response_mode": "form_post",
            "prompt": "none",
            "client_id": self._registration.get_client_id(),
            "redirect_uri": launch_url,
            "state": state,
            "nonce": nonce,
            "login_hint": self._get_request_param("login_hint"),
        }
        if self._get_request_param("lti_message_hint"):
            auth_params["lti_message_hint"] = self._get_request_param("lti_message_hint")
        auth_url = self._registration.get_auth_login_url()
        separator = "&" if "?" in auth_url else "?"
        return auth_url + separator + urlencode(auth_params)

    def get_cookies_allowed_js_check(self) -> str:
        """Our own page (translated, accessible, CSP-safe) instead of pylti1p3's inline one."""
        params = {**self.login_params(), "lti1p3_new_window": "1"}
        return render_template(
            "lti/cookie_check.html",
            new_window_url="?" + urlencode(params),
            secure=bool(self._request.is_secure()),
        )
