"""free text in releases: one partition per survey and release

Revision ID: b2c3d4e5f6a7
Revises: a1b2c3d4e5f6
Create Date: 2026-12-07

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b2c3d4e5f6a7'
down_revision = 'a1b2c3d4e5f6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.add_column(sa.Column('comment_partition', sa.String(length=16),
                                      server_default='municipality', nullable=False))
    with op.batch_alter_table('survey_release', schema=None) as batch_op:
        batch_op.add_column(sa.Column('comment_partition', sa.String(length=16),
                                      server_default='municipality', nullable=False))


def downgrade():
    with op.batch_alter_table('survey_release', schema=None) as batch_op:
        batch_op.drop_column('comment_partition')
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.drop_column('comment_partition')
