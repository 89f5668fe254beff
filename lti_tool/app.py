"""The application factory: config files, then environment, then extensions and features."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask

from lti_tool import paths
from lti_tool.errors import ConfigurationError

ENVIRONMENTS = ("development", "test", "production")


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    overrides = dict(overrides or {})
    env_name = overrides.pop("ENV_NAME", None) or os.environ.get("LTI_TOOL_ENV", "production")
    if env_name not in ENVIRONMENTS:
        raise ConfigurationError(f"LTI_TOOL_ENV must be one of {', '.join(ENVIRONMENTS)}.")

    app = Flask(
        "lti_tool",
        template_folder=str(paths.TEMPLATES_DIR),
        instance_relative_config=True,
        # The instance folder (keys, the SQLite file, uploads): the repository's `instance/`
        # unless LTI_TOOL_INSTANCE_PATH (an absolute path) says where.
        instance_path=overrides.pop("INSTANCE_PATH", None)
        or os.environ.get("LTI_TOOL_INSTANCE_PATH")
        or None,
    )
    _load_config(app, env_name, overrides)
    _check_config(app)

    from lti_tool import logs, rate_limits, routing, security
    from lti_tool.extensions import babel, csrf, db, limiter, migrate
    from lti_tool.i18n import current_locale_code, install_fast_template_gettext, select_locale

    logs.configure(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(paths.MIGRATIONS_DIR))
    csrf.init_app(app)
    # Counted in the shared Redis when REDIS_URL is set (every worker and host together).
    app.config.update(rate_limits.storage_config(app.config))
    limiter.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(paths.TRANSLATIONS_DIR),
    )
    install_fast_template_gettext(app)
    app.jinja_env.globals["current_locale_code"] = current_locale_code
    security.init_app(app)
    routing.init_app(app)

    from lti_tool.lti.jwks_cache import KnownKeySets
    from lti_tool.lti.state_store import build_state_store

    app.extensions["lti_state_store"] = build_state_store(
        app.config.get("REDIS_URL"), lambda: db.session, app.config["REDIS_KEY_PREFIX"]
    )
    app.extensions["lti_key_sets"] = KnownKeySets()

    from lti_tool.jobs import queue as job_queue

    job_queue.configure(app)
    _register_blueprints(app)

    from lti_tool.admin.cli import lti_cli
    from lti_tool.errors import register_error_handlers

    register_error_handlers(app)
    app.cli.add_command(lti_cli)

    if app.config["DEV_PLATFORM"]:
        from lti_tool.devplatform import mount_dev_platform

        mount_dev_platform(app)
    return app


def _load_config(app: Flask, env_name: str, overrides: dict[str, Any]) -> None:
    app.config.from_pyfile(str(paths.CONFIG_DIR / "default.py"))
    app.config.from_pyfile(str(paths.CONFIG_DIR / f"{env_name}.py"))
    # Twelve-factor names that hosting platforms set, then LTI_TOOL_* for everything else.
    for name, key in (
        ("SECRET_KEY", "SECRET_KEY"),
        ("DATABASE_URL", "SQLALCHEMY_DATABASE_URI"),
        ("REDIS_URL", "REDIS_URL"),
    ):
        if os.environ.get(name):
            app.config[key] = os.environ[name]
    app.config.from_prefixed_env("LTI_TOOL")
    app.config.update(overrides)
    app.config["ENV_NAME"] = env_name
    app.config["SQLALCHEMY_DATABASE_URI"] = _normalise_database_url(
        app.config.get("SQLALCHEMY_DATABASE_URI"), app.instance_path
    )


def _normalise_database_url(url: str | None, instance_path: str) -> str | None:
    """Accept the `postgres://` URLs hosting platforms hand out, and use psycopg 3 for them."""
    if not url:
        return url
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        os.makedirs(instance_path, exist_ok=True)
        return f"sqlite:///{os.path.join(instance_path, url[len('sqlite:///') :])}"
    return url


def _check_config(app: Flask) -> None:
    from lti_tool.limits import check as wrong_limits
    from lti_tool.rate_limits import check as wrong_rate_limits

    wrong = wrong_limits(app.config)
    if wrong:
        raise ConfigurationError(
            "These limits must be whole numbers of at least 1: " + ", ".join(wrong) + "."
        )
    wrong = wrong_rate_limits(app.config)
    if wrong:
        raise ConfigurationError(
            "These rate limits must read like '600 per minute' (or '10/minute;100/hour'): "
            + ", ".join(wrong)
            + "."
        )
    if app.config["ENV_NAME"] != "production":
        return
    missing = [
        name
        for name, key in (("SECRET_KEY", "SECRET_KEY"), ("DATABASE_URL", "SQLALCHEMY_DATABASE_URI"))
        if not app.config.get(key)
    ]
    if missing:
        raise ConfigurationError(
            "Production configuration is missing " + " and ".join(missing) + ". Set them in the "
            "environment (see README.md, 'Deploying'), or try the tool locally with "
            "LTI_TOOL_ENV=development."
        )
    if app.config.get("DEV_PLATFORM"):
        raise ConfigurationError(
            "The development platform cannot be enabled in production: it signs launches for "
            "anyone who asks."
        )


def _register_blueprints(app: Flask) -> None:
    from lti_tool.course_progress.views import blueprint as course_progress
    from lti_tool.grades.cli import grades_cli
    from lti_tool.grades.views import blueprint as grades
    from lti_tool.home.views import blueprint as home
    from lti_tool.launches.views import blueprint as launches
    from lti_tool.learning_modules.cli import files_cli
    from lti_tool.learning_modules.views import blueprint as learning_modules
    from lti_tool.lti.views import blueprint as lti
    from lti_tool.mentoring_web.views import blueprint as mentoring_web
    from lti_tool.rosters.cli import rosters_cli
    from lti_tool.rosters.views import blueprint as rosters
    from lti_tool.site.views import blueprint as site

    app.register_blueprint(lti)
    app.register_blueprint(launches)
    app.register_blueprint(site)
    app.register_blueprint(home)
    app.register_blueprint(learning_modules)
    app.register_blueprint(course_progress)
    app.register_blueprint(mentoring_web)
    app.register_blueprint(grades)
    app.register_blueprint(rosters)

    # The jobs of each feature, so a worker knows every job a request may queue.
    from lti_tool.grades import jobs as grade_jobs  # noqa: F401
    from lti_tool.grades import listeners as grade_listeners
    from lti_tool.jobs.cli import jobs_cli
    from lti_tool.launches import jobs as launch_jobs  # noqa: F401
    from lti_tool.learning_modules import jobs as module_jobs  # noqa: F401
    from lti_tool.learning_modules import listeners as module_listeners
    from lti_tool.mentoring_web import listeners as web_listeners
    from lti_tool.rosters import jobs as roster_jobs  # noqa: F401
    from lti_tool.rosters import listeners as roster_listeners

    web_listeners.connect()
    module_listeners.connect()
    grade_listeners.init_app(app)
    roster_listeners.init_app(app)
    app.cli.add_command(grades_cli)
    app.cli.add_command(rosters_cli)
    app.cli.add_command(files_cli)
    app.cli.add_command(jobs_cli)
