"""Fill the working-day calendar from the chinese-calendar package (years not entered by hand).

    manage.py calendar_seed                   # every year the package knows and the table lacks
    manage.py calendar_seed --year 2026       # one year
    manage.py calendar_seed --replace         # also rewrite years seeded from an older package version
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from renda.workdays.services import calendar_seed_from_package


class Command(BaseCommand):
    help = "从 chinese-calendar 软件包导入法定节假日与调休安排 / Seed the holiday table from chinese-calendar."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--year", type=int, action="append", dest="years")
        parser.add_argument("--replace", action="store_true")

    def handle(self, *args: Any, years: list[int] | None, replace: bool, **options: Any) -> None:
        written = calendar_seed_from_package(actor=None, years=years, replace_package_years=replace)
        self.stdout.write(f"已导入 seeded: {', '.join(map(str, written)) or '无 none'}")
