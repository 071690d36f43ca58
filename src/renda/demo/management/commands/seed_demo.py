"""`manage.py seed_demo`: load the demo county 示范县 once, then print the demo logins (on every run)."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from renda.accounts.models import User
from renda.core.roles import Role
from renda.demo import seed
from renda.liaison.codes import format_code


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


class Command(BaseCommand):
    help = "载入演示县“示范县”（已存在则不作改动）并列出演示账户 / Load the demo county and print its logins."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--seed", type=int, default=seed.SEED, help="random seed (default %(default)s)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = seed.seed_demo(seed=options["seed"])
        except seed.DemoNotAllowed as exc:
            raise CommandError(exc.message) from None
        if report.created:
            self.stdout.write(self.style.SUCCESS(f"已载入演示县“示范县”，用时 {report.seconds:.1f} 秒 / "
                                                 f"demo county loaded in {report.seconds:.1f} s"))
            self.stdout.write("  " + "，".join(f"{k} {v}" for k, v in report.counts.items()))
        else:
            self.stdout.write("演示县“示范县”已存在，未作改动 / the demo county exists already: nothing was changed")
        self.print_logins()

    def print_logins(self) -> None:
        rows = seed.login_rows()
        self.stdout.write("")
        self.stdout.write(f"演示账户 demo logins — 密码均为 password: {seed.DEMO_PASSWORD}")
        header = ("用户名", "角色", "区域 / 单位", "动态口令密钥 TOTP secret (base32)")
        widths = (12, 18, 40)
        self.stdout.write("  " + "".join(_pad(h, w) for h, w in zip(header, widths, strict=False)) + header[3])
        for r in rows:
            if r["missing"]:
                self.stdout.write(f"  {_pad(r['username'], 12)}（缺失 missing）")
                continue
            cells = (r["username"], r["role"], r["where"])
            self.stdout.write("  " + "".join(_pad(c, w) for c, w in zip(cells, widths, strict=True)) + r["totp"])
        deputies = User.objects.filter(role=Role.DEPUTY, person__isnull=False).exclude(username="deputy")
        sample = list(deputies.select_related("person", "region").order_by("pk")[:3])
        examples = "、".join(f"{u.username}（{u.person.name}，{u.region.name if u.region else ''}）"
                            for u in sample if u.person)
        self.stdout.write(f"  另有 {deputies.count()} 个代表账户：用户名为姓名拼音，重名依次加 2、3…，密码同上；"
                          f"例如 {examples}")
        units = User.objects.filter(role=Role.UNIT_USER, username__startswith="unit_").order_by("pk")
        sample_units = "、".join(f"{u.username}（{u.unit.name if u.unit else ''}）"
                                 for u in units.select_related("unit")[:2])
        if sample_units:
            self.stdout.write(f"  另有 {units.count()} 个承办单位账户：unit_ 加单位名称拼音，密码同上；"
                              f"例如 {sample_units}")
        self.stdout.write("  管理员登录后须输入动态口令：把上面的密钥加入身份验证器应用（TOTP，30 秒，6 位）。")
        codes = seed.portal_codes()
        if codes:
            listed = "；".join(f"{format_code(code)}（{label}）" for label, code in codes)
            self.stdout.write(f"  公众门户 /portal/ 可用查询码 tracking codes: {listed}")
