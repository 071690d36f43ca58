"""往年案例: a congress imports its past suggestions or opinions from a ledger; bad rows are named by line and
reason and lose nothing else; the models learn from the imported cases, staff see them among similar cases."""

from __future__ import annotations

import io
import json

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from renda.core.errors import Forbidden, Invalid
from renda.core.models import AuditEntry
from renda.core.roles import Role
from renda.insights import archive, history, services, store
from renda.insights.models import ArchivedCase, ArchiveImport
from tests.factories import UserFactory
from tests.insights.synthetic import history as synthetic_history

HEADER = ["编号", "标题", "内容", "领域分类", "主办单位", "答复内容", "立案日期"]
ROAD = ["2023001", "关于修复幸福村道路的建议", "幸福村村道坑洼严重，雨天积水，群众出行不便。", "城建交通",
        "县交通运输局", "已列入年度农村公路养护计划，九月底前完成修复。", "2023-01-12"]


def xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def clerk(tree):
    history.clear_caches()
    return UserFactory(role=Role.COUNTY_STAFF, region=tree.county)


def do_import(clerk, congress, rows, **kwargs):
    return archive.archive_import(actor=clerk, congress=congress, kind="suggestion", data=xlsx(rows),
                                  file_name="2023年建议台账.xlsx", **kwargs)


@pytest.mark.django_db
def test_a_ledger_with_bad_rows_imports_the_good_ones_and_names_each_bad_line(tree, clerk) -> None:
    rows = [HEADER, ROAD,
            ["2023002", "关于加强学校食堂管理的建议", "北关村小学食堂卫生条件差。", "教科文卫", "县教育局", "已整改。",
             "2023-02-01"],
            ["2023003", "关于修建便民桥的建议", "河口社区群众出行绕远。", "城建交通", "县水务局", "", "2023-02-03"],
            ["2023004", "关于油烟扰民的建议", "东湖社区烧烤摊油烟扰民。", "生态文明", "", "", "2023-03-01"],
            ["2023005", "", "", "城建交通", "县交通运输局", "", "2023-03-02"],
            ROAD,
            ["2023007", "关于增设路灯的建议", "南街社区路灯太少。", "", "", "", "2023-03-05"],
            ["2023008", "关于增加公交班次的建议", "石桥村公交太少。", "城建交通", "", "", "去年"]]
    result = do_import(clerk, tree.county_congress, rows)
    assert result.imported == 2 and result.rows == 8 and result.years == {2023: 2}
    reasons = {e.line: e.reason for e in result.errors}
    assert set(reasons) == {4, 5, 6, 7, 8, 9}
    assert "主办单位“县水务局”不是本级人大的承办单位" in reasons[4]
    assert "领域分类“生态文明”不在本级人大设定的分类中" in reasons[5]
    assert reasons[6].startswith("标题和内容都是空的")
    assert reasons[7] == "与第 2 行重复"
    assert reasons[8] == "领域分类和主办单位都是空的，这一条无法用于学习"
    assert reasons[9].startswith("日期“去年”不是 1979 至")
    saved = ArchivedCase.objects.get(number="2023001")
    assert (saved.unit, saved.category, saved.year, saved.congress) == (
        tree.unit_county, "城建交通", 2023, tree.county_congress)
    assert saved.reply.startswith("已列入年度农村公路养护计划")
    entry = AuditEntry.objects.get(action="insights.archive_import")
    after = json.loads(entry.after)
    assert entry.actor_id == clerk.pk and after["rows"] == 2 and after["skipped_lines"] == [4, 5, 6, 7, 8, 9]


