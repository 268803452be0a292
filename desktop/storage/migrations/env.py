"""Alembic environment: migrations always run on a connection handed in by the application.

desktop.storage.migrate builds the Config in code and puts an open connection, already
inside its transaction, in config.attributes["connection"]; there is no alembic.ini.
"""

from alembic import context

from desktop.storage.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Frontdesk migrations run through desktop.storage.migrate only.")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite alters tables by copying them; later migrations use op.batch_alter_table.
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
