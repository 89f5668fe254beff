"""`flask lti keys …`, `flask lti urls` and `flask lti purge-state`.

Keys are shown by key ID (kid) only: no command ever prints a private key. `keys rotate` keeps the
previous key in the JWKS for LTI_KEY_OVERLAP_SECONDS, so platforms that cached our key set, and
service tokens signed just before the rotation, still verify.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import click
from flask import current_app, url_for
from sqlalchemy.exc import SQLAlchemyError

from lti_tool.admin.cli import lti_cli
from lti_tool.cli import fail, table, transaction, when
from lti_tool.lti import keys


def key_overlap() -> timedelta:
    return timedelta(seconds=current_app.config["LTI_KEY_OVERLAP_SECONDS"])


# --- keys -----------------------------------------------------------------------------------------


@lti_cli.group("keys")
def keys_cli() -> None:
    """The tool's signing keys, published at /lti/jwks. Only key IDs (kid) are ever shown."""


@keys_cli.command("generate")
def keys_generate() -> None:
    """Create the tool's first key (does nothing when an active key exists)."""
    with transaction() as session:
        key, created = keys.generate_key(session)
        kid = key.kid
    if created:
        click.echo(f"Created the tool key {kid}; it is published in the JWKS.")
    else:
        click.echo(
            f"The tool already has an active key ({kid}); nothing to do. "
            "Use `flask lti keys rotate` to replace it."
        )


@keys_cli.command("rotate")
def keys_rotate() -> None:
    """Make a new active key; the previous one stays in the JWKS for LTI_KEY_OVERLAP_SECONDS."""
    with transaction() as session:
        previous = keys.active_key(session)
        new = keys.rotate_key(session)
        new_kid = new.kid
        old = None if previous is None else (previous.kid, previous.retired_at)
    click.echo(f"New active key: {new_kid}")
    if old is None:
        click.echo("There was no active key before; this is the tool's first key.")
        return
    old_kid, retired_at = old
    until = when(None if retired_at is None else retired_at + key_overlap())
    click.echo(f"Previous key: {old_kid}, no longer signs; it stays in the JWKS until {until}.")


@keys_cli.command("list")
def keys_list() -> None:
    """List keys: active (signs), published (rotated out, still in the JWKS), retired."""
    with transaction() as session:
        infos = keys.list_keys(session, key_overlap())
    if not infos:
        click.echo("The tool has no key yet. Run `flask lti keys generate`.")
        return
    overlap = key_overlap()
    rows = [
        (
            info.kid,
            "active" if info.active else "published" if info.published else "retired",
            when(info.created_at),
            when(info.retired_at),
            "-" if info.active or info.retired_at is None else when(info.retired_at + overlap),
        )
        for info in infos
    ]
    click.echo(table(("Key ID (kid)", "Status", "Created", "Retired", "In JWKS until"), rows))


# --- urls, purge-state ------------------------------------------------------------------------


@lti_cli.command("urls")
def tool_urls() -> None:
    """Print the URLs to paste into the LMS (from TOOL_BASE_URL / LTI_TOOL_TOOL_BASE_URL)."""
    base = current_app.config.get("TOOL_BASE_URL")
    if not base:
        fail(
            "TOOL_BASE_URL is not set. Set LTI_TOOL_TOOL_BASE_URL to the tool's public address, "
            "e.g. https://mentoring.myboard.ca."
        )
    parts = urlsplit(base)
    production = current_app.config["ENV_NAME"] == "production"
    if parts.scheme not in (("https",) if production else ("https", "http")) or not parts.netloc:
        fail(f"TOOL_BASE_URL must be an https:// URL, got {base!r}.")
    with current_app.test_request_context("/", base_url=base):
        login = url_for("lti.login", _external=True)
        launch = url_for("launches.launch", _external=True)
        jwks_url = url_for("lti.jwks", _external=True)
    rows = [
        ("OpenID Connect login URL (initiate login)", login),
        ("Redirect URI (launch)", launch),
        ("Target link URI (tool URL)", launch),
        ("Public keyset (JWKS) URL", jwks_url),
        ("Domain", parts.hostname or ""),
    ]
    width = max(len(label) for label, _ in rows)
    click.echo("\n".join(f"{label.ljust(width)}  {url}" for label, url in rows))
    try:
        with transaction() as session:
            has_key = keys.active_key(session) is not None
    except SQLAlchemyError:  # the URLs do not need the database; say why the key is unknown
        click.echo(
            "Could not check the tool key: is the database migrated (`flask db upgrade`)?", err=True
        )
        return
    if not has_key:
        click.echo("The tool has no key yet: run `flask lti keys generate`.", err=True)


@lti_cli.command("purge-state")
def purge_state() -> None:
    """Delete expired launch state (logins, nonces, launch data) from the database."""
    with transaction():
        count = current_app.extensions["lti_state_store"].purge_expired()
    click.echo(f"Deleted {count} expired launch state entr{'y' if count == 1 else 'ies'}.")
