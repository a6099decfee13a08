"""PostgreSQL search: pg_trgm, the search tables and their GIN indexes (nothing on SQLite,
whose FTS5 tables archive/search_sqlite.py makes)

Revision ID: 0005
Revises: 0002 (a branch beside 0003 and 0004; migrate() upgrades every head)
Create Date: 2026-12-03 10:50:00
"""
from alembic import op

revision = '0005'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # a trusted extension: the database's owner may create it
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    # the first three may exist already: the earlier portable scan made them
    op.execute("CREATE TABLE IF NOT EXISTS search_meta (key VARCHAR(40) PRIMARY KEY, "
               "value VARCHAR(200))")
    op.execute("CREATE TABLE IF NOT EXISTS search_docs (doc_id BIGINT PRIMARY KEY, "
               "version_id INTEGER NOT NULL, report_id INTEGER NOT NULL UNIQUE, "
               "template VARCHAR(20))")
    op.execute("CREATE TABLE IF NOT EXISTS search_text (doc_id BIGINT PRIMARY KEY, "
               "body TEXT NOT NULL)")
    # stored uncompressed: every candidate the trigram index gives is rechecked against its
    # text, and reading it whole is twice as fast as decompressing it
    op.execute("ALTER TABLE search_text ALTER COLUMN body SET STORAGE EXTERNAL")
    op.execute("CREATE TABLE IF NOT EXISTS search_grams (doc_id BIGINT PRIMARY KEY, "
               "grams BIGINT[] NOT NULL)")
    op.execute("CREATE INDEX IF NOT EXISTS ix_search_text_trgm ON search_text "
               "USING gin (body gin_trgm_ops)")
    op.execute("CREATE INDEX IF NOT EXISTS ix_search_grams ON search_grams USING gin (grams)")
    # whatever the tables held is filled again by PgSearch.ensure (its schema mark differs)
    op.execute("DELETE FROM search_meta WHERE key = 'schema'")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TABLE IF EXISTS search_grams")
    op.execute("DROP INDEX IF EXISTS ix_search_text_trgm")
