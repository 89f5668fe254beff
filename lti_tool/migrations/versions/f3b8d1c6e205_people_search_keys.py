"""people: folded name and search columns, so the progress grid filters and sorts in the database

Revision ID: f3b8d1c6e205
Revises: a4c9e2f7b310
Create Date: 2026-12-04 01:40:00

The two columns are filled for the users already stored. The folding is copied here as it is
today (`lti_tool.lti.names.search_key`), so this migration gives the same result whatever that
module becomes later.
"""
import unicodedata

from alembic import op
import sqlalchemy as sa


revision = 'f3b8d1c6e205'
down_revision = 'a4c9e2f7b310'
branch_labels = None
depends_on = None

KEY = sa.Text().with_variant(sa.Text(collation='C'), 'postgresql')
BATCH = 1000


def _fold(text):
    decomposed = unicodedata.normalize('NFKD', text or '')
    plain = ''.join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return ' '.join(plain.replace("'", '').replace('\u2019', '').replace('-', ' ').split())


def _keys(name, given_name, family_name, email):
    shown = name or ' '.join(part for part in (given_name, family_name) if part) or ''
    parts = (shown, given_name, family_name, email)
    return _fold(shown), ' '.join(_fold(part) for part in parts)


def upgrade():
    with op.batch_alter_table('lti_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_key', KEY, server_default='', nullable=False))
        batch_op.add_column(sa.Column('search_text', KEY, server_default='', nullable=False))
    connection = op.get_bind()
    users = sa.table(
        'lti_user',
        sa.column('id', sa.Integer),
        sa.column('name', sa.String),
        sa.column('given_name', sa.String),
        sa.column('family_name', sa.String),
        sa.column('email', sa.String),
        sa.column('name_key', sa.Text),
        sa.column('search_text', sa.Text),
    )
    rows = connection.execute(
        sa.select(users.c.id, users.c.name, users.c.given_name, users.c.family_name, users.c.email)
    ).all()
    update = (
        users.update()
        .where(users.c.id == sa.bindparam('user_id'))
        .values(name_key=sa.bindparam('key'), search_text=sa.bindparam('text'))
    )
    for start in range(0, len(rows), BATCH):
        values = []
        for row in rows[start : start + BATCH]:
            key, text = _keys(row.name, row.given_name, row.family_name, row.email)
            values.append({'user_id': row.id, 'key': key, 'text': text})
        connection.execute(update, values)


def downgrade():
    with op.batch_alter_table('lti_user', schema=None) as batch_op:
        batch_op.drop_column('search_text')
        batch_op.drop_column('name_key')
