"""The built-in development platform (a small LMS). Mounted only when DEV_PLATFORM is on."""

from flask import Flask


def mount_dev_platform(app: Flask) -> None:
    """Placeholder until the development platform lands."""
