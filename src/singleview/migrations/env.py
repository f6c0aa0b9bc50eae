"""Alembic environment: runs every capability's migration branch against one database.

On SQLite every migration runs in one transaction, DDL included, as on PostgreSQL. Python's
sqlite3 begins a transaction by itself only before a statement that changes data, so a
migration that adds columns and then fills them (``audit_0005``) used to commit the columns at
once: stopped during the fill, it left them behind, and the next start failed on columns that
already existed. SQLite's DDL is transactional; the driver is told to leave transactions to
SQLAlchemy, which begins each one explicitly.
"""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import event
from sqlalchemy.engine import Connection

from singleview.db import Base, create_engine

config = context.config
url = config.attributes["database_url"]
engine = create_engine(url)
sqlite = engine.dialect.name == "sqlite"

if sqlite:

    @event.listens_for(engine, "connect")
    def _driver_leaves_transactions_alone(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin_explicitly(connection: Connection) -> None:
        # IMMEDIATE: a migration writes, so it takes the write lock first (waiting for a
        # serving node's writer like any other), rather than fail to upgrade its read lock.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=sqlite,
        transactional_ddl=True,
    )
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
