"""The month's hot issues of the townships a staff member sees: what the page 热点问题, its .xlsx export and the API
show.
The county's staff see every township (and street) of the county, a township's staff their own; opinions are read
through the liaison app's scope rule (liaison.selectors.opinions_visible), those not accepted left out."""

from __future__ import annotations

import functools
import hashlib
import io
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from django.db import models
from django.utils import timezone
from openpyxl import Workbook

from renda.core import sheets
from renda.core.errors import Invalid
from renda.insights import history, hot
from renda.insights.archive import FIRST_YEAR
from renda.insights.similar import SIMILAR_MIN, Case, SimilarIndex
from renda.organizations.models import Region, RegionLevel

TOP = 5  # groups shown per township


@dataclass
class TownshipMonth:
    township: Region  # or a county's own level (own_level)
    count: int  # the township's opinions of the month (not those refused)
    issues: list[hot.HotIssue]  # its top groups, hottest first
    opinions: dict[str, Any]  # the opinions by id (as the groups' messages name them)

    @property
    def name(self) -> str:
        return area_name(self.township)


def likely_suggestions(issues: list[hot.HotIssue], suggestions: list[Any], *, places: list[str], k: int = 3
                       ) -> list[list[tuple[Any, float]]]:
    """For each hot issue, the suggestions of `suggestions` (Suggestion rows: title, content, version) most like its
    opinions, best first, with their similarity (similar.SimilarIndex, the region's place names `places` not
    counting as a shared subject): the ones a clerk most likely links the group to, offered first. Only those at
    SIMILAR_MIN or more: one at 6 % shares only the words every letter uses, and was offered first to a township
    clerk before the seventeenth session."""
    if not suggestions or not issues:
        return [[] for _ in issues]
    texts = [f"{s.title} {s.content}" for s in suggestions]  # as history's index reads them, under the same keys
    docs = [history.prepare(("suggestion", s.pk, history.stamp(s)), t) for s, t in zip(suggestions, texts,
                                                                                    strict=True)]
    index = SimilarIndex([Case(id=i, text=t) for i, t in enumerate(texts)], prepared=docs, places=places)
    out = []
    for issue in issues:
        text = " ".join([issue.title, *(m.body for m in issue.messages)])
        matches = index.query(text, k=k, near_duplicate_threshold=1.0)
        out.append([(suggestions[int(m.id)], m.score) for m in matches if m.score >= SIMILAR_MIN])
    return out


LINK_TARGETS = 200  # the newest suggestions a hot issue may be linked to, offered on the page


def link_targets(user: Any) -> list[Any]:
    """The suggestions the user may link a hot issue's opinions to (those the liaison service accepts): those still
    open first, then the finished ones (已办结), newest first in each. The service takes a finished suggestion too
    (its answer reaches the opinions by the next run of the job), but a clerk seldom means to, and dozens of them
    must not crowd out the open ones."""
    from renda.liaison.services.conversion import LINKABLE
    from renda.suggestions import selectors as suggestion_selectors
    from renda.suggestions.models import Status

    finished = models.Case(models.When(status=Status.CLOSED, then=models.Value(1)), default=models.Value(0))
    return list(suggestion_selectors.visible(user=user).filter(status__in=LINKABLE).select_related("congress__region")
                .order_by(finished, "-id")[:LINK_TARGETS])


def likely_per_township(user: Any, rows: list[TownshipMonth], targets: list[Any]
                        ) -> list[list[list[tuple[Any, float]]]]:
    """likely_suggestions for every issue of every township's row (one index for them all), the user's region's
    names as places: [row][issue] → [(suggestion, similarity)]."""
    places = history.region_names(user.region) if getattr(user, "region_id", None) else []
    flat = iter(likely_suggestions([i for row in rows for i in row.issues], targets, places=places))
    return [[next(flat) for _ in row.issues] for row in rows]


FIRST_MONTH = date(FIRST_YEAR, 1, 1)  # no congress had a standing committee to take opinions before 1979


