"""Personal data in what the text engines show: hot issues (page, API, export, the link that starts a suggestion),
similar cases (the form assistant, the API, imported past cases) and the near-duplicate panel, and the opinion
lists. A constituent's phone, ID number and own name are masked there as in every list; the opinion's own page
shows its text whole. Found by an access review in the fifteenth session: the export masked a hot issue's title,
the page and the API did not, and a name repeated in a group's opinions became one of its keywords."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from urllib.parse import unquote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from renda.core.masking import mask_text, scrub
from renda.liaison.models import Opinion
from renda.liaison.services import opinions as opinion_services
from tests.helpers import api_client, logged_in
from tests.liaison.builders import Liaison

PHONE = "13812345678"
ID_NUMBER = "430101198001010033"
NAME = "张三丰"
SECRETS = (PHONE, ID_NUMBER, NAME)
MONTH = "2026-05"


def leaked(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret in text]


def hot_group(world: Liaison) -> list[Opinion]:
    """Four people about one barbecue stall in May, each letter signed by the same name with a phone and an ID;
    accepted, so that the group can be taken up as a new suggestion."""
    when = timezone.make_aware(dt.datetime(2026, 5, 3, 10))
    out = []
    for i in range(4):
        opinion = opinion_services.opinion_register(
            actor=world.clerk, station=world.central, channel="phone", phone=f"1380000{i:04d}", name=NAME,
            content=f"幸福花园小区门口烧烤摊油烟噪音扰民 我是{NAME}电话{PHONE} 身份证{ID_NUMBER}\n"
                    f"深夜还在营业，第{i}次反映")
        Opinion.objects.filter(pk=opinion.pk).update(received_at=when + dt.timedelta(hours=i))
        out.append(opinion_services.opinion_accept(actor=world.clerk, opinion=opinion, category="环境保护"))
    return out


def signed_opinion(world: Liaison, more: str = "") -> Opinion:
    return opinion_services.opinion_register(
        actor=world.clerk, station=world.central, channel="phone", name=NAME, phone=PHONE,
        content=f"甲村村口路灯坏了三个月没人修，我是{NAME}，电话{PHONE}，身份证{ID_NUMBER}{more}")


def test_masked_text_hides_the_writers_name_and_phone_and_anything_like_a_phone_or_id() -> None:
    text = f"我是{NAME}，电话{PHONE}，身份证{ID_NUMBER}，邻居王五也反映过"
    masked = mask_text(text, NAME, PHONE)
    assert leaked(masked) == [] and "张**" in masked and "王五" in masked
    assert mask_text(text) == scrub(text) and NAME in mask_text(text)  # no name given: only patterns
    assert mask_text("路灯坏了", "", None) == "路灯坏了"


@pytest.mark.django_db
def test_the_hot_issue_page_shows_titles_keywords_and_opinions_masked(world: Liaison) -> None:
    hot_group(world)
    page = logged_in(world.county_staff).get(reverse("insights:hot"), {"month": MONTH}).content.decode()
    assert page.count('data-testid="hot-issue"') == 1, "the four letters are one hot issue"
    titles = re.findall(r"<h3>(.*?)<span", page, re.S)
    assert titles and "烧烤摊油烟噪音扰民" in titles[0]
    assert leaked(page) == [], "the title, the keywords and the opinions under them are masked"
    link = re.search(r'data-testid="hot-new-suggestion" href="([^"]+)"', page)
    assert link and "topic=" in link.group(1)
    assert leaked(unquote(link.group(1).replace("&amp;", "&"))) == [], "no phone travels in a GET link"


@pytest.mark.django_db
def test_the_hot_issue_api_and_export_show_them_masked(world: Liaison) -> None:
    hot_group(world)
    body = api_client(world.county_staff).get(f"/api/v1/insights/hot?month={MONTH}")
    assert body.status_code == 200
    issues = [issue for township in body.json()["townships"] for issue in township["issues"]]
    assert len(issues) == 1 and "烧烤摊" in issues[0]["title"]
    assert leaked(body.content.decode()) == []
    assert not any(NAME in keyword for keyword in issues[0]["keywords"])

    export = logged_in(world.county_staff).get(reverse("insights:hot_export"), {"month": MONTH})
    book = load_workbook(io.BytesIO(export.content))
    cells = " ".join(str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                     for c in row if c is not None)
    assert "烧烤摊油烟噪音扰民" in cells and "深夜还在营业" in cells
    assert leaked(cells) == []


@pytest.mark.django_db
def test_similar_cases_in_the_assistant_and_the_api_are_masked(world: Liaison) -> None:
    signed_opinion(world)
    html = logged_in(world.clerk).post(reverse("insights:assist"), {
        "content": "甲村村口路灯坏了三个月", "insights_congress": world.tree.congress_a.pk}).content.decode()
    snippets = re.findall(r"相似度 \d+%）：([^<]*)", html)
    assert snippets and "甲村村口路灯坏了" in snippets[0]
    assert leaked(html) == []

    body = api_client(world.clerk).post("/api/v1/insights/propose", {
        "congress": world.tree.congress_a.pk, "text": "甲村村口路灯坏了三个月"}, content_type="application/json")
    similar = body.json()["similar"]
    assert similar and similar[0]["source"] == "opinion" and "路灯坏了" in similar[0]["text"]
    assert leaked(body.content.decode()) == []


SIGNERS = ["欧阳锋", "上官燕", "司马懿", "诸葛瑾", "慕容复", "东方白", "令狐冲"]  # more than a list of five shows


def joint_letter(world: Liaison) -> list[Opinion]:
    """One letter signed by seven constituents, registered once per signer with their own name and phone, as a clerk
    registers a joint letter (联名信); accepted, so that the group can be taken up as a new suggestion."""
    when = timezone.make_aware(dt.datetime(2026, 5, 3, 10))
    body = "幸福花园小区门口烧烤摊油烟噪音扰民，联名反映人：" + "、".join(SIGNERS) + "\n深夜还在营业"
    out = []
    for i, name in enumerate(SIGNERS):
        o = opinion_services.opinion_register(actor=world.clerk, station=world.central, channel="letter",
                                              phone=f"1380000{i:04d}", name=name, content=body)
        Opinion.objects.filter(pk=o.pk).update(received_at=when + dt.timedelta(hours=i))
        out.append(opinion_services.opinion_accept(actor=world.clerk, opinion=o, category="环境保护"))
    return out


@pytest.mark.django_db
def test_a_joint_letter_shows_none_of_its_signers_names_in_any_list(world: Liaison) -> None:
    """Each copy masked with its own writer's name alone showed the six other names, and the copies side by side
    all seven (a review's finding, the twenty-first session): each copy is masked with the names of every copy's
    writer, also in a list that shows fewer copies than there are signers (five similar cases, three to-do
    lines, the public list of replies)."""
    opinions = joint_letter(world)

    def names(text: str) -> list[str]:
        return [n for n in SIGNERS if n in text]

    county = logged_in(world.county_staff)
    page = county.get(reverse("insights:hot"), {"month": MONTH}).content.decode()
    assert page.count('data-testid="hot-issue"') == 1 and "联名反映人：欧**、上**" in page
    assert names(page) == []
    body = json.dumps(api_client(world.county_staff).get(f"/api/v1/insights/hot?month={MONTH}").json(),
                      ensure_ascii=False)
    assert "烧烤摊" in body and names(body) == []
    book = load_workbook(io.BytesIO(county.get(reverse("insights:hot_export"), {"month": MONTH}).content))
    cells = " ".join(str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                     for c in row if c is not None)
    assert "深夜还在营业" in cells and names(cells) == []
    clerk_page = logged_in(world.clerk).get(reverse("insights:hot"), {"month": MONTH}).content.decode()
    link = re.search(r'data-testid="hot-new-suggestion" href="([^"]+)"', clerk_page)
    assert link and names(unquote(link.group(1))) == []
    draft = logged_in(world.clerk).get(link.group(1).replace("&amp;", "&")).content.decode()
    assert "7 条群众意见反映" in draft and names(draft) == [], "nor in the drafted suggestion the units will read"
    html = logged_in(world.clerk).post(reverse("insights:assist"), {
        "content": "幸福花园小区门口烧烤摊油烟噪音扰民", "insights_congress": world.tree.congress_a.pk,
    }).content.decode()
    snippets = re.findall(r"相似度 \d+%）：([^<]*)", html)
    assert len(snippets) == 1, "the copies read alike again, and are shown once"
    assert "联名反映人：欧**" in snippets[0] and names(html) == []
    api = api_client(world.clerk).post("/api/v1/insights/propose", {
        "congress": world.tree.congress_a.pk, "text": "幸福花园小区门口烧烤摊油烟噪音扰民"},
        content_type="application/json")
    [case] = api.json()["similar"]  # as the panel: the seven copies are one case
    assert len(case["same"]) == 6 and names(json.dumps(api.json(), ensure_ascii=False)) == []
    # the liaison app's lists: the opinions page and its API, the home page's to-do lines (three of them)
    listed = logged_in(world.clerk).get(reverse("liaison:opinions")).content.decode()
    assert listed.count("联名反映人：欧**") == 7 and names(listed) == []
    items = api_client(world.clerk).get("/api/v1/opinions").json()["items"]
    assert len(items) == 7 and names(json.dumps(items, ensure_ascii=False)) == []
    home = logged_in(world.clerk).get(reverse("web:home")).content.decode()
    assert "幸福花园小区" in home and names(home) == []
    # the public list of replies: the reply names every signer, each copy's reply is published
    for o in opinions:
        o = opinion_services.opinion_reply(actor=world.clerk, opinion=o,
                                           text="欧阳锋、上官燕等同志：您们反映的烧烤摊已取缔。")
        opinion_services.opinion_publish(actor=world.clerk, opinion=o, summary="反映烧烤摊油烟扰民")
    portal = Client().get(reverse("portal:replies")).content.decode()
    assert "烧烤摊已取缔" in portal and names(portal) == []
    public = Client().get("/api/v1/public/replies").json()
    assert len(public["items"]) == 7 and names(json.dumps(public, ensure_ascii=False)) == []


@pytest.mark.django_db
def test_another_writers_name_is_masked_only_in_the_copies_of_their_own_letter(world: Liaison) -> None:
    """A writer named 高峰 must not turn everyone's 早高峰期 into 早高*期 (the second review of the joint-letter
    masking): a name is masked in its writer's own text and its copies, not in other people's."""
    when = timezone.make_aware(dt.datetime(2026, 5, 3, 10))
    opinion_services.opinion_register(actor=world.clerk, station=world.central, channel="letter", name="高峰",
                                      phone="13800000001", content="我是高峰，想咨询一下低保申请的流程")
    for i, name in enumerate(["刘洋", "陈静", "孙磊"], 1):
        o = opinion_services.opinion_register(actor=world.clerk, station=world.central, channel="letter",
                                              name=name, phone=f"1380000001{i}",
                                              content=f"学校门口早高峰期间接送车辆拥堵，交警不来疏导，{name}反映")
        Opinion.objects.filter(pk=o.pk).update(received_at=when + dt.timedelta(hours=i))
    listed = logged_in(world.clerk).get(reverse("liaison:opinions")).content.decode()
    assert listed.count("早高峰期") == 3 and "早高*期" not in listed and "我是高*" in listed
    hot_page = logged_in(world.clerk).get(reverse("insights:hot"), {"month": MONTH}).content.decode()
    assert "早高峰期" in hot_page and "早高*期" not in hot_page


@pytest.mark.django_db
def test_an_imported_past_case_is_shown_with_its_phone_masked(world: Liaison) -> None:
    ledger = f"标题,内容,领域分类,年度,答复内容\n路灯维修,甲村路灯坏了三个月请回电{PHONE},城建交通,2023,已修复\n"
    county = api_client(world.county_staff)
    imported = county.post(f"/api/v1/insights/archive?congress={world.tree.county_congress.pk}",
                           {"file": SimpleUploadedFile("ledger.csv", ledger.encode())})
    assert imported.status_code in (200, 201) and imported.json()["imported"] == 1
    body = county.post("/api/v1/insights/propose", {"congress": world.tree.county_congress.pk,
                                                    "text": "甲村路灯坏了三个月"}, content_type="application/json")
    similar = body.json()["similar"]
    assert similar and similar[0]["source"] == "archive" and "路灯坏了三个月" in similar[0]["text"]
    assert PHONE not in body.content.decode() and "138********" in similar[0]["text"]


@pytest.mark.django_db
def test_the_near_duplicate_panel_and_the_opinion_lists_mask_the_text_and_the_page_shows_it_whole(
        world: Liaison) -> None:
    first = signed_opinion(world)
    second = signed_opinion(world, "。已经反映过一次。")  # the same complaint sent again
    clerk = logged_in(world.clerk)
    panel = clerk.get(f"/liaison/opinions/{second.pk}/near-duplicates/").content.decode()
    assert first.code in panel and "甲村村口路灯坏了" in panel
    assert leaked(panel) == []
    listed = clerk.get(reverse("liaison:opinions")).content.decode()
    assert first.code in listed and leaked(listed) == []
    whole = clerk.get(reverse("liaison:opinion_detail", args=[first.pk])).content.decode()
    assert PHONE in whole and ID_NUMBER in whole, "the clerk handling the opinion reads it as it was written"


@pytest.mark.django_db
def test_the_other_opinion_lists_mask_the_text_too(world: Liaison) -> None:
    """形成代表建议's choices, and the merged opinions listed under the one they were merged into."""
    first = signed_opinion(world)
    other_phone = "13700001111"
    second = opinion_services.opinion_register(
        actor=world.clerk, station=world.central, channel="phone", name="赵六", phone=other_phone,
        content=f"甲村村口路灯坏了三个月没人修，我是赵六，电话{other_phone}")
    for opinion in (first, second):
        opinion_services.opinion_accept(actor=world.clerk, opinion=Opinion.objects.get(pk=opinion.pk),
                                        category="城建交通")
    clerk = logged_in(world.clerk)
    choices = clerk.get(reverse("liaison:opinions_to_suggestion")).content.decode()
    assert first.code in choices and second.code in choices
    assert leaked(choices) == [] and other_phone not in choices and "赵六" not in choices

    opinion_services.opinion_merge(actor=world.clerk, opinion=Opinion.objects.get(pk=second.pk),
                                   into=Opinion.objects.get(pk=first.pk))
    page = clerk.get(reverse("liaison:opinion_detail", args=[first.pk])).content.decode()
    merged = page.split('data-testid="merged-opinions"', 1)[1].split("</div>", 1)[0]
    assert second.code in merged and "路灯坏了" in merged
    assert other_phone not in merged and "赵六" not in merged and "137********" in merged


@pytest.mark.django_db
def test_a_list_of_two_congresses_sharing_a_text_is_masked_without_error(world: Liaison) -> None:
    """The copies are looked up by every listed congress and every listed text at once; an opinion of one congress
    with the text listed for the other is no copy (it failed the demo's home page, the opinion list and the portal's
    replies with a KeyError before it was caught)."""
    def register(name: str, content: str) -> Opinion:
        return opinion_services.opinion_register(actor=world.clerk, station=world.central, channel="letter",
                                                 name=name, phone="13800000099", content=content)

    first = register("王一", "甲村路灯坏了，请王一联系")
    other_text = register("李二", "乙村垃圾没人清运，李二反映")
    moved = register("张三", "乙村垃圾没人清运，李二反映")
    Opinion.objects.filter(pk=moved.pk).update(congress=world.tree.congress_b)
    listed = Opinion.masked_together(Opinion.objects.filter(pk__in=[first.pk, moved.pk]).order_by("pk"))
    texts = [o.listed_content for o in listed]
    assert texts == ["甲村路灯坏了，请王*联系", "乙村垃圾没人清运，李二反映"], "李二 writes in the other congress"
    assert other_text.congress_id != world.tree.congress_b.pk
