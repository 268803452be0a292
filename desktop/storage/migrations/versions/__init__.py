"""One module per schema revision; Alembic reads them by path."""