def read_month(value: str) -> date:
    """"2026-05" → 1 May 2026; Invalid (422) otherwise, saying what is wrong: not YYYY-MM, or a month before
    FIRST_MONTH or after next year. Year 0 is no date, the month before January of year 1 none either (the page's
    link back failed on both), and a month years ahead can have no opinions."""
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", value.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise Invalid("月份格式应为 YYYY-MM，如 2026-05", fields={"month": ["格式应为 YYYY-MM"]})
    last = this_month().year + 1  # next year too: a client's clock a little ahead of ours is no error
    if not FIRST_YEAR <= int(m.group(1)) <= last:
        raise Invalid(f"月份应在 {FIRST_YEAR} 年 1 月至 {last} 年 12 月之间",
                      fields={"month": [f"应在 {FIRST_YEAR}-01 至 {last}-12 之间"]})
    return date(int(m.group(1)), int(m.group(2)), 1)


def parse_month(value: str | None) -> date | None:
    """read_month, None for anything it refuses (the page shows this month instead)."""
    try:
        return read_month(value or "")
    except Invalid:
        return None


def next_month(month: date) -> date:
    """The first day of the month after `month` (a first day)."""
    return (month + timedelta(days=32)).replace(day=1)


def previous_month(month: date) -> date | None:
    """The first day of the month before `month` (a first day); None before FIRST_MONTH."""
    return (month - timedelta(days=1)).replace(day=1) if month > FIRST_MONTH else None


def this_month() -> date:
    return timezone.localdate().replace(day=1)


TOWNSHIP_LEVELS = (RegionLevel.TOWNSHIP, RegionLevel.STREET)
OWN_LEVELS = (RegionLevel.COUNTY, RegionLevel.CITY, RegionLevel.PROVINCE)


def townships(user: Any) -> list[Region]:
    """The areas whose hot issues the user sees, in the order of their paths: each township (street) of their
    region, and each county (city, province) of it for the opinions taken at its own level — a county's 代表工作室
    or station sits in the county itself, and its opinions are in no township (a reviewer found three people's
    complaint at the county workroom on no hot page)."""
    region = getattr(user, "region", None)
    if region is None:
        return []
    if region.level in TOWNSHIP_LEVELS:
        return [region]
    return list(Region.objects.filter(path__startswith=region.path, level__in=(*TOWNSHIP_LEVELS, *OWN_LEVELS))
                .order_by("path"))


def own_level(area: Region) -> bool:
    """An area of the opinions taken at a county's (city's, province's) own level, not below it."""
    return area.level not in TOWNSHIP_LEVELS


def area_name(area: Region) -> str:
    return f"{area.name}（本级）" if own_level(area) else area.name


def in_area(area: Region, path: str) -> bool:
    """Whether an opinion of the region at `path` is one of the area's."""
    return path == area.path if own_level(area) else path.startswith(area.path)


def _of_area(area: Region) -> dict[str, str]:
    return {"region__path": area.path} if own_level(area) else {"region__path__startswith": area.path}


# A writer's contact as letters give it, once masked ("我的电话138********", "身份证号：430***************"): left out
# of an opinion's title as the grouping reads it, so that 电话 is no group's keyword (a reviewer's finding), while a
# problem about phones or ID cards ("老人补办身份证要跑县城") keeps its words.
_CONTACT = re.compile(r"(?:我的|本人|联系)?(?:联系方式|联系电话|手机号码?|电话号码?|电话|手机|身份证号?码?)(?:是|为)?"
                      r"[：:\s]*[0-9Xx*\-\s]{6,}")


def message(o: Any) -> hot.Message:
    """An opinion as the hot-issue grouping reads it, its text as a list shows it (core.masking.mask_text): what the
    grouping makes of it (the group's title and keywords, the opinions listed under it) goes to the page, the API
    and the export, and must not carry the writer's name, a phone or an ID number (Opinion.listed_content); the
    phrases that gave the masked contact are left out of its title (_CONTACT), which names the group and gives
    its keywords. Read from Opinion.masked_together, a letter signed by several people and registered once per
    signer shows none of their names in any of its copies."""
    text = o.listed_content
    title = _CONTACT.sub("", text).strip()
    first = title.splitlines()[0] if title else ""
    return hot.Message(id=str(o.pk), title=first[:60], body=text, author=o.phone_hash or f"opinion:{o.pk}",
                       at=o.received_at)


