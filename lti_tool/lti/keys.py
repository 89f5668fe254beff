"""The tool's RSA keys: generation, rotation with an overlap period, and the published JWKS.

Private keys live only in the database (never in git, logs or templates). The JWKS publishes the
active key plus keys rotated out less than `overlap` ago, so a platform that cached our previous
key set, or a client assertion signed a moment before rotation, still verifies.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwcrypto.jwk import JWK
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from lti_tool.db import utcnow
from lti_tool.errors import NotFoundError
from lti_tool.lti.models import ToolKey

KEY_SIZE = 2048


@dataclass(frozen=True)
class KeyInfo:
    kid: str
    active: bool
    created_at: datetime
    retired_at: datetime | None
    published: bool


def _new_key() -> ToolKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    jwk = JWK.from_pem(pem.encode())
    public = jwk.export_public(as_dict=True)
    public.update({"alg": "RS256", "use": "sig", "kid": jwk.thumbprint()})
    return ToolKey(kid=public["kid"], private_key_pem=pem, public_jwk=public, active=True)


def active_key(session: Session) -> ToolKey | None:
    return session.scalar(select(ToolKey).where(ToolKey.active.is_(True)))


def rotate_key(session: Session) -> ToolKey:
    """Make a new active key; the old active key stays published for the overlap period."""
    now = utcnow()
    for key in session.scalars(select(ToolKey).where(ToolKey.active.is_(True))):
        key.active = False
        key.retired_at = now
    key = _new_key()
    session.add(key)
    session.flush()
    return key


def generate_key(session: Session) -> tuple[ToolKey, bool]:
    """Ensure there is an active key. Returns (key, created)."""
    existing = active_key(session)
    if existing is not None:
        return existing, False
    return rotate_key(session), True


def require_active_key(session: Session) -> ToolKey:
    key = active_key(session)
    if key is None:
        raise NotFoundError(
            "The tool has no key. Run `flask lti keys generate`.", code="no-tool-key"
        )
    return key


def published_keys(session: Session, overlap: timedelta) -> list[ToolKey]:
    cutoff = utcnow() - overlap
    return list(
        session.scalars(
            select(ToolKey)
            .where(or_(ToolKey.active.is_(True), ToolKey.retired_at > cutoff))
            .order_by(ToolKey.active.desc(), ToolKey.created_at.desc())
        )
    )


def jwks(session: Session, overlap: timedelta) -> dict[str, Any]:
    return {"keys": [dict(key.public_jwk) for key in published_keys(session, overlap)]}


def list_keys(session: Session, overlap: timedelta) -> list[KeyInfo]:
    published = {key.kid for key in published_keys(session, overlap)}
    keys = session.scalars(select(ToolKey).order_by(ToolKey.created_at.desc(), ToolKey.id.desc()))
    return [KeyInfo(k.kid, k.active, k.created_at, k.retired_at, k.kid in published) for k in keys]
