"""SQLite as a server database: write-ahead log, set once on the file.

WAL lets readers go on while one connection writes, and persists on the
file, so it is set once (by a migration) rather than by a PRAGMA on every new
connection. Waiting for the write lock is the job of the connection options
in settings (``transaction_mode`` IMMEDIATE and ``timeout``).
"""

from django.db.backends.base.base import BaseDatabaseWrapper


def enable_wal(connection: BaseDatabaseWrapper) -> str:
    """Put the SQLite file of this connection in WAL mode; return the journal mode now in force."""
    if connection.vendor != "sqlite":
        return ""
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        (mode,) = cursor.fetchone()
        if str(mode).lower() in ("wal", "memory"):
            # An in-memory database (the tests') has no file to keep a log beside.
            return str(mode).lower()
        cursor.execute("PRAGMA journal_mode=WAL")
        (mode,) = cursor.fetchone()
    return str(mode).lower()
