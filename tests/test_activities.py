"""Liaison activities: the form, 人次, the list with filters, scope and paging, opinions becoming
items, roles, files, stale edits, the documents, the CLI export, the workspace panel, the item's origin and demo."""
import io
import re
from datetime import date, timedelta

import docx
import pytest
from flask_login import login_user
from openpyxl import load_workbook
from sqlalchemy import func, select

from portal import clock, events
from portal.activities.contributions import deputy_panel, item_origin_url
from portal.activities.models import Activity, ActivityDeputy, ActivityKind, ActivityOpinion, ActivityStaff
from portal.activities.services import ActivityFilters, period_counts
from portal.attachments import Attachment
from portal.audit import AuditLog
from portal.auth.models import CourtLevel, Role
from portal.extensions import db
from portal.items.models import Item, ItemKind, ItemOrigin, ItemState
from portal.periods import parse
from portal.register.models import DeputyKind, DeputyLevel

HX = {"HX-Request": "true"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def people(court, make_user, make_deputy):
    return {
        "张三": make_deputy(name="张三", mobile="13800000001", work_unit="云岭市第一人民医院", post="院长"),
        "李四": make_deputy(name="李四", mobile="13800000002", kind=DeputyKind.CPPCC, group_name="教育界",
                          level=DeputyLevel.COUNTY),
        "王五": make_deputy(name="王五", mobile="13800000003"),
        "leader": make_user(Role.LEADER, display_name="周院长"),
        "judge": make_user(Role.HANDLER, display_name="陈法官"),
        "liaison": make_user(Role.LIAISON, display_name="郑联络"),
    }


@pytest.fixture
def make_activity(court):
    def factory(*, deputies=(), staff=(), on="2025-03-01", court_id=None, others="", kind=ActivityKind.VISIT,
                **kw) -> Activity:
        names = [n for n in others.split("、") if n]
        activity = Activity(court_id=court_id or court.id, held_on=date.fromisoformat(on), kind=kind,
                            title=kw.pop("title", "走访企业代表"), place=kw.pop("place", "工业园区"),
                            other_participants=others, other_count=len(names), **kw)
        activity.deputy_links = [ActivityDeputy(deputy_id=d.id) for d in deputies]
        activity.staff_links = [ActivityStaff(user_id=u.id) for u in staff]
        db.session.add(activity)
        db.session.commit()
        return activity

    return factory


def form_data(people, **overrides) -> dict:
    data = {"held_on": "2025-03-01", "kind": "visit", "court_id": str(people["leader"].court_id),
            "title": "走访企业代表", "place": "工业园区", "other_participants": "",
            "deputy_ids": [str(people["张三"].id), str(people["李四"].id)],
            "staff_ids": [str(people["leader"].id), str(people["judge"].id)],
            "content": "通报涉企案件审判执行情况。"}
    data.update(overrides)
    return data


def errors_in(response) -> list[str]:
    return re.findall(r'invalid-feedback d-block">([^<]+)', response.get_data(as_text=True))


def test_every_activity_kind_has_a_label():
    assert [k.label for k in ActivityKind] == ["走访", "视察", "座谈会", "评议", "结对联络", "节日走访", "通报会",
                                              "执行监督"]


# --- record and change -------------------------------------------------------------------------------------------

def test_record_an_activity_and_announce_it(client, login_as, people):
    heard = []
    listener = events.on("activity.recorded")(heard.append)
    try:
        user = login_as(Role.LIAISON)
        response = client.post("/activities/new", data=form_data(people, other_participants="村委会主任 赵六"))
        assert response.status_code == 303, errors_in(response)
    finally:
        events.off(listener)
    activity = db.session.scalar(select(Activity))
    assert activity.held_on == date(2025, 3, 1) and activity.kind == ActivityKind.VISIT
    assert [d.name for d in activity.deputies] == ["李四", "张三"]  # by pinyin
    assert {u.display_name for u in activity.staff} == {"周院长", "陈法官"}
    assert activity.other_participants == "村委会主任、赵六" and activity.person_count == 4
    assert activity.created_by_id == user.id
    assert [e.subject_id for e in heard] == [activity.id]
    trail = db.session.scalar(select(AuditLog).where(AuditLog.action == "event"))
    assert trail.summary == "登记联络活动"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已登记联络活动" in page and "走访企业代表" in page and "2025-03-01" in page


def test_a_planned_activity_may_lie_ahead(client, login_as, people):
    login_as(Role.LIAISON)
    ahead = (clock.today() + timedelta(days=20)).isoformat()
    assert client.post("/activities/new", data=form_data(people, held_on=ahead)).status_code == 303
    assert db.session.scalar(select(Activity.held_on)) == date.fromisoformat(ahead)


def test_every_change_is_audited(client, login_as, people):
    login_as(Role.LIAISON)
    client.post("/activities/new", data=form_data(people))
    activity = db.session.scalar(select(Activity))
    created = [a.entity for a in db.session.scalars(select(AuditLog).where(AuditLog.action == "create"))]
    assert created.count("activity") == 1 and created.count("activity_deputy") == 2
    assert created.count("activity_staff") == 2
    data = form_data(people, deputy_ids=[str(people["张三"].id), str(people["王五"].id)], title="视察执行指挥中心",
                     version="1")
    assert client.post(f"/activities/{activity.id}/edit", data=data).status_code == 303
    update = db.session.scalar(select(AuditLog).where(AuditLog.entity == "activity", AuditLog.action == "update"))
    assert update.changes["title"] == ["走访企业代表", "视察执行指挥中心"]
    removed = db.session.scalar(select(AuditLog).where(AuditLog.entity == "activity_deputy",
                                                       AuditLog.action == "delete"))
    assert "李四" in removed.summary
    db.session.expire_all()
    assert [d.name for d in db.session.get(Activity, activity.id).deputies] == ["王五", "张三"]


def test_every_model_names_its_fields_for_the_audit_trail():
    for model in (Activity, ActivityDeputy, ActivityStaff, ActivityOpinion):
        assert model.__audited__ and model.__audit_label__
        excluded = getattr(model, "__audit_exclude__", set()) | {"created_at", "updated_at", "id", "version"}
        assert {c.key for c in model.__table__.columns} - excluded <= set(model.__audit_labels__), model


@pytest.mark.parametrize("overrides, message", [
    ({"title": ""}, "请填写活动主题"),
    ({"title": "长" * 201}, "不能超过 200 个字"),
    ({"held_on": "2025-13-01"}, "日期"),
    ({"held_on": ""}, "请填写活动日期"),
    ({"kind": "party"}, "选择"),
    ({"deputy_ids": [], "other_participants": ""}, "请至少选择一名参加活动的代表委员"),
    ({"deputy_ids": ["999999"]}, "在名册中找不到"),
    ({"court_id": "999999"}, "请选择组织活动的法院"),
])
def test_mistakes_are_shown_and_nothing_typed_is_lost(client, login_as, people, overrides, message):
    login_as(Role.LIAISON)
    response = client.post("/activities/new", data=form_data(people, content="活动内容不丢", **overrides))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert any(message in e for e in errors_in(response)), errors_in(response)
    assert "活动内容不丢" in page and "表单有" in page
    if "deputy_ids" not in overrides:  # the chips come back with the form
        assert f'name="deputy_ids" value="{people["张三"].id}"' in page
    if "held_on" in overrides and overrides["held_on"]:
        assert f'value="{overrides["held_on"]}"' in page
    assert db.session.scalar(select(func.count(Activity.id))) == 0


def test_staff_must_belong_to_the_organising_court(client, login_as, people, make_court, make_user, court):
    other = make_user(Role.LEADER, court=make_court(parent=court, level=CourtLevel.BASIC))
    login_as(Role.LIAISON)
    response = client.post("/activities/new", data=form_data(people, staff_ids=[str(other.id)]))
    assert response.status_code == 422 and "院方参加人员应为组织法院的在职人员。" in errors_in(response)


def test_choosing_another_court_offers_its_staff_and_keeps_the_form(client, login_as, people, make_court,
                                                                    make_user, court):
    lower = make_court(parent=court, level=CourtLevel.BASIC, name="某某区人民法院")
    make_user(Role.LEADER, court=lower, display_name="区法院院长")
    login_as(Role.LIAISON)
    page = client.get("/activities/new").get_data(as_text=True)
    assert "周院长（院领导）" in page and "区法院院长" not in page and "组织法院" in page
    response = client.post("/activities/new?refresh=1", data=form_data(people, court_id=str(lower.id), content="留着"),
                           headers={**HX, "HX-Target": "activity_form"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert "区法院院长（院领导）" in body and "周院长" not in body and "留着" in body
    assert f'name="deputy_ids" value="{people["张三"].id}"' in body and "表单有" not in body
    assert db.session.scalar(select(func.count(Activity.id))) == 0


def test_a_stale_edit_is_refused_with_the_others_changes(client, login_as, people, make_activity):
    activity = make_activity(deputies=[people["张三"]], staff=[people["leader"]])
    login_as(Role.LIAISON)
    assert client.post(f"/activities/{activity.id}/edit",
                       data=form_data(people, title="第一次修改", version="1")).status_code == 303
    response = client.post(f"/activities/{activity.id}/edit", data=form_data(people, title="我的修改", version="1"))
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "edit-conflict" in page and "第一次修改" in page and "我的修改" in page
    db.session.expire_all()
    assert db.session.get(Activity, activity.id).title == "第一次修改"


def test_a_deputy_who_gave_an_opinion_stays(client, login_as, people, make_activity):
    activity = make_activity(deputies=[people["张三"], people["李四"]])
    login_as(Role.LIAISON)
    client.post(f"/activities/{activity.id}/opinions", data={"deputy_id": str(people["李四"].id), "text": "建议"})
    response = client.post(f"/activities/{activity.id}/edit",
                           data=form_data(people, deputy_ids=[str(people["张三"].id)], version="1"))
    assert response.status_code == 422 and any("李四在本次活动中提出了意见建议" in e for e in errors_in(response))


def test_photos_and_attachments(client, login_as, people):
    login_as(Role.LIAISON)
    bad = form_data(people, attachments=(io.BytesIO(b"MZ not a picture"), "病毒.exe"))
    response = client.post("/activities/new", data=bad, content_type="multipart/form-data")
    assert response.status_code == 422 and any("不支持的文件类型" in e for e in errors_in(response))
    good = form_data(people, attachments=[(io.BytesIO(PNG), "座谈现场.png"), (io.BytesIO(b"%PDF-1.4 x"), "纪要.pdf")])
    assert client.post("/activities/new", data=good, content_type="multipart/form-data").status_code == 303
    activity = db.session.scalar(select(Activity))
    photo = db.session.scalar(select(Attachment).where(Attachment.original_name == "座谈现场.png"))
    assert photo.owner_type == "activity" and photo.owner_id == activity.id
    page = client.get(f"/activities/{activity.id}").get_data(as_text=True)
    assert f'<img class="img-thumbnail object-fit-cover" src="/activities/{activity.id}/files/{photo.id}/' in page
    assert "纪要.pdf" in page
    download = client.get(f"/activities/{activity.id}/files/{photo.id}/座谈现场.png")
    assert download.status_code == 200 and download.data == PNG
    assert client.get(f"/activities/{activity.id}/files/{photo.id + 99}/x.png").status_code == 404
    assert client.post(f"/activities/{activity.id}/files/{photo.id}/delete").status_code == 303
    assert db.session.scalar(select(func.count(Attachment.id))) == 1


# --- 人次 and the list -------------------------------------------------------------------------------------------

def test_person_count_is_deputies_plus_named_others(app, court, people, make_activity):
    make_activity(deputies=[people["张三"], people["李四"]], others="赵六、钱七", on="2025-03-01")
    make_activity(deputies=[people["张三"]], staff=[people["leader"], people["judge"]], on="2025-04-01")
    make_activity(deputies=[people["王五"]], on="2024-12-31")  # outside the period
    counts = period_counts(ActivityFilters(period=parse("2025-01-01", "2025-12-31")), [court.id])
    assert (counts.activities, counts.persons) == (2, 5)  # staff are not counted


def test_list_filters_counts_and_search(client, login_as, people, make_activity):
    make_activity(deputies=[people["张三"]], on="2025-03-01", title="走访企业代表")
    make_activity(deputies=[people["李四"]], on="2025-05-01", kind=ActivityKind.FORUM, title="代表委员座谈会",
                  others="赵六")
    make_activity(deputies=[people["王五"]], on="2024-05-01", title="去年的走访")
    login_as(Role.LEADER)
    page = client.get("/activities/?from=2025-01-01&to=2025-12-31").get_data(as_text=True)
    assert "走访企业代表" in page and "代表委员座谈会" in page and "去年的走访" not in page
    assert 'count-activities">2<' in page and 'count-persons">3<' in page
    page = client.get("/activities/?kind=forum").get_data(as_text=True)  # the period is remembered
    assert "代表委员座谈会" in page and "走访企业代表" not in page
    page = client.get("/activities/?q=zs&kind=").get_data(as_text=True)
    assert "走访企业代表" in page and "座谈会</a>" not in page
    page = client.get("/activities/?q=座谈").get_data(as_text=True)
    assert "代表委员座谈会" in page and "走访企业代表" not in page
    page = client.get(f"/activities/?deputy={people['李四'].id}").get_data(as_text=True)
    assert "代表委员座谈会" in page and "走访企业代表" not in page and "只看代表委员" in page
    partial = client.get("/activities/?q=走访", headers={**HX, "HX-Target": "results"}).get_data(as_text=True)
    assert "<html" not in partial and "走访企业代表" in partial
    bad = client.get("/activities/?from=2025-12-31&to=2025-01-01")
    assert bad.status_code == 422 and "开始日期不能晚于结束日期" in bad.get_data(as_text=True)
    assert client.get("/activities/?kind=party&deputy=abc").status_code == 200


def test_pagination_walks_every_activity(app, client, login_as, people, make_activity):
    app.config["PAGE_SIZE"] = 3
    for n in range(7):
        make_activity(deputies=[people["张三"]], on=f"2025-03-{n + 1:02d}", title=f"活动{n}")
    login_as(Role.LIAISON)
    seen, url = [], "/activities/?from=2025-01-01&to=2025-12-31"
    while url:
        page = client.get(url).get_data(as_text=True)
        seen += re.findall(r">(活动\d)</a>", page)
        found = re.search(r'href="([^"]*cursor=[^"]*)"[^>]*>下一页', page)
        url = found.group(1).replace("&amp;", "&") if found else None
    assert seen == [f"活动{n}" for n in range(6, -1, -1)]


def test_court_scope(client, login_as, people, make_court, make_user, make_activity, court):
    lower = make_court(parent=court, level=CourtLevel.BASIC, name="某某区人民法院")
    make_activity(deputies=[people["张三"]], title="中院的活动")
    below = make_activity(deputies=[people["李四"]], court_id=lower.id, title="区法院的活动")
    login_as(Role.LIAISON)
    page = client.get("/activities/?from=2025-01-01&to=").get_data(as_text=True)
    assert "中院的活动" in page and "区法院的活动" in page
    page = client.get(f"/activities/?court={court.id}&scope=own").get_data(as_text=True)
    assert "中院的活动" in page and "区法院的活动" not in page
    client.post("/logout")
    login_as(Role.HANDLER, court=lower)
    page = client.get("/activities/?from=2025-01-01&to=").get_data(as_text=True)
    assert "区法院的活动" in page and "中院的活动" not in page
    other = db.session.scalar(select(Activity).where(Activity.title == "中院的活动"))
    assert client.get(f"/activities/{other.id}").status_code == 404
    assert client.get(f"/activities/{below.id}").status_code == 200


# --- roles ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", [Role.LEADER, Role.HANDLER])
def test_readers_read_and_do_not_edit(client, login_as, people, make_activity, role):
    activity = make_activity(deputies=[people["张三"]])
    login_as(role)
    page = client.get(f"/activities/{activity.id}").get_data(as_text=True)
    assert "走访企业代表" in page and f"/activities/{activity.id}/edit" not in page
    assert "转为跟踪事项</button>" not in page and "记录意见建议</button>" not in page
    assert "登记联络活动" not in client.get("/activities/").get_data(as_text=True)
    assert client.get("/activities/new").status_code == 403
    assert client.post(f"/activities/{activity.id}/edit", data=form_data(people)).status_code == 403
    assert client.post(f"/activities/{activity.id}/delete").status_code == 403
    assert client.post(f"/activities/{activity.id}/opinions", data={"text": "x"}).status_code == 403
    assert client.get("/activities/export.docx").status_code == 200


def test_deputies_reach_no_staff_page(client, login_as, people, make_activity):
    activity = make_activity(deputies=[people["张三"]])
    login_as(Role.DEPUTY, deputy=people["张三"])
    for url in ("/activities/", f"/activities/{activity.id}", "/activities/export.xlsx", "/activities/new"):
        assert client.get(url).status_code == 403, url


def test_delete_and_its_guard(client, login_as, people, make_activity):
    activity = make_activity(deputies=[people["张三"]])
    login_as(Role.LIAISON)
    assert client.post(f"/activities/{activity.id}/delete").status_code == 303
    assert db.session.scalar(select(func.count(Activity.id))) == 0
    activity = make_activity(deputies=[people["张三"]])
    client.post(f"/activities/{activity.id}/opinions", data={"deputy_id": str(people["张三"].id), "text": "建议"})
    opinion = db.session.scalar(select(ActivityOpinion))
    client.post(f"/activities/{activity.id}/opinions/{opinion.id}/item")
    response = client.post(f"/activities/{activity.id}/delete", follow_redirects=True)
    assert "已转为跟踪事项，不能删除" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Activity.id))) == 1
    assert client.post(f"/activities/{activity.id + 99}/delete").status_code == 404


