"""privacy notice: the data protection officer's contact and the notice's items per survey

Revision ID: f3a9b8c7d6e5
Revises: 5a56460f4170
Create Date: 2026-12-05

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f3a9b8c7d6e5'
down_revision = '5a56460f4170'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dpo_contact', sa.Text(), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('notice', sa.JSON(), nullable=False,
                                      server_default=sa.text("'{}'")))


def downgrade():
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.drop_column('notice')
        batch_op.drop_column('dpo_contact')
