"""feedback: the learner's read mark and the replies that make it a conversation

Revision ID: a4c9e2f7b310
Revises: e7a1c3b5d902
Create Date: 2026-12-03 18:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a4c9e2f7b310'
down_revision = 'e7a1c3b5d902'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('lm_feedback', schema=None) as batch_op:
        batch_op.add_column(sa.Column('learner_read_at', sa.DateTime(), nullable=True))
    op.create_table('lm_feedback_reply',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('feedback_id', sa.Integer(), nullable=False),
    sa.Column('author_user_id', sa.Integer(), nullable=True),
    sa.Column('from_learner', sa.Boolean(), nullable=False),
    sa.Column('html', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['author_user_id'], ['lti_user.id'], name=op.f('fk_lm_feedback_reply_author_user_id_lti_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['feedback_id'], ['lm_feedback.id'], name=op.f('fk_lm_feedback_reply_feedback_id_lm_feedback'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lm_feedback_reply'))
    )
    with op.batch_alter_table('lm_feedback_reply', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lm_feedback_reply_feedback_id'), ['feedback_id'], unique=False)


def downgrade():
    with op.batch_alter_table('lm_feedback_reply', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lm_feedback_reply_feedback_id'))
    op.drop_table('lm_feedback_reply')
    with op.batch_alter_table('lm_feedback', schema=None) as batch_op:
        batch_op.drop_column('learner_read_at')
