"""fetches.warc_file / fetches.warc_offset: where each fetch's request and response records
are in the night's WARC file (data_dir/warc/), for evidence bundles; a merge of the heads
0003, 0004 and 0005

Revision ID: 0006
Revises: 0003, 0004, 0005
Create Date: 2026-12-04 09:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = ('0003', '0004', '0005')
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('fetches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('warc_file', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('warc_offset', sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('fetches', schema=None) as batch_op:
        batch_op.drop_column('warc_offset')
        batch_op.drop_column('warc_file')
