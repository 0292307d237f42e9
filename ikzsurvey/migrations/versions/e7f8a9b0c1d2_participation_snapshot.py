"""participation snapshots: what organizers see of a running wave, counted on one day

Revision ID: e7f8a9b0c1d2
Revises: d4e5f6a7b8c9
Create Date: 2026-12-07

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e7f8a9b0c1d2'
down_revision = 'd4e5f6a7b8c9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'participation_snapshot',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('survey_id', sa.Integer(), nullable=False),
        sa.Column('wave_id', sa.Integer(), nullable=False),
        sa.Column('counts', sa.JSON(), nullable=False),
        sa.Column('taken_on', sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(['survey_id'], ['survey.id'],
                                name=op.f('fk_participation_snapshot_survey_id_survey'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['wave_id'], ['wave.id'],
                                name=op.f('fk_participation_snapshot_wave_id_wave'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_participation_snapshot')),
        sa.UniqueConstraint('wave_id', name=op.f('uq_participation_snapshot_wave_id')),
    )
    with op.batch_alter_table('participation_snapshot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_participation_snapshot_survey_id'), ['survey_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('participation_snapshot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_participation_snapshot_survey_id'))
    op.drop_table('participation_snapshot')
