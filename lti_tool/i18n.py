"""Locale choice: the LMS's launch locale when a launch is bound, else the browser's preference."""

from __future__ import annotations

from typing import Any

import flask_babel
from flask import Flask, current_app, g, request


def select_locale() -> str | None:
    supported = current_app.config["LANGUAGES"]
    launch = g.get("launch")
    if launch is not None and launch.locale:
        language = launch.locale.replace("_", "-").split("-")[0].lower()
        if language in supported:
            return language
    requested = request.args.get("lang")
    if requested in supported:
        return requested
    return request.accept_languages.best_match(supported)


def current_locale_code() -> str:
    from flask_babel import get_locale

    locale = get_locale()
    return locale.language if locale is not None else "en"


def launch_bound() -> None:
    """A request that bound a launch part-way (the launch itself): choose the locale again, from
    the launch, should anything have asked for one before."""
    flask_babel.refresh()
    g.pop("_request_translations", None)


def request_translations() -> Any:
    """The catalogue of this request's locale, found once per app context.

    Flask-Babel caches the catalogue per locale but finds it anew for every string: four context
    lookups and a locale-to-text conversion, about 35 µs, so a page of 150 strings spent 5 ms
    there. The locale is chosen once per request (`select_locale`; nothing here switches it with
    `force_locale` or `refresh`), so the catalogue it picks is kept on `g` for the rest of it.
    """
    found = g.get("_request_translations")
    if found is None:
        found = g._request_translations = flask_babel.get_translations()
    return found


def install_fast_template_gettext(app: Flask) -> None:
    """The same four Jinja callables Flask-Babel installs, reading `request_translations()`."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: request_translations().ugettext(s),
        ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: request_translations().unpgettext(c, s, p, n),
    )
