"""Pages and htmx partials of the text engine: the assistant beside the suggestion and opinion forms, the reply
advice beside a unit's reply form, the hot-issue page of the county and of each township, the import of past
cases (往年案例) from a congress's ledgers, and the models' status page (智能辅助)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.core.validators import MaxValueValidator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from renda.core.access import page
from renda.core.errors import DomainError, NotFound
from renda.core.params import is_number, number
from renda.core.roles import Role
from renda.insights import archive, assistant, hot, monthly, services
from renda.insights.models import ArchiveKind
from renda.organizations.models import Congress, RegionLevel

STAFF = assistant.STAFF


@page(Role.DEPUTY, *STAFF)
@require_POST
def assist(request: HttpRequest) -> HttpResponse:
    """htmx: what the engine proposes for the text being typed (category, handling unit, similar past cases)."""
    user: Any = request.user
    data = request.POST
    text = " ".join(v.strip() for v in (data.get("title", ""), data.get("content", "")) if v and v.strip())
    congress_id = data.get("insights_congress") or data.get("congress")
    context: dict[str, Any] = {"text_too_short": len(text) < assistant.MIN_CHARS}
    if not congress_id or context["text_too_short"]:
        return render(request, "insights/_assist.html", context)
    congress = assistant.access_congress(user=user, congress_id=congress_id)
    editing = data.get("insights_exclude", "")
    answer = assistant.propose_as_shown(user=user, congress=congress, text=text, exclude_suggestion=number(editing))
    similar = answer.similar
    context.update({
        "category": answer.category, "unit": answer.unit, "unit_name": answer.unit_name,
        "unit_instead": answer.unit_instead,
        "similar": similar,
        "near_duplicates": sum(c.match.near_duplicate for c in similar if c.source in ("suggestion", "opinion")),
        "no_history": answer.no_history,
        "may_import": getattr(user, "role", None) in STAFF,  # staff can give the congress its past years' history
    })
    return render(request, "insights/_assist.html", context)


@page(Role.UNIT_USER, *STAFF)
@require_POST
def reply_advice(request: HttpRequest, suggestion_id: int) -> HttpResponse:
    """htmx: advice on a draft reply to a suggestion (relevance, completeness, reasons, on time) — shown, never
    blocking."""
    from renda.suggestions import selectors

    s = selectors.access_suggestion_by_id(user=request.user, suggestion_id=suggestion_id)
    # the form's 办理结果 as chosen so far, checked against what the reply says
    return _advice(request, result_class=request.POST.get("result_class", ""), **assistant.suggestion_question(s))


@page(Role.UNIT_USER, *STAFF)
@require_POST
def opinion_reply_advice(request: HttpRequest, opinion_id: int) -> HttpResponse:
    """htmx: the same advice on a draft reply to a constituent's opinion, timed against its 有诉必复 deadline."""
    from renda.liaison import selectors

    o = selectors.access_opinion_by_id(user=request.user, opinion_id=opinion_id)
    return _advice(request, **assistant.opinion_question(o))


def _advice(request: HttpRequest, *, result_class: str = "", **question: Any) -> HttpResponse:
    draft = request.POST.get("text", "")
    if not draft.strip():  # "已收到" is three characters, and the reply most in need of advice
        return render(request, "insights/_reply_advice.html", {"review": None})
    return render(request, "insights/_reply_advice.html",
                  {"review": assistant.check_draft(draft, **question, result_class=result_class)})


# --- hot issues -------------------------------------------------------------------------------------------------


def _month(value: str | None) -> date:
    """The month asked for; this month when none is, when the value is no month the platform knows (not YYYY-MM,
    or before monthly.FIRST_MONTH: "0000-01" is no date at all, and failed the page), or when it is one to come (it
    has no opinions yet)."""
    asked, now = monthly.parse_month(value), monthly.this_month()
    return min(asked, now) if asked else now


@dataclass
class HotCard:
    """A hot issue on the page, with the suggestions it may be linked to: the most similar first."""

    issue: hot.HotIssue
    likely: list[tuple[Any, float]]
    others: list[Any]  # the other suggestions still open
    finished: list[Any] = field(default_factory=list)  # … and those finished (已办结), offered last
    linkable: list[Any] = field(default_factory=list)  # its opinions that may still become a suggestion (已受理)
    # suggestions its opinions went to, with how many, and whether the user may open it (a township clerk may not
    # open the county congress's suggestion their opinions went to: it is named, not linked)
    linked: list[tuple[Any, int, bool]] = field(default_factory=list)
    waiting: int = 0  # its opinions registered but not yet accepted (受理), which can be linked once they are