@pytest.mark.django_db
def test_a_unit_named_by_a_former_or_short_name_is_found_and_the_result_and_the_audit_say_so(tree, clerk) -> None:
    from tests.factories import UnitFactory

    tree.unit_county.other_names = "县交通局\n县交通运输管理局"
    tree.unit_county.save()
    UnitFactory(region=tree.county, name="县自然资源局", other_names="县国土资源局、县规划局")
    UnitFactory(region=tree.county, name="县住建局", other_names="县规划局，县建设局")
    UnitFactory(region=tree.county, name="县文旅局")
    UnitFactory(region=tree.county, name="县文广旅体局", other_names="县文旅局")  # another's current name

    def row(number: str, unit: str) -> list[object]:
        return [number, f"关于{number}号事项的建议", f"第{number}号事项的内容。", "城建交通", unit, "", "2018-03-01"]

    rows = [HEADER, row("1", "县交通局"), row("2", "县 交通局"), row("3", "县交通运输管理局"), row("4", "县国土资源局"),
            row("5", "县规划局"), row("6", "县文旅局"), row("7", "县交通运输局")]
    result = do_import(clerk, tree.county_congress, rows)
    assert result.imported == 6
    assert [(e.line, e.reason) for e in result.errors] == [
        (6, "主办单位“县规划局”是 2 个单位的曾用名或简称（县自然资源局、县住建局），无法确定是哪一个")]
    units = dict(ArchivedCase.objects.values_list("number", "unit__name"))
    assert units == {"1": "县交通运输局", "2": "县交通运输局", "3": "县交通运输局", "4": "县自然资源局",
                     "6": "县文旅局", "7": "县交通运输局"}  # a current name wins over another unit's former name
    assert result.other_names == {"县 交通局": ("县交通运输局", 1), "县交通局": ("县交通运输局", 1),
                                  "县交通运输管理局": ("县交通运输局", 1), "县国土资源局": ("县自然资源局", 1)}
    after = json.loads(AuditEntry.objects.get(action="insights.archive_import").after)
    assert after["other_names"] == {"县 交通局": "县交通运输局", "县交通局": "县交通运输局",
                                    "县交通运输管理局": "县交通运输局", "县国土资源局": "县自然资源局"}


@pytest.mark.django_db
def test_all_or_nothing_imports_none_and_a_second_import_of_the_same_file_adds_nothing(tree, clerk) -> None:
    bad = ["2023009", "关于整治噪音的建议", "工地夜间施工噪音扰民。", "城建交通", "县城管局", "", "2023-04-01"]
    result = do_import(clerk, tree.county_congress, [HEADER, ROAD, bad], all_or_nothing=True)
    assert result.imported == 0 and result.batch is None and [e.line for e in result.errors] == [3]
    assert not ArchivedCase.objects.exists() and not AuditEntry.objects.filter(action="insights.archive_import")
    assert do_import(clerk, tree.county_congress, [HEADER, ROAD]).imported == 1
    again = do_import(clerk, tree.county_congress, [HEADER, ROAD])
    assert again.imported == 0 and [e.reason for e in again.errors] == ["这一条以前已经导入过"]
    assert ArchivedCase.objects.count() == 1


@pytest.mark.django_db
def test_the_year_comes_from_the_year_column_a_date_or_the_one_chosen_and_gbk_csv_is_read(tree, clerk) -> None:
    text = ("标题,内容,领域分类,年度\n关于修复道路的建议,村道坑洼。,城建交通,2022\n"
            "关于食堂卫生的建议,食堂太脏。,教科文卫,\n")
    result = archive.archive_import(actor=clerk, congress=tree.county_congress, kind="opinion",
                                    data=text.encode("gbk"), file_name="意见.csv", default_year=2021)
    assert result.imported == 2 and result.years == {2021: 1, 2022: 1}
    no_year = archive.archive_import(actor=clerk, congress=tree.county_congress, kind="opinion",
                                     data="标题,领域分类\n关于路灯的建议,城建交通\n".encode(), file_name="x.csv")
    assert [e.reason for e in no_year.errors] == ["没有年度：请填写“年度”或日期列，或在导入时选择年度"]


@pytest.mark.django_db
def test_a_file_that_cannot_be_used_gets_one_clear_error(tree, clerk) -> None:
    county = tree.county_congress
    for data, message in ((b"", "文件是空的"), (b"PK\x03\x04broken", "文件无法读取"),
                          ("标题\n".encode(), "没有可导入的行"),
                          ("标题,办理结果\n关于路灯的建议,已修复\n".encode(), "找不到这些列：领域分类或主办单位"),
                          ("领域分类,主办单位\n城建交通,县交通运输局\n".encode(), "找不到这些列：标题或内容")):
        with pytest.raises(Invalid, match=message):
            archive.archive_import(actor=clerk, congress=county, kind="suggestion", data=data, file_name="x")
    assert not ArchiveImport.objects.exists()


