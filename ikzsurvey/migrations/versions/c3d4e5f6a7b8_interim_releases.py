"""interim releases: the waves a release cut while they ran, and what it showed

Revision ID: c3d4e5f6a7b8
Revises: b2c3d4e5f6a7
Create Date: 2026-12-07

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3d4e5f6a7b8'
down_revision = 'b2c3d4e5f6a7'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('survey_release', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cut', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('interim', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('survey_release', schema=None) as batch_op:
        batch_op.drop_column('interim')
        batch_op.drop_column('cut')
