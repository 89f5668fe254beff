"""reflections: an index by course, module and visibility for the review queue

Revision ID: a8e5c1f4d207
Revises: f3b7d2a9c104
Create Date: 2026-12-04 01:45:00

The review queue counts and pages one module's shared reflections of one course; with only the
index on the course, it read every reflection of the course to find them.
"""
from alembic import op


revision = 'a8e5c1f4d207'
down_revision = 'f3b7d2a9c104'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('lm_reflection', schema=None) as batch_op:
        batch_op.create_index('ix_lm_reflection_context_id_module_slug', ['context_id', 'module_slug', 'visibility'], unique=False)


def downgrade():
    with op.batch_alter_table('lm_reflection', schema=None) as batch_op:
        batch_op.drop_index('ix_lm_reflection_context_id_module_slug')
