"""Verifying JWTs the tool signs (client assertions, deep-linking responses) against its JWKS.

Like a real LMS, the platform caches the tool's key set and refetches it only when a JWT names a
`kid` it has not seen, which is how key rotation reaches a platform (Security Framework §6.3).
"""

from __future__ import annotations

from typing import Any

import jwt
from flask_babel import gettext as _

from lti_tool.devplatform.runtime import DevPlatform

LEEWAY_SECONDS = 60


class ToolJwtError(ValueError):
    """The JWT does not verify; the message says why, for the developer reading the response."""


def _find_key(jwks: dict[str, Any] | None, kid: str) -> dict[str, Any] | None:
    keys = (jwks or {}).get("keys") or []
    return next((k for k in keys if isinstance(k, dict) and k.get("kid") == kid), None)


def tool_public_key(platform: DevPlatform, kid: str) -> jwt.PyJWK:
    state = platform.state
    with state.lock:
        cached = state.tool_jwks
    jwk = _find_key(cached, kid)
    if jwk is None:
        try:
            fresh = platform.settings.fetch_tool_jwks()
        except Exception as error:  # any failure to reach the tool is the same to the caller
            raise ToolJwtError(
                _("The tool's key set could not be fetched: %(error)s", error=error)
            ) from error
        with state.lock:
            state.tool_jwks = fresh
        jwk = _find_key(fresh, kid)
    if jwk is None:
        raise ToolJwtError(_("No key with kid %(kid)s in the tool's key set.", kid=kid))
    try:
        return jwt.PyJWK(jwk)
    except jwt.PyJWTError as error:
        raise ToolJwtError(
            _("The tool's key %(kid)s is not usable: %(error)s", kid=kid, error=error)
        ) from error


def verify_tool_jwt(
    platform: DevPlatform, token: str, *, audience: str, required: tuple[str, ...]
) -> dict[str, Any]:
    """Signature (RS256 only, key by kid), audience, exp/iat with leeway, and required claims."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as error:
        raise ToolJwtError(_("Not a JWT: %(error)s", error=error)) from error
    if header.get("alg") != "RS256":
        raise ToolJwtError(_("The JWT must be signed with RS256."))
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise ToolJwtError(_("The JWT header has no kid."))
    key = tool_public_key(platform, kid)
    try:
        return jwt.decode(
            token,
            key.key,
            algorithms=["RS256"],
            audience=audience,
            leeway=LEEWAY_SECONDS,
            options={"require": ["exp", "iat", "iss", "aud", *required]},
        )
    except jwt.PyJWTError as error:
        raise ToolJwtError(_("The JWT does not verify: %(error)s", error=error)) from error
