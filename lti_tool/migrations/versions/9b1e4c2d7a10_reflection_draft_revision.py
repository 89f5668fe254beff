"""reflections: a revision number on each draft

A page loaded at an older revision is stale: its save is checked against the newer draft instead of
overwriting it (two tabs, one learner).

Revision ID: 9b1e4c2d7a10
Revises: 51c78d635f7f
Create Date: 2026-12-03 08:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = '9b1e4c2d7a10'
down_revision = '51c78d635f7f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('lm_reflection', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revision', sa.Integer(), nullable=False, server_default='0'))


def downgrade():
    with op.batch_alter_table('lm_reflection', schema=None) as batch_op:
        batch_op.drop_column('revision')
