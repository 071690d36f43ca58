"""Settings for the test suite: the production settings with RENDA_TESTING on (fast hasher for factory users,
in-line task backend, fixed test keys). DATABASE_URL chooses SQLite (default) or PostgreSQL."""

import os

os.environ["RENDA_TESTING"] = "1"

from renda.settings import *  # noqa: F403

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A test database in a file, not Django's shared in-memory one: with an in-memory database the live server's
    # threads share the test's own connection, and Django's documentation warns that simultaneous queries through
    # it "may sometimes randomly cause the tests to fail" — which the browser test of the hall screen (polling each
    # second while the test itself queries) did now and then. With a file each thread has its own connection.
    # pytest-xdist's workers each get their own file (pytest-django appends the worker's name).
    import tempfile

    DATABASES["default"]["TEST"]["NAME"] = os.environ.get(  # noqa: F405
        "RENDA_TEST_SQLITE", os.path.join(tempfile.gettempdir(), f"renda-test-{os.getpid()}.sqlite3"))
