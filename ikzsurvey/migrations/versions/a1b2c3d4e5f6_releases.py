"""releases: stored, audited results every surface reads

Revision ID: a1b2c3d4e5f6
Revises: e7f8a9b0c1d2
Create Date: 2026-12-07

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a1b2c3d4e5f6'
down_revision = 'e7f8a9b0c1d2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'survey_release',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('survey_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('wave_ids', sa.JSON(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('progress', sa.Integer(), nullable=False),
        sa.Column('requested_on', sa.Date(), nullable=False),
        sa.Column('ready_on', sa.Date(), nullable=True),
        sa.Column('heartbeat', sa.DateTime(), nullable=True),
        sa.Column('results', sa.JSON(), nullable=True),
        sa.Column('shown', sa.JSON(), nullable=True),
        sa.Column('summary', sa.JSON(), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['survey_id'], ['survey.id'],
                                name=op.f('fk_survey_release_survey_id_survey'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_release')),
        sa.UniqueConstraint('survey_id', 'number', name=op.f('uq_survey_release_survey_id')),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table('survey_release', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_release_survey_id'), ['survey_id'], unique=False)


def downgrade():
    with op.batch_alter_table('survey_release', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_release_survey_id'))
    op.drop_table('survey_release')
