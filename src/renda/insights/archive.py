"""往年案例导入: a congress's suggestions or opinions of the years before the platform, from its ledger (台账, an
.xlsx workbook or a CSV file), so that a congress that starts using the platform has its own labelled history from
the first day — the category and unit models learn from it (history.category_labels / unit_labels) and staff of
the congress's region see the cases, with their replies, among the similar cases.

Columns are found by their names (COLUMNS), in a header that may have a title line above it (the platform's own
台账 export imports as it is): a title or a content, and a 领域分类 or a 主办单位 — a row with neither cannot
teach anything. Each row is checked:

  * the category must be one of the congress's categories (org.categories [setting]);
  * the unit must be a handling unit that serves the congress (organizations.services.unit_serves), by its name,
    or else by one of its other names (曾用名、简称: a ledger of before a reorganisation names the unit as it was
    then); the result says which names were taken for which unit;
  * the year comes from a 年度 column, else from a date column (立案日期 …), else from the year chosen on import;
  * a row that repeats an earlier row, or a case imported before, is not imported twice: the same year, number,
    title and content (the same suggestion raised again in a later year is another case, with its own reply);
  * a cell holding an Excel error (#N/A, #REF! …) refuses its row, naming the column: it is no text to learn from.

Bad rows are reported by line and reason. The clerk chooses: import the good rows (the default) or none while any
row is bad. One import is one audit entry (who, when, the file, how many rows, which lines were refused), and can be
deleted as a whole (audited too). Either retrains the congress's models after the commit.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from renda.core import audit
from renda.core.errors import Forbidden, Invalid
from renda.insights import tables
from renda.insights.models import ArchivedCase, ArchiveImport, ArchiveKind
from renda.organizations.models import Congress, HandlingUnit
from renda.organizations.services import congress_categories, may_change_settings, units_serving

COLUMNS: dict[str, tuple[str, ...]] = {
    "number": ("编号", "原编号", "建议编号", "意见编号", "留言编号", "案号"),
    "title": ("标题", "建议标题", "意见标题", "案由", "留言主题", "主题"),
    "content": ("内容", "建议内容", "意见内容", "正文", "具体内容", "留言详情", "详情"),
    "category": ("领域分类", "分类", "一级分类", "一级标签"),
    "unit": ("主办单位", "承办单位", "办理单位", "交办单位"),
    # not 办理结果: in most ledgers, the platform's export too, it holds the class of the outcome (A/B/C/D), not
    # what was done
    "reply": ("答复内容", "答复意见", "答复", "办理情况", "答复情况", "办理答复"),
    "year": ("年度", "年份"),
    "date": ("立案日期", "提出日期", "提交日期", "交办日期", "留言时间", "受理日期", "日期"),
}
MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
MAX_CONTENT = 20_000
FIRST_YEAR = 1979  # the local congresses' standing committees were set up under the 1979 law
MAX_ERRORS_SHOWN = 500


@dataclass(frozen=True)
class RowError:
    line: int
    reason: str


@dataclass
class ArchiveResult:
    batch: ArchiveImport | None  # None when nothing was imported
    imported: int
    rows: int  # data rows in the file
    errors: list[RowError] = field(default_factory=list)
    years: dict[int, int] = field(default_factory=dict)
    other_names: dict[str, tuple[str, int]] = field(default_factory=dict)  # name in the file → (unit, rows)


def _norm(name: str) -> str:
    return re.sub(r"[\s*＊:：]", "", name)


def _columns(header: Any) -> dict[str, str]:
    """field → the file's column name, the first alias found of each field."""
    by_norm = {_norm(h): h for h in header}
    found = {}
    for name, aliases in COLUMNS.items():
        for alias in aliases:
            if alias in by_norm:
                found[name] = by_norm[alias]
                break
    return found


def _same_text(text: str) -> str:
    """The text without white space: how the import tells one case from another."""
    return re.sub(r"\s+", "", text)


def digest(kind: str, year: int, number: str, title: str, content: str) -> str:
    """What tells one past case from another (migration 0002 computes it the same way for cases imported before)."""
    compact = _same_text(f"{title}\x00{content}")
    return hashlib.sha256(f"{kind}\x00{year}\x00{number.strip()}\x00{compact}".encode()).hexdigest()


