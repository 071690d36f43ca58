"""Without RENDA_SECRET_KEY in production the web server refuses to start, while commands that sign nothing
(makemigrations --check in a fresh checkout) still run."""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

import renda


def test_production_settings_load_without_a_key_and_leave_it_empty(monkeypatch, tmp_path) -> None:
    for name in ("RENDA_TESTING", "RENDA_DEBUG", "RENDA_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("RENDA_DATA_DIR", str(tmp_path))  # no renda.env of the developer's data dir
    path = Path(renda.__file__).with_name("settings.py")
    spec = importlib.util.spec_from_file_location("renda_settings_without_key", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.DEBUG is False and module.SECRET_KEY == ""


def test_the_web_server_refuses_to_start_without_the_key() -> None:
    import renda.wsgi

    with override_settings(SECRET_KEY=""), pytest.raises(ImproperlyConfigured, match="RENDA_SECRET_KEY is not set"):
        importlib.reload(renda.wsgi)
    importlib.reload(renda.wsgi)  # and starts again with it
