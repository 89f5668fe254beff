"""jobs: periodic job leases; queued scores; requested roster syncs

Revision ID: e7a1c3b5d902
Revises: c4d2e8f1a9b3
Create Date: 2026-12-03 17:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'e7a1c3b5d902'
down_revision = 'c4d2e8f1a9b3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('job_lease',
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('held_until', sa.DateTime(), nullable=False),
    sa.Column('holder', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_job_lease'))
    )
    with op.batch_alter_table('grade_score_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('queued_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('rs_roster_sync', schema=None) as batch_op:
        batch_op.add_column(sa.Column('requested_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('rs_roster_sync', schema=None) as batch_op:
        batch_op.drop_column('requested_at')
    with op.batch_alter_table('grade_score_record', schema=None) as batch_op:
        batch_op.drop_column('queued_at')
    op.drop_table('job_lease')
