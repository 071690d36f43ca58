"""Several threads writing one test database at once, as in production (the meetings' ballots, the archive import):
the `file_database` fixture."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection, connections


class FileDatabase:
    """Runs a test body against a database that several threads can write at once, as in production.

    PostgreSQL: the test database itself. SQLite: the test database is in memory with a shared cache, where a
    second writer fails at once with "table is locked" instead of waiting as a file database does (busy_timeout
    with IMMEDIATE transactions, settings.py). So the migrated in-memory database (with what the test has set
    up so far) is copied to a file, and the body runs on a thread whose connections — and those of the threads
    it starts — open that file with the production options."""

    def __init__(self, path: str | None) -> None:
        self.path = path

    def run(self, body: Callable[[], Any]) -> Any:
        if self.path is None:
            return body()
        outcome: dict[str, Any] = {}

        def target() -> None:
            try:
                assert connection.settings_dict["NAME"] == self.path, "the body must run on the file database"
                outcome["value"] = body()
            except BaseException as exc:
                outcome["error"] = exc
            finally:
                connections.close_all()

        thread = threading.Thread(target=target)
        thread.start()
        thread.join()
        if "error" in outcome:
            raise outcome["error"]
        return outcome.get("value")


@pytest.fixture
def file_database(transactional_db: None, tmp_path: Any) -> Iterator[Callable[[], FileDatabase]]:
    if connection.vendor != "sqlite":
        yield lambda: FileDatabase(None)
        return
    settings_dict = connections.settings["default"]
    memory_name = settings_dict["NAME"]
    path = str(tmp_path / "concurrency.sqlite3")

    def switch() -> FileDatabase:
        connection.ensure_connection()
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()
        settings_dict["NAME"] = path  # new connections (other threads) open the file; ours stays on memory
        return FileDatabase(path)

    yield switch
    settings_dict["NAME"] = memory_name
