"""The deputies pages: list with filters and search in a constant number of queries, a deputy's page, the edit
form (errors in Chinese on the field, a stale edit refused with 409), the status form, the import page with its
report and its background job's progress, the export and the composition page — each within the user's scope."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from renda.core.models import AuditEntry
from renda.core.roles import Role
from renda.deputies.models import ImportJob, Mandate, MandateStatus, Person
from tests.deputies.registry import build, make_id, sheet_rows
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reg(tree):
    return build(tree)


def login(client, user):
    client.force_login(user)
    return client


def listed(response) -> list[str]:
    assert response.status_code == 200
    table = response.content.decode().split('data-testid="deputy-list"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<a href="/deputies/\d+/">([^<]+)</a>', table)


# --- the list -------------------------------------------------------------------------------------------------
def test_list_shows_the_scope_with_filters_and_search(client, reg):
    login(client, reg.county_clerk)
    url = reverse("deputies:list")
    assert sorted(listed(client.get(url))) == sorted(["张三", "李四", "王五", "赵六"])
    assert listed(client.get(url, {"congress": reg.tree.congress_b.pk})) == ["王五"]
    assert listed(client.get(url, {"group": reg.group_a.pk})) == ["张三"]
    assert listed(client.get(url, {"district": reg.county_district_a.pk})) == ["赵六"]
    assert listed(client.get(url, {"level": "county"})) == ["赵六"]
    assert listed(client.get(url, {"q": "zl"})) == ["赵六"]
    assert listed(client.get(url, {"q": reg.li.id_number.lower()})) == ["李四"]
    html = client.get(url).content.decode()
    assert "138****8000" in html and "13800138000" not in html, "the list shows phones masked"


def test_township_clerk_lists_only_the_township_and_the_county_deputies_elected_there(client, reg):
    login(client, reg.clerk_a)
    assert sorted(listed(client.get(reverse("deputies:list")))) == sorted(["张三", "李四", "赵六"])
    # Another township's congress is not even a choice: the filter is dropped, not obeyed.
    response = client.get(reverse("deputies:list"), {"congress": reg.tree.congress_b.pk})
    assert "王五" not in listed(response)


def test_list_page_runs_the_same_number_of_queries_for_5_or_50_deputies(client, reg):
    login(client, reg.county_clerk)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("deputies:list")).status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    for i in range(46):
        person = PersonFactory(region=reg.tree.village_a, name=f"甲镇代表{i}")
        Mandate.objects.create(person=person, congress=reg.tree.congress_a, term=reg.tree.term_a)
    assert queries() == few


def test_roles_without_the_registry_get_403_and_outside_the_scope_is_404(client, reg):
    unit = UserFactory(role=Role.UNIT_USER, region=reg.tree.county, unit=reg.tree.unit_county)
    me = UserFactory(role=Role.DEPUTY, region=reg.tree.town_a, person=reg.zhang)
    for user in (unit, me):
        login(client, user)
        for name in ("deputies:list", "deputies:import", "deputies:stats", "deputies:roster", "deputies:export"):
            assert client.get(reverse(name)).status_code == 403, (user.role, name)
        assert client.get(reverse("deputies:detail", args=[reg.zhang.pk])).status_code == 403
    login(client, reg.clerk_b)
    for name in ("deputies:detail", "deputies:edit"):
        assert client.get(reverse(name, args=[reg.zhang.pk])).status_code == 404
    assert client.get(reverse("deputies:status", args=[reg.zhang.pk, reg.mandate_zhang.pk])).status_code == 404


# --- a deputy's page ------------------------------------------------------------------------------------------
def test_deputy_page_shows_mandates_groups_and_masked_data(client, reg):
    login(client, reg.clerk_a)
    html = client.get(reverse("deputies:detail", args=[reg.zhang.pk])).content.decode()
    assert "甲镇人民代表大会" in html and "第一选区" in html and "甲镇第一代表小组" in html
    assert reg.zhang.id_number not in html and "13800138000" not in html
    assert reg.zhang.id_number[:6] + "********" in html
    assert reverse("deputies:status", args=[reg.zhang.pk, reg.mandate_zhang.pk]) in html
    county_deputy = client.get(reverse("deputies:detail", args=[reg.zhao.pk])).content.decode()
    assert "县第一选区" in county_deputy
    assert reverse("deputies:status", args=[reg.zhao.pk, reg.mandate_zhao.pk]) not in county_deputy, \
        "town A sees the county deputy elected there, but the county changes the mandate"
    assert reverse("deputies:edit", args=[reg.zhao.pk]) not in county_deputy


def test_reveal_on_the_page_is_a_post_and_is_audited(client, reg):
    login(client, reg.clerk_a)
    url = reverse("deputies:reveal", args=[reg.zhang.pk])
    assert client.get(url).status_code == 302
    assert not AuditEntry.objects.filter(action="person.reveal").exists()
    html = client.post(url, HTTP_HX_REQUEST="true").content.decode()
    assert reg.zhang.id_number in html and "13800138000" in html
    assert AuditEntry.objects.get(action="person.reveal").actor_id == reg.clerk_a.pk


# --- editing --------------------------------------------------------------------------------------------------
def form_data(person, **changes) -> dict:
    data = {"version": person.version, "name": person.name, "gender": person.gender, "ethnicity": person.ethnicity,
            "birth_date": person.birth_date.isoformat() if person.birth_date else "", "party": person.party,
            "education": person.education, "occupation": person.occupation,
            "organization_post": person.organization_post, "id_number": "", "phone": "",
            "address": person.address}
    return {**data, **changes}


def test_edit_saves_only_what_changed_and_keeps_id_and_phone_when_left_empty(client, reg):
    login(client, reg.clerk_a)
    response = client.post(reverse("deputies:edit", args=[reg.zhang.pk]),
                           form_data(reg.zhang, organization_post="甲村党支部书记", ethnicity="回"))
    assert response.status_code == 302
    reg.zhang.refresh_from_db()
    assert (reg.zhang.organization_post, reg.zhang.ethnicity, reg.zhang.version) == ("甲村党支部书记", "回族", 2)
    assert reg.zhang.phone == "13800138000" and reg.zhang.id_number
    changed = json.loads(AuditEntry.objects.filter(action="person.update").latest("seq").after)
    assert set(changed) == {"organization_post", "ethnicity"}


def test_edit_shows_the_services_errors_in_chinese_on_their_fields(client, reg):
    login(client, reg.clerk_a)
    response = client.post(reverse("deputies:edit", args=[reg.zhang.pk]),
                           form_data(reg.zhang, id_number="440106197503081235", phone="12345"))
    assert response.status_code == 422
    html = response.content.decode()
    assert 'data-field="id_number"' in html and "身份证号校验位不正确" in html
    reg.zhang.refresh_from_db()
    assert reg.zhang.version == 1
    response = client.post(reverse("deputies:edit", args=[reg.zhang.pk]), form_data(reg.zhang, phone="12345"))
    assert 'data-field="phone"' in response.content.decode() and "不是有效的 11 位手机号码" in response.content.decode()
    response = client.post(reverse("deputies:edit", args=[reg.zhang.pk]), form_data(reg.zhang, gender="female"))
    assert response.status_code == 422 and "性别与身份证号不一致" in response.content.decode()


def test_a_stale_edit_is_refused_with_409_and_shows_the_current_record(client, reg):
    login(client, reg.clerk_a)
    stale = form_data(reg.zhang, address="旧页面填写的地址")
    assert client.post(reverse("deputies:edit", args=[reg.zhang.pk]),
                       form_data(reg.zhang, address="甲村1号")).status_code == 302
    response = client.post(reverse("deputies:edit", args=[reg.zhang.pk]), stale)
    assert response.status_code == 409
    html = response.content.decode()
    assert 'data-testid="stale"' in html and "甲村1号" in html
    reg.zhang.refresh_from_db()
    assert (reg.zhang.address, reg.zhang.version) == ("甲村1号", 2)


def test_township_clerk_cannot_edit_the_county_deputy(client, reg):
    login(client, reg.clerk_a)
    assert client.get(reverse("deputies:edit", args=[reg.zhao.pk])).status_code == 403
    assert client.post(reverse("deputies:edit", args=[reg.zhao.pk]), form_data(reg.zhao, address="x")).status_code \
        == 403


# --- status ---------------------------------------------------------------------------------------------------
def test_status_form_ends_the_mandate_by_the_workflow(client, reg):
    login(client, reg.clerk_a)
    url = reverse("deputies:status", args=[reg.zhang.pk, reg.mandate_zhang.pk])
    form = client.get(url).content.decode()
    assert "辞职" in form and "罢免" in form and "在任</option>" not in form
    bad = client.post(url, {"version": 1, "status": "resigned", "date": "2999-01-01", "reason": "辞职"})
    assert bad.status_code == 422 and "状态变更日期不能晚于今天" in bad.content.decode()
    done = client.post(url, {"version": 1, "status": "resigned", "date": "2026-02-01", "reason": "本人申请辞职"})
    assert done.status_code == 302
    assert Mandate.objects.get(pk=reg.mandate_zhang.pk).status == MandateStatus.RESIGNED
    assert AuditEntry.objects.filter(action="mandate.resign", actor_id=reg.clerk_a.pk).exists()
    again = client.post(url, {"version": 2, "status": "deceased", "date": "2026-02-02", "reason": "x"})
    assert again.status_code == 422 and "不能再变更" in again.content.decode()
    assert Mandate.objects.get(pk=reg.mandate_zhang.pk).status == MandateStatus.RESIGNED


def test_status_form_refuses_a_stale_version_with_409(client, reg):
    login(client, reg.clerk_a)
    url = reverse("deputies:status", args=[reg.zhang.pk, reg.mandate_zhang.pk])
    response = client.post(url, {"version": 7, "status": "moved", "date": "2026-02-01", "reason": "调离"})
    assert response.status_code == 409 and 'data-testid="stale"' in response.content.decode()
    assert Mandate.objects.get(pk=reg.mandate_zhang.pk).status == MandateStatus.ACTIVE


# --- import ---------------------------------------------------------------------------------------------------
def roster_file(rows) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "身份证号", "性别", "手机"])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("名册.xlsx", out.getvalue())


def messy_rows() -> list[list]:
    return [["孙七", make_id("19850615", 7), "男", "13900139000"],
            ["周八", make_id("19860101", 8)[:17] + "0" if not make_id("19860101", 8).endswith("0")
             else make_id("19860101", 8)[:17] + "1", "", ""],
            ["吴九", make_id("19870101", 9), "女", ""]]


def test_import_page_dry_run_shows_the_report_table_and_writes_nothing(client, reg):
    login(client, reg.clerk_a)
    response = client.post(reverse("deputies:import"), {"file": roster_file(messy_rows()),
                                                        "congress": reg.tree.congress_a.pk, "dry_run": "on"})
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    table = html.split('data-testid="import-errors"', 1)[1]
    assert re.search(r"<td>3</td><td>身份证号</td><td><code>id_number_checksum</code></td><td>第 3 行", table)
    assert re.search(r"<td>4</td><td>性别</td><td><code>gender_mismatch</code></td>", table)
    assert "仅检查，未写入任何数据" in html
    assert not Person.objects.filter(name="孙七").exists()


def test_import_page_writes_and_a_reimport_does_not_duplicate(client, reg):
    login(client, reg.clerk_a)
    for _ in range(2):
        response = client.post(reverse("deputies:import"), {"file": roster_file(messy_rows()),
                                                            "congress": reg.tree.congress_a.pk})
        assert response.status_code == 302
    assert Person.objects.filter(name="孙七").count() == 1
    job = ImportJob.objects.order_by("-id").first()
    assert (job.result["created"], job.result["unchanged"]) == (0, 1)


def test_import_page_refuses_a_file_that_is_no_roster_in_chinese(client, reg):
    login(client, reg.clerk_a)
    response = client.post(reverse("deputies:import"), {"file": SimpleUploadedFile("x.xlsx", b"not a workbook"),
                                                        "congress": reg.tree.congress_a.pk})
    assert response.status_code == 422 and "不是 Excel .xlsx 格式" in response.content.decode()


@override_settings(RENDA_IMPORT_INLINE_MAX_ROWS=1)
def test_a_large_import_shows_progress_polled_by_htmx_until_done(client, reg, django_capture_on_commit_callbacks):
    login(client, reg.clerk_a)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("deputies:import"), {"file": roster_file(messy_rows()),
                                                            "congress": reg.tree.congress_a.pk})
    job_url = response["Location"]
    pending = client.get(job_url).content.decode()
    assert f'hx-get="{job_url}"' in pending and 'hx-trigger="every 2s"' in pending
    assert 'data-testid="progress">0%' in pending
    for callback in callbacks:
        callback()
    done = client.get(job_url, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-get" not in done, "a finished job stops the polling"
    assert 'data-testid="created">1<' in done and "<html" not in done


# --- export, statistics ---------------------------------------------------------------------------------------
def test_export_page_gives_the_masked_sheet_and_the_full_one_only_by_post(client, reg):
    login(client, reg.clerk_a)
    masked = client.get(reverse("deputies:export"), {"q": "zs"})
    assert masked.status_code == 200
    rows = sheet_rows(masked.content)
    assert rows[2][0] == "张三" and rows[2][8] != reg.zhang.id_number
    full = client.post(reverse("deputies:export"), {"q": "zs", "unmasked": "1"})
    assert sheet_rows(full.content)[2][8] == reg.zhang.id_number
    assert AuditEntry.objects.filter(action="deputy.export").count() == 2
    assert json.loads(AuditEntry.objects.get(action="person.reveal").after)["people"] == [reg.zhang.pk]


def test_composition_page_shows_counts_and_the_townships_side_by_side(client, reg):
    login(client, reg.county_clerk)
    html = client.get(reverse("deputies:stats"), {"congress": reg.tree.county_congress.pk}).content.decode()
    assert 'data-testid="total">1<' in html
    assert "各乡镇对比" in html and "<svg" in html and "甲镇" in html and "乙镇" in html
    town = client.get(reverse("deputies:stats"), {"congress": reg.tree.congress_a.pk}).content.decode()
    assert 'data-testid="total">2<' in town and 'data-testid="highlight-women">1<' in town
    assert "各乡镇对比" not in town
    login(client, reg.clerk_b)
    assert client.get(reverse("deputies:stats"), {"congress": reg.tree.congress_a.pk}).status_code == 404
