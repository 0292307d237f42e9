"""staff sessions end with a new password, API tokens expire, cooperation names are unique

Revision ID: c8d9e0f1a2b3
Revises: b7c1d2e3f4a5
Create Date: 2026-12-06

"""
import datetime as dt

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c8d9e0f1a2b3'
down_revision = 'b7c1d2e3f4a5'
branch_labels = None
depends_on = None

#: Tokens made before expiry existed stay valid this long after the upgrade.
GRACE = dt.timedelta(days=90)


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_epoch', sa.Integer(), nullable=False,
                                      server_default='0'))

    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_on', sa.Date(), nullable=True))
    token = sa.table('api_token', sa.column('expires_on', sa.Date()))
    op.execute(token.update().values(expires_on=dt.date.today() + GRACE))
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.alter_column('expires_on', existing_type=sa.Date(), nullable=False)

    # Names that occur twice get their id appended, so that the unique constraint holds.
    connection = op.get_bind()
    rows = connection.execute(sa.text("SELECT id, name FROM cooperation ORDER BY id")).all()
    seen = set()
    for row_id, name in rows:
        if name.casefold() in seen:
            connection.execute(sa.text("UPDATE cooperation SET name = :name WHERE id = :id"),
                               {"name": f"{name[:180]} ({row_id})", "id": row_id})
        seen.add(name.casefold())
    with op.batch_alter_table('cooperation', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_cooperation_name', ['name'])


def downgrade():
    with op.batch_alter_table('cooperation', schema=None) as batch_op:
        batch_op.drop_constraint('uq_cooperation_name', type_='unique')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_column('expires_on')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('session_epoch')
