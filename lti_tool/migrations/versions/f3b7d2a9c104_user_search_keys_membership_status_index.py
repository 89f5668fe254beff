"""users: name_key and search_text for sorting and searching in SQL; memberships by status

Revision ID: f3b7d2a9c104
Revises: a4c9e2f7b310
Create Date: 2026-12-04 01:30:00

The roster page sorted and searched every member of a course in Python (accents folded by
`lti_tool.lti.names.search_key`); it now asks the database for one page. The two keys are that
same folding, stored: existing users are filled in here, new and changed ones by the model's flush
listener.
"""
from alembic import op
import sqlalchemy as sa

from lti_tool.people.models import user_search_keys


revision = 'f3b7d2a9c104'
down_revision = 'a4c9e2f7b310'
branch_labels = None
depends_on = None

KEY = sa.String(length=600).with_variant(sa.String(length=600, collation='C'), 'postgresql')


def upgrade():
    with op.batch_alter_table('lti_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_key', KEY, server_default='', nullable=False))
        batch_op.add_column(sa.Column('search_text', KEY, server_default='', nullable=False))
    users = sa.table(
        'lti_user',
        sa.column('id', sa.Integer),
        sa.column('name', sa.String),
        sa.column('given_name', sa.String),
        sa.column('family_name', sa.String),
        sa.column('email', sa.String),
        sa.column('name_key', sa.String),
        sa.column('search_text', sa.String),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(users.c.id, users.c.name, users.c.given_name, users.c.family_name, users.c.email)
    ).all()
    for start in range(0, len(rows), 1000):
        values = []
        for row in rows[start : start + 1000]:
            name_key, search_text = user_search_keys(row.name, row.given_name, row.family_name, row.email)
            values.append({'user_id': row.id, 'name_key': name_key, 'search_text': search_text})
        connection.execute(
            users.update()
            .where(users.c.id == sa.bindparam('user_id'))
            .values(name_key=sa.bindparam('name_key'), search_text=sa.bindparam('search_text')),
            values,
        )
    with op.batch_alter_table('lti_membership', schema=None) as batch_op:
        batch_op.create_index('ix_lti_membership_context_id_status', ['context_id', 'status'], unique=False)


def downgrade():
    with op.batch_alter_table('lti_membership', schema=None) as batch_op:
        batch_op.drop_index('ix_lti_membership_context_id_status')
    with op.batch_alter_table('lti_user', schema=None) as batch_op:
        batch_op.drop_column('search_text')
        batch_op.drop_column('name_key')
