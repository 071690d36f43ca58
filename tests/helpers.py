from __future__ import annotations

from typing import Any

from django.test import Client

from renda.api.auth import issue_token


def api_client(user: Any) -> Client:
    """A test client that speaks to the API with the user's bearer token."""
    raw, _ = issue_token(user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def logged_in(user: Any) -> Client:
    """A test client with the user signed in, for the pages."""
    client = Client()
    client.force_login(user)
    return client
