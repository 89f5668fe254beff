"""Platform registrations and deployments: what an LMS administrator sets up once per LMS.

A registration is (issuer, client_id). Several client_ids may share an issuer (Canvas), and each
registration has any number of deployments, which can be deactivated without being forgotten.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import Session, selectinload

from lti_tool.errors import ConflictError, InvalidInputError, NotFoundError
from lti_tool.lti.models import Deployment, Platform

MAX_DEPLOYMENT_ID_LENGTH = 255  # LTI Core §5.3.3


@dataclass(frozen=True)
class PlatformValues:
    """The values an administrator copies from the LMS's tool registration page."""

    issuer: str
    client_id: str
    auth_login_url: str
    auth_token_url: str
    key_set_url: str
    name: str = ""
    auth_audience: str | None = None
    frame_origins: tuple[str, ...] = ()


def _check_url(label: str, value: str, *, allow_http: bool) -> None:
    parts = urlsplit(value)
    schemes = ("https", "http") if allow_http else ("https",)
    if parts.scheme not in schemes or not parts.netloc:
        raise InvalidInputError(f"{label} must be an https:// URL, got {value!r}.", code="bad-url")


def validate_platform_values(values: PlatformValues, *, allow_http: bool) -> None:
    if not values.issuer.strip() or not values.client_id.strip():
        raise InvalidInputError("Issuer and client ID are required.", code="missing-value")
    _check_url("The issuer", values.issuer, allow_http=allow_http)
    for label, url in (
        ("The authentication (OIDC login) URL", values.auth_login_url),
        ("The access token URL", values.auth_token_url),
        ("The key set (JWKS) URL", values.key_set_url),
    ):
        _check_url(label, url, allow_http=allow_http)
    for origin in values.frame_origins:
        _check_url("A frame origin", origin, allow_http=allow_http)


def add_platform(
    session: Session,
    values: PlatformValues,
    deployment_ids: list[str] | tuple[str, ...] = (),
    *,
    allow_http: bool = False,
) -> Platform:
    validate_platform_values(values, allow_http=allow_http)
    if find_platform(session, values.issuer, values.client_id) is not None:
        raise ConflictError(
            f"A platform with issuer {values.issuer} and client ID {values.client_id} is "
            "already registered.",
            code="platform-exists",
        )
    platform = Platform(
        name=values.name or urlsplit(values.issuer).netloc,
        issuer=values.issuer,
        client_id=values.client_id,
        auth_login_url=values.auth_login_url,
        auth_token_url=values.auth_token_url,
        key_set_url=values.key_set_url,
        auth_audience=values.auth_audience or None,
        frame_origins=[origin_of(url) for url in values.frame_origins],
    )
    session.add(platform)
    session.flush()
    for deployment_id in deployment_ids:
        add_deployment(session, platform, deployment_id)
    return platform


def find_platform(session: Session, issuer: str, client_id: str | None) -> Platform | None:
    """The registration for (issuer, client_id); with no client_id, the issuer's only one."""
    query = select(Platform).where(Platform.issuer == issuer)
    if client_id:
        return session.scalar(query.where(Platform.client_id == client_id))
    candidates = session.scalars(query.limit(2)).all()
    return candidates[0] if len(candidates) == 1 else None


@dataclass(frozen=True)
class PlatformRecord:
    """What login and launch read of a registration: plain values from one Core select, so the
    hot path builds no ORM object and the launch outlives its session without lazy loads."""

    id: int
    issuer: str
    client_id: str
    auth_login_url: str
    auth_token_url: str
    key_set_url: str
    auth_audience: str | None


@dataclass(frozen=True)
class DeploymentRecord:
    id: int
    deployment_id: str
    active: bool


# Table columns, not ORM attributes: a statement over mapped attributes goes through the
# ORM's compile and result setup on every execution, which a plain row does not need.
_platforms = Platform.__table__
_deployments = Deployment.__table__
_PLATFORM_COLUMNS = (
    _platforms.c.id,
    _platforms.c.issuer,
    _platforms.c.client_id,
    _platforms.c.auth_login_url,
    _platforms.c.auth_token_url,
    _platforms.c.key_set_url,
    _platforms.c.auth_audience,
)
# Built once: each login and launch then only binds values to a statement already compiled.
_REGISTRATION = select(*_PLATFORM_COLUMNS).where(
    _platforms.c.issuer == bindparam("issuer"), _platforms.c.client_id == bindparam("client_id")
)
_ONLY_REGISTRATION = (
    select(*_PLATFORM_COLUMNS).where(_platforms.c.issuer == bindparam("issuer")).limit(2)
)
_LAUNCH_REGISTRATION = (
    select(*_PLATFORM_COLUMNS, _deployments.c.id, _deployments.c.active)
    .outerjoin(
        _deployments,
        and_(
            _deployments.c.platform_id == _platforms.c.id,
            _deployments.c.deployment_id == bindparam("deployment_id"),
        ),
    )
    .where(
        _platforms.c.issuer == bindparam("issuer"), _platforms.c.client_id == bindparam("client_id")
    )
)


def find_platform_record(
    session: Session, issuer: str, client_id: str | None
) -> PlatformRecord | None:
    """`find_platform` as plain values, for login (pylti1p3's ToolConf asks for it)."""
    if client_id:
        row = session.execute(_REGISTRATION, {"issuer": issuer, "client_id": client_id}).first()
        return None if row is None else PlatformRecord(*row)
    rows = session.execute(_ONLY_REGISTRATION, {"issuer": issuer}).all()
    return PlatformRecord(*rows[0]) if len(rows) == 1 else None


