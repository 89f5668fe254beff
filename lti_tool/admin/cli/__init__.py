"""`flask lti …`: what an LMS administrator runs to register platforms and deployments and to
manage the tool's keys. `platforms` holds the platform and deployment commands (`input` reads
their values from options or a platform JSON file), `tool_keys` the key rotation, URLs and state purge."""

from flask.cli import AppGroup

lti_cli = AppGroup("lti", help="Manage LTI platform registrations, deployments and tool keys.")

from lti_tool.admin.cli import platforms, tool_keys  # noqa: E402 - the modules add their commands

__all__ = ["lti_cli", "platforms", "tool_keys"]
