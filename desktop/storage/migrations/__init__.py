"""Alembic migrations of the Frontdesk database, run at open by desktop.storage.migrate."""
