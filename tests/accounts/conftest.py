"""Fixtures of the authentication tests (helpers in tests/accounts/helpers.py)."""

from __future__ import annotations

import pytest

from renda.accounts.models import User
from renda.core.roles import Role
from tests.accounts.helpers import make_admin
from tests.factories import UserFactory


@pytest.fixture
def clerk(db: None) -> User:
    return UserFactory(username="clerk", role=Role.TOWNSHIP_STAFF)


@pytest.fixture
def security_admin(db: None) -> User:
    return make_admin(Role.SECURITY_ADMIN, username="secadmin")