@pytest.mark.django_db
def test_only_staff_of_the_congress_import_and_a_township_clerk_not_into_the_county(tree, clerk) -> None:
    township = UserFactory(role=Role.TOWNSHIP_STAFF, region=tree.town_a)
    with pytest.raises(Forbidden):
        do_import(township, tree.county_congress, [HEADER, ROAD])
    assert do_import(township, tree.congress_a, [HEADER, ROAD]).imported == 1  # the county's unit serves it
    assert do_import(clerk, tree.congress_b, [HEADER, ROAD]).imported == 1  # the county's clerk, a township's
    with pytest.raises(Forbidden):
        archive.archive_delete(actor=township, batch=ArchiveImport.objects.get(congress=tree.congress_b))


def ledger(per_class: int = 15) -> list[list[object]]:
    """Synthetic cases: roads and lights went to 县交通运输局, everything else to 县教育局."""
    rows: list[list[object]] = [["内容", "主办单位", "年度"]]
    for text, category in synthetic_history(per_class=per_class):
        rows.append([text, "县交通运输局" if category == "城建交通" else "县教育局", 2024])
    return rows


@pytest.mark.django_db
def test_an_imported_ledger_gives_a_fresh_congress_unit_proposals_and_deleting_it_takes_them_away(
        tree, clerk, django_capture_on_commit_callbacks) -> None:
    congress = tree.county_congress
    road = "石桥村道路坑洼，路灯不亮，晚上出行很危险"
    assert services.suggest(congress=congress, kind="unit", text=road) is None
    with django_capture_on_commit_callbacks(execute=True):
        result = do_import(clerk, congress, ledger())
    distinct = len({row[0] for row in ledger()[1:]})  # the synthetic history repeats a message: imported once
    assert result.imported == distinct >= 55 and all(e.reason.startswith("与第") for e in result.errors)
    proposal = services.suggest(congress=congress, kind="unit", text=road)
    assert proposal is not None and proposal.label == str(tree.unit_county.pk)
    assert AuditEntry.objects.filter(action="insights.model_train").exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert archive.archive_delete(actor=clerk, batch=result.batch) == distinct
    assert services.suggest(congress=congress, kind="unit", text=road) is None
    assert store.load(congress.pk, "unit") is None
    deleted = AuditEntry.objects.get(action="insights.archive_delete")
    assert json.loads(deleted.before)["rows"] == distinct and deleted.actor_id == clerk.pk


@pytest.mark.django_db
def test_county_staff_see_imported_cases_with_their_reply_among_similar_cases_and_others_do_not(tree, clerk) -> None:
    from tests.factories import MandateFactory, PersonFactory

    do_import(clerk, tree.county_congress, [HEADER, ROAD])
    text = "幸福村村道坑洼，下雨积水，出行不便"
    found = services.similar_in_scope(user=clerk, congress=tree.county_congress, text=text)
    assert [(c.source, c.archived.number) for c in found] == [("archive", "2023001")]
    assert found[0].match.reply.startswith("已列入年度农村公路养护计划")
    township = UserFactory(role=Role.TOWNSHIP_STAFF, region=tree.town_a)  # the county's archive covers every township
    assert services.similar_in_scope(user=township, congress=tree.county_congress, text=text) == []
    person = PersonFactory()
    MandateFactory(person=person, congress=tree.county_congress, term=tree.county_term)
    deputy = UserFactory(role=Role.DEPUTY, region=tree.county, person=person)
    assert services.similar_in_scope(user=deputy, congress=tree.county_congress, text=text) == []
    c = Client()
    c.force_login(clerk)
    html = c.post(reverse("insights:assist"), {"content": text, "insights_congress": tree.county_congress.pk}
                  ).content.decode()
    assert "2023 年代表建议 2023001" in html and "（县交通运输局主办）" in html and "已列入年度农村公路养护计划" in html


