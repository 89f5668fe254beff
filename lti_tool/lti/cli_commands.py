"""Subcommands of `flask lti` (platform, deployment, keys)."""
