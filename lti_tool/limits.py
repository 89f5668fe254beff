"""The board-adjustable caps on what one person can store, read from the app's settings.

Every input is bounded (config/default.py, "Limits"): a 3,000-strand web once took 15 s to export
and starved both workers, and 20 anonymous logins stored 42 MB. Services call `limit(name)` at the
moment they check, so a test or a board can change a cap without code; pure domain functions take
the number as an argument.
"""

from __future__ import annotations

from flask import current_app

DEFAULTS = {
    "WEB_MAX_STRANDS": 60,
    "WEB_MAX_SNAPSHOTS": 100,
    "REFLECTION_MAX_CHARS": 20_000,
    "FEEDBACK_MAX_CHARS": 4_000,
    "LTI_LOGIN_PARAM_MAX_CHARS": 4_096,
}


def limit(name: str) -> int:
    """The cap `name` (one of DEFAULTS) in this app; a missing or non-positive setting is refused
    at start-up (see `check`), so this never guesses."""
    return int(current_app.config.get(name, DEFAULTS[name]))


def check(config: dict) -> list[str]:
    """The limit settings that are not whole numbers of at least 1 (for start-up checks)."""
    wrong = []
    for name, default in DEFAULTS.items():
        value = config.get(name, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            wrong.append(name)
    return wrong
