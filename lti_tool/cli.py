"""`flask lti …`: the commands an LMS administrator runs. Each command calls a service and commits once."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

lti_cli = AppGroup("lti", help="Manage LTI platform registrations, deployments and tool keys.")


def register_cli(app: Flask) -> None:
    from lti_tool.lti import cli_commands  # noqa: F401 - attaches the subcommands to lti_cli

    app.cli.add_command(lti_cli)


def fail(message: str) -> None:
    raise click.ClickException(message)
