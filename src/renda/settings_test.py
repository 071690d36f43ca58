"""Settings for the test suite: the production settings with RENDA_TESTING on (fast hasher for factory users,
in-line task backend, fixed test keys). DATABASE_URL chooses SQLite (default) or PostgreSQL."""

import os

os.environ["RENDA_TESTING"] = "1"

from renda.settings import *  # noqa: F403
