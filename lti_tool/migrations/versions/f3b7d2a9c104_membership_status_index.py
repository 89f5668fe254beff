"""memberships by course and status

Revision ID: f3b7d2a9c104
Revises: b7e2c9d4a611
Create Date: 2026-12-04 01:30:00

The roster page asks the database for its counts by status and one page of members (it read every
member into Python); this index serves both. The users' search keys it sorts and searches by are
f3b8d1c6e205's.
"""
from alembic import op


revision = 'f3b7d2a9c104'
down_revision = 'b7e2c9d4a611'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('lti_membership', schema=None) as batch_op:
        batch_op.create_index('ix_lti_membership_context_id_status', ['context_id', 'status'], unique=False)


def downgrade():
    with op.batch_alter_table('lti_membership', schema=None) as batch_op:
        batch_op.drop_index('ix_lti_membership_context_id_status')
