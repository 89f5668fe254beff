"""cohort publication: the counts of its figures, and each learner's and snapshot's score facts

Revision ID: b2d6f8a0c315
Revises: a8e5c1f4d207
Create Date: 2026-12-04 02:00:00

The publication held every learner's wordless web as JSON, and every read of the cohort pages
scored them all again; it now holds the counts behind today's figures, with one row of numbers
per learner (mw_cohort_learner) and per snapshot (mw_cohort_snapshot) for the change figures,
which the database adds up. Existing publications are dropped: the next read of a course's
cohort page publishes its figures again, from the webs as they are then.
"""
from alembic import op
import sqlalchemy as sa


revision = 'b2d6f8a0c315'
down_revision = 'a8e5c1f4d207'
branch_labels = None
depends_on = None


def upgrade():
    op.execute('DELETE FROM mw_cohort_publication')
    with op.batch_alter_table('mw_cohort_publication', schema=None) as batch_op:
        batch_op.drop_column('learners')
        batch_op.add_column(sa.Column('learner_count', sa.Integer(), nullable=False))
        batch_op.add_column(sa.Column('counts', sa.JSON(), nullable=False))
        batch_op.add_column(sa.Column('change_counts', sa.JSON(), nullable=False))
    op.create_table('mw_cohort_learner',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('context_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('published_fingerprint', sa.String(length=64), nullable=True),
    sa.Column('checked_fingerprint', sa.String(length=64), nullable=True),
    sa.Column('sig_owner_at', sa.DateTime(), nullable=True),
    sa.Column('sig_strands', sa.Integer(), nullable=True),
    sa.Column('sig_strand_ids', sa.BigInteger(), nullable=True),
    sa.Column('sig_strand_at', sa.DateTime(), nullable=True),
    sa.Column('sig_snapshots', sa.Integer(), nullable=True),
    sa.Column('active_strands', sa.Integer(), nullable=False),
    sa.Column('reciprocal_strands', sa.Integer(), nullable=False),
    sa.Column('strong_web', sa.Boolean(), nullable=False),
    sa.Column('role_families', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['context_id'], ['lti_context.id'], name=op.f('fk_mw_cohort_learner_context_id_lti_context'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mw_cohort_learner')),
    sa.UniqueConstraint('context_id', 'owner_id', name=op.f('uq_mw_cohort_learner_context_id_owner_id'))
    )
    op.create_table('mw_cohort_snapshot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('context_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('snapshot_id', sa.Integer(), nullable=False),
    sa.Column('taken_at', sa.DateTime(), nullable=False),
    sa.Column('active_strands', sa.Integer(), nullable=False),
    sa.Column('reciprocal_strands', sa.Integer(), nullable=False),
    sa.Column('strong_web', sa.Boolean(), nullable=False),
    sa.Column('role_families', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['context_id'], ['lti_context.id'], name=op.f('fk_mw_cohort_snapshot_context_id_lti_context'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mw_cohort_snapshot'))
    )
    with op.batch_alter_table('mw_cohort_snapshot', schema=None) as batch_op:
        batch_op.create_index('ix_mw_cohort_snapshot_context_id_owner_id', ['context_id', 'owner_id', 'taken_at'], unique=False)


def downgrade():
    with op.batch_alter_table('mw_cohort_snapshot', schema=None) as batch_op:
        batch_op.drop_index('ix_mw_cohort_snapshot_context_id_owner_id')
    op.drop_table('mw_cohort_snapshot')
    op.drop_table('mw_cohort_learner')
    op.execute('DELETE FROM mw_cohort_publication')
    with op.batch_alter_table('mw_cohort_publication', schema=None) as batch_op:
        batch_op.drop_column('change_counts')
        batch_op.drop_column('counts')
        batch_op.drop_column('learner_count')
        batch_op.add_column(sa.Column('learners', sa.JSON(), nullable=False))
