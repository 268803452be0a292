"""Storage: SQLAlchemy tables, row/domain mapping, opening, migrations and backups
(docs/storage.md)."""
