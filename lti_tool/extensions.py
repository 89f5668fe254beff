"""Extensions, created unbound; the app factory binds them."""

from __future__ import annotations

import flask_limiter
from flask import current_app, has_app_context
from flask_babel import Babel
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from limits.storage import Storage
from limits.strategies import RateLimiter

from lti_tool.db import Base


class AppLimiter(flask_limiter.Limiter):
    """Flask-Limiter, with each app counting in its own store.

    Flask-Limiter keeps the store of the app it was last bound to on the extension object, so a
    second app in the same process (the tests make one per test, and sometimes two at once) would
    count in the first one's store. The store and strategy are kept in each app's `extensions`
    instead and looked up for the app of the request. Storage options are each app's own too
    (Flask-Limiter merges them across apps).
    """

    def init_app(self, app):  # type: ignore[no-untyped-def]
        self._storage_options = {}
        super().init_app(app)
        app.extensions["rate_limit_strategy"] = self._limiter

    def _check_request_limit(
        self, callable_name: str | None = None, in_middleware: bool = True
    ) -> None:
        """Only decorated views carry limits here (login, launch), and their decorator checks them.
        Flask-Limiter also runs this before every request, for application and default limits:
        with none set it finds nothing, at 0.15 ms a request, so that pass is skipped."""
        manager = self.limit_manager
        if in_middleware and not (
            manager.application_limits or manager.default_limits or manager._blueprint_limits
        ):
            return
        super()._check_request_limit(callable_name, in_middleware)

    @property
    def limiter(self) -> RateLimiter:
        if has_app_context() and "rate_limit_strategy" in current_app.extensions:
            return current_app.extensions["rate_limit_strategy"]
        return super().limiter

    @property
    def storage(self) -> Storage:
        return self.limiter.storage


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
babel = Babel()
# Keyed by the client's address as ProxyFix (lti_tool/security.py) leaves it: the real one behind
# TRUST_PROXY_HOPS proxies. Settings, store and the 429 page: lti_tool/rate_limits.py.
limiter = AppLimiter(get_remote_address, strategy="fixed-window", headers_enabled=False)
