"""`flask dev-platform init`: make the tool ready to launch from the development platform.

Idempotent, so it is safe in a setup script: it ensures a tool key, registers the platform and its
deployment unless they exist, and commits once at the end.
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

dev_platform_cli = AppGroup("dev-platform", help="The built-in development LMS.")


@dev_platform_cli.command("init")
def init() -> None:
    """Create a tool key and register the development platform with the tool."""
    from lti_tool.extensions import db
    from lti_tool.lti.keys import generate_key
    from lti_tool.lti.registrations import (
        PlatformValues,
        add_deployment,
        add_platform,
        find_deployment,
        find_platform,
    )

    settings = current_app.extensions["dev_platform_app"].extensions["dev_platform"].settings
    key, key_created = generate_key(db.session)
    platform = find_platform(db.session, settings.issuer, settings.client_id)
    platform_created = deployment_created = False
    if platform is None:
        values = PlatformValues(
            issuer=settings.issuer,
            client_id=settings.client_id,
            auth_login_url=settings.url("/auth"),
            auth_token_url=settings.url("/token"),
            key_set_url=settings.url("/jwks"),
            name=settings.name,
        )
        add_platform(db.session, values, [settings.deployment_id], allow_http=True)
        platform_created = deployment_created = True
    elif find_deployment(db.session, platform, settings.deployment_id) is None:
        add_deployment(db.session, platform, settings.deployment_id)
        deployment_created = True
    db.session.commit()

    click.echo(f"Tool key: {'created' if key_created else 'already present'} (kid {key.kid}).")
    click.echo(
        f"Platform {settings.issuer} (client ID {settings.client_id}): "
        f"{'registered' if platform_created else 'already registered'}."
    )
    click.echo(
        f"Deployment {settings.deployment_id}: "
        f"{'added' if deployment_created else 'already registered'}."
    )
    click.echo(f"Open {settings.url('/')} to launch the tool from the demo course.")