def _month_range(month: date) -> tuple[datetime, datetime]:
    return (timezone.make_aware(datetime.combine(month, time())),
            timezone.make_aware(datetime.combine(next_month(month), time())))


def hottest(user: Any, month: date, n: int) -> list[tuple[hot.HotIssue, Region]]:
    """The month's n hottest groups of all the townships the user sees, with their township: what the home page
    names. One query reads the month's ids and versions; each township's groups come from the cache the hot page
    fills (_groups, the same keys), and only a township whose opinions changed is loaded and grouped again."""
    from renda.liaison import selectors

    start, end = _month_range(month)
    stand = list(selectors.opinions_visible(user=user).filter(received_at__gte=start, received_at__lt=end)
                 .exclude(status="not_accepted").order_by("received_at", "pk")
                 .values_list("pk", "version", "region__path"))
    found: list[tuple[hot.HotIssue, Region]] = []
    for township in townships(user):
        mine = [(pk, version) for pk, version, path in stand if in_area(township, path)]
        issues = _groups(mine, end, functools.partial(_township_month_list, user, township, month))
        found += [(issue, township) for issue in issues[:TOP]]
    return sorted(found, key=lambda pair: -pair[0].heat)[:n]


def hot_month(user: Any, month: date) -> list[TownshipMonth]:
    """Per township the user sees: its opinions of the month and their top groups (hot.hot_issues)."""
    return [_township_month(user, township, month) for township in townships(user)]


def _township_month_opinions(user: Any, township: Region, month: date) -> Any:
    """The township's opinions of the month the user sees, those refused left out, in the order they are grouped."""
    from renda.liaison import selectors

    start, end = _month_range(month)
    return (selectors.opinions_visible(user=user).filter(
        **_of_area(township), received_at__gte=start, received_at__lt=end)
        .exclude(status="not_accepted").order_by("received_at", "pk"))


def _township_month_list(user: Any, township: Region, month: date) -> list[Any]:
    return list(_township_month_opinions(user, township, month))


def _township_month(user: Any, township: Region, month: date) -> TownshipMonth:
    opinions = _township_month_list(user, township, month)
    issues = _groups([(o.pk, o.version) for o in opinions], _month_range(month)[1], lambda: opinions)
    return TownshipMonth(township, len(opinions), issues[:TOP], {str(o.pk): o for o in opinions})


def same_issue(user: Any, opinion: Any) -> tuple[hot.HotIssue | None, list[Any]]:
    """The hot issue of its township and month the opinion is one of, as the hot page groups them (three or more
    people about one problem; any of them, not only the TOP the page shows), and the issue's other opinions the
    user sees: what the opinion's 合并办理 box offers beside the near-duplicates of the same text. (None, []) when
    it is in none. Reads the month's ids and versions only, and the groups from the cache when the month is
    unchanged: the township's opinions themselves (their contact decrypted) are loaded only to group them."""
    month = timezone.localdate(opinion.received_at).replace(day=1)
    township = next((t for t in townships(user) if in_area(t, opinion.region.path)), None)
    if township is None:
        return None, []
    qs = _township_month_opinions(user, township, month)
    issues = _groups(list(qs.values_list("pk", "version")), _month_range(month)[1], lambda: list(qs))
    for issue in issues:
        ids = [int(m.id) for m in issue.messages]
        if opinion.pk in ids:
            others = qs.filter(pk__in=[i for i in ids if i != opinion.pk]).in_bulk()
            return issue, [others[i] for i in ids if i in others]
    return None, []


GROUPS_SECONDS = 3600  # how long a month's groups stay in the cache after they were grouped


@functools.cache
def _grouping_code() -> str:
    """What the groups of the same opinions depend on besides them: the code that reads and groups them (this
    module, hot.py, the text and masking modules) and the segmenter's packages. Part of the cache key, so that
    after a deploy no group made by older code is read from a Redis that outlived it (a masking fix must never be
    undone by the cache, and an entry of a changed class must never be unpickled)."""
    from importlib import metadata

    from renda.core import masking
    from renda.insights import text as textlib

    digest = hashlib.sha256()
    for module in (sys.modules[__name__], hot, textlib, masking):
        digest.update(Path(str(module.__file__)).read_bytes())
    for package in ("rjieba", "jieba"):
        digest.update(metadata.version(package).encode())
    return digest.hexdigest()[:12]


