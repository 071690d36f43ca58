import pytest
from django.urls import reverse

from renda.core.roles import Role
from tests.factories import PASSWORD, UserFactory


@pytest.mark.django_db
def test_home_redirects_anonymous_to_login(client):
    response = client.get(reverse("web:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_township_clerk_logs_in_and_sees_home(client, tree):
    user = UserFactory(username="clerk", role=Role.TOWNSHIP_STAFF, region=tree.town_a)
    response = client.post(reverse("accounts:login"), {"username": "clerk", "password": PASSWORD})
    assert response.status_code == 302
    page = client.get(reverse("web:home"))
    assert page.status_code == 200
    assert "甲镇" in page.content.decode()
    assert user.pk
