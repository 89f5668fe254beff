"""Input of `flask lti platform add`: one entry of a platforms JSON file merged with the options.

The file is shaped like config/platforms.example.json: named entries (`moodle`, `canvas`, ...)
whose fields are those of `PlatformValues` plus `deployment_ids`; keys starting with `_` are
comments. A file holding a single entry at the top level is accepted too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click

from lti_tool.lti.registrations import PlatformValues

STRING_FIELDS = (
    "issuer",
    "client_id",
    "auth_login_url",
    "auth_token_url",
    "key_set_url",
    "auth_audience",
    "name",
)
LIST_FIELDS = ("deployment_ids", "frame_origins")
REQUIRED = {
    "issuer": "--issuer",
    "client_id": "--client-id",
    "auth_login_url": "--auth-login-url",
    "auth_token_url": "--token-url",
    "key_set_url": "--jwks-url",
}
BRIGHTSPACE_AUTH_HOST = "auth.brightspace.com"
# Command-line option (as click names the parameter) -> PlatformValues field.
OPTION_FIELDS = {
    "issuer": "issuer",
    "client_id": "client_id",
    "auth_login_url": "auth_login_url",
    "token_url": "auth_token_url",
    "jwks_url": "key_set_url",
    "audience": "auth_audience",
    "name": "name",
}


def load_platform_entry(path: Path, key: str | None) -> dict[str, Any]:
    """The entry `key` of the file (or its only entry), checked field by field."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise click.ClickException(f"Cannot read {path}: {error}") from error
    if not isinstance(data, dict):
        raise click.ClickException(f"{path} must hold a JSON object.")
    if "issuer" in data:
        entry = data
    else:
        entries = {k: v for k, v in data.items() if not k.startswith("_")}
        if key is None and len(entries) == 1:
            key = next(iter(entries))
        if key is None:
            raise click.UsageError(
                f"{path} has several entries; choose one with --lms: {', '.join(sorted(entries))}."
            )
        if key not in entries:
            raise click.ClickException(
                f"{path} has no entry {key!r}; it has: {', '.join(sorted(entries)) or 'none'}."
            )
        entry = entries[key]
    if not isinstance(entry, dict):
        raise click.ClickException(f"The entry {key!r} of {path} must be a JSON object.")
    return _checked(entry, where=f"{path} [{key}]" if key else str(path))


def _checked(entry: dict[str, Any], where: str) -> dict[str, Any]:
    fields = {k: v for k, v in entry.items() if not k.startswith("_")}
    unknown = sorted(set(fields) - set(STRING_FIELDS) - set(LIST_FIELDS))
    if unknown:
        raise click.ClickException(f"{where}: unknown field(s) {', '.join(unknown)}.")
    for name in STRING_FIELDS:
        if name in fields and not isinstance(fields[name], str | None):
            raise click.ClickException(f"{where}: {name} must be a string.")
    for name in LIST_FIELDS:
        value = fields.get(name, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise click.ClickException(f"{where}: {name} must be a list of strings.")
    return fields


def merge_platform_values(
    entry: dict[str, Any], options: dict[str, Any], deployments: tuple[str, ...]
) -> tuple[PlatformValues, list[str]]:
    """Command-line options win over the file; deployments and frame origins add up."""
    values: dict[str, Any] = {field: entry.get(field) for field in STRING_FIELDS}
    for option, field in OPTION_FIELDS.items():
        if options.get(option) is not None:
            values[field] = options[option]
    missing = [flag for field, flag in REQUIRED.items() if not values.get(field)]
    if missing:
        raise click.UsageError(
            f"Missing {', '.join(missing)} (give the option, or --from-json with --lms)."
        )
    deployment_ids = _unique([*entry.get("deployment_ids", []), *deployments])
    frame_origins = _unique([*entry.get("frame_origins", []), *options.get("frame_origins", ())])
    return (
        PlatformValues(
            issuer=values["issuer"],
            client_id=values["client_id"],
            auth_login_url=values["auth_login_url"],
            auth_token_url=values["auth_token_url"],
            key_set_url=values["key_set_url"],
            name=values["name"] or "",
            auth_audience=values["auth_audience"] or None,
            frame_origins=tuple(frame_origins),
        ),
        deployment_ids,
    )


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(item.strip() for item in items))


def registration_hint(values: PlatformValues) -> str | None:
    """Advice for registrations that will not work as given (printed, never enforced)."""
    issuer_host = urlsplit(values.issuer).hostname or ""
    canvas = issuer_host == "instructure.com" or issuer_host.endswith(".instructure.com")
    if canvas and not values.frame_origins:
        return (
            "Note: Canvas courses are served from your board's own domain, not from the issuer. "
            "Add it, or Canvas cannot show the tool in a frame: flask lti platform update "
            f"--issuer {values.issuer} --client-id {values.client_id} "
            "--frame-origin https://<board>.instructure.com"
        )
    if (
        urlsplit(values.auth_token_url).hostname == BRIGHTSPACE_AUTH_HOST
        and not values.auth_audience
    ):
        return (
            "Note: Brightspace token requests need --audience "
            "https://api.brightspace.com/auth/token (the registration's OAuth2 Audience)."
        )
    return None
