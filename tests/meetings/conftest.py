from tests.file_database import file_database  # noqa: F401  (the concurrency tests' fixture)