@page(*STAFF)
def hot_issues(request: HttpRequest) -> HttpResponse:
    """Top groups of opinions per township for one month (the county sees every township, a township its own)."""
    from renda.liaison.models import OpinionStatus
    from renda.liaison.services.conversion import CONVERTIBLE
    from renda.suggestions import selectors as suggestion_selectors
    from renda.suggestions.models import Status, Suggestion

    user: Any = request.user
    month = _month(request.GET.get("month"))
    rows = monthly.hot_month(user, month)
    targets = monthly.link_targets(user)
    went_to = {o.suggestion_id for row in rows for o in row.opinions.values() if o.suggestion_id}
    suggestions = Suggestion.objects.select_related("congress__region").in_bulk(went_to) if went_to else {}
    may_open = set(suggestion_selectors.visible(user=user).filter(pk__in=went_to).values_list("pk", flat=True)
                   ) if went_to else set()
    cards = []  # each issue with the suggestions most like it first, then the others
    for row, likely in zip(rows, monthly.likely_per_township(user, rows, targets), strict=True):
        row_cards = []
        for issue, near in zip(row.issues, likely, strict=True):
            offered = {s.pk for s, _ in near}
            opinions = [row.opinions[m.id] for m in issue.messages]
            linked = Counter(o.suggestion_id for o in opinions if o.suggestion_id)
            rest = [t for t in targets if t.pk not in offered]
            row_cards.append(HotCard(issue, near, [t for t in rest if t.status != Status.CLOSED],
                                     finished=[t for t in rest if t.status == Status.CLOSED],
                                     linkable=[o for o in opinions if o.status in CONVERTIBLE],
                                     waiting=sum(o.status == OpinionStatus.RECEIVED for o in opinions),
                                     linked=[(suggestions[pk], n, pk in may_open) for pk, n in linked.most_common()]))
        cards.append((row, row_cards))
    # the townships with a hot issue first, the hottest first; the others named in one line after them
    busy = sorted((c for c in cards if c[0].issues), key=lambda c: -c[0].issues[0].heat)
    following = monthly.next_month(month)
    return render(request, "insights/hot.html", {
        "rows": busy, "quiet": [row for row, _ in cards if not row.issues], "any": bool(cards), "month": month,
        "previous": monthly.previous_month(month),
        "next": following if following <= monthly.this_month() else None, "targets": targets,
        "params": hot.Params()})


HOME_TOP = 3  # hot issues the home page names
# whose home page names hot issues (a township's, or its county's)
HOME_LEVELS = (RegionLevel.COUNTY, RegionLevel.TOWNSHIP, RegionLevel.STREET)


def hot_on_home(user: Any) -> bool:
    """Whether the user's home page has 本月热点问题: staff of a county, a township or a street. A city's or a
    province's account would group a thousand townships on each visit for a card nobody there reads."""
    region = getattr(user, "region", None)
    return getattr(user, "role", None) in STAFF and region is not None and region.level in HOME_LEVELS


@page(*STAFF)
def hot_home(request: HttpRequest) -> HttpResponse:
    """The home page's 本月热点: this month's hottest groups of the townships the user sees, loaded by htmx after the
    page (grouping a county's month takes a moment, which must not hold up the home page). The groups are those
    the hot page keeps in the cache (monthly.hottest), so a repeated visit does not group again and a new or
    changed opinion is grouped at once."""
    user: Any = request.user
    month = monthly.this_month()
    if not hot_on_home(user):
        return render(request, "insights/_hot_home.html", {"month": month, "issues": [], "level": False})
    issues = [{"title": issue.title, "township": township.pk, "place": monthly.area_name(township),
               "people": issue.people, "heat": issue.heat}
              for issue, township in monthly.hottest(user, month, HOME_TOP)]
    return render(request, "insights/_hot_home.html", {"issues": issues, "month": month, "level": True})


