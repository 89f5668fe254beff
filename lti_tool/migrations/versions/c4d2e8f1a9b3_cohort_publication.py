"""cohort: published figures that one learner's change cannot move

Revision ID: c4d2e8f1a9b3
Revises: 9b1e4c2d7a10
Create Date: 2026-12-03 09:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'c4d2e8f1a9b3'
down_revision = '9b1e4c2d7a10'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('mw_cohort_publication',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('context_id', sa.Integer(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=False),
    sa.Column('learners', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['context_id'], ['lti_context.id'], name=op.f('fk_mw_cohort_publication_context_id_lti_context'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mw_cohort_publication')),
    sa.UniqueConstraint('context_id', name=op.f('uq_mw_cohort_publication_context_id'))
    )


def downgrade():
    op.drop_table('mw_cohort_publication')
