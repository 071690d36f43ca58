"""The audit administrator's viewer of the audit log: filter, read before → after, export (itself audited).

Only the audit administrator reaches these pages (三员分立: the system and security administrators cannot read
the log, and nobody can change it here — there is no write besides the export's own entry).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from renda.core import audit, settings_registry
from renda.core.access import page
from renda.core.errors import Invalid
from renda.core.forms import AuditFilterForm
from renda.core.models import AuditEntry
from renda.core.roles import Role

PAGE_SIZE = 50
EXPORT_LIMIT = 100_000
EMPTY = "（空）"

# Chinese names of the actions written so far; an unknown code falls back to its verb, then to the code.
ACTION_LABELS = {
    "auth.login": "登录", "auth.login_failed": "登录失败", "auth.otp_verified": "动态口令验证通过",
    "auth.otp_failed": "动态口令错误", "auth.otp_enrolled": "绑定动态口令", "auth.token_issued": "签发接口令牌",
    "setting.change": "修改参数", "term.open": "开启新一届", "user.password_set": "重设密码",
    "audit.export": "导出审计日志",
}
VERB_LABELS = {
    "create": "新建", "change": "修改", "update": "修改", "delete": "删除", "remove": "移除", "open": "开启",
    "close": "关闭", "reveal": "查看完整个人信息", "export": "导出", "import": "导入", "submit": "提交",
    "assign": "交办", "reply": "答复", "approve": "批准", "reject": "退回",
}
OBJECT_LABELS = {"body_member": "机构成员", "unit": "承办单位", "setting": "参数", "user": "用户"}


def action_label(code: str) -> str:
    if code in ACTION_LABELS:
        return ACTION_LABELS[code]
    thing, _, verb = code.rpartition(".")
    if verb in VERB_LABELS:
        return VERB_LABELS[verb] + (OBJECT_LABELS.get(thing, "") if thing else "")
    return code


def role_label(code: str) -> str:
    return Role(code).label if code in Role.values else code


def _model(object_type: str) -> Any:
    try:
        return apps.get_model(object_type) if "." in object_type else None
    except LookupError:
        return None


def object_type_label(object_type: str) -> str:
    model = _model(object_type)
    return str(model._meta.verbose_name) if model is not None else object_type


def _field(model: Any, name: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _field_label(model: Any, name: str) -> str:
    field = _field(model, name)
    if field is not None and getattr(field, "verbose_name", None):
        return str(field.verbose_name)
    try:
        return settings_registry.spec(name).label
    except KeyError:
        return name


def _text(value: Any, choices: dict[Any, str] | None = None) -> str:
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, bool):
        return "是" if value else "否"
    if choices and value in choices:
        return f"{choices[value]}"
    if isinstance(value, list):
        return "、".join(_text(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str
    changed: bool


def _load(raw: str) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def changes(entry: AuditEntry) -> list[Change]:
    """before → after as rows a person can read: field names and choice values in Chinese."""
    before, after = _load(entry.before), _load(entry.after)
    if before is None and after is None:
        return []
    model = _model(entry.object_type)
    if not isinstance(before, dict | None) or not isinstance(after, dict | None):
        return [Change("值", _text(before), _text(after), before != after)]
    before, after = before or {}, after or {}
    rows = []
    for name in sorted(before.keys() | after.keys()):
        field = _field(model, name)
        choices = dict(field.choices) if field is not None and getattr(field, "choices", None) else None
        b = _text(before.get(name), choices) if name in before else "—"
        a = _text(after.get(name), choices) if name in after else "—"
        rows.append(Change(_field_label(model, name), b, a, before.get(name) != after.get(name)))
    return rows


def changes_text(entry: AuditEntry) -> str:
    return "；".join(f"{c.label}：{c.before} → {c.after}" for c in changes(entry))


def local_time(entry: AuditEntry, sep: str = " ") -> str:
    """The entry's time in the platform's zone, with the offset written out."""
    return timezone.localtime(entry.at).isoformat(sep=sep, timespec="seconds")


def filtered_entries(form: AuditFilterForm) -> QuerySet[AuditEntry]:
    """The log narrowed by a valid filter form, newest first."""
    qs = AuditEntry.objects.order_by("-seq")
    data = form.cleaned_data
    start, end = form.time_range()
    if start:
        qs = qs.filter(at__gte=start)
    if end:
        qs = qs.filter(at__lt=end)
    if data.get("user"):
        qs = qs.filter(actor_username__iexact=data["user"].strip())
    if data.get("role"):
        qs = qs.filter(actor_role=data["role"])
    if data.get("action"):
        action = data["action"].strip()
        prefix = action if action.endswith(".") else action + "."
        qs = qs.filter(Q(action=action) | Q(action__startswith=prefix))
    if data.get("object_type"):
        qs = qs.filter(object_type=data["object_type"])
    if data.get("object_id"):
        qs = qs.filter(object_id=data["object_id"].strip())
    if data.get("q"):
        text = data["q"].strip()
        qs = qs.filter(Q(actor_username__icontains=text) | Q(object_repr__icontains=text)
                       | Q(ip__icontains=text) | Q(action__icontains=text) | Q(before__icontains=text)
                       | Q(after__icontains=text) | Q(object_id=text))
    return qs


def _filter_form(request: HttpRequest) -> AuditFilterForm:
    types = AuditEntry.objects.exclude(object_type="").order_by("object_type").values_list(
        "object_type", flat=True).distinct()
    return AuditFilterForm(request.GET, object_types=[(t, f"{object_type_label(t)}（{t}）") for t in types])


@page(Role.AUDIT_ADMIN)
def audit_list(request: HttpRequest) -> HttpResponse:
    form = _filter_form(request)
    entries = filtered_entries(form) if form.is_valid() else AuditEntry.objects.none()
    page_obj = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"entry": e, "at": local_time(e), "at_iso": local_time(e, "T"), "action": action_label(e.action),
             "role": role_label(e.actor_role),
             "object_type": object_type_label(e.object_type), "changes": changes(e)} for e in page_obj]
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "core/audit_list.html",
                  {"form": form, "page_obj": page_obj, "rows": rows, "query": params.urlencode()})


COLUMNS = ["序号", "时间", "用户", "角色", "IP", "操作", "操作代码", "对象类型", "对象编号", "对象", "变更内容",
           "变更前（原始）", "变更后（原始）", "哈希"]


def _export_row(e: AuditEntry) -> list[Any]:
    return [e.seq, local_time(e), e.actor_username, role_label(e.actor_role), e.ip, action_label(e.action), e.action,
            object_type_label(e.object_type), e.object_id, e.object_repr, changes_text(e), e.before, e.after,
            e.hash]


def _spreadsheet_safe(value: Any) -> Any:
    """A text that a spreadsheet would run as a formula is kept as text (a failed login's user name is typed by
    anyone)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _csv(rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows([[_spreadsheet_safe(v) for v in row] for row in rows])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8


def _xlsx(rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    from renda.core import sheets

    book = Workbook(write_only=True)
    sheet = book.create_sheet("审计日志")
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append(sheets.row(sheet, row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


EXPORT_TYPES = {
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _xlsx),
    "csv": ("text/csv; charset=utf-8", _csv),
}


@page(Role.AUDIT_ADMIN)
def audit_export(request: HttpRequest) -> HttpResponse:
    fmt = request.GET.get("format", "xlsx")
    if fmt not in EXPORT_TYPES:
        raise Invalid("导出格式只能是 xlsx 或 csv", fields={"format": ["不支持的格式"]})
    form = _filter_form(request)
    if not form.is_valid():
        raise Invalid("筛选条件有误，无法导出", fields={k: [str(m) for m in v] for k, v in form.errors.items()})
    with transaction.atomic():
        entries = list(filtered_entries(form)[:EXPORT_LIMIT + 1])
        if len(entries) > EXPORT_LIMIT:
            raise Invalid(f"符合条件的记录超过 {EXPORT_LIMIT} 条，请缩小时间范围或增加筛选条件后再导出")
        audit.record(actor=request.user, action="audit.export", object_type="core.auditentry",
                     object_repr="审计日志导出",
                     after={"format": fmt, "filters": form.active_filters(),
                            "rows": len(entries)})
    content_type, build = EXPORT_TYPES[fmt]
    response = HttpResponse(build([_export_row(e) for e in entries]), content_type=content_type)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.{fmt}"'
    return response