@dataclass
class UnitNames:
    """The handling units that serve a congress (organizations.services.units_serving) by their current names and
    by their other names (曾用名、简称), spaces removed. A current name wins over another unit's former name."""

    current: dict[str, list[HandlingUnit]]
    other: dict[str, list[HandlingUnit]]

    @classmethod
    def of(cls, congress: Congress) -> UnitNames:
        current: dict[str, list[HandlingUnit]] = {}
        other: dict[str, list[HandlingUnit]] = {}
        for unit in units_serving(congress):
            current.setdefault(_norm(unit.name), []).append(unit)
            for name in unit.names()[1:]:
                other.setdefault(_norm(name), []).append(unit)
        return cls(current, other)

    def find(self, name: str) -> tuple[list[HandlingUnit], bool]:
        """The units the name may mean, and whether it is one of their other names."""
        key = _norm(name)
        if key in self.current:
            return self.current[key], False
        return self.other.get(key, []), True


EXCEL_ERRORS = frozenset({"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NULL!", "#NUM!", "#SPILL!", "#CALC!",
                           "#GETTING_DATA"})
def _year(value: str, *, serial: date | None = None) -> int | None:
    """The year a 年度 or date cell names. `serial`, for a date column, is the day the workbook counts dates from
    (tables.Rows.day_zero): a number of five digits there is the day count Excel keeps for a date (45047 =
    2023-05-01 in the 1900 system): a cell in a Chinese date format such as "2023年5月1日" (Excel's built-in formats
    27–36 and 50–58, whose pattern the file does not spell out) reaches us as that number."""
    value = (value or "").strip()
    if serial is not None and (m := re.fullmatch(r"(\d{5})(?:\.\d+)?", value)):
        return (serial + timedelta(days=int(m.group(1)))).year
    m = re.match(r"(\d{4})", value)
    return int(m.group(1)) if m else None


@dataclass
class _Checker:
    congress: Congress
    kind: str
    columns: dict[str, str]
    default_year: int | None
    categories: list[str]  # the congress's own order, for the message
    units: UnitNames
    existing: set[str]
    on_platform: dict[tuple[int, str], str] = field(default_factory=dict)  # (year, title or content) → number
    seen: dict[str, int] = field(default_factory=dict)
    other_names: Counter[tuple[str, str]] = field(default_factory=Counter)  # (name in the file, unit) → rows
    day_zero: date = date(1899, 12, 30)  # the day the workbook's date counts start from (tables.Rows)

    def get(self, row: dict[str, str], name: str) -> str:
        column = self.columns.get(name)
        return (row.get(column) or "").strip() if column else ""

    def check(self, line: int, row: dict[str, str]) -> tuple[ArchivedCase | None, list[str]]:
        title, content = self.get(row, "title"), self.get(row, "content")
        category, unit_name, number = self.get(row, "category"), self.get(row, "unit"), self.get(row, "number")
        reasons = [f"“{self.columns[name]}”列是 Excel 的错误值 {self.get(row, name)}，请在表中改成内容后再导入"
                   for name in self.columns if self.get(row, name).upper() in EXCEL_ERRORS]
        if not title and not content:
            reasons.append("标题和内容都是空的")
        if len(title) > 300:
            reasons.append(f"标题有 {len(title)} 字，超过 300 字")
        if len(content) > MAX_CONTENT:
            reasons.append(f"内容有 {len(content)} 字，超过 {MAX_CONTENT} 字")
        if len(number) > 50:
            reasons.append("编号超过 50 字")
        year = self.year(row, reasons)
        if category and category not in self.categories:
            reasons.append(f"领域分类“{category}”不在本级人大设定的分类中（{'、'.join(self.categories)}）")
        unit, other_name = None, False
        if unit_name:
            same, other_name = self.units.find(unit_name)
            if not same:
                reasons.append(f"主办单位“{unit_name}”不是本级人大的承办单位：请先在承办单位中添加，或改成现在的单位名称，"
                               "或把它登记为现在单位的曾用名、简称")
            elif len(same) > 1:
                what = "个单位的曾用名或简称" if other_name else "个同名单位"
                names = "、".join(u.name for u in same)
                reasons.append(f"主办单位“{unit_name}”是 {len(same)} {what}（{names}），无法确定是哪一个")
            else:
                unit = same[0]
        if not category and not unit_name:
            reasons.append("领域分类和主办单位都是空的，这一条无法用于学习")
        key = digest(self.kind, year or 0, number, title, content)
        if not reasons:
            if key in self.seen:
                reasons.append(f"与第 {self.seen[key]} 行重复")
            elif key in self.existing:
                reasons.append("这一条以前已经导入过")
            elif year is not None and (found := self.on_platform.get((year, _same_text(title or content)))) is not None:
                reasons.append(f"平台上已有 {year} 年的这条建议（{found or '未编号'}），不必作为往年案例导入")
        if reasons:
            return None, reasons
        self.seen[key] = line
        if unit is not None and other_name:
            self.other_names[(unit_name, unit.name)] += 1
        assert year is not None
        return ArchivedCase(congress=self.congress, kind=self.kind, year=year, number=number, title=title,
                            content=content, category=category, unit=unit, reply=self.get(row, "reply"),
                            digest=key), []

    def year(self, row: dict[str, str], reasons: list[str]) -> int | None:
        serial = None
        if raw := self.get(row, "year"):
            where = f"年度“{raw}”"
        elif raw := self.get(row, "date"):
            where, serial = f"日期“{raw}”", self.day_zero
        elif self.default_year is not None:
            raw, where = str(self.default_year), "导入时选择的年度"
        else:
            reasons.append("没有年度：请填写“年度”或日期列，或在导入时选择年度")
            return None
        year, this_year = _year(raw, serial=serial), timezone.localdate().year
        if year is None or not FIRST_YEAR <= year <= this_year:
            reasons.append(f"{where}不是 {FIRST_YEAR} 至 {this_year} 年之间的年份")
            return None
        return year


