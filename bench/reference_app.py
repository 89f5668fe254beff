"""The reference for `bench.versus_example`: a minimal LTI 1.3 tool on pylti1p3's Flask API, used
the way the library's own example (dmitry-viskov/pylti1.3-flask-example, `game/app.py`) uses it.

Written here for the comparison, from the PyPI packages alone (nothing is fetched at run time):

- `ToolConfJsonFile`, read from the configuration file on every request, as the example does;
- `FlaskOIDCLogin(...).enable_check_cookies().redirect(target_link_uri)` for the login;
- `FlaskMessageLaunch(...).get_launch_data()` for the launch, which validates state, nonce,
  registration, signature and deployment, fetches the platform's key set (the example sets no
  public-key cache) and saves the launch in the cache;
- launch state in Flask-Caching's cache through `FlaskCacheDataStorage`: Redis when
  `REFERENCE_REDIS_URL` is set, else a directory (`REFERENCE_CACHE_DIR`). A shared cache, because
  two gunicorn workers serve login and launch ("simple", the example's setting, lives in one
  process, and about half the launches would land in the other one);
- the launch answers with the page itself (`reference_templates/launch.html`: the user's name and
  the course title), as the example renders `game.html`.

What it leaves out of the example: the `pprint` of every launch to stdout, and the deep-linking,
score and scoreboard views, which a launch never reaches. No database, no roles, no records.

    REFERENCE_CONFIG=/path/tool.json gunicorn "bench.reference_app:create_app()"
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, render_template
from flask_caching import Cache
from pylti1p3.contrib.flask import (
    FlaskCacheDataStorage,
    FlaskMessageLaunch,
    FlaskOIDCLogin,
    FlaskRequest,
)
from pylti1p3.tool_config import ToolConfJsonFile

CONTEXT_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/context"


def create_app() -> Flask:
    app = Flask(
        "pylti1p3-reference",
        template_folder=str(Path(__file__).resolve().parent / "reference_templates"),
    )
    config_path = os.environ["REFERENCE_CONFIG"]
    cache_config: dict[str, object] = {"CACHE_DEFAULT_TIMEOUT": 600}
    if os.environ.get("REFERENCE_REDIS_URL"):
        cache_config |= {
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": os.environ["REFERENCE_REDIS_URL"],
            "CACHE_KEY_PREFIX": os.environ.get("REFERENCE_REDIS_PREFIX", "pylti1p3-reference:"),
        }
    else:
        cache_config |= {
            "CACHE_TYPE": "FileSystemCache",
            "CACHE_DIR": os.environ["REFERENCE_CACHE_DIR"],
        }
    app.config.from_mapping(
        SECRET_KEY=os.environ.get("REFERENCE_SECRET_KEY", "reference-only"),
        SESSION_COOKIE_NAME="pylti1p3-flask-app-sessionid",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SECURE=False,
        **cache_config,
    )
    cache = Cache(app)

    @app.get("/healthz")
    def healthz() -> str:
        return "ok"

    @app.route("/lti/login", methods=["GET", "POST"])
    def login():  # type: ignore[no-untyped-def]
        tool_conf = ToolConfJsonFile(config_path)
        flask_request = FlaskRequest()
        target_link_uri = flask_request.get_param("target_link_uri")
        if not target_link_uri:
            raise ValueError('Missing "target_link_uri" param')
        oidc_login = FlaskOIDCLogin(
            flask_request, tool_conf, launch_data_storage=FlaskCacheDataStorage(cache)
        )
        return oidc_login.enable_check_cookies().redirect(target_link_uri)

    @app.post("/lti/launch")
    def launch() -> str:
        tool_conf = ToolConfJsonFile(config_path)
        message_launch = FlaskMessageLaunch(
            FlaskRequest(), tool_conf, launch_data_storage=FlaskCacheDataStorage(cache)
        )
        launch_data = message_launch.get_launch_data()
        return render_template(
            "launch.html",
            page_title="Reference tool",
            course_title=(launch_data.get(CONTEXT_CLAIM) or {}).get("title", ""),
            is_deep_link_launch=message_launch.is_deep_link_launch(),
            launch_id=message_launch.get_launch_id(),
            curr_user_name=launch_data.get("name", ""),
        )

    return app
