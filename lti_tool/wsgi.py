"""The WSGI entry point gunicorn serves (Procfile). It refuses to serve without a tool key.

`create_app` alone cannot insist on a key: the release step (`flask db upgrade`) runs it before
the tables exist. Serving is different: without a key, no service call or deep link could be
signed, so production stops here with a message saying what to run.
"""

from __future__ import annotations

from flask import Flask

from lti_tool.app import create_app
from lti_tool.errors import ConfigurationError
from lti_tool.extensions import db
from lti_tool.lti.keys import active_key


def create_served_app() -> Flask:
    app = create_app()
    if app.config["ENV_NAME"] == "production":
        with app.app_context():
            if active_key(db.session) is None:
                raise ConfigurationError(
                    "The tool has no signing key. Run `flask --app lti_tool lti keys generate` "
                    "once (see README.md, 'Deploying')."
                )
    return app
