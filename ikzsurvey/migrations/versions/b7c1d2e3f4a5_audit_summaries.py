"""audit log: repeated reads summarised in one entry per day, an index for reading it

Revision ID: b7c1d2e3f4a5
Revises: f3a9b8c7d6e5
Create Date: 2026-12-05

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7c1d2e3f4a5'
down_revision = 'f3a9b8c7d6e5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('times', sa.Integer(), nullable=False,
                                      server_default='1'))
        batch_op.add_column(sa.Column('last_at', sa.DateTime(), nullable=True))
        batch_op.create_index('ix_audit_entry_cooperation_id_at', ['cooperation_id', 'at'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_entry_cooperation_id_at')
        batch_op.drop_column('last_at')
        batch_op.drop_column('times')
