"""Create an account from the server's console — the way to make the first system administrator, and the
security and audit administrators, whom the system administrator's back office cannot create (三员分立)."""

from __future__ import annotations

import getpass
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from renda.accounts import services
from renda.core.errors import DomainError
from renda.core.roles import Role
from renda.organizations.models import Region


class Command(BaseCommand):
    help = "Create an account: --role ROLE --username NAME --region REGION_ID (password from stdin or a prompt)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--username", required=True)
        parser.add_argument("--region", required=True, type=int, help="id of the region the account works in")
        parser.add_argument("--name", default="", help="display name")
        parser.add_argument("--password-stdin", action="store_true", help="read the password from standard input")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["role"] in (Role.UNIT_USER, Role.DEPUTY):
            raise CommandError("unit and deputy accounts are created by staff in the platform, not here")
        region = Region.objects.filter(pk=opts["region"]).first()
        if region is None:
            raise CommandError(f"no region with id {opts['region']}")
        if opts["password_stdin"]:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("密码: ")
            if password != getpass.getpass("再次输入: "):
                raise CommandError("两次输入的密码不一致")
        try:
            user = services.user_create(actor=None, username=opts["username"], password=password,
                                        role=opts["role"], region=region, display_name=opts["name"])
        except DomainError as exc:
            raise CommandError(f"{exc.message}: {exc.fields}") from None
        self.stdout.write(f"created {user.username} ({Role(user.role).label}, {region.name})")
        if user.needs_second_factor:
            self.stdout.write("The account enrols its TOTP second factor at its first login.")