def find_launch_registration(
    session: Session, issuer: str, client_id: str, deployment_id: str | None
) -> tuple[PlatformRecord, DeploymentRecord | None] | None:
    """The registration and, when `deployment_id` names one of its deployments, that deployment:
    one statement for the launch, which needs both (None: no such registration)."""
    row = session.execute(
        _LAUNCH_REGISTRATION,
        {"issuer": issuer, "client_id": client_id, "deployment_id": deployment_id or ""},
    ).first()
    if row is None:
        return None
    platform = PlatformRecord(*row[:7])
    deployment_pk, active = row[7], row[8]
    if deployment_pk is None or deployment_id is None:
        return platform, None
    return platform, DeploymentRecord(deployment_pk, deployment_id, bool(active))


def registered_client_ids(session: Session, issuer: str) -> list[str]:
    return list(session.scalars(select(Platform.client_id).where(Platform.issuer == issuer)))


def get_platform(session: Session, issuer: str, client_id: str) -> Platform:
    platform = find_platform(session, issuer, client_id)
    if platform is None:
        raise NotFoundError(
            f"No platform with issuer {issuer} and client ID {client_id}.", code="no-platform"
        )
    return platform


def list_platforms(session: Session) -> list[Platform]:
    return list(
        session.scalars(
            select(Platform)
            .options(selectinload(Platform.deployments))
            .order_by(Platform.issuer, Platform.client_id)
        )
    )


def update_platform(
    session: Session,
    platform: Platform,
    *,
    name: str | None = None,
    auth_login_url: str | None = None,
    auth_token_url: str | None = None,
    key_set_url: str | None = None,
    auth_audience: str | None = None,
    frame_origins: list[str] | tuple[str, ...] | None = None,
    allow_http: bool = False,
) -> Platform:
    """Change a registration in place (None keeps a value; an empty audience clears it).

    LMS endpoints move (Canvas moved to sso.canvaslms.com) and Canvas needs its board's frame
    origin: removing and re-adding the platform would cascade-delete every course context.
    """
    current = PlatformValues(
        issuer=platform.issuer,
        client_id=platform.client_id,
        auth_login_url=platform.auth_login_url,
        auth_token_url=platform.auth_token_url,
        key_set_url=platform.key_set_url,
        name=platform.name,
        auth_audience=platform.auth_audience,
        frame_origins=tuple(platform.frame_origins or ()),
    )
    changes = {
        "name": name,
        "auth_login_url": auth_login_url,
        "auth_token_url": auth_token_url,
        "key_set_url": key_set_url,
        "auth_audience": auth_audience,
        "frame_origins": None if frame_origins is None else tuple(frame_origins),
    }
    values = replace(current, **{k: v for k, v in changes.items() if v is not None})
    validate_platform_values(values, allow_http=allow_http)
    platform.name = values.name.strip() or platform.name
    platform.auth_login_url = values.auth_login_url
    platform.auth_token_url = values.auth_token_url
    platform.key_set_url = values.key_set_url
    platform.auth_audience = values.auth_audience or None
    platform.frame_origins = sorted({origin_of(url) for url in values.frame_origins})
    session.flush()
    return platform


def add_deployment(session: Session, platform: Platform, deployment_id: str) -> Deployment:
    deployment_id = deployment_id.strip()
    if not deployment_id:
        raise InvalidInputError("The deployment ID is empty.", code="missing-value")
    if len(deployment_id) > MAX_DEPLOYMENT_ID_LENGTH or not deployment_id.isascii():
        raise InvalidInputError(
            "A deployment ID is at most 255 ASCII characters.", code="bad-deployment-id"
        )
    if find_deployment(session, platform, deployment_id) is not None:
        raise ConflictError(
            f"Deployment {deployment_id} is already registered for this platform.",
            code="deployment-exists",
        )
    deployment = Deployment(platform=platform, deployment_id=deployment_id, active=True)
    session.add(deployment)
    session.flush()
    return deployment


def find_deployment(session: Session, platform: Platform, deployment_id: str) -> Deployment | None:
    """Exact, case-sensitive match (never a substring test)."""
    return session.scalar(
        select(Deployment).where(
            Deployment.platform_id == platform.id, Deployment.deployment_id == deployment_id
        )
    )


def get_deployment(session: Session, platform: Platform, deployment_id: str) -> Deployment:
    deployment = find_deployment(session, platform, deployment_id)
    if deployment is None:
        raise NotFoundError(
            f"No deployment {deployment_id} on this platform.", code="no-deployment"
        )
    return deployment


def set_deployment_active(
    session: Session, platform: Platform, deployment_id: str, *, active: bool
) -> Deployment:
    deployment = get_deployment(session, platform, deployment_id)
    deployment.active = active
    session.flush()
    return deployment


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def registered_origins(session: Session) -> list[str]:
    """Origins allowed to frame the tool: each registered issuer plus its declared frame origins."""
    origins: set[str] = set()
    for issuer, frame_origins in session.execute(select(Platform.issuer, Platform.frame_origins)):
        origins.add(origin_of(issuer))
        origins.update(frame_origins or [])
    return sorted(origins)


FRAME_ORIGINS_TTL_SECONDS = 60
_frame_origins_cache: dict[str, tuple[float, list[str]]] = {}


def frame_origins(session: Session, cache_key: str) -> list[str]:
    """`registered_origins`, cached briefly per database (`cache_key`): the CSP asks on every
    response. A change of registrations calls `invalidate_frame_origins`."""
    cached = _frame_origins_cache.get(cache_key)
    now = time.monotonic()
    if cached and now - cached[0] < FRAME_ORIGINS_TTL_SECONDS:
        return cached[1]
    origins = registered_origins(session)
    _frame_origins_cache[cache_key] = (now, origins)
    return origins


def invalidate_frame_origins() -> None:
    _frame_origins_cache.clear()