@page(*STAFF)
def hot_export(request: HttpRequest) -> HttpResponse:
    """The month's hot issues as an .xlsx workbook for a meeting's papers: one sheet of the issues, one of their
    opinions (phones and ID numbers in the text masked, as on the portal). Audited."""
    from renda.core import audit

    user: Any = request.user
    month = _month(request.GET.get("month"))
    rows = monthly.hot_month(user, month)
    content = monthly.workbook(rows, month)
    audit.record(actor=user, action="insights.hot_export", object_type="insights.hot", object_id=month.isoformat(),
                 object_repr=f"{user.region.name}{month.year}年{month.month}月热点问题",
                 after={"month": month.isoformat(), "townships": len(rows),
                        "issues": sum(len(r.issues) for r in rows)})
    response = HttpResponse(content, content_type=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{month:%Y-%m}-hot-issues.xlsx"
    return response


@page(*STAFF)
@require_POST
def hot_to_suggestion(request: HttpRequest) -> HttpResponse:
    """Link a hot issue's opinions to one deputy suggestion (liaison's own service does the work and the audit)."""
    from renda.liaison import selectors
    from renda.liaison.services.conversion import opinions_to_suggestion
    from renda.liaison.views.common import versions_of
    from renda.suggestions import selectors as suggestion_selectors

    user: Any = request.user
    back = f"{reverse('insights:hot')}?month={request.POST.get('month', '')}"
    ids = [v for v in request.POST.getlist("opinions") if is_number(v)]
    opinions = list(selectors.opinions_visible(user=user).filter(pk__in=ids).order_by("pk"))
    if not is_number(request.POST.get("suggestion") or ""):
        messages.error(request, "请选择要并入的代表建议。")
        return redirect(back)
    try:
        if len(opinions) != len(ids) or not ids:
            raise NotFound()
        suggestion = suggestion_selectors.access_suggestion_by_id(
            user=user, suggestion_id=int(request.POST.get("suggestion") or 0))
        with transaction.atomic():
            opinions_to_suggestion(actor=user, opinions=opinions, suggestion=suggestion,
                                   versions=versions_of(request, [o.pk for o in opinions]))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(request, f"已将 {len(opinions)} 条群众意见并入代表建议 {suggestion.number or suggestion.pk}。")
    return redirect("suggestions:detail", suggestion.pk)


# --- 往年案例: past cases imported from the congress's ledgers (archive.py) ----------------------------------------
class ArchiveForm(forms.Form):
    congress = forms.TypedChoiceField(label="人民代表大会", coerce=int)
    kind = forms.ChoiceField(label="案例类型", choices=ArchiveKind.choices, initial=ArchiveKind.SUGGESTION)
    year = forms.IntegerField(label="年度", required=False, min_value=archive.FIRST_YEAR,
                              help_text="表中没有“年度”列或日期列时，所有案例记为这一年")
    file = forms.FileField(label="台账文件（.xlsx 或 CSV）",
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.txt"}))
    all_or_nothing = forms.BooleanField(label="有错误的行时一条也不导入（不勾选则导入正确的行）", required=False)

    def __init__(self, *args: Any, congresses: list[Congress], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["congress"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(c.pk, c.name) for c in congresses]
        this_year = timezone.localdate().year  # no past case of a year to come (archive_import refuses it too)
        self.fields["year"].validators.append(MaxValueValidator(this_year))
        self.fields["year"].widget.attrs["max"] = this_year


@page(*STAFF)
def archive_page(request: HttpRequest) -> HttpResponse:
    """Import a ledger of past suggestions or opinions, see what was imported, delete an import."""
    user: Any = request.user
    congresses = archive.congresses_managed(user=user)
    imports = archive.imports_visible(user=user)[:50]
    ctx: dict[str, Any] = {"imports": imports, "columns": archive.COLUMNS, "max_rows": archive.MAX_ROWS}
    if request.method != "POST":
        form = ArchiveForm(congresses=congresses, initial={"year": timezone.localdate().year - 1})
        return render(request, "insights/archive.html", {**ctx, "form": form})
    form = ArchiveForm(request.POST, request.FILES, congresses=congresses)
    if form.is_valid():
        data = form.cleaned_data
        congress = next(c for c in congresses if c.pk == data["congress"])
        upload = data["file"]
        try:
            archive.refuse_large(upload.size)
            result = archive.archive_import(actor=user, congress=congress, kind=data["kind"], data=upload.read(),
                                            file_name=upload.name or "", default_year=data["year"],
                                            all_or_nothing=data["all_or_nothing"])
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            return render(request, "insights/archive_result.html", {
                "result": result, "congress": congress, "file_name": upload.name,
                "errors": result.errors[:archive.MAX_ERRORS_SHOWN], "kind": ArchiveKind(data["kind"]).label,
                "all_or_nothing": data["all_or_nothing"]}, status=200 if result.imported else 422)
    return render(request, "insights/archive.html", {**ctx, "form": form}, status=422)


@page(*STAFF)
@require_POST
def archive_delete(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = archive.imports_visible(user=request.user).filter(pk=batch_id).first()
    if batch is None:
        raise NotFound()
    count = archive.archive_delete(actor=request.user, batch=batch)
    messages.success(request, f"已删除导入的 {count} 条往年案例（{batch.file_name}），智能辅助将据此重新学习。")
    return redirect("insights:archive")


@page(*STAFF)
def status(request: HttpRequest) -> HttpResponse:
    """智能辅助: for each congress the user sees, whether its category and unit models are trained, from how many
    items, how well they do on items they have not seen, and which classes they leave out; staff who manage a
    congress may have it learn again now."""
    from renda.organizations import selectors
    from renda.organizations.services import may_change_settings

    user: Any = request.user
    rows = [{"congress": c, "models": services.model_status(c),
             "may_retrain": may_change_settings(user=user, congress=c)}  # archive.congresses_managed's rule
            for c in selectors.congresses_visible(user=user).order_by("region__path")]
    return render(request, "insights/status.html", {"rows": rows})


@page(*STAFF)
@require_POST
def retrain(request: HttpRequest, congress_id: int) -> HttpResponse:
    """Have the congress's two models learn again now (in the background), e.g. after many corrections."""
    congress = next((c for c in archive.congresses_managed(user=request.user) if c.pk == congress_id), None)
    if congress is None:
        raise NotFound()
    with transaction.atomic():
        asked = services.retrain_request(actor=request.user, congress=congress)
    if asked:
        messages.success(request, f"{congress.name}的智能辅助已安排重新学习，通常一两分钟内完成，刷新本页可见结果。")
    else:
        messages.info(request, f"{congress.name}的智能辅助刚刚已安排重新学习，不必再次安排；稍候刷新本页可见结果。")
    return redirect("insights:status")