# --- opinions and items --------------------------------------------------------------------------------------------

def test_an_opinion_becomes_a_tracked_item_in_one_click(client, login_as, people, make_activity):
    activity = make_activity(deputies=[people["张三"], people["李四"]], on="2025-03-01")
    login_as(Role.LIAISON)
    response = client.post(f"/activities/{activity.id}/opinions",
                           data={"deputy_id": str(people["李四"].id), "text": "建议在乡镇增设诉讼服务站。"},
                           headers={**HX, "HX-Target": "opinions"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body and "建议在乡镇增设诉讼服务站。" in body
    opinion = db.session.scalar(select(ActivityOpinion))
    assert opinion.deputy_id == people["李四"].id and opinion.item_id is None
    response = client.post(f"/activities/{activity.id}/opinions/{opinion.id}/item",
                           headers={**HX, "HX-Target": "opinions"})
    body = response.get_data(as_text=True)
    item = db.session.scalar(select(Item))
    assert item.origin == ItemOrigin.ACTIVITY and item.origin_id == activity.id
    assert item.kind == ItemKind.PROPOSAL  # 李四 is a CPPCC member: a 提案
    assert item.received_on == date(2025, 3, 1) and [d.name for d in item.deputies] == ["李四"]
    assert item.content == "建议在乡镇增设诉讼服务站。" and item.title == "走访意见建议：走访企业代表"
    assert item.number in body and ItemState.REGISTERED.label in body and f"/items/{item.id}" in body
    again = client.post(f"/activities/{activity.id}/opinions/{opinion.id}/item", follow_redirects=True)
    assert "该意见已是跟踪事项" in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Item.id))) == 1
    assert client.post(f"/activities/{activity.id}/opinions/{opinion.id}/delete").status_code == 409
    page = client.get("/activities/?from=2025-01-01&to=").get_data(as_text=True)
    assert "1 件跟踪" in page
    assert f'href="/activities/{activity.id}"' in client.get(f"/items/{item.id}").get_data(as_text=True)


