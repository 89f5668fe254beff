"""Bind pages to their own launch, not to one global "current course" in the session.

Every page after a launch lives under `/l/<launch_id>/…`. The launch context is loaded from the
shared state store by that id, and only if this browser's signed session cookie lists the id: a
launch id copied into another browser is useless. A user with two courses open in two tabs holds
two ids, and each tab's links carry its own (`url_for` adds it automatically).

A browser belongs to one person at a time: staff share computers in staff rooms and libraries, so a
launch by someone else in the same browser ends every launch the earlier person made there (their
pages, even from the history, answer "this launch is not this browser's"). Launch pages are sent
`Cache-Control: private, no-store`, so the back button shows nobody's page from the cache.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, Response, current_app, g, session
from flask_babel import gettext as _

from lti_tool.errors import DomainError, ForbiddenError
from lti_tool.launches.services import load_launch
from lti_tool.lti.launch import LaunchContext
from lti_tool.lti.roles import ToolRole

SESSION_KEY = "lti_launches"
PERSON_KEY = "lti_person"  # who this browser's launches belong to: platform and user row ids


class LaunchExpiredError(DomainError):
    status = 401
    code = "launch-session-missing"


def remember_launch(launch: LaunchContext) -> None:
    """Bind the launch to this browser; another person's earlier launches here end."""
    person = f"{launch.platform_pk}:{launch.user_pk}"
    if session.get(PERSON_KEY) != person:
        session.clear()  # everything the earlier person's launches kept in this browser
        session[PERSON_KEY] = person
    limit = current_app.config["LTI_LAUNCHES_PER_BROWSER"]
    known = [item for item in session.get(SESSION_KEY, []) if item != launch.launch_id]
    session[SESSION_KEY] = [launch.launch_id, *known][:limit]


def launch_blueprint(name: str, import_name: str, **kwargs: Any) -> Blueprint:
    """A blueprint whose every route is bound to one launch (`/l/<launch_id>/…`)."""
    blueprint = Blueprint(name, import_name, url_prefix="/l/<launch_id>", **kwargs)

    @blueprint.url_value_preprocessor
    def pull_launch(endpoint: str | None, values: dict[str, Any] | None) -> None:
        launch_id = (values or {}).pop("launch_id", None)
        g.launch = _load_bound_launch(launch_id)

    @blueprint.after_request
    def not_cached(response: Response) -> Response:
        response.headers.setdefault("Cache-Control", "private, no-store")
        return response

    @blueprint.url_defaults
    def add_launch_id(endpoint: str, values: dict[str, Any]) -> None:
        launch = g.get("launch")
        if launch is not None and "launch_id" not in values:
            values["launch_id"] = launch.launch_id

    return blueprint


def _load_bound_launch(launch_id: str | None) -> LaunchContext:
    if not launch_id or launch_id not in session.get(SESSION_KEY, []):
        raise LaunchExpiredError(
            _(
                "This page belongs to a launch this browser did not make, or your session has "
                "ended. Open the tool again from your course."
            )
        )
    launch = load_launch(current_app.extensions["lti_state_store"], launch_id)
    if launch is None:
        raise LaunchExpiredError(
            _("Your session for this course has ended. Open the tool again from your course.")
        )
    return launch


def current_launch() -> LaunchContext:
    return g.launch


def roles_required(*roles: ToolRole) -> Callable:
    """Refuse the view unless the launch's tool role is one of `roles`."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if current_launch().role not in roles:
                raise ForbiddenError(
                    _("Your role in this course does not give access to this page.")
                )
            return view(*args, **kwargs)

        wrapper.allowed_roles = frozenset(roles)  # type: ignore[attr-defined] - read by tests
        return wrapper

    return decorator