@pytest.mark.django_db
def test_the_page_imports_a_ledger_lists_the_bad_lines_and_deletes_an_import(tree, clerk) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = Client()
    c.force_login(clerk)
    page = c.get(reverse("insights:archive")).content.decode()
    assert 'data-testid="archive-form"' in page and tree.county_congress.name in page
    bad = ["2023002", "关于修建便民桥的建议", "河口社区群众出行绕远。", "城建交通", "县水务局", "", "2023-02-03"]
    upload = SimpleUploadedFile("台账.xlsx", xlsx([HEADER, ROAD, bad]))
    response = c.post(reverse("insights:archive"), {"congress": tree.county_congress.pk, "kind": "suggestion",
                                                    "year": "", "file": upload})
    html = response.content.decode()
    assert response.status_code == 200 and "导入 1 条" in html and "1 行未导入" in html
    assert "<td>3</td><td>主办单位“县水务局”不是本级人大的承办单位" in html
    assert 'data-testid="archive-other-names"' not in html  # every unit by its current name
    tree.unit_county.other_names = "县交通局"
    tree.unit_county.save()
    old = ["2017001", "关于硬化石桥村通组公路的建议", "石桥村通组公路是土路。", "城建交通", "县交通局", "",
           "2017-02-03"]
    renamed = c.post(reverse("insights:archive"), {"congress": tree.county_congress.pk, "kind": "suggestion",
                                                   "file": SimpleUploadedFile("2017.xlsx", xlsx([HEADER, old]))})
    assert "按曾用名、简称对应的单位：“县交通局”→ 县交通运输局（1 条）" in renamed.content.decode()
    ArchiveImport.objects.filter(file_name="2017.xlsx").delete()
    batch = ArchiveImport.objects.get()
    listing = c.get(reverse("insights:archive")).content.decode()
    assert "台账.xlsx" in listing and reverse("insights:archive_delete", args=[batch.pk]) in listing
    none = c.post(reverse("insights:archive"), {"congress": tree.county_congress.pk, "kind": "suggestion",
                                                "file": SimpleUploadedFile("b.csv", "标题\n路灯\n".encode())})
    assert none.status_code == 422 and "找不到这些列" in none.content.decode()
    other = UserFactory(role=Role.TOWNSHIP_STAFF, region=tree.town_b)
    c2 = Client()
    c2.force_login(other)
    assert c2.post(reverse("insights:archive_delete", args=[batch.pk])).status_code == 404
    assert c.post(reverse("insights:archive_delete", args=[batch.pk])).status_code == 302
    assert not ArchivedCase.objects.exists()


# --- the API -------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_api_imports_lists_and_deletes_and_reports_bad_lines(tree, clerk) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.helpers import api_client

    api = api_client(clerk)
    bad = ["2023002", "关于修建便民桥的建议", "河口社区群众出行绕远。", "城建交通", "县水务局", "", "2023-02-03"]
    response = api.post(f"/api/v1/insights/archive?congress={tree.county_congress.pk}&kind=suggestion",
                        {"file": SimpleUploadedFile("台账.xlsx", xlsx([HEADER, ROAD, bad]))})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["imported"] == 1 and body["rows"] == 2 and body["years"] == {"2023": 1} and body["other_names"] == []
    assert body["errors"] == [{"line": 3, "reason": body["errors"][0]["reason"]}]
    assert body["errors"][0]["reason"].startswith("主办单位“县水务局”不是本级人大的承办单位")
    batch = body["batch"]["id"]
    listed = api.get("/api/v1/insights/archive").json()
    assert [(b["id"], b["rows"], b["skipped"], b["imported_by"]) for b in listed] == [(batch, 1, 1, clerk.username)]
    unusable = api.post(f"/api/v1/insights/archive?congress={tree.county_congress.pk}",
                        {"file": SimpleUploadedFile("x.csv", "标题\n路灯\n".encode())})
    assert unusable.status_code == 422 and "找不到这些列" in unusable.json()["message"]
    township = api_client(UserFactory(role=Role.TOWNSHIP_STAFF, region=tree.town_a))
    assert township.post(f"/api/v1/insights/archive?congress={tree.county_congress.pk}",  # not in their scope
                         {"file": SimpleUploadedFile("台账.xlsx", xlsx([HEADER, ROAD]))}).status_code == 404
    own_township = api_client(UserFactory(role=Role.TOWNSHIP_STAFF, region=tree.town_a))
    assert own_township.post(f"/api/v1/insights/archive?congress={tree.congress_a.pk}",
                                           {"file": SimpleUploadedFile("台账.xlsx", xlsx([HEADER, ROAD]))}
                                           ).json()["imported"] == 1
    assert township.delete(f"/api/v1/insights/archive/{batch}").status_code == 404
    assert api.delete(f"/api/v1/insights/archive/{batch}").json() == {"deleted": 1}


