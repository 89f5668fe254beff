"""Launch validation to certification grade, around pylti1p3's MessageLaunch.

Order (IMS Security Framework §5.1.3, LTI Core §5.3-5.4, certification guide §6.1):
state cookie → JWT shape → alg/kid → registration (iss + aud/azp) → signature, exp/iat with leeway
→ LTI claims → deployment (known and active) → the login record, consumed once: nonce and
target_link_uri must equal the login's. pylti1p3 skips aud/azp, never consumes the nonce, accepts a
replayed id_token+state, ignores target_link_uri and refetches no JWKS on a kid miss; those checks
are ours. The login record is popped last, so a malformed or forged token never burns a real login,
and atomically, so two racing replays cannot both succeed.
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass
from typing import Any

import jwt
import requests
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from pylti1p3.contrib.flask import FlaskMessageLaunch, FlaskRequest
from sqlalchemy.orm import Session

from lti_tool.lti import launch as claims
from lti_tool.lti.errors import LaunchError
from lti_tool.lti.jwks_cache import KeySetError, KeySetPolicy, KnownKeySets, find_platform_key
from lti_tool.lti.login import login_record_key, state_cookie_service
from lti_tool.lti.registrations import (
    MAX_DEPLOYMENT_ID_LENGTH,
    DeploymentRecord,
    PlatformRecord,
    find_launch_registration,
    registered_client_ids,
)
from lti_tool.lti.state_store import StateStore
from lti_tool.lti.tool_conf import DbToolConf


@dataclass(frozen=True)
class LaunchPolicy:
    leeway_seconds: int
    max_token_age_seconds: int
    launch_seconds: int
    key_sets: KeySetPolicy


class ToolMessageLaunch(FlaskMessageLaunch):
    def __init__(
        self,
        request: FlaskRequest,
        tool_config: DbToolConf,
        *,
        session: Session,
        store: StateStore,
        policy: LaunchPolicy,
        requests_session: requests.Session | None = None,
        known_key_sets: KnownKeySets | None = None,
    ) -> None:
        super().__init__(
            request,
            tool_config,
            cookie_service=state_cookie_service(request),
            requests_session=requests_session,
        )
        self._session = session
        self._store = store
        self._policy = policy
        self._tool_conf = tool_config
        self._known_key_sets = known_key_sets
        self.login_record: dict[str, Any] | None = None
        self.platform: PlatformRecord | None = None
        self.deployment: DeploymentRecord | None = None
        self._deployment_found: DeploymentRecord | None = None

    # -- the pipeline ---------------------------------------------------------------------------
    def validate(self) -> ToolMessageLaunch:
        self._validated = True
        try:
            self.validate_state()
            self.validate_jwt_format()
            self.validate_header()
            self.validate_registration()
            self.validate_jwt_signature()
            self.validate_message()
            self.validate_deployment()
            self.validate_login()
            self.save_launch_data()
        except Exception:
            self._validated = False
            raise
        return self

    def validate_state(self) -> ToolMessageLaunch:
        state = self._get_request_param("state")
        if not state:
            raise LaunchError("state-missing", _("The launch has no state parameter."))
        if not self._get_request_param("id_token"):
            raise LaunchError("id-token-missing", _("The launch has no id_token."))
        # No "already validated" shortcut (pylti1p3's id_token-hash mark lets a replay through).
        if self._cookie_service.get_cookie(state) != state:
            # No "continue in a new window" here: that would replay the login's
            # lti_message_hint, which the LMS has spent (platforms may make it single-use).
            raise LaunchError(
                "state-cookie-missing",
                _(
                    "Your browser did not send back the cookie set when this launch started. "
                    "This happens when the browser blocks cookies inside the LMS page, or when "
                    "a launch is reused. Go back to your course and open the tool again: the "
                    "tool first checks that your browser keeps its cookie and, if it does not, "
                    "offers to continue in a new window."
                ),
                status=401,
            )
        return self

    def validate_jwt_format(self) -> ToolMessageLaunch:
        parts = self._get_id_token().split(".")
        if len(parts) != 3:
            raise LaunchError("jwt-malformed", _("The id_token is not a signed JWT."))
        try:
            header = _strict_json(self.urlsafe_b64decode(parts[0]))
            body = _strict_json(self.urlsafe_b64decode(parts[1]))
        except (ValueError, UnicodeDecodeError, RecursionError) as error:
            # RecursionError: JSON nested thousands deep, which no platform sends.
            raise LaunchError("jwt-malformed", _("The id_token cannot be decoded.")) from error
        if not isinstance(header, dict) or not isinstance(body, dict):
            raise LaunchError("jwt-malformed", _("The id_token is not an LTI message."))
        _check_claim_types(body)
        self._jwt = {"header": header, "body": body}
        return self

    def validate_header(self) -> ToolMessageLaunch:
        header = self._jwt["header"]
        if header.get("alg") != "RS256":
            raise LaunchError(
                "alg-not-allowed", _("The id_token must be signed with RS256."), status=401
            )
        if not isinstance(header.get("kid"), str) or not header["kid"]:
            raise LaunchError(
                "kid-missing", _("The id_token header has no key id (kid)."), status=401
            )
        return self

    def get_client_id(self) -> str:
        """Our client_id from aud/azp: several audiences need an azp naming one of them."""
        body = self._jwt["body"]
        aud, azp = body.get("aud"), body.get("azp")
        audiences = [aud] if isinstance(aud, str) else aud if isinstance(aud, list) else []
        if not audiences or not all(isinstance(a, str) and a for a in audiences):
            raise LaunchError("aud-missing", _("The id_token has no audience (aud)."), status=401)
        if azp is not None:
            if not isinstance(azp, str) or azp not in audiences:
                raise LaunchError(
                    "azp-mismatch", _("The authorized party (azp) is not an audience."), status=401
                )
            return azp
        if len(audiences) > 1:
            raise LaunchError(
                "azp-missing", _("An id_token with several audiences must name azp."), status=401
            )
        return audiences[0]

    def validate_registration(self) -> ToolMessageLaunch:
        iss = self._jwt["body"].get("iss")
        if not isinstance(iss, str) or not iss:
            raise LaunchError("iss-missing", _("The id_token has no issuer (iss)."), status=401)
        client_id = self.get_client_id()
        # The deployment comes with the registration in the same statement; it is checked in
        # validate_deployment, once the signature says the claim is the platform's.
        deployment_id = self._jwt["body"].get(claims.DEPLOYMENT_ID)
        found = find_launch_registration(
            self._session,
            iss,
            client_id,
            deployment_id if isinstance(deployment_id, str) else None,
        )
        if found is None:
            raise LaunchError(
                "registration-unknown",
                _("This LMS (issuer and client ID) is not registered with the tool."),
                status=401,
            )
        self.platform, self._deployment_found = found
        self._reject_untrusted_audiences(iss)
        self._registration = self._tool_conf.registration_for(self.platform)
        return self

    def _reject_untrusted_audiences(self, iss: str) -> None:
        """Security Framework §5.1.3 step 3: every audience must be a client_id of this issuer."""
        aud = self._jwt["body"]["aud"]
        extra = set(aud if isinstance(aud, list) else [aud]) - {self.get_client_id()}
        if extra and not extra <= set(registered_client_ids(self._session, iss)):
            raise LaunchError(
                "aud-untrusted",
                _("The id_token is also addressed to an audience this tool does not trust."),
                status=401,
            )

    def log_ids(self) -> dict[str, Any]:
        """Identifiers for the log of a refused launch (as claimed; maybe unverified)."""
        body = self._jwt.get("body") or {}
        ids = {
            "iss": body.get("iss"),
            "deployment_id": body.get(claims.DEPLOYMENT_ID),
            "message_type": body.get(claims.MESSAGE_TYPE),
        }
        aud = body.get("aud")
        ids["client_id"] = body.get("azp") or (aud[0] if isinstance(aud, list) and aud else aud)
        return {key: str(value)[:255] for key, value in ids.items() if isinstance(value, str)}

    def get_public_key(self) -> tuple[Any, str]:
        """The platform's RSA public key for this token's kid (parsed; see jwks_cache)."""
        if self._registration is None:
            raise RuntimeError("get_public_key() before validate_registration()")
        kid = self._jwt["header"]["kid"]
        try:
            key = find_platform_key(
                self._store,
                self._registration.get_key_set_url(),
                kid,
                self._policy.key_sets,
                self._requests_session,
                self._known_key_sets,
            )
        except KeySetError as error:
            raise LaunchError(
                "jwks-unavailable",
                _("The LMS's public keys could not be fetched: %(reason)s", reason=str(error)),
                status=401,
            ) from error
        if key is None:
            raise LaunchError(
                "kid-unknown", _("The LMS has no public key with this key id (kid)."), status=401
            )
        return key, "RS256"

    def validate_jwt_signature(self) -> ToolMessageLaunch:
        if self._registration is None:
            raise RuntimeError("validate_jwt_signature() before validate_registration()")
        public_key, _alg = self.get_public_key()
        leeway = self._policy.leeway_seconds
        try:
            jwt.decode(
                self._get_id_token(),
                public_key,
                algorithms=["RS256"],
                audience=self.get_client_id(),
                issuer=self._registration.get_issuer(),
                leeway=leeway,
                options={"require": ["exp", "iat", "iss", "aud"]},
            )
        except jwt.MissingRequiredClaimError as error:
            raise LaunchError(
                f"{error.claim}-missing",
                _("The id_token has no %(claim)s claim.", claim=error.claim),
                status=401,
            ) from error
        except jwt.InvalidTokenError as error:
            code, message = _jwt_refusal(error)
            raise LaunchError(code, str(message), status=401) from error
        iat = self._jwt["body"]["iat"]
        if time.time() - iat > self._policy.max_token_age_seconds + leeway:
            raise LaunchError(
                "token-too-old", _("The id_token was issued too long ago."), status=401
            )
        return self

    def validate_message(self) -> ToolMessageLaunch:
        body = self._jwt["body"]
        message_type = body.get(claims.MESSAGE_TYPE)
        version = body.get(claims.VERSION)
        if message_type is None:
            raise LaunchError("message-type-missing", _("The launch has no message_type claim."))
        if message_type not in claims.SUPPORTED_MESSAGE_TYPES:
            raise LaunchError(
                "message-type-unsupported", _("This kind of LTI message is not supported.")
            )
        if version is None:
            raise LaunchError("version-missing", _("The launch has no LTI version claim."))
        if version != "1.3.0":
            raise LaunchError("version-wrong", _("Only LTI version 1.3.0 is supported."))
        if not isinstance(body.get("sub"), str) or not body["sub"]:
            raise LaunchError("sub-missing", _("The launch does not identify the user (sub)."))
        if not isinstance(body.get(claims.ROLES), list):
            raise LaunchError("roles-missing", _("The launch has no roles claim."))
        deployment_id = body.get(claims.DEPLOYMENT_ID)
        if not isinstance(deployment_id, str) or not deployment_id:
            raise LaunchError("deployment-id-missing", _("The launch has no deployment_id claim."))
        if len(deployment_id) > MAX_DEPLOYMENT_ID_LENGTH:
            raise LaunchError("deployment-id-invalid", _("The deployment_id is too long."))
        if not isinstance(body.get(claims.TARGET_LINK_URI), str):
            raise LaunchError("target-link-uri-missing", _("The launch has no target_link_uri."))
        if message_type == claims.RESOURCE_LINK_REQUEST:
            link = body.get(claims.RESOURCE_LINK)
            if not isinstance(link, dict) or not isinstance(link.get("id"), str) or not link["id"]:
                raise LaunchError(
                    "resource-link-id-missing", _("The launch has no resource link id.")
                )
        else:
            self._validate_deep_linking_settings(body.get(claims.DEEP_LINKING_SETTINGS))
        return self

    @staticmethod
    def _validate_deep_linking_settings(settings: Any) -> None:
        if not isinstance(settings, dict) or not isinstance(
            settings.get("deep_link_return_url"), str
        ):
            raise LaunchError(
                "deep-linking-settings-missing", _("The deep linking request has no return URL.")
            )
        accept_types = settings.get("accept_types")
        if not isinstance(accept_types, list) or "ltiResourceLink" not in accept_types:
            raise LaunchError(
                "deep-linking-types-unsupported",
                _("The LMS does not accept LTI resource links from this deep linking request."),
            )

    def validate_deployment(self) -> ToolMessageLaunch:
        body = self._jwt["body"]
        deployment = self._deployment_found
        if deployment is None:
            raise LaunchError(
                "deployment-unknown",
                _(
                    "This deployment of the tool is not registered. Ask your LMS administrator to "
                    "add deployment %(id)s.",
                    id=body[claims.DEPLOYMENT_ID],
                ),
                status=403,
            )
        if not deployment.active:
            raise LaunchError(
                "deployment-inactive",
                _("This deployment of the tool has been switched off by the administrator."),
                status=403,
            )
        self.deployment = deployment
        return self

    def validate_login(self) -> ToolMessageLaunch:
        """Consume the login (state + nonce) once; the token must answer exactly that login."""
        body = self._jwt["body"]
        state = self._get_request_param("state")
        if not isinstance(body.get("nonce"), str) or not body["nonce"]:
            raise LaunchError("nonce-missing", _("The id_token has no nonce."), status=401)
        record = self._store.pop(login_record_key(state))
        if record is None:
            raise LaunchError(
                "launch-replayed",
                _(
                    "This launch has already been used or has expired. Open the tool again from your course."
                ),
                status=401,
            )
        if record["nonce"] != body["nonce"]:
            raise LaunchError(
                "nonce-mismatch", _("The id_token nonce does not match the login."), status=401
            )
        if record["iss"] != body["iss"] or record["client_id"] != self.get_client_id():
            raise LaunchError(
                "login-mismatch", _("The id_token is from another LMS than the login."), status=401
            )
        if record["target_link_uri"] != body[claims.TARGET_LINK_URI]:
            raise LaunchError(
                "target-link-uri-mismatch",
                _("The launch's target_link_uri differs from the one at login."),
            )
        self.login_record = record
        return self

    def save_launch_data(self) -> ToolMessageLaunch:
        """Nothing to keep: pylti1p3 caches the body for `MessageLaunch.from_cache`, which this
        tool never uses (its services read the LaunchContext stored by `start_launch_session`)."""
        return self

    def verified_registration(self) -> tuple[PlatformRecord, DeploymentRecord]:
        if not self._validated or self.platform is None or self.deployment is None:
            raise RuntimeError("verified_registration() before validate()")
        return self.platform, self.deployment

    def verified_body(self) -> dict[str, Any]:
        if not self._validated:
            raise RuntimeError("verified_body() before validate()")
        return dict(self._jwt["body"])


NUMERIC_CLAIMS = ("iat", "exp", "nbf")  # NumericDate (RFC 7519 §2): a finite number
STRING_CLAIMS = ("iss", "sub", "nonce", "azp")
OBJECT_CLAIMS = (
    claims.CONTEXT,
    claims.RESOURCE_LINK,
    claims.LAUNCH_PRESENTATION,
    claims.CUSTOM,
    claims.TOOL_PLATFORM,
    claims.AGS_ENDPOINT,
    claims.NRPS,
    claims.DEEP_LINKING_SETTINGS,
)
ARRAY_CLAIMS = (claims.ROLES, claims.ROLE_SCOPE_MENTOR)


def _reject_constant(name: str) -> None:
    raise ValueError(f"JSON constant {name} is not allowed")


def _strict_json(raw: bytes) -> object:
    """JSON as RFC 8259 defines it: no NaN or Infinity (Python accepts them by default)."""
    return json.loads(raw, parse_constant=_reject_constant)


def _is_numeric_date(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return abs(value) < 2**53  # a float converts it exactly; larger ones are no date
    return isinstance(value, float) and math.isfinite(value)


def _check_claim_types(body: dict[str, Any]) -> None:
    """Claims PyJWT and pylti1p3 read as numbers or strings, of the type the specs give them,
    before anything reads them (a string `iat` passed PyJWT and then failed our age check)."""
    for name in NUMERIC_CLAIMS:
        value = body.get(name)
        if value is None:
            continue
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise LaunchError(
                "claim-type-invalid",
                _("The id_token's %(claim)s claim must be a number of seconds.", claim=name),
            )
    for name in STRING_CLAIMS:
        if name in body and not isinstance(body[name], str):
            raise LaunchError(
                "claim-type-invalid",
                _("The id_token's %(claim)s claim must be a string.", claim=name),
            )
    for name in OBJECT_CLAIMS:
        if body.get(name) is not None and not isinstance(body[name], dict):
            raise LaunchError(
                "claim-type-invalid",
                _("The launch's %(claim)s claim must be a JSON object.", claim=_short(name)),
            )
    for name in ARRAY_CLAIMS:
        if body.get(name) is not None and not isinstance(body[name], list):
            raise LaunchError(
                "claim-type-invalid",
                _("The launch's %(claim)s claim must be an array.", claim=_short(name)),
            )
    context = body.get(claims.CONTEXT)
    if isinstance(context, dict) and not (isinstance(context.get("id"), str) and context["id"]):
        raise LaunchError(
            "claim-type-invalid", _("The launch's context claim must have a string id.")
        )


def _short(claim: str) -> str:
    """The last part of a claim name (`context`), for messages."""
    return claim.rsplit("/", 1)[-1]


# PyJWT's verdicts, most specific first, as the code and message the user sees.
_JWT_REFUSALS: tuple[tuple[type[jwt.InvalidTokenError], str, Any], ...] = (
    (jwt.ExpiredSignatureError, "token-expired", _l("The id_token has expired.")),
    (jwt.ImmatureSignatureError, "token-from-future", _l("The id_token is not valid yet (iat).")),
    (jwt.InvalidAudienceError, "aud-mismatch", _l("The id_token is not for this tool.")),
    (jwt.InvalidIssuerError, "iss-mismatch", _l("The id_token issuer does not match.")),
    (jwt.InvalidSignatureError, "signature-invalid", _l("The id_token signature does not verify.")),
)


def _jwt_refusal(error: jwt.InvalidTokenError) -> tuple[str, Any]:
    for kind, code, message in _JWT_REFUSALS:
        if isinstance(error, kind):
            return code, message
    return "token-invalid", _l("The id_token is not valid.")
