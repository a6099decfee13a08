"""remembered download redirects; findings index for the has-errors filter

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 03:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('sources', schema=None) as batch_op:
        batch_op.add_column(sa.Column('redirect_to', sa.String(length=2000), nullable=True))
    op.create_index('ix_findings_version_severity', 'findings', ['version_id', 'severity'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_findings_version_severity', table_name='findings')
    with op.batch_alter_table('sources', schema=None) as batch_op:
        batch_op.drop_column('redirect_to')
