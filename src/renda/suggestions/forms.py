"""Page forms: they only parse input; every rule is the services' (their Invalid errors come back as messages)."""

from __future__ import annotations

from typing import Any

from django import forms

from renda.deputies.models import Mandate, Person
from renda.organizations.models import Congress, HandlingUnit
from renda.organizations.services import congress_categories, congress_setting
from renda.suggestions.models import (
    BillDecision,
    Channel,
    ContactMethod,
    DecidingBody,
    Kind,
    ReturnReason,
    Satisfaction,
    Status,
    Suggestion,
)

DATE = forms.DateInput(attrs={"type": "date"})


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, suggestion: Suggestion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.suggestion = suggestion
        self.fields["version"].initial = suggestion.version


class DraftForm(forms.Form):
    congress = forms.ModelChoiceField(label="提交给", queryset=Congress.objects.none(), empty_label=None)
    kind = forms.ChoiceField(label="类别", choices=Kind.choices, initial=Kind.SUGGESTION)
    channel = forms.ChoiceField(label="提出途径", choices=Channel.choices, initial=Channel.RECESS)
    title = forms.CharField(label="标题", max_length=200)
    content = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 8}),
                              help_text="写明问题、原因和具体建议。")
    category = forms.ChoiceField(label="领域分类", required=False)
    co_signers = forms.ModelMultipleChoiceField(label="附议代表", required=False, queryset=Person.objects.none(),
                                                widget=forms.CheckboxSelectMultiple,
                                                help_text="勾选的代表会收到附议邀请，确认后计入联名人数。")

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        mandates = Mandate.objects.in_office().filter(person=person)
        congresses = Congress.objects.filter(pk__in=mandates.values("congress_id")).select_related("region")
        self.fields["congress"].queryset = congresses  # type: ignore[attr-defined]
        peers = Mandate.objects.in_office().filter(congress__in=congresses).exclude(person=person).values("person_id")
        self.fields["co_signers"].queryset = Person.objects.filter(pk__in=peers).order_by(  # type: ignore[attr-defined]
            "name_initials", "name")
        categories: list[str] = []
        for congress in congresses:
            categories += [c for c in congress_categories(congress) if c not in categories]
        self.fields["category"].choices = [("", "（请选择）"), *[(c, c) for c in categories]]  # type: ignore[attr-defined]


