"""Check the audit log's hash chain: `manage.py audit_verify` exits 0 when it holds, 1 naming the first broken
entry (its sequence number and why) when it does not."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from renda.core.audit import verify_chain


class Command(BaseCommand):
    help = "校验审计日志的哈希链；链断裂时指出第一条出问题的条目并以状态 1 退出。"

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        if not report.ok:
            raise CommandError(
                f"审计链断裂：第一条出问题的条目序号 {report.first_broken_seq}（此前 {report.checked} 条完好）。"
                f"{report.reason}",
                returncode=1,
            )
        self.stdout.write(f"审计链完整：{report.checked} 条")
