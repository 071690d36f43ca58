"""Create an account from the server's console — the way to make the first system administrator, and the
security and audit administrators, whom the system administrator's back office cannot create (三员分立). On a new
database, which holds no region yet, `--new-region 某某县` creates the top region (and its people's congress) with
the first account, all or nothing."""

from __future__ import annotations

import getpass
import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from renda.accounts import services
from renda.core.errors import DomainError
from renda.core.roles import Role
from renda.organizations import services as organizations
from renda.organizations.models import Region, RegionLevel


class Command(BaseCommand):
    help = ("Create an account: --role ROLE --username NAME --region REGION_ID, or on a new database "
            "--new-region NAME [--level county] (password from stdin or a prompt).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--username", required=True)
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--region", type=int, help="id of the region the account works in")
        where.add_argument("--new-region", metavar="NAME",
                           help="a new database only: create this top region and its people's congress first")
        parser.add_argument("--level", default=RegionLevel.COUNTY,
                            choices=[RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY],
                            help="level of --new-region (default county)")
        parser.add_argument("--name", default="", help="display name")
        parser.add_argument("--password-stdin", action="store_true", help="read the password from standard input")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["role"] in (Role.UNIT_USER, Role.DEPUTY):
            raise CommandError("unit and deputy accounts are created by staff in the platform, not here")
        if opts["new_region"] is not None:
            if Region.objects.exists():
                raise CommandError("the database already has regions: give --region ID (the top region is "
                                   f"{Region.objects.order_by('depth', 'pk').values_list('pk', flat=True).first()})")
            if not opts["new_region"].strip():
                raise CommandError("--new-region needs a name, e.g. 某某县")
            region = None
        else:
            region = Region.objects.filter(pk=opts["region"]).first()
            if region is None:
                raise CommandError(f"no region with id {opts['region']}")
        if opts["password_stdin"]:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("密码: ")
            if password != getpass.getpass("再次输入: "):
                raise CommandError("两次输入的密码不一致")
        new = region is None
        try:
            with transaction.atomic():  # a refused password leaves no region behind
                if region is None:
                    region = organizations.region_create(actor=None, name=opts["new_region"].strip(),
                                                         level=opts["level"])
                    organizations.congress_create(actor=None, region=region)
                user = services.user_create(actor=None, username=opts["username"], password=password,
                                            role=opts["role"], region=region, display_name=opts["name"])
        except DomainError as exc:
            raise CommandError(f"{exc.message}: {exc.fields}") from None
        except ValidationError as exc:  # the new region's own checks (a name over 100 characters…)
            raise CommandError(f"区域不符合要求: {exc.message_dict}") from None
        if new:
            self.stdout.write(f"created region {region.name} (id {region.pk}) and its people's congress")
        self.stdout.write(f"created {user.username} ({Role(user.role).label}, {region.name})")
        if user.needs_second_factor:
            self.stdout.write("The account enrols its TOTP second factor at its first login.")
