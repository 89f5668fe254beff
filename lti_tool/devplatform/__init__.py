"""The built-in development platform (a small LMS). Mounted only when DEV_PLATFORM is on.

`mount_dev_platform` serves the platform app under `/dev-platform` beside the tool (werkzeug
DispatcherMiddleware), so `flask run` gives a developer a course to launch from. The platform stays
a separate Flask app with its own secret and session, and reaches the tool only through the URLs an
LMS administrator would register. It can never be mounted in production.
"""

from __future__ import annotations

import hashlib
import os
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from flask import Flask
from werkzeug.middleware.dispatcher import DispatcherMiddleware

if TYPE_CHECKING:
    from lti_tool.devplatform.platform_app import PlatformSettings
    from lti_tool.devplatform.signer import PlatformKey

MOUNT_PATH = "/dev-platform"
CLIENT_ID = "mentoring-web-dev"
DEPLOYMENT_ID = "dev-deployment-1"
KEY_FILE_NAME = "dev-platform-key.pem"
DEFAULT_PORT = "5000"


def default_tool_url() -> str:
    """http://localhost:<PORT>: `make run PORT=5001` serves there, so the platform must point there."""
    return f"http://localhost:{os.environ.get('PORT') or DEFAULT_PORT}"


def mount_dev_platform(app: Flask) -> None:
    """Serve the development platform at /dev-platform and add `flask dev-platform init`."""
    from lti_tool.devplatform.cli import dev_platform_cli
    from lti_tool.devplatform.platform_app import create_platform_app
    from lti_tool.errors import ConfigurationError

    if app.config.get("ENV_NAME") == "production":
        raise ConfigurationError(
            "The development platform cannot be mounted in production: it signs launches for "
            "anyone who asks."
        )
    settings = dev_platform_settings(app)
    if urlsplit(settings.issuer).path.rstrip("/") != MOUNT_PATH:
        raise ConfigurationError(
            f"DEV_PLATFORM_URL must end in {MOUNT_PATH}, where the platform is mounted."
        )
    platform_app = create_platform_app(settings)
    app.wsgi_app = DispatcherMiddleware(app.wsgi_app, {MOUNT_PATH: platform_app})
    app.extensions["dev_platform_app"] = platform_app
    app.cli.add_command(dev_platform_cli)


def dev_platform_settings(app: Flask) -> PlatformSettings:
    """Settings from DEV_PLATFORM_URL / DEV_TOOL_URL; the key lives in the instance folder."""
    from lti_tool.devplatform.platform_app import PlatformSettings
    from lti_tool.devplatform.signer import PlatformKey

    issuer = app.config.get("DEV_PLATFORM_URL") or default_tool_url() + MOUNT_PATH
    tool = (app.config.get("DEV_TOOL_URL") or default_tool_url()).rstrip("/")
    key = PlatformKey.load_or_create(os.path.join(app.instance_path, KEY_FILE_NAME))
    return PlatformSettings(
        issuer=issuer.rstrip("/"),
        client_id=CLIENT_ID,
        deployment_id=DEPLOYMENT_ID,
        tool_login_url=f"{tool}/lti/login",
        tool_launch_url=f"{tool}/lti/launch",
        tool_jwks_url=f"{tool}/lti/jwks",
        key=key,
        http_timeout=float(app.config.get("LTI_HTTP_TIMEOUT_SECONDS", 10)),
        secret_key=shared_secret(key),
    )


def shared_secret(key: PlatformKey) -> str:
    """The platform's session/hint secret, derived from its key file rather than drawn per process.

    Every gunicorn worker loads the same key file (created once, atomically), so every worker
    accepts the hints and sessions another one signed; a random secret per process made a launch
    fail whenever its login and its /auth request reached different workers.
    """
    return hashlib.sha256(b"dev-platform-secret:" + key.private_pem()).hexdigest()
