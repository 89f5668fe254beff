"""Mentoring Web: an LTI 1.3 tool for Ontario's Mentoring for All."""

from lti_tool.app import create_app

__all__ = ["create_app"]
