"""`flask lti platform …` and `flask lti deployment …`: registrations an LMS administrator sets up.

Each command calls the services in `registrations`, which only flush; the command commits once at
the end and prints afterwards, so a failure never reports half a change. Every change refreshes the
cached CSP `frame-ancestors` origins (lti_tool/security.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from flask import current_app
from sqlalchemy.orm import Session

from lti_tool.admin import services as admin_services
from lti_tool.admin.cli import lti_cli
from lti_tool.admin.cli.input import load_platform_entry, merge_platform_values, registration_hint
from lti_tool.cli import table, transaction, when
from lti_tool.lti import registrations
from lti_tool.lti.models import Platform
from lti_tool.lti.registrations import invalidate_frame_origins


@contextmanager
def registration_change() -> Iterator[Session]:
    with transaction() as session:
        yield session
    invalidate_frame_origins()


def allow_http() -> bool:
    """Plain http:// platform URLs are for development and tests (the built-in dev platform)."""
    return current_app.config["ENV_NAME"] != "production"


def registration_options(command: click.Command) -> click.Command:
    command = click.option("--client-id", required=True, help="The client ID the LMS issued.")(
        command
    )
    return click.option("--issuer", required=True, help="The platform's issuer (iss).")(command)


def describe(platform: Platform) -> str:
    return f"{platform.name} (issuer {platform.issuer}, client ID {platform.client_id})"


# --- platform -------------------------------------------------------------------------------------


@lti_cli.group("platform")
def platform_cli() -> None:
    """Platform registrations: one per (issuer, client ID)."""


@platform_cli.command("add")
@click.option("--issuer", help="Platform ID / issuer, e.g. https://moodle.myboard.ca.")
@click.option("--client-id", help="The client ID the LMS issued for this tool.")
@click.option("--auth-login-url", help="The LMS's OIDC authentication request URL.")
@click.option("--token-url", help="The LMS's OAuth2 access token URL.")
@click.option("--jwks-url", help="The LMS's public keyset (JWKS) URL.")
@click.option("--audience", help="OAuth2 token audience (Brightspace needs one).")
@click.option("--name", help="A label for administrators (default: the issuer's host).")
@click.option("--deployment", "deployments", multiple=True, help="A deployment ID (repeatable).")
@click.option(
    "--frame-origin",
    "frame_origins",
    multiple=True,
    help="An origin allowed to frame the tool (repeatable). Canvas: https://<board>.instructure.com.",
)
@click.option(
    "--from-json",
    "json_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Read values from a file shaped like config/platforms.example.json.",
)
@click.option("--lms", help="Which entry of --from-json to use: moodle, canvas, brightspace, ...")
def platform_add(
    json_file: Path | None, lms: str | None, deployments: tuple[str, ...], **options: str | None
) -> None:
    """Register a platform (an LMS) with its deployments.

    Options given on the command line win over the --from-json entry.
    """
    if lms and json_file is None:
        raise click.UsageError("--lms selects an entry of --from-json; give the file too.")
    entry = load_platform_entry(json_file, lms) if json_file else {}
    values, deployment_ids = merge_platform_values(entry, options, deployments)
    with registration_change() as session:
        platform = registrations.add_platform(
            session, values, deployment_ids, allow_http=allow_http()
        )
        summary = describe(platform)
        listed = ", ".join(d.deployment_id for d in platform.deployments) or "none yet"
    click.echo(f"Registered {summary}.")
    click.echo(f"Deployments: {listed}.")
    hint = registration_hint(values)
    if hint:
        click.echo(hint, err=True)


@platform_cli.command("list")
def platform_list() -> None:
    """List registered platforms and how many deployments each has."""
    with transaction() as session:
        platforms = registrations.list_platforms(session)
        rows = []
        for p in platforms:
            active = sum(1 for d in p.deployments if d.active)
            inactive = len(p.deployments) - active
            rows.append((p.name, p.issuer, p.client_id, f"{active} active, {inactive} inactive"))
    if not rows:
        click.echo("No platform is registered yet. Add one with `flask lti platform add`.")
        return
    click.echo(table(("Name", "Issuer", "Client ID", "Deployments"), rows))


@platform_cli.command("show")
@registration_options
def platform_show(issuer: str, client_id: str) -> None:
    """Show one registration: its URLs, deployments and frame origins."""
    with transaction() as session:
        p = registrations.get_platform(session, issuer, client_id)
        lines = [
            f"Name:                     {p.name}",
            f"Issuer:                   {p.issuer}",
            f"Client ID:                {p.client_id}",
            f"OIDC authentication URL:  {p.auth_login_url}",
            f"Access token URL:         {p.auth_token_url}",
            f"Keyset (JWKS) URL:        {p.key_set_url}",
            f"Token audience:           {p.auth_audience or '-'}",
            f"Registered:               {when(p.created_at)}",
            "May frame the tool:       "
            + ", ".join([registrations.origin_of(p.issuer), *(p.frame_origins or [])]),
            "Deployments:" if p.deployments else "Deployments:              none",
        ]
        lines += [
            f"  {d.deployment_id}  " + ("active" if d.active else "INACTIVE (launches are refused)")
            for d in p.deployments
        ]
    click.echo("\n".join(lines))