def test_an_opinion_needs_a_deputy_of_the_activity_and_text(client, login_as, people, make_activity):
    activity = make_activity(deputies=[people["张三"]])
    login_as(Role.LIAISON)
    response = client.post(f"/activities/{activity.id}/opinions",
                           data={"deputy_id": str(people["王五"].id), "text": ""})
    assert response.status_code == 422
    assert "请选择提出意见的代表委员（应为参加本次活动的代表委员）。" in errors_in(response)
    assert "请填写意见建议的内容。" in errors_in(response)
    client.post(f"/activities/{activity.id}/opinions", data={"deputy_id": str(people["张三"].id), "text": "建议"})
    opinion_id = db.session.scalar(select(ActivityOpinion.id))
    assert client.post(f"/activities/{activity.id}/opinions/{opinion_id}/delete").status_code == 303
    assert db.session.scalar(select(func.count(ActivityOpinion.id))) == 0
    assert client.post(f"/activities/{activity.id}/opinions/{opinion_id}/item").status_code == 404


def test_item_origin_url_is_for_staff_only(app, people, make_user, make_activity):
    activity = make_activity(deputies=[people["张三"]])
    item = Item(origin=ItemOrigin.ACTIVITY, origin_id=activity.id)
    deputy_user = make_user(Role.DEPUTY, deputy=people["张三"])
    with app.test_request_context():
        login_user(people["leader"])
        assert item_origin_url(item) == f"/activities/{activity.id}"
        assert item_origin_url(Item(origin=ItemOrigin.RECEPTION, origin_id=activity.id)) is None
    with app.test_request_context():
        login_user(deputy_user)
        assert item_origin_url(item) is None