def on_platform(congress: Congress, kind: str) -> dict[tuple[int, str], str]:
    """The congress's suggestions filed on the platform (not drafts), by year and title and by year and content
    (spaces removed), with their numbers: a ledger row that is one of them (the platform's own 台账 export imported
    back) would teach the models the same case twice and show it twice among similar cases."""
    if kind != ArchiveKind.SUGGESTION:
        return {}
    from renda.suggestions.models import Status, Suggestion

    found: dict[tuple[int, str], str] = {}
    rows = (Suggestion.objects.filter(congress=congress).exclude(status=Status.DRAFT)
            .values_list("year", "title", "content", "number"))
    for year, title, content, number in rows.iterator():
        for text in filter(None, (_same_text(title), _same_text(content))):
            found.setdefault((year, text), number)
    return found


def _retrain_after_commit(congress: Congress) -> None:
    from renda.insights.jobs import retrain_congress

    for kind in ("category", "unit"):
        transaction.on_commit(functools.partial(retrain_congress.enqueue, congress.pk, kind))


def refuse_large(size: int | None) -> None:
    """Before an upload is read: a file over MAX_BYTES is refused (Invalid)."""
    if size and size > MAX_BYTES:
        raise Invalid(f"文件超过 {MAX_BYTES // 1024 // 1024} MB，请分成几个文件导入", fields={"file": ["文件太大"]})


def archive_import(*, actor: Any, congress: Congress, kind: str, data: bytes, file_name: str,
                   default_year: int | None = None, all_or_nothing: bool = False) -> ArchiveResult:
    """Import the ledger in `data` as the congress's past cases of `kind` (see the module's text). Raises Invalid
    when the file as a whole cannot be used; bad rows are in the result, not raised."""
    if not may_change_settings(user=actor, congress=congress):
        raise Forbidden("只有本级人大的工作人员可以导入往年案例")
    if kind not in ArchiveKind.values:
        raise Invalid("未知的案例类型", fields={"kind": ["请选择代表建议或群众意见"]})
    if not data:
        raise Invalid("文件是空的，请选择台账文件", fields={"file": ["文件是空的"]})
    refuse_large(len(data))
    if default_year is not None and not FIRST_YEAR <= default_year <= timezone.localdate().year:
        message = f"年度应在 {FIRST_YEAR} 至 {timezone.localdate().year} 年之间"
        raise Invalid(message, fields={"year": [message]})
    try:
        rows = tables.numbered_rows(data, known={a for aliases in COLUMNS.values() for a in aliases})
    except tables.TableError as e:
        message = "文件无法读取：请上传 Excel .xlsx 文件或 CSV 文件（UTF-8 或 GBK 编码）；.xls 请先另存为 .xlsx"
        if e.line is not None:
            message = (f"文件读到第 {e.line} 行时无法继续读取（文件可能已损坏）："
                       "请在 Excel 或 WPS 中打开，另存为 .xlsx 后再导入")
        raise Invalid(message, fields={"file": [message]}) from None
    if not rows:
        raise Invalid("文件中只有表头或什么也没有，没有可导入的行", fields={"file": ["没有数据行"]})
    if len(rows) > MAX_ROWS:
        raise Invalid(f"文件有 {len(rows)} 行，一次最多导入 {MAX_ROWS} 行，请分成几个文件",
                      fields={"file": ["行数太多"]})
    columns = _columns(rows[0][1].keys())
    missing = []
    if "title" not in columns and "content" not in columns:
        missing.append(f"标题或内容（列名如：{'、'.join(COLUMNS['title'][:3] + COLUMNS['content'][:3])}）")
    if "category" not in columns and "unit" not in columns:
        missing.append(f"领域分类或主办单位（列名如：{'、'.join(COLUMNS['category'][:2] + COLUMNS['unit'][:2])}）")
    if missing:
        message = "找不到这些列：" + "；".join(missing)
        raise Invalid(message, fields={"file": [message]})
    checker = _Checker(congress=congress, kind=kind, columns=columns, default_year=default_year,
                       categories=congress_categories(congress), units=UnitNames.of(congress),
                       existing=_imported_before(congress, kind), on_platform=on_platform(congress, kind),
                       day_zero=rows.day_zero)
    checked: list[tuple[int, ArchivedCase]] = []
    errors: list[RowError] = []
    for line, row in rows:
        case, reasons = checker.check(line, row)
        if case is None:
            errors.append(RowError(line, "；".join(reasons)))
        else:
            checked.append((line, case))
    with transaction.atomic():
        # one import of a congress's cases at a time (a second click on 导入, two clerks with one ledger): the second
        # waits here, then finds the first one's cases among those imported before. The rows are checked before
        # (seconds for a large ledger, which must not hold the lock: on SQLite every writer of the site waits).
        Congress.objects.select_for_update().filter(pk=congress.pk).first()
        now_there = _imported_before(congress, kind) - checker.existing
        good = [case for _line, case in checked if case.digest not in now_there]
        errors = sorted(errors + [RowError(line, "这一条以前已经导入过") for line, case in checked
                                  if case.digest in now_there], key=lambda e: e.line)
        return _store(actor=actor, congress=congress, kind=kind, good=good, errors=errors, rows=len(rows),
                      checker=checker, file_name=file_name, all_or_nothing=all_or_nothing)


