"""agencies.region ("宁夏/中卫市/沙坡头区") and agencies.level (省级/市级/县级/乡级) for roll-ups

Revision ID: 0004
Revises: 0002 (a branch beside 0003_agency_column_path; migrate() upgrades every head)
Create Date: 2026-12-03 10:15:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('agencies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('region', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('level', sa.String(length=10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('agencies', schema=None) as batch_op:
        batch_op.drop_column('level')
        batch_op.drop_column('region')