# --- the deputy's workspace -----------------------------------------------------------------------------------------

def test_deputy_panel_and_archive_counts(app, client, login_as, people, make_activity):
    year = clock.today().year
    this_year = f"{year}-01-02"
    first = make_activity(deputies=[people["张三"], people["李四"]], on=this_year, title="今年的座谈")
    make_activity(deputies=[people["张三"]], on=f"{year - 1}-06-01", title="去年的走访")
    db.session.add(ActivityOpinion(activity_id=first.id, deputy_id=people["张三"].id, text="建议"))
    db.session.add(ActivityOpinion(activity_id=first.id, deputy_id=people["李四"].id, text="另一条"))
    db.session.commit()
    with app.test_request_context():
        panel = deputy_panel(people["张三"], year)
        assert panel.title == "参加联络活动" and [a.title for a in panel.rows] == ["今年的座谈"]
        assert panel.archive == [("参加联络活动", 1), ("活动中提出意见建议", 1)]
        assert deputy_panel(people["张三"], None).archive[0] == ("参加联络活动", 2)
    login_as(Role.DEPUTY, deputy=people["张三"])
    page = client.get("/workspace/").get_data(as_text=True)
    assert "参加联络活动" in page and "今年的座谈" in page


# --- documents and export --------------------------------------------------------------------------------------------

