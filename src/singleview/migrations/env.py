"""Alembic environment: runs every capability's migration branch against one database."""

from __future__ import annotations

from alembic import context

from singleview.db import Base, create_engine

config = context.config
url = config.attributes["database_url"]
engine = create_engine(url)

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
