"""Locale choice: the LMS's launch locale when a launch is bound, else the browser's preference."""

from __future__ import annotations

from flask import current_app, g, request


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
