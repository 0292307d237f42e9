"""waves: whether their rows were rewritten in random order after closing

Revision ID: d4e5f6a7b8c9
Revises: c8d9e0f1a2b3
Create Date: 2026-12-07

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4e5f6a7b8c9'
down_revision = 'c8d9e0f1a2b3'
branch_labels = None
depends_on = None


def upgrade():
    # Waves closed before this revision are not marked: the next `ikzsurvey purge` rewrites
    # them (ikzsurvey.forgetting).
    with op.batch_alter_table('wave', schema=None) as batch_op:
        batch_op.add_column(sa.Column('order_forgotten', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('wave', schema=None) as batch_op:
        batch_op.drop_column('order_forgotten')
