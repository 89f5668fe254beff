"""memberships: the latest activity in the course, kept by triggers, for the progress grid's sort

Revision ID: b7e2c9d4a611
Revises: f3b8d1c6e205
Create Date: 2026-12-04 01:45:00

`lti_membership.activity_at` is the latest of a member's progress (update or completion), drafts
and submissions in the course. Triggers on the three tables keep it (the statements below are
those of `lti_tool.course_progress.models` today, copied so this migration stays as it is); the
rows already there are filled from the tables.
"""
from alembic import op
import sqlalchemy as sa


revision = 'b7e2c9d4a611'
down_revision = 'f3b8d1c6e205'
branch_labels = None
depends_on = None

SQLITE_TRIGGERS = [
    "CREATE TRIGGER lm_module_progress_activity_insert AFTER INSERT ON lm_module_progress BEGIN UPDATE lti_membership SET activity_at = max(coalesce(NEW.updated_at, ''), coalesce(NEW.completed_at, '')) WHERE context_id = NEW.context_id AND user_id = NEW.user_id AND (activity_at IS NULL OR activity_at < max(coalesce(NEW.updated_at, ''), coalesce(NEW.completed_at, ''))); END",
    "CREATE TRIGGER lm_module_progress_activity_update AFTER UPDATE OF updated_at, completed_at ON lm_module_progress BEGIN UPDATE lti_membership SET activity_at = max(coalesce(NEW.updated_at, ''), coalesce(NEW.completed_at, '')) WHERE context_id = NEW.context_id AND user_id = NEW.user_id AND (activity_at IS NULL OR activity_at < max(coalesce(NEW.updated_at, ''), coalesce(NEW.completed_at, ''))); END",
    'CREATE TRIGGER lm_reflection_activity_insert AFTER INSERT ON lm_reflection BEGIN UPDATE lti_membership SET activity_at = NEW.updated_at WHERE context_id = NEW.context_id AND user_id = NEW.user_id AND (activity_at IS NULL OR activity_at < NEW.updated_at); END',
    'CREATE TRIGGER lm_reflection_activity_update AFTER UPDATE OF updated_at ON lm_reflection BEGIN UPDATE lti_membership SET activity_at = NEW.updated_at WHERE context_id = NEW.context_id AND user_id = NEW.user_id AND (activity_at IS NULL OR activity_at < NEW.updated_at); END',
    'CREATE TRIGGER lm_reflection_version_activity_insert AFTER INSERT ON lm_reflection_version BEGIN UPDATE lti_membership SET activity_at = NEW.submitted_at WHERE context_id = (SELECT context_id FROM lm_reflection WHERE lm_reflection.id = NEW.reflection_id) AND user_id = (SELECT user_id FROM lm_reflection WHERE lm_reflection.id = NEW.reflection_id) AND (activity_at IS NULL OR activity_at < NEW.submitted_at); END',
    'CREATE TRIGGER lm_reflection_version_activity_update AFTER UPDATE OF submitted_at ON lm_reflection_version BEGIN UPDATE lti_membership SET activity_at = NEW.submitted_at WHERE context_id = (SELECT context_id FROM lm_reflection WHERE lm_reflection.id = NEW.reflection_id) AND user_id = (SELECT user_id FROM lm_reflection WHERE lm_reflection.id = NEW.reflection_id) AND (activity_at IS NULL OR activity_at < NEW.submitted_at); END',
]
POSTGRESQL_TRIGGERS = [
    'CREATE OR REPLACE FUNCTION lm_module_progress_activity() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE lti_membership SET activity_at = GREATEST(NEW.updated_at, NEW.completed_at) WHERE context_id = NEW.context_id AND user_id = NEW.user_id AND (activity_at IS NULL OR activity_at < GREATEST(NEW.updated_at, NEW.completed_at)); RETURN NULL; END $$',
    'CREATE TRIGGER lm_module_progress_activity AFTER INSERT OR UPDATE OF updated_at, completed_at ON lm_module_progress FOR EACH ROW EXECUTE FUNCTION lm_module_progress_activity()',
    'CREATE OR REPLACE FUNCTION lm_reflection_activity() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE lti_membership SET activity_at = GREATEST(NEW.updated_at) WHERE context_id = NEW.context_id AND user_id = NEW.user_id AND (activity_at IS NULL OR activity_at < GREATEST(NEW.updated_at)); RETURN NULL; END $$',
    'CREATE TRIGGER lm_reflection_activity AFTER INSERT OR UPDATE OF updated_at ON lm_reflection FOR EACH ROW EXECUTE FUNCTION lm_reflection_activity()',
    'CREATE OR REPLACE FUNCTION lm_reflection_version_activity() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE lti_membership SET activity_at = GREATEST(NEW.submitted_at) WHERE context_id = (SELECT context_id FROM lm_reflection WHERE lm_reflection.id = NEW.reflection_id) AND user_id = (SELECT user_id FROM lm_reflection WHERE lm_reflection.id = NEW.reflection_id) AND (activity_at IS NULL OR activity_at < GREATEST(NEW.submitted_at)); RETURN NULL; END $$',
    'CREATE TRIGGER lm_reflection_version_activity AFTER INSERT OR UPDATE OF submitted_at ON lm_reflection_version FOR EACH ROW EXECUTE FUNCTION lm_reflection_version_activity()',
]
SQLITE_DROP = [
    'DROP TRIGGER IF EXISTS ' + name
    for table in ('lm_module_progress', 'lm_reflection', 'lm_reflection_version')
    for name in (table + '_activity_insert', table + '_activity_update')
]
POSTGRESQL_DROP = [
    statement
    for table in ('lm_module_progress', 'lm_reflection', 'lm_reflection_version')
    for statement in (
        f'DROP TRIGGER IF EXISTS {table}_activity ON {table}',
        f'DROP FUNCTION IF EXISTS {table}_activity()',
    )
]
_MEMBER = 'context_id = lti_membership.context_id AND user_id = lti_membership.user_id'
_TIMES = [
    f'(SELECT max(updated_at) FROM lm_module_progress WHERE {_MEMBER})',
    f'(SELECT max(completed_at) FROM lm_module_progress WHERE {_MEMBER})',
    f'(SELECT max(updated_at) FROM lm_reflection WHERE {_MEMBER})',
    '(SELECT max(v.submitted_at) FROM lm_reflection_version v JOIN lm_reflection r '
    'ON r.id = v.reflection_id WHERE r.context_id = lti_membership.context_id '
    'AND r.user_id = lti_membership.user_id)',
]


def upgrade():
    with op.batch_alter_table('lti_membership', schema=None) as batch_op:
        batch_op.add_column(sa.Column('activity_at', sa.DateTime(), nullable=True))
    if op.get_context().dialect.name == 'sqlite':
        latest = "nullif(max(" + ", ".join(f"coalesce({t}, '')" for t in _TIMES) + "), '')"
        triggers = SQLITE_TRIGGERS
    else:
        latest = 'GREATEST(' + ', '.join(_TIMES) + ')'
        triggers = POSTGRESQL_TRIGGERS
    op.execute(f'UPDATE lti_membership SET activity_at = {latest}')
    for statement in triggers:
        op.execute(statement)


def downgrade():
    sqlite = op.get_context().dialect.name == 'sqlite'
    for statement in SQLITE_DROP if sqlite else POSTGRESQL_DROP:
        op.execute(statement)
    with op.batch_alter_table('lti_membership', schema=None) as batch_op:
        batch_op.drop_column('activity_at')
