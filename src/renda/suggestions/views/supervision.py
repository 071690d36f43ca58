"""重点督办 pages: the year's selection with the share as a guide, cards with progress, the assignment meeting,
and the card and the assignment letter as .docx."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from renda.core.access import page
from renda.core.errors import DomainError, Invalid
from renda.core.roles import STAFF_ROLES, Role
from renda.deputies.models import Person
from renda.organizations.models import BodyMember
from renda.suggestions import selectors, services, stats
from renda.suggestions.documents import assignment_letter_docx, supervision_card_docx
from renda.suggestions.models import ProgressKind, Suggestion, SupervisionCard
from renda.suggestions.services import supervision as sup
from renda.suggestions.views.reports import _year

STAFF = (Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DATE = forms.DateInput(attrs={"type": "date"})


class SelectForm(forms.Form):
    suggestion = forms.ModelChoiceField(label="建议", queryset=Suggestion.objects.none())
    leader = forms.ModelChoiceField(label="督办领导", queryset=Person.objects.none(),
                                    help_text="主席团成员或主任会议成员，按专长分工。")
    responsibility = forms.CharField(label="督办责任", widget=forms.Textarea(attrs={"rows": 2}))
    deadline = forms.DateField(label="办结时限", required=False, widget=DATE, help_text="不填则为答复期限。")
    requirements = forms.CharField(label="办理要求", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, user: Any, year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        candidates = stats.admitted(selectors.visible(user=user), year).filter(key_supervised=False)
        latest = list(candidates.order_by("-id").values_list("pk", flat=True)[:1000])  # a list a person can read
        self.fields["suggestion"].queryset = Suggestion.objects.filter(  # type: ignore[attr-defined]
            pk__in=latest).order_by("number")
        members = BodyMember.objects.filter(until__isnull=True, body__kind__in=sup.LEADING_BODIES,
                                            body__region__path__startswith=user.region.path)
        self.fields["leader"].queryset = Person.objects.filter(  # type: ignore[attr-defined]
            pk__in=members.values("person_id")).order_by("name")


class MeetingForm(forms.Form):
    held_on = forms.DateField(label="会议日期", widget=DATE)
    place = forms.CharField(label="地点", required=False, max_length=200)
    chaired_by = forms.CharField(label="主持人", required=False, max_length=100)
    attendees = forms.CharField(label="参会单位和人员", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    notes = forms.CharField(label="会议要求", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    cards = forms.ModelMultipleChoiceField(label="交办的重点建议", queryset=SupervisionCard.objects.none(),
                                           widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, cards: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cards"].queryset = cards  # type: ignore[attr-defined]


class ProgressForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=ProgressKind.choices)
    text = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 3}))


def _cards(user: Any, year: int | None = None) -> Any:
    return selectors.supervision_cards(user=user, year=year)


access_card_by_id = selectors.access_card_by_id


def _errors(request: HttpRequest, exc: DomainError) -> None:
    details = [m for msgs in exc.fields.values() for m in msgs]
    messages.error(request, "；".join([exc.message, *details]))


@page(*STAFF)
def supervision_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    year = _year(request)
    cards = _cards(user, year).order_by("suggestion__number")
    select_form = SelectForm(request.POST if "select" in request.POST else None, user=user, year=year)
    meeting_form = MeetingForm(request.POST if "meeting" in request.POST else None,
                               cards=cards.filter(meeting__isnull=True), initial={"held_on": services.today()})
    if request.method == "POST":
        try:
            if select_form.is_bound and select_form.is_valid():
                d = select_form.cleaned_data
                sup.key_supervision_select(actor=user, suggestion=d["suggestion"], leader=d["leader"],
                                           responsibility=d["responsibility"], deadline=d["deadline"],
                                           requirements=d["requirements"])
                messages.success(request, "已确定为重点督办建议，已生成督办卡。")
                return redirect(f"{request.path}?year={year}")
            if meeting_form.is_bound and meeting_form.is_valid():
                d = meeting_form.cleaned_data
                first = d["cards"][0].suggestion.congress
                sup.assignment_meeting_record(actor=user, congress=first, held_on=d["held_on"],
                                              cards=list(d["cards"]), place=d["place"], chaired_by=d["chaired_by"],
                                              attendees=d["attendees"], notes=d["notes"])
                messages.success(request, "交办会已记录，已通知承办单位。")
                return redirect(f"{request.path}?year={year}")
        except Invalid as exc:
            _errors(request, exc)
    share = sup.key_share(admitted=stats.admitted(selectors.visible(user=user), None),
                          congress=user.region.congress if hasattr(user.region, "congress") else None, year=year)
    return render(request, "suggestions/supervision.html", {
        "year": year, "cards": cards, "share": share, "select_form": select_form, "meeting_form": meeting_form,
        "years": range(services.today().year, services.today().year - 6, -1)})


@page(*STAFF, Role.UNIT_USER)
def supervision_card(request: HttpRequest, card_id: int) -> HttpResponse:
    user: Any = request.user
    card = access_card_by_id(user=user, card_id=card_id)
    form = ProgressForm(request.POST or None)
    if user.role == Role.UNIT_USER:
        form.fields["kind"].choices = [(k, v) for k, v in ProgressKind.choices  # type: ignore[attr-defined]
                                       if k != ProgressKind.SUPERVISION]
    if request.method == "POST" and form.is_valid():
        try:
            sup.supervision_progress_add(actor=user, card=card, kind=form.cleaned_data["kind"],
                                         text=form.cleaned_data["text"])
        except DomainError as exc:
            _errors(request, exc)
        else:
            messages.success(request, "已记录。")
        return redirect("suggestions:supervision_card", card_id=card.pk)
    return render(request, "suggestions/supervision_card.html", {
        "card": card, "s": card.suggestion, "entries": card.entries.select_related("recorded_by"), "form": form,
        "is_staff": user.role in STAFF_ROLES})


@require_POST
@page(*STAFF)
def supervision_cancel(request: HttpRequest, card_id: int) -> HttpResponse:
    card = access_card_by_id(user=request.user, card_id=card_id)
    year = card.year
    try:
        sup.key_supervision_cancel(actor=request.user, card=card, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        _errors(request, exc)
        return redirect("suggestions:supervision_card", card_id=card_id)
    messages.success(request, "已取消重点督办。")
    return redirect(f"/suggestions/supervision/?year={year}")


def _docx(content: bytes, filename: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@page(*STAFF, Role.UNIT_USER)
def card_docx(request: HttpRequest, card_id: int) -> HttpResponse:
    card = access_card_by_id(user=request.user, card_id=card_id)
    return _docx(supervision_card_docx(card), f"督办卡-{card.suggestion.number}.docx")


@page(*STAFF, Role.UNIT_USER)
def letter_docx(request: HttpRequest, card_id: int) -> HttpResponse:
    card = access_card_by_id(user=request.user, card_id=card_id)
    issued = card.meeting.held_on if card.meeting else services.today()
    return _docx(assignment_letter_docx(card, issued_on=issued), f"交办函-{card.suggestion.number}.docx")