class PaperForm(forms.Form):
    """代录: the clerk copies a paper suggestion (or bill) handed in by a deputy of a congress in their region."""

    congress = forms.ModelChoiceField(label="人民代表大会", queryset=Congress.objects.none(), empty_label=None)
    lead_deputy = forms.ModelChoiceField(label="领衔代表", queryset=Person.objects.none())
    kind = forms.ChoiceField(label="类别", choices=Kind.choices, initial=Kind.SUGGESTION)
    channel = forms.ChoiceField(label="提出途径", choices=Channel.choices, initial=Channel.SESSION)
    title = forms.CharField(label="标题", max_length=200)
    content = forms.CharField(label="内容（照原件录入）", widget=forms.Textarea(attrs={"rows": 8}))
    category = forms.ChoiceField(label="领域分类", required=False)
    co_signers = forms.ModelMultipleChoiceField(label="附议（联名）代表", required=False,
                                                queryset=Person.objects.none(), widget=forms.CheckboxSelectMultiple,
                                                help_text="原件上签名的代表，录入即视为已确认附议。")
    note = forms.CharField(label="代录说明", required=False, max_length=300, help_text="如：原件收到日期、份数。")

    def __init__(self, *args: Any, region_path: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        congresses = Congress.objects.filter(region__path__startswith=region_path).select_related("region")
        self.fields["congress"].queryset = congresses  # type: ignore[attr-defined]
        people = Person.objects.filter(pk__in=Mandate.objects.in_office().filter(
            congress__in=congresses).values("person_id"))
        people = people.order_by("name_initials", "name").only("pk", "name")
        self.fields["lead_deputy"].queryset = people  # type: ignore[attr-defined]
        self.fields["co_signers"].queryset = people  # type: ignore[attr-defined]
        categories: list[str] = []
        for congress in congresses[:50]:
            categories += [c for c in congress_categories(congress) if c not in categories]
        self.fields["category"].choices = [("", "（请选择）"), *[(c, c) for c in categories]]  # type: ignore[attr-defined]


class WithdrawForm(VersionForm):
    reason = forms.CharField(label="撤回原因", required=False, max_length=500)


class _CategoryForm(VersionForm):
    """A form with a `category` field: the congress's categories [setting] for the clerk to confirm or correct,
    the deputy's chosen."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        categories = congress_categories(self.suggestion.congress)
        self.fields["category"].choices = [("", "暂不分类"), *[(c, c) for c in categories]]  # type: ignore[attr-defined]
        self.fields["category"].initial = self.suggestion.category


class ReviewForm(_CategoryForm):
    decision = forms.ChoiceField(label="审查结论", choices=[("accept", "立案"), ("return", "退回（不予立案）")],
                                 widget=forms.RadioSelect)
    reason = forms.ChoiceField(label="退回理由", required=False, choices=[("", "—"), *ReturnReason.choices])
    note = forms.CharField(label="审查意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    category = forms.ChoiceField(label="领域分类（立案时确认或更正）", required=False)


class DecideForm(_CategoryForm):
    decision = forms.ChoiceField(label="决定", choices=BillDecision.choices, widget=forms.RadioSelect)
    decided_by = forms.ChoiceField(label="决定机构", choices=DecidingBody.choices)
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 2}))
    decided_on = forms.DateField(label="决定日期", required=False, widget=DATE)
    category = forms.ChoiceField(label="领域分类（作为建议处理时确认或更正）", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == BillDecision.AGENDA:
            # a bill on the agenda keeps the deputy's category, unchecked: the field says nothing then, even a
            # category taken out of the taxonomy while the page was open
            self.errors.pop("category", None)
            data["category"] = None
        return data


def eligible_units(s: Suggestion) -> Any:
    """Units of the congress's region, above or below it (services._check_units has the rule)."""
    path = s.region_path
    ids = [int(p) for p in path.strip("/").split("/") if p]
    return (HandlingUnit.objects.filter(active=True).select_related("region")
            .filter(region_id__in=ids) | HandlingUnit.objects.filter(active=True, region__path__startswith=path))


class AssignForm(VersionForm):
    lead_unit = forms.ModelChoiceField(label="主办单位", queryset=HandlingUnit.objects.none())
    co_units = forms.ModelMultipleChoiceField(label="协办单位", required=False, queryset=HandlingUnit.objects.none(),
                                              widget=forms.CheckboxSelectMultiple)
    deadline = forms.DateField(label="答复期限", required=False, widget=DATE,
                               help_text="不填则按本级人大设定的一般期限计算。")
    deadline_reason = forms.CharField(label="延长期限的理由", required=False, max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = eligible_units(self.suggestion).distinct().order_by("region__path", "name")
        self.fields["lead_unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["co_units"].queryset = units  # type: ignore[attr-defined]


class ReturnForm(VersionForm):
    reason = forms.CharField(label="交办不当的理由", widget=forms.Textarea(attrs={"rows": 2}))


class ContactForm(VersionForm):
    method = forms.ChoiceField(label="沟通方式", choices=ContactMethod.choices, widget=forms.RadioSelect)
    contacted_on = forms.DateField(label="日期", required=False, widget=DATE)
    note = forms.CharField(label="沟通情况", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class OpinionForm(VersionForm):
    text = forms.CharField(label="协办意见", widget=forms.Textarea(attrs={"rows": 3}))


class ExtendForm(VersionForm):
    deadline = forms.DateField(label="新的答复期限", widget=DATE)
    reason = forms.CharField(label="延期理由", widget=forms.Textarea(attrs={"rows": 2}))


class ReplyForm(VersionForm):
    result_class = forms.ChoiceField(label="办理结果", error_messages={"required": "请选择办理结果"})
    text = forms.CharField(label="答复内容", widget=forms.Textarea(attrs={"rows": 6}))
    letter = forms.FileField(label="答复函（PDF 或 DOCX，盖章扫描件）", required=False,
                             widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from renda.suggestions.models import ResultClass

        scheme = congress_setting(self.suggestion.congress, "suggestions.result_scheme")
        choices = [(code, label) for code, label in ResultClass.choices if code in scheme]
        # nothing chosen in advance: a reply saved as A类（已解决）by one careless tap overstates the result
        self.fields["result_class"].choices = [("", "（请选择）"), *choices]  # type: ignore[attr-defined]


class EvaluateForm(VersionForm):
    satisfaction = forms.ChoiceField(label="您对答复的评价", choices=Satisfaction.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label="意见", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="不满意的，请写明原因，承办单位将重新办理。")


class CloseForm(VersionForm):
    note = forms.CharField(label="办结说明", required=False, max_length=500)


class MergeForm(VersionForm):
    members = forms.ModelMultipleChoiceField(
        label="并入本件办理的建议", queryset=Suggestion.objects.none(), widget=forms.CheckboxSelectMultiple,
        help_text="同一人大已立案待交办的相似建议；并案后随本件一并交办，仍分别答复各件的代表。")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        s = self.suggestion
        self.fields["members"].queryset = (  # type: ignore[attr-defined]
            Suggestion.objects.filter(congress_id=s.congress_id, status=Status.ACCEPTED, merged_into__isnull=True)
            .exclude(pk=s.pk).exclude(merged_members__isnull=False).order_by("number"))


class RemindForm(VersionForm):
    note = forms.CharField(label="催办意见", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text="承办单位（及尚未提出意见的协办单位）将收到催办通知。")


ACTION_FORMS: dict[str, type[VersionForm]] = {
    "submit": VersionForm, "cosign": VersionForm, "withdraw": WithdrawForm, "revise": VersionForm,
    "review": ReviewForm, "decide": DecideForm, "assign": AssignForm, "accept": VersionForm,
    "return": ReturnForm, "contact": ContactForm, "opinion": OpinionForm, "extend": ExtendForm,
    "reply": ReplyForm, "evaluate": EvaluateForm, "close": CloseForm, "merge": MergeForm, "remind": RemindForm,
}
