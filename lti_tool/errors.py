"""Domain errors and how they become error pages.

Services raise these instead of calling `abort`; `register_error_handlers` turns each into a clear,
translated page with the right 4xx status. Nothing is written: the request's transaction rolls back.
"""

from __future__ import annotations

import logging
import math
from typing import Protocol

from flask import Flask, render_template, request
from flask.cli import NoAppException
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from lti_tool.extensions import db
from lti_tool.rate_limits import retry_after_seconds

log = logging.getLogger(__name__)


class DomainError(Exception):
    status = 400
    code = "bad-request"

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        if status:
            self.status = status


class NotFoundError(DomainError):
    status = 404
    code = "not-found"


class ConflictError(DomainError):
    status = 409
    code = "conflict"


class InvalidInputError(DomainError):
    status = 400
    code = "invalid-input"


class ForbiddenError(DomainError):
    status = 403
    code = "forbidden"


class NoCourseError(ForbiddenError):
    """A page that belongs to a course, opened from a launch outside any course (the one way to
    say it: `require_course`)."""

    code = "no-course"

    def __init__(self) -> None:
        super().__init__(
            str(
                _l(
                    "This page belongs to a course: open the tool from a course in your LMS, "
                    "not from its administration pages."
                )
            )
        )


class _HasCourse(Protocol):
    @property
    def context_pk(self) -> int | None: ...  # read-only: a LaunchContext is frozen

    @property
    def is_facilitator(self) -> bool: ...


def require_course(launch: _HasCourse) -> int:
    """The launch's course row id; NoCourseError (403, "no-course") for a launch from outside any
    course. Every course-bound service asks through here."""
    if launch.context_pk is None:
        raise NoCourseError()
    return launch.context_pk


def require_facilitator(launch: _HasCourse, refusal: str) -> int:
    """The course of a facilitator's launch; ForbiddenError (403, "not-facilitator") with
    `refusal`, the page's own words, for anyone else. Every facilitator-only service asks through
    here, whatever calls it (a view, which also declares the role with `roles_required`, the CLI
    or a job)."""
    course = require_course(launch)
    if not launch.is_facilitator:
        raise ForbiddenError(refusal, code="not-facilitator")
    return course


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


# Form fields that carry no typing of a person's: tokens, choices, buttons and bookkeeping.
_NOT_TYPED = ("csrf_token", "action", "visibility", "mentors", "revision", "digest")
MAX_TYPED_SHOWN = 40  # fields given back on an error page; a real form has far fewer


def typed_text() -> list[str]:
    """What a refused POST carried that a person typed, to show back so it can be copied.

    A launch that expired, a lost session cookie (no CSRF token then) or a failure on our side must
    not swallow a reflection written over half an hour. Nothing of it is stored or logged.
    """
    if request.method != "POST" or not request.path.startswith("/l/"):
        return []  # only the pages of a launch have forms people write in (not the LTI flow)
    try:
        form = request.form
    except Exception:  # a body too large or unreadable: nothing to give back
        return []
    shown = []
    for name, value in form.items(multi=True):
        if name.split("-", 1)[0] in _NOT_TYPED or name.startswith("csrf"):
            continue
        if len(value.strip()) < 3:  # a choice or a flag, not writing
            continue
        shown.append(value)
        if len(shown) >= MAX_TYPED_SHOWN:
            break
    return shown


def render_error(status: int, title: str, message: str, code: str):
    if _wants_json():
        return {"error": code, "message": message}, status
    page = render_template(
        "errors/error.html", title=title, message=message, code=code, typed=typed_text()
    )
    return page, status


def render_rate_limited(error: RateLimitExceeded):
    """429 with Retry-After, and a page saying what happened and when to try again."""
    seconds = retry_after_seconds(error.limit.limit.get_expiry())
    if seconds < 120:
        wait = ngettext(
            "Please wait %(num)d second, then open the tool again from your course.",
            "Please wait %(num)d seconds, then open the tool again from your course.",
            seconds,
        )
    else:
        minutes = math.ceil(seconds / 60)
        wait = ngettext(
            "Please wait %(num)d minute, then open the tool again from your course.",
            "Please wait %(num)d minutes, then open the tool again from your course.",
            minutes,
        )
    message = _(
        "Mentoring Web received more requests from your network in a short time than it accepts, "
        "so it did not open this time. Nothing is wrong with your account, and nothing was "
        "saved or lost."
    )
    headers = {"Retry-After": str(seconds)}
    if _wants_json():
        return {"error": "rate-limited", "message": message, "retry_after": seconds}, 429, headers
    return render_template("errors/rate_limited.html", message=message, wait=wait), 429, headers


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def handle_domain_error(error: DomainError):
        db.session.rollback()
        log.info("request refused", extra={"error_code": error.code, "status": error.status})
        return render_error(error.status, _title_for(error.status), error.message, error.code)

    @app.errorhandler(CSRFError)
    def handle_csrf_error(error: CSRFError):
        db.session.rollback()
        log.info("form refused: CSRF", extra={"error_code": "csrf-failed", "status": 400})
        return render_error(
            400,
            _("This form could not be accepted"),
            _(
                "The form's security token is missing or no longer matches your session. This "
                "happens when the page stayed open after your session ended, or when the form "
                "was sent from another site. Open the tool again from your course."
            ),
            "csrf-failed",
        )

    @app.errorhandler(RateLimitExceeded)
    def handle_rate_limited(error: RateLimitExceeded):
        db.session.rollback()
        log.warning(
            "request refused: rate limit",
            extra={"event": "rate-limited", "error_code": "rate-limited", "status": 429},
        )
        return render_rate_limited(error)

    @app.errorhandler(HTTPException)
    def handle_http_error(error: HTTPException):
        status = error.code or 500
        return render_error(status, _title_for(status), error.description or "", f"http-{status}")

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        db.session.rollback()
        log.exception("unexpected error")
        return render_error(
            500,
            _title_for(500),
            _(
                "Something went wrong on our side. Please try again; if it keeps happening, "
                "tell your LMS administrator."
            ),
            "server-error",
        )


def _title_for(status: int) -> str:
    titles = {
        400: _("This request could not be accepted"),
        401: _("This launch could not be verified"),
        403: _("You do not have access to this page"),
        404: _("Page not found"),
        405: _("This action is not allowed here"),
        409: _("This conflicts with what is already there"),
        413: _("That upload is too large"),
        429: _("Too many requests right now"),
    }
    return titles.get(status, _("Something went wrong"))


class ConfigurationError(NoAppException, RuntimeError):
    """The app cannot start safely with this configuration.

    A NoAppException too, so that `flask --app lti_tool <command> --help` in an unconfigured shell
    prints this message on one line instead of a traceback (Flask's CLI reports those cleanly).
    """
