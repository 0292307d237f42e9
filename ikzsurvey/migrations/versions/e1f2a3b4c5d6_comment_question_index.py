"""the released comments of a question: an index for the results pages

Revision ID: e1f2a3b4c5d6
Revises: c3d4e5f6a7b8
Create Date: 2026-12-07

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e1f2a3b4c5d6'
down_revision = 'c3d4e5f6a7b8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_comment_survey_id_question', 'comment',
                    ['survey_id', 'question_set_id', 'question_id', 'status'])


def downgrade():
    op.drop_index('ix_comment_survey_id_question', table_name='comment')
