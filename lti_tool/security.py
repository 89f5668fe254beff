"""Iframe-safe defaults in one place: proxy headers, cookies, and the Content-Security-Policy.

The tool lives inside LMS iframes, so instead of `X-Frame-Options: DENY` every response says, with
CSP `frame-ancestors`, exactly which registered platforms may frame it. Cookies are
`Secure; SameSite=None; Partitioned` in production (config/default.py) so they survive in a
third-party iframe; ProxyFix makes `request.is_secure` true behind a TLS-terminating proxy, without
which HSTS and pylti1p3's state cookie (Secure and SameSite=None only over https) silently switch
off (a common cause of failed launches in iframes).
"""

from __future__ import annotations

import secrets

from flask import Flask, Response, current_app, g, request
from werkzeug.middleware.proxy_fix import ProxyFix

from lti_tool.extensions import db
from lti_tool.lti.registrations import frame_origins as registered_frame_origins

HSTS = "max-age=31536000; includeSubDomains"


def init_app(app: Flask) -> None:
    hops = int(app.config.get("TRUST_PROXY_HOPS", 0))
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.after_request(_add_security_headers)


def csp_nonce() -> str:
    """A per-response nonce for the few inline scripts (auto-posting forms, resize helper)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def frame_origins() -> list[str]:
    """Registered platform origins (cached briefly in lti.registrations: this runs on every response)."""
    return registered_frame_origins(db.session, current_app.config["SQLALCHEMY_DATABASE_URI"] or "")


def _form_targets() -> str:
    """Where this tool's forms may post: itself, and the LMS a deep-linking response returns to
    (the auto-posting form's action is the platform's deep_link_return_url)."""
    return " ".join(["'self'", *g.get("form_action_origins", ())])


def allow_form_action(origin: str) -> None:
    """Let this response's form post to `origin` (a registered platform's return URL)."""
    g.form_action_origins = (*g.get("form_action_origins", ()), origin)


def _add_security_headers(response: Response) -> Response:
    if response.mimetype == "text/html":
        ancestors = " ".join(["'self'", *frame_origins()])
        script = f"'self' 'nonce-{csp_nonce()}'"
        response.headers["Content-Security-Policy"] = (
            f"default-src 'self'; script-src {script}; style-src 'self'; img-src 'self' data:; "
            f"object-src 'none'; base-uri 'self'; form-action {_form_targets()}; "
            f"frame-ancestors {ancestors}"
        )
    if request.is_secure:
        # Once a browser has reached the tool over https, it never tries plain http again.
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    return response