def _imported_before(congress: Congress, kind: str) -> set[str]:
    return set(ArchivedCase.objects.filter(congress=congress, kind=kind).values_list("digest", flat=True))


def _store(*, actor: Any, congress: Congress, kind: str, good: list[ArchivedCase], errors: list[RowError],
           rows: int, checker: _Checker, file_name: str, all_or_nothing: bool) -> ArchiveResult:
    years = dict(sorted(Counter(c.year for c in good).items()))
    other_names = {name: (unit, n) for (name, unit), n in sorted(checker.other_names.items())}
    result = ArchiveResult(batch=None, imported=0, rows=rows, errors=errors, years=years,
                           other_names=other_names)
    if not good or (errors and all_or_nothing):
        return result
    batch = ArchiveImport.objects.create(congress=congress, kind=kind, file_name=file_name[:200],
                                         imported_by=actor if getattr(actor, "pk", None) else None,
                                         rows=len(good), skipped=len(errors))
    for case in good:
        case.batch = batch
    ArchivedCase.objects.bulk_create(good, batch_size=1000)
    audit.record(actor=actor, action="insights.archive_import", obj=batch, after={
        "congress": congress.pk, "kind": kind, "file": batch.file_name, "rows": len(good),
        "years": {str(y): n for y, n in years.items()}, "skipped": len(errors),
        "skipped_lines": [e.line for e in errors[:MAX_ERRORS_SHOWN]],
        "other_names": {name: unit for name, (unit, _n) in other_names.items()}})
    _retrain_after_commit(congress)
    result.batch, result.imported = batch, len(good)
    return result


def archive_delete(*, actor: Any, batch: ArchiveImport) -> int:
    """Delete one import with its cases; the number of cases deleted."""
    congress = batch.congress
    if not may_change_settings(user=actor, congress=congress):
        raise Forbidden("只有本级人大的工作人员可以删除导入的往年案例")
    with transaction.atomic():
        count = batch.cases.count()
        audit.record(actor=actor, action="insights.archive_delete", obj=batch, before={
            "congress": congress.pk, "kind": batch.kind, "file": batch.file_name, "rows": count,
            "imported_at": batch.imported_at.isoformat()})
        batch.delete()
        _retrain_after_commit(congress)
    return count


def congresses_managed(*, user: Any) -> list[Congress]:
    """The congresses whose archive the user may change (the settings rule, may_change_settings)."""
    from renda.organizations import selectors

    return [c for c in selectors.congresses_visible(user=user) if may_change_settings(user=user, congress=c)]


def imports_visible(*, user: Any) -> Any:
    """The imports of the congresses whose archive the user may change."""
    return ArchiveImport.objects.filter(congress__in=[c.pk for c in congresses_managed(user=user)]).select_related(
        "congress", "imported_by")


def visible_to(*, user: Any, congress: Congress) -> bool:
    """Whether the user sees the congress's past cases among similar cases: staff whose region holds the
    congress's region (a township clerk does not see the county's archive, which covers every township; deputies
    and units see their own work only)."""
    from renda.core.roles import Role

    region = getattr(user, "region", None)
    return (getattr(user, "role", None) in (Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF) and region is not None
            and congress.region.is_within(region))
