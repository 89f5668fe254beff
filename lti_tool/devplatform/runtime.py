"""How the platform's views reach its settings and state, and the outage switch for service calls."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from flask import Response, current_app, jsonify, request

if TYPE_CHECKING:
    from lti_tool.devplatform.launches import Launches
    from lti_tool.devplatform.platform_app import PlatformSettings
    from lti_tool.devplatform.state import PlatformState

# Blueprints a tool calls server-to-server; an "LMS down" outage applies to them only.
SERVICE_BLUEPRINTS = frozenset({"dev_oauth", "dev_ags", "dev_nrps"})


@dataclass(frozen=True)
class DevPlatform:
    settings: PlatformSettings
    state: PlatformState
    launches: Launches


def current_platform() -> DevPlatform:
    return current_app.extensions["dev_platform"]


def json_error(status: int, error: str, description: str, **headers: str) -> Response:
    """An error body shaped like OAuth2 (RFC 6749 §5.2), which LMS services also use."""
    response = jsonify({"error": error, "error_description": description})
    response.status_code = status
    response.headers.update(headers)
    response.headers["Cache-Control"] = "no-store"
    return response


def no_content() -> Response:
    """204 with no Content-Type, as a JSON service answers (Flask would label it text/html)."""
    response = Response(status=204)
    del response.headers["Content-Type"]
    return response


def service_gate() -> Any:
    """Answer 503 (or the configured status) while the test has declared the LMS down."""
    if request.blueprint not in SERVICE_BLUEPRINTS:
        return None
    status = current_platform().state.take_failure()
    if status is None:
        return None
    return json_error(status, "temporarily_unavailable", "The LMS is not available right now.")


def accepts(media_type: str) -> bool:
    """True when the Accept header names `media_type` itself (not only */*): LTI services require it."""
    return any(value == media_type for value in request.accept_mimetypes.values())


def paginate(
    items: list[Any], base_url: str, default_limit: int, max_limit: int | None = None
) -> tuple[list[Any], dict[str, str]]:
    """Slice `items` by the `limit` and `page` query args and build the RFC 8288 Link header.

    A `limit` above `max_limit` is cut down to it, as LMSs cap page sizes (Canvas at 50). Query
    names and values stay as sent: pylti1p3 lower-cases the Link header before following it.
    """
    limit = _positive_int(request.args.get("limit"), default_limit)
    if max_limit is not None:
        limit = min(limit, max_limit)
    page = _positive_int(request.args.get("page"), 1)
    start = (page - 1) * limit
    chunk = items[start : start + limit]
    links: dict[str, str] = {}
    if start + limit < len(items):
        query = {**request.args.to_dict(), "limit": str(limit), "page": str(page + 1)}
        links["next"] = f"{base_url}?{urlencode(sorted(query.items()))}"
    return chunk, links


def link_header(links: dict[str, str]) -> str:
    return ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items())


def _positive_int(value: str | None, default: int) -> int:
    try:
        number = int(value) if value is not None else default
    except ValueError:
        return default
    return number if number > 0 else default