@pytest.mark.django_db
def test_the_api_proposes_a_unit_and_shows_similar_cases_in_the_callers_scope(
        tree, clerk, django_capture_on_commit_callbacks) -> None:
    from tests.helpers import api_client

    with django_capture_on_commit_callbacks(execute=True):
        do_import(clerk, tree.county_congress, [*ledger(), [ROAD[1] + ROAD[2], "县交通运输局", 2023]])
    api = api_client(clerk)
    text = "幸福村村道坑洼严重，雨天积水，出行不便"
    body = api.post("/api/v1/insights/propose", {"congress": tree.county_congress.pk, "text": text},
                    content_type="application/json").json()
    assert body["unit"]["label"] == str(tree.unit_county.pk) and body["unit"]["unit_name"] == "县交通运输局"
    assert body["unit"]["terms"] and 0 < body["unit"]["confidence"] <= 1
    assert body["category"] is None and body["no_history"] is False  # the ledger had units, not categories
    first = body["similar"][0]
    assert (first["source"], first["year"], first["kind"]) == ("archive", 2023, "suggestion")
    assert first["text"].startswith("关于修复幸福村道路的建议")
    # a unit since closed is never proposed, though the model learnt it (at most another one, as a hint)
    tree.unit_county.active = False
    tree.unit_county.save(update_fields=["active"])
    closed = api.post("/api/v1/insights/propose", {"congress": tree.county_congress.pk, "text": text},
                      content_type="application/json").json()["unit"]
    assert closed is None or (closed["label"] is None and closed["unit_name"] not in ("", "县交通运输局")), closed
    tree.unit_county.active = True
    tree.unit_county.save(update_fields=["active"])
    short = api.post("/api/v1/insights/propose", {"congress": tree.county_congress.pk, "text": "路灯"},
                     content_type="application/json").json()
    assert short == {"category": None, "unit": None, "similar": [], "no_history": False}
    outsider = api_client(UserFactory(role=Role.TOWNSHIP_STAFF, region=tree.town_a))
    assert outsider.post("/api/v1/insights/propose", {"congress": tree.congress_b.pk, "text": text},
                         content_type="application/json").status_code == 404


@pytest.mark.django_db
def test_the_platforms_own_ledger_export_imports_as_it_is(tree, clerk) -> None:
    """The 台账 export has a title line above its header and 办理结果 holds the outcome's class, not a reply."""
    from renda.suggestions.ledger import COLUMNS

    values = {"编号": "2026001", "标题": "关于修复幸福村道路的建议", "领域分类": "城建交通", "主办单位": "县交通运输局",
              "办理结果": "A", "立案日期": "2026-01-15", "领衔代表": "王芳"}
    rows: list[list[object]] = [["测试县 2026年代表建议办理台账（导出日期 2026-11-24）"], COLUMNS,
                                [values.get(c, "") for c in COLUMNS]]
    result = do_import(clerk, tree.county_congress, rows)
    assert (result.imported, result.errors, result.years) == (1, [], {2026: 1})
    case = ArchivedCase.objects.get()
    assert (case.number, case.title, case.unit, case.reply) == ("2026001", values["标题"], tree.unit_county, "")


@pytest.mark.django_db
def test_a_suggestion_already_on_the_platform_is_not_imported_again_as_a_past_case(tree, clerk) -> None:
    """Importing the platform's own 台账 export back would teach the models each case twice and show it twice among
    similar cases: a row with the title (or the content) and the year of a filed suggestion is refused, naming it.
    A draft is not filed, and the same title in another year is another suggestion (a deputy asks again)."""
    from renda.suggestions.models import Status, Suggestion
    from tests.factories import PersonFactory

    def filed(title: str, year: int, status: str, number: str) -> None:
        Suggestion.objects.create(congress=tree.county_congress, region_path=tree.county.path, title=title,
                                  content="……", lead_deputy=PersonFactory(), year=year, channel="session",
                                  status=status, number=number)

    filed(ROAD[1], 2023, Status.SUBMITTED, "2023001")
    filed("关于增开城乡公交班次的建议", 2023, Status.DRAFT, "")
    filed("关于建设乡镇养老院的建议", 2022, Status.SUBMITTED, "2022007")
    bus = ["", "关于增开 城乡公交班次的建议", "偏远村组每天只有两班车。", "城建交通", "县交通运输局", "", "2023-02-01"]
    elderly = ["", "关于建设乡镇养老院的建议", "农村老人多，缺少养老院。", "社会保障", "", "", "2023-02-01"]
    result = do_import(clerk, tree.county_congress, [HEADER, ROAD, bus, elderly])
    assert result.imported == 2
    assert [(e.line, e.reason) for e in result.errors] == [
        (2, "平台上已有 2023 年的这条建议（2023001），不必作为往年案例导入")]
    assert set(ArchivedCase.objects.values_list("title", flat=True)) == {bus[1], elderly[1]}