def _groups(stand: list[tuple[int, int]], end: datetime, load: Callable[[], list[Any]]) -> list[hot.HotIssue]:
    """hot.hot_issues of a township's month of opinions (`stand`: their ids and versions in order; `load` gives
    the opinions themselves, called only when they must be grouped), kept in the cache under the opinions as they
    stand: their ids and versions (every change of an opinion raises its version; its text, status and writer are
    what the grouping reads) and the code that groups them. A repeated visit to the page, the API or the export
    reads the groups instead of grouping again (about 0.4 s for a township's 465 opinions); a new or changed
    opinion gives another key. The groups hold the opinions' texts as lists show them (masked, see message())."""
    from django.core.cache import cache

    if not stand:
        return []
    issues = cache.get(_groups_key(stand, end))
    if issues is None:
        from renda.liaison.models import Opinion

        loaded = load()
        opinions = Opinion.masked_together(loaded, copies=False)  # a township's month: the copies are among them
        issues = hot.hot_issues([message(o) for o in opinions], now=end)  # all: the page shows TOP, a box any
        # kept under the opinions grouped, which an opinion saved since `stand` was read makes other than it:
        # under stand's key, the groups named an opinion that a refusal later took out of a list with that key
        # again, and the page failed (a reviewer's finding)
        cache.set(_groups_key([(o.pk, o.version) for o in loaded], end), issues, GROUPS_SECONDS)
    return issues


def _groups_key(stand: list[tuple[int, int]], end: datetime) -> str:
    digest = hashlib.sha256(",".join(f"{pk}.{version}" for pk, version in stand).encode()).hexdigest()[:32]
    return f"insights:hot_groups:{_grouping_code()}:{end:%Y-%m-%d}:{digest}"


def workbook(rows: list[TownshipMonth], month: date) -> bytes:
    """The month's hot issues as an .xlsx workbook: a sheet of the issues per township, a sheet of their opinions.
    Every text is stored as text (core.sheets): an opinion typed on the portal as "=HYPERLINK(…)" is no formula."""
    book = Workbook(write_only=True)
    issues = book.create_sheet("热点问题")
    detail = book.create_sheet("意见")
    for sheet, widths in ((issues, [14, 10, 6, 40, 8, 8, 8, 12, 12, 20, 24]), (detail, [14, 6, 40, 18, 17, 10, 80])):
        for k, width in enumerate(widths):
            sheet.column_dimensions[chr(ord("A") + k)].width = width
    issues.append([f"{month.year}年{month.month}月热点问题（热度 = 反映人数等按时间衰减，见平台“热点问题”页面的说明）"])
    issues.append(["乡镇（街道）", "当月意见条数", "排名", "问题", "热度", "反映人数", "意见条数", "首次反映",
                   "最近反映", "地点", "关键词"])
    # the opinion's number on the platform, not its tracking code: a code lets whoever holds it follow the opinion
    # on the public portal, and an exported file travels
    detail.append(["乡镇（街道）", "排名", "问题", "意见编号", "登记时间", "状态",
                   "内容（反映人姓名、电话、身份证号已遮盖）"])
    for row in rows:
        name = row.name
        if not row.issues:
            issues.append(sheets.row(issues, [name, row.count, "", "当月没有三人以上反映的同一问题"]))
        for rank, issue in enumerate(row.issues, start=1):
            title = issue.title  # made of its opinions' texts as message() masked them
            issues.append(sheets.row(issues, [
                name, row.count, rank, title, round(issue.heat, 1), issue.people, len(issue.messages),
                timezone.localtime(issue.first_at).strftime("%Y-%m-%d"),
                timezone.localtime(issue.last_at).strftime("%Y-%m-%d"), "、".join(issue.places),
                "、".join(issue.keywords)]))
            for m in issue.messages:
                o = row.opinions[m.id]
                detail.append(sheets.row(detail, [
                    name, rank, title, o.pk, timezone.localtime(o.received_at).strftime("%Y-%m-%d %H:%M"),
                    o.get_status_display(), m.body]))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
