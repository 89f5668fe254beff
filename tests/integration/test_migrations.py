"""Alembic migrations build the schema the models describe, on SQLite and on PostgreSQL alike."""

from __future__ import annotations

import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from lti_tool import paths
from lti_tool.extensions import db
from tests.conftest import make_app

MIGRATIONS = str(paths.MIGRATIONS_DIR)


@pytest.fixture
def empty_database_url(tmp_path):
    """A brand-new database: a SQLite file, or a throwaway PostgreSQL database."""
    configured = os.environ.get("DATABASE_URL")
    if not configured or not configured.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    base = configured.replace("postgresql://", "postgresql+psycopg://", 1)
    name = f"mw_migrations_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield base.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def test_upgrade_creates_the_models_schema_and_downgrade_removes_it(empty_database_url, tmp_path):
    app = make_app({"SQLALCHEMY_DATABASE_URI": empty_database_url, "INSTANCE_PATH": str(tmp_path)})
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
        assert differences == []
        tables = set(inspect(db.engine).get_table_names())
        assert {
            "lti_platform",
            "lti_deployment",
            "lti_tool_key",
            "lti_user",
            "lti_context",
            "lti_membership",
            "lti_state",
        } <= tables

        downgrade(directory=MIGRATIONS, revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()