def _two_activities(people, make_activity):
    first = make_activity(deputies=[people["张三"], people["李四"]], staff=[people["leader"]], on="2025-03-01",
                          others="赵六", title="走访企业代表")
    make_activity(deputies=[people["王五"]], on="2025-05-01", kind=ActivityKind.FORUM, title="代表委员座谈会")
    db.session.add(ActivityOpinion(activity_id=first.id, deputy_id=people["张三"].id, text="建议增设诉讼服务站"))
    db.session.commit()


def test_period_register_docx(client, login_as, people, make_activity):
    _two_activities(people, make_activity)
    login_as(Role.LEADER)
    response = client.get("/activities/export.docx?from=2025-01-01&to=2025-12-31")
    assert response.status_code == 200 and ".docx" in response.headers["Content-Disposition"]
    document = docx.Document(io.BytesIO(response.data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "联络活动登记汇总" in text and "2025年1月1日至2025年12月31日" in text
    assert "共开展联络活动 2 次、4 人次" in text
    rows = document.tables[0].rows
    assert [c.text for c in rows[0].cells][:4] == ["序号", "日期", "类型", "主题"]
    assert rows[1].cells[2].text == "走访" and rows[1].cells[5].text == "李四、张三、赵六"
    assert rows[1].cells[6].text == "3" and "张三：建议增设诉讼服务站" in rows[1].cells[8].text
    assert rows[-1].cells[0].text == "合计" and rows[-1].cells[6].text == "4"
    bad = client.get("/activities/export.docx?from=2025-12-31&to=2025-01-01")
    assert bad.status_code == 400


def test_list_xlsx(client, login_as, people, make_activity):
    _two_activities(people, make_activity)
    make_activity(deputies=[people["王五"]], on="2025-06-01", title="=HYPERLINK(\"x\")")
    login_as(Role.HANDLER)
    response = client.get("/activities/export.xlsx?from=2025-01-01&to=2025-12-31&kind=visit")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "某某市中级人民法院 联络活动（2025年1月1日至2025年12月31日）"  # the title row
    assert rows[1][:4] == ("日期", "法院", "类型", "主题")
    assert [r[3] for r in rows[2:]] == ["走访企业代表", '=HYPERLINK("x")']
    assert rows[2][5] == "李四、张三" and rows[2][6] == "赵六" and rows[2][7] == 3
    assert sheet.cell(4, 4).data_type == "s"  # a formula typed stays text


def test_cli_export(runner, people, make_activity, tmp_path):
    _two_activities(people, make_activity)
    out = tmp_path / "activities.docx"
    result = runner.invoke(args=["export", "activities", "--from", "2025-01-01", "--to", "2025-06-30", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "2 次联络活动（4 人次）" in result.output
    rows = docx.Document(io.BytesIO(out.read_bytes())).tables[0].rows
    assert len(rows) == 4 and rows[1].cells[3].text == "走访企业代表"
    sheet = tmp_path / "activities.xlsx"
    result = runner.invoke(args=["export", "activities", "--from", "2025-04-01", "--to", "2025-06-30",
                                 "-o", str(sheet), "--court", "main", "--with-lower"])
    assert result.exit_code == 0, result.output
    assert [r[3] for r in load_workbook(sheet).active.iter_rows(min_row=3, values_only=True)] == ["代表委员座谈会"]
    bad = runner.invoke(args=["export", "activities", "--from", "2025-06-30", "--to", "2025-01-01", "-o", str(out)])
    assert bad.exit_code != 0 and "开始日期不能晚于结束日期" in bad.output
    assert runner.invoke(args=["export", "activities", "--from", "2025-01-01", "--to", "2025-06-30",
                               "-o", str(tmp_path / "x.pdf")]).exit_code != 0
    unknown = runner.invoke(args=["export", "activities", "--from", "2025-01-01", "--to", "2025-06-30",
                                  "-o", str(out), "--court", "nope"])
    assert "找不到法院代码" in unknown.output


# --- demo data -----------------------------------------------------------------------------------------------------

@pytest.mark.seeded_demo
def test_demo_seeds_activities(app, demo_seeded):
    assert db.session.scalar(select(func.count(Activity.id))) == 30
    assert db.session.scalar(select(func.count(ActivityOpinion.id))) > 0
    assert db.session.scalar(select(func.count(Item.id)).where(Item.origin == ItemOrigin.ACTIVITY)) > 0
    assert db.session.scalar(select(func.count(Activity.id)).where(Activity.held_on > clock.today())) > 0