@platform_cli.command("update")
@registration_options
@click.option("--name")
@click.option("--auth-login-url")
@click.option("--token-url")
@click.option("--jwks-url")
@click.option("--audience", help='OAuth2 token audience; "" removes it.')
@click.option("--frame-origin", "frame_origins", multiple=True, help="Replaces the frame origins.")
@click.option("--no-frame-origins", is_flag=True, help="Remove every frame origin.")
def platform_update(
    issuer: str,
    client_id: str,
    name: str | None,
    auth_login_url: str | None,
    token_url: str | None,
    jwks_url: str | None,
    audience: str | None,
    frame_origins: tuple[str, ...],
    no_frame_origins: bool,
) -> None:
    """Change a registration's URLs, name or frame origins, keeping its deployments and data."""
    if frame_origins and no_frame_origins:
        raise click.UsageError("Give --frame-origin or --no-frame-origins, not both.")
    with registration_change() as session:
        platform = registrations.get_platform(session, issuer, client_id)
        registrations.update_platform(
            session,
            platform,
            name=name,
            auth_login_url=auth_login_url,
            auth_token_url=token_url,
            key_set_url=jwks_url,
            auth_audience=audience,
            frame_origins=() if no_frame_origins else (frame_origins or None),
            allow_http=allow_http(),
        )
        summary = describe(platform)
    click.echo(f"Updated {summary}.")


@platform_cli.command("remove")
@registration_options
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def platform_remove(issuer: str, client_id: str, yes: bool) -> None:
    """Remove a registration, its deployments, their course contexts and memberships."""
    with registration_change() as session:
        platform = registrations.get_platform(session, issuer, client_id)
        usage = admin_services.platform_usage(session, platform)
        summary = describe(platform)
        warning = (
            f"Removing {summary} also removes, by cascade, its {usage.deployments} deployment(s), "
            f"{usage.contexts} course context(s) and {usage.memberships} membership(s) of users "
            "in them. User accounts are kept."
        )
        click.echo(warning, err=True)
        if not yes:
            click.confirm("Remove this platform?", abort=True, err=True)
        admin_services.remove_platform(session, issuer, client_id)
    click.echo(f"Removed {summary}.")


# --- deployment -------------------------------------------------------------------------------


@lti_cli.group("deployment")
def deployment_cli() -> None:
    """Deployments of a registration (Moodle: per tool; Canvas: per account or course install)."""


@deployment_cli.command("add")
@registration_options
@click.argument("deployment_id")
def deployment_add(issuer: str, client_id: str, deployment_id: str) -> None:
    """Allow launches from DEPLOYMENT_ID."""
    with registration_change() as session:
        platform = registrations.get_platform(session, issuer, client_id)
        deployment = registrations.add_deployment(session, platform, deployment_id)
        summary, added = describe(platform), deployment.deployment_id
    click.echo(f"Added deployment {added} to {summary}.")


@deployment_cli.command("remove")
@registration_options
@click.argument("deployment_id")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def deployment_remove(issuer: str, client_id: str, deployment_id: str, yes: bool) -> None:
    """Forget DEPLOYMENT_ID with its course contexts (`deactivate` keeps them)."""
    with registration_change() as session:
        platform = registrations.get_platform(session, issuer, client_id)
        deployment = registrations.get_deployment(session, platform, deployment_id)
        usage = admin_services.deployment_usage(session, deployment)
        if usage.contexts:
            click.echo(
                f"Deployment {deployment_id} has {usage.contexts} course context(s) and "
                f"{usage.memberships} membership(s); removing it deletes them. "
                "`flask lti deployment deactivate` refuses launches but keeps them.",
                err=True,
            )
            if not yes:
                click.confirm("Remove this deployment?", abort=True, err=True)
        admin_services.remove_deployment(session, platform, deployment_id)
        summary = describe(platform)
    click.echo(f"Removed deployment {deployment_id} from {summary}.")


def _set_active(issuer: str, client_id: str, deployment_id: str, *, active: bool) -> None:
    state = "active" if active else "inactive"
    with registration_change() as session:
        platform = registrations.get_platform(session, issuer, client_id)
        was_active = registrations.get_deployment(session, platform, deployment_id).active
        registrations.set_deployment_active(session, platform, deployment_id, active=active)
    if was_active == active:
        click.echo(f"Deployment {deployment_id} was already {state}.")
    elif active:
        click.echo(f"Deployment {deployment_id} is active: launches from it are accepted.")
    else:
        click.echo(f"Deployment {deployment_id} is inactive: launches from it are refused.")


@deployment_cli.command("deactivate")
@registration_options
@click.argument("deployment_id")
def deployment_deactivate(issuer: str, client_id: str, deployment_id: str) -> None:
    """Refuse launches from DEPLOYMENT_ID, keeping its courses and data."""
    _set_active(issuer, client_id, deployment_id, active=False)


@deployment_cli.command("activate")
@registration_options
@click.argument("deployment_id")
def deployment_activate(issuer: str, client_id: str, deployment_id: str) -> None:
    """Accept launches from DEPLOYMENT_ID again."""
    _set_active(issuer, client_id, deployment_id, active=True)
