"""The reception log: entry form, list and counts, follow-ups, scope, documents, CLI, demo."""
import io
import re
from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace

import docx
import pytest
from docx.enum.section import WD_ORIENT
from sqlalchemy import func, select

from portal import clock
from portal.attachments import Attachment
from portal.audit import AuditLog
from portal.auth.models import CourtLevel, Role
from portal.extensions import db
from portal.items.models import Item, ItemKind, ItemOrigin, ItemState
from portal.reception.models import Channel, Reception, ReceptionDeputy, ReceptionHost
from portal.reception.services import (
    ReceptionFilters,
    add_followup,
    period_counts,
    receptions_of_deputy,
)
from portal.register.models import DeputyKind, DeputyLevel
from tests.conftest import sql_statements

HX = {"HX-Request": "true"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def beijing(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=clock.zone())


@pytest.fixture
def people(court, make_user, make_deputy):
    """Two deputies, a leader and a liaison of the test court."""
    return {
        "张三": make_deputy(name="张三", mobile="13800000001", work_unit="云岭市第一人民医院", post="院长"),
        "李四": make_deputy(name="李四", mobile="13800000002", kind=DeputyKind.CPPCC, group_name="教育界",
                          level=DeputyLevel.COUNTY),
        "王五": make_deputy(name="王五", mobile="13800000003"),
        "leader": make_user(Role.LEADER, display_name="周院长"),
        "vp": make_user(Role.LEADER, display_name="吴副院长"),
        "liaison": make_user(Role.LIAISON, display_name="郑联络"),
    }


@pytest.fixture
def make_reception(court):
    def factory(*, deputies=(), hosts=(), at="2025-03-01T14:30", court_id=None, others="", **kw) -> Reception:
        names = [n for n in others.split("、") if n]
        reception = Reception(court_id=court_id or court.id, received_at=beijing(at), other_visitors=others,
                              other_count=len(names), channel=kw.pop("channel", Channel.VISIT),
                              place=kw.pop("place", "联络之家"), subject=kw.pop("subject", "反映执行难问题"), **kw)
        reception.deputy_links = [ReceptionDeputy(deputy_id=d.id) for d in deputies]
        reception.host_links = [ReceptionHost(user_id=u.id) for u in hosts]
        db.session.add(reception)
        db.session.commit()
        return reception

    return factory


def form_data(people, **overrides) -> dict:
    data = {"received_at": "2025-03-01T14:30", "channel": "visit", "court_id": str(people["leader"].court_id),
            "place": "联络之家", "deputy_ids": [str(people["张三"].id), str(people["李四"].id)],
            "other_visitors": "", "host_ids": [str(people["leader"].id), str(people["liaison"].id)],
            "liaison_officer_id": str(people["liaison"].id), "subject": "反映执行难问题",
            "content": "代表反映劳务费案件执行缓慢。", "requests": "希望加大执行力度。", "handling": "",
            "followup_kind": "suggestion", "followup_title": ""}
    data.update(overrides)
    return data


def errors_in(response) -> list[str]:
    return re.findall(r'invalid-feedback d-block">([^<]+)', response.get_data(as_text=True))


# --- creating and editing -----------------------------------------------------------------------------------------

def test_log_a_visit_with_two_deputies(client, login_as, people):
    user = login_as(Role.LIAISON)
    response = client.post("/reception/new", data=form_data(people, other_visitors="选民 赵六"))
    assert response.status_code == 303, errors_in(response)
    reception = db.session.scalar(select(Reception))
    assert reception.received_at == datetime(2025, 3, 1, 6, 30, tzinfo=timezone.utc)  # 14:30 in Beijing
    assert [d.name for d in reception.deputies] == ["李四", "张三"]  # by pinyin
    assert {u.display_name for u in reception.hosts} == {"周院长", "郑联络"}
    assert reception.other_visitors == "选民、赵六" and reception.person_count == 4
    assert reception.created_by_id == user.id and reception.liaison_officer_id == people["liaison"].id
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已登记来访接待" in page and "2025-03-01 14:30" in page and "张三" in page and "李四" in page
    assert "未提出" in page


def test_every_change_is_audited(client, login_as, people):
    login_as(Role.LIAISON)
    client.post("/reception/new", data=form_data(people))
    reception = db.session.scalar(select(Reception))
    entities = [a.entity for a in db.session.scalars(select(AuditLog).where(AuditLog.action == "create"))]
    assert entities.count("reception") == 1 and entities.count("reception_deputy") == 2
    assert entities.count("reception_host") == 2
    data = form_data(people, deputy_ids=[str(people["张三"].id), str(people["王五"].id)], subject="了解案件进展")
    assert client.post(f"/reception/{reception.id}/edit", data=data).status_code == 303
    update = db.session.scalar(select(AuditLog).where(AuditLog.entity == "reception", AuditLog.action == "update"))
    assert update.changes["subject"] == ["反映执行难问题", "了解案件进展"]
    removed = db.session.scalar(select(AuditLog).where(AuditLog.entity == "reception_deputy",
                                                       AuditLog.action == "delete"))
    assert "李四" in removed.summary and removed.record_id == reception.id
    added = db.session.scalars(select(AuditLog).where(AuditLog.entity == "reception_deputy",
                                                      AuditLog.action == "create")).all()
    assert any("王五" in a.summary for a in added)
    db.session.expire_all()
    assert [d.name for d in db.session.get(Reception, reception.id).deputies] == ["王五", "张三"]


@pytest.mark.parametrize("overrides, field_message", [
    ({"subject": ""}, "请填写事由"),
    ({"deputy_ids": [], "other_visitors": ""}, "请至少选择一名来访代表委员"),
    ({"deputy_ids": ["999999"]}, "在名册中找不到"),
    ({"received_at": "2025-13-01T10:00"}, "请填写接待时间"),
    ({"received_at": (clock.local_now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")}, "不能晚于现在"),
    ({"host_ids": []}, "请选择接待领导或接待人员"),
    ({"channel": "fax"}, "请选择接待方式"),
    ({"subject": "长" * 201}, "不能超过 200 个字"),
    ({"followup_title": "关于增设诉讼服务站的建议", "followup_kind": "referral"}, "请选择跟踪事项的类别"),
    ({"followup_title": "长" * 201}, "不能超过 200 个字"),
    ({"received_at": "1999-12-31T10:00"}, "接待时间早于 2000 年"),
    ({"place": "长" * 101}, "不能超过 100 个字"),
    ({"attachments": (io.BytesIO(PNG), "来访照片.png"), "subject": ""}, "表单有误，附件未保存"),
])
def test_mistakes_are_shown_and_nothing_typed_is_lost(client, login_as, people, overrides, field_message):
    login_as(Role.LIAISON)
    response = client.post("/reception/new", data=form_data(people, content="谈话内容不丢", **overrides),
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert any(field_message in e for e in errors_in(response)), errors_in(response)
    assert "谈话内容不丢" in page and "表单有" in page
    if overrides.get("deputy_ids") is None:  # the chips come back with the form
        assert f'name="deputy_ids" value="{people["张三"].id}"' in page
    assert f'value="{people["leader"].id}" checked' in page or "host_ids" in overrides
    assert db.session.scalar(select(func.count(Reception.id))) == 0


def test_a_stale_edit_is_refused_and_keeps_what_was_typed(client, login_as, people, make_reception):
    reception = make_reception(deputies=[people["张三"]], hosts=[people["leader"]])
    login_as(Role.LIAISON)
    assert client.post(f"/reception/{reception.id}/edit", data=form_data(people, version="1")).status_code == 303
    stale = form_data(people, version="1", content="我的修改", attachments=(io.BytesIO(PNG), "来访照片.png"))
    response = client.post(f"/reception/{reception.id}/edit", data=stale, content_type="multipart/form-data")
    assert response.status_code == 409 and "我的修改" in response.get_data(as_text=True)
    assert "附件未保存，请重新选择附件。" in errors_in(response)
    assert db.session.scalar(select(func.count(Attachment.id))) == 0


def test_hosts_must_belong_to_the_receiving_court(client, login_as, people, make_court, make_user, court):
    other = make_user(Role.LEADER, court=make_court(parent=court, level=CourtLevel.BASIC))
    login_as(Role.LIAISON)
    response = client.post("/reception/new", data=form_data(people, host_ids=[str(other.id)]))
    assert response.status_code == 422 and "接待人员应为接待法院的院领导或联络员。" in errors_in(response)
    response = client.post("/reception/new", data=form_data(people, liaison_officer_id=str(people["leader"].id)))
    assert "联络员应为接待法院的联络员账户。" in errors_in(response)


def test_choosing_another_court_offers_its_hosts_and_keeps_the_form(client, login_as, people, make_court,
                                                                    make_user, court):
    lower = make_court(parent=court, level=CourtLevel.BASIC, name="某某区人民法院")
    make_user(Role.LEADER, court=lower, display_name="区法院院长")
    login_as(Role.LIAISON)  # the intermediate court's liaison may log a visit to a court below
    page = client.get("/reception/new").get_data(as_text=True)
    assert "周院长（院领导）" in page and "区法院院长" not in page and "接待法院" in page
    response = client.post("/reception/new?refresh=1", data=form_data(people, court_id=str(lower.id), content="留着"),
                           headers={**HX, "HX-Target": "reception_form"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert "区法院院长（院领导）" in body and "周院长" not in body and "留着" in body
    assert f'name="deputy_ids" value="{people["张三"].id}"' in body and "表单有" not in body
    assert db.session.scalar(select(func.count(Reception.id))) == 0


def test_attachments_are_checked_stored_and_downloaded(client, login_as, people):
    login_as(Role.LIAISON)
    bad = form_data(people, attachments=(io.BytesIO(b"MZ not a picture"), "病毒.exe"))
    response = client.post("/reception/new", data=bad, content_type="multipart/form-data")
    assert response.status_code == 422 and any("不支持的文件类型" in e for e in errors_in(response))
    good = form_data(people, attachments=(io.BytesIO(PNG), "来访照片.png"))
    response = client.post("/reception/new", data=good, content_type="multipart/form-data")
    assert response.status_code == 303
    reception = db.session.scalar(select(Reception))
    attachment = db.session.scalar(select(Attachment).where(Attachment.owner_type == "reception"))
    assert attachment.owner_id == reception.id and attachment.original_name == "来访照片.png"
    page = client.get(f"/reception/{reception.id}").get_data(as_text=True)
    assert "来访照片.png" in page
    download = client.get(f"/reception/{reception.id}/files/{attachment.id}/来访照片.png")
    assert download.status_code == 200 and download.data == PNG
    assert client.get(f"/reception/{reception.id}/files/{attachment.id + 1}/x.png").status_code == 404
    assert client.post(f"/reception/{reception.id}/files/{attachment.id}/delete").status_code == 303
    assert db.session.scalar(select(func.count(Attachment.id))) == 0


def test_quick_entry_from_the_log_page_returns_a_fresh_form(client, login_as, people):
    login_as(Role.LIAISON)
    page = client.get("/reception/").get_data(as_text=True)
    assert "前台登记来访" in page and 'hx-post="/reception/new?quick=1"' in page
    response = client.post("/reception/new?quick=1", data=form_data(people),
                           headers={**HX, "HX-Target": "reception_form"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert "已登记：2025-03-01 14:30" in body and "李四、张三" in body
    assert response.headers["HX-Trigger"] == "reception-saved"
    assert 'name="deputy_ids"' not in body  # the next visitor starts with no chips
    bad = client.post("/reception/new?quick=1", data=form_data(people, subject=""),
                      headers={**HX, "HX-Target": "reception_form"})
    assert bad.status_code == 422 and "<html" not in bad.get_data(as_text=True)
    assert "请填写事由" in bad.get_data(as_text=True)


# --- the log ------------------------------------------------------------------------------------------------------

def names_in(response) -> list[str]:
    return re.findall(r'<td>([^<]+)</td>\s*<td class="text-center">', response.get_data(as_text=True))


def test_list_filters_and_counts(client, login_as, people, make_reception):
    zs, ls, ww, leader, vp = people["张三"], people["李四"], people["王五"], people["leader"], people["vp"]
    make_reception(deputies=[zs, ls], hosts=[leader], at="2025-03-01T09:00", others="赵六")
    make_reception(deputies=[ww], hosts=[vp], at="2025-05-10T15:00", channel=Channel.PHONE, subject="咨询立案")
    make_reception(deputies=[zs], hosts=[leader], at="2024-12-31T23:30")  # last year in Beijing time
    login_as(Role.LEADER)
    page = client.get("/reception/?from=2025-01-01&to=2025-12-31")
    body = page.get_data(as_text=True)
    assert names_in(page) == ["王五", "李四、张三、赵六"]  # newest first
    assert re.search(r'count-visits">2<.*count-persons">4<.*count-open">0<', body, re.S)
    assert names_in(client.get("/reception/?from=2025-01-01&to=2025-12-31&channel=phone")) == ["王五"]
    assert names_in(client.get(f"/reception/?from=&to=&deputy={zs.id}")) == ["李四、张三、赵六", "张三"]
    assert names_in(client.get(f"/reception/?from=&to=&host={vp.id}")) == ["王五"]
    assert names_in(client.get("/reception/?from=&to=2024-12-31")) == ["张三"]
    assert names_in(client.get("/reception/?from=&to=&q=ww")) == ["王五"]  # pinyin initials of a visitor
    assert names_in(client.get("/reception/?from=&to=&q=立案")) == ["王五"]  # the subject
    empty = client.get("/reception/?from=2023-01-01&to=2023-12-31").get_data(as_text=True)
    assert "这段期间没有符合条件的来访接待记录" in empty


def test_first_visit_shows_the_current_year(client, login_as, people, make_reception):
    this_year = clock.local_now()
    make_reception(deputies=[people["张三"]], hosts=[people["leader"]], at=this_year.strftime("%Y-%m-%dT00:05"))
    make_reception(deputies=[people["李四"]], hosts=[people["leader"]], at=f"{this_year.year - 1}-06-01T10:00")
    login_as(Role.HANDLER)
    page = client.get("/reception/")
    assert names_in(page) == ["张三"]
    assert f'value="{this_year.year}-01-01"' in page.get_data(as_text=True)


def test_followup_filter_and_all_answered(client, login_as, people, make_reception, app):
    zs, leader = people["张三"], people["leader"]
    none = make_reception(deputies=[zs], hosts=[leader], subject="无事项")
    open_one = make_reception(deputies=[zs], hosts=[leader], subject="有未答复")
    done = make_reception(deputies=[zs], hosts=[leader], subject="都已答复")
    add_followup(open_one, ItemKind.SUGGESTION, "建议一")
    answered = add_followup(open_one, ItemKind.LETTER, "来信一")
    answered.state = ItemState.ANSWERED
    for state in (ItemState.RATED, ItemState.CLOSED):
        add_followup(done, ItemKind.SUGGESTION, f"建议{state.label}").state = state
    db.session.commit()

    def subjects(query: str) -> list[str]:
        return re.findall(r"<td>([^<]+)</td>\s*<td>(?:<span|<span class=\"text-muted)",
                          client.get(f"/reception/?from=&to=&followup={query}").get_data(as_text=True))

    login_as(Role.LIAISON)
    assert subjects("none") == ["无事项"]
    assert subjects("open") == ["有未答复"]
    assert subjects("answered") == ["都已答复"]
    counts = period_counts(ReceptionFilters(), [none.court_id])
    assert (counts.visits, counts.persons, counts.open_followups) == (3, 3, 1)
    assert "全部已答复" in client.get(f"/reception/{done.id}").get_data(as_text=True)
    detail = client.get(f"/reception/{open_one.id}").get_data(as_text=True)
    assert "1 件未答复" in detail and "全部已答复" not in detail and "已答复" in detail


def test_counts_are_one_statement_and_the_list_does_not_grow_queries(app, client, login_as, people,
                                                                      make_reception):
    login_as(Role.LIAISON)

    def statements(action) -> int:
        with sql_statements() as sent:
            action()
        return len(sent)

    make_reception(deputies=[people["张三"]], hosts=[people["leader"]])
    court_ids = [people["leader"].court_id]
    db.session.commit()
    assert statements(lambda: period_counts(ReceptionFilters(followup="open", q="zs"), court_ids)) == 1
    few = statements(lambda: client.get("/reception/?from=&to="))
    for n in range(12):
        reception = make_reception(deputies=[people["张三"], people["李四"]], hosts=[people["leader"], people["vp"]],
                                   at=f"2025-04-{n + 1:02d}T10:00")
        add_followup(reception, ItemKind.SUGGESTION, f"建议{n}")
    db.session.commit()
    assert statements(lambda: client.get("/reception/?from=&to=")) == few


def test_pagination_walks_every_reception(client, login_as, people, make_reception, app):
    app.config["PAGE_SIZE"] = 5
    for n in range(12):
        make_reception(deputies=[people["张三"]], hosts=[people["leader"]], at=f"2025-04-{n + 1:02d}T10:00",
                       subject=f"事由{n:02d}")
    login_as(Role.LIAISON)
    seen, url = [], "/reception/?from=&to="
    while url:
        body = client.get(url).get_data(as_text=True)
        assert "共 <strong>12</strong> 条" in body  # on every page
        seen += re.findall(r"<td>(事由\d\d)", body)
        following = re.search(r'href="([^"]+)" hx-get="[^"]+" hx-target="#results" hx-push-url="true">下一页', body)
        url = following.group(1).replace("&amp;", "&") if following else None
    assert seen == [f"事由{n:02d}" for n in reversed(range(12))]


def test_ids_out_of_range_are_not_found(client, login_as, people, make_reception):
    reception = make_reception(deputies=[people["张三"]], hosts=[people["leader"]])
    login_as(Role.LIAISON)
    huge = 2 ** 40
    assert client.get(f"/reception/{huge}").status_code == 404
    assert client.get(f"/reception/{reception.id}/files/{huge}/x.pdf").status_code == 404
    page = client.get(f"/reception/?from=&to=&deputy={huge}&host={huge}&court={huge}")
    assert page.status_code == 200 and "张三" in page.get_data(as_text=True)  # the filters are dropped


def test_htmx_search_returns_only_the_results(client, login_as, people, make_reception):
    make_reception(deputies=[people["张三"]], hosts=[people["leader"]])
    login_as(Role.LIAISON)
    response = client.get("/reception/?from=&to=&q=zs", headers={**HX, "HX-Target": "results"})
    body = response.get_data(as_text=True)
    assert "<html" not in body and "<form" not in body and "张三" in body and "count-visits" in body


# --- follow-ups -----------------------------------------------------------------------------------------------------

def test_add_a_followup_item_linked_to_the_visiting_deputies(client, login_as, people, make_reception):
    reception = make_reception(deputies=[people["张三"], people["李四"]], hosts=[people["leader"]],
                               at="2025-03-01T23:30")  # 15:30 UTC: still 1 March in Beijing
    login_as(Role.LIAISON)
    concerned = {"kind": "concerned_case", "title": "关注某案执行", "content": "请尽快执行"}
    # A concerned case needs its 案号 here too, checked as hearings and direct registration check it.
    for case_number, message in (("", "关注案件请填写案号"), ("2024民初12", "案号应以括号括起的四位年份开头")):
        refused = client.post(f"/reception/{reception.id}/followups", data={**concerned, "case_number": case_number},
                              headers={**HX, "HX-Target": "followups"})
        assert refused.status_code == 422 and message in refused.get_data(as_text=True)
    assert db.session.scalar(select(Item)) is None
    response = client.post(f"/reception/{reception.id}/followups",
                           data={**concerned, "case_number": "(2024)桂0981执123号"},
                           headers={**HX, "HX-Target": "followups"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body and "关注某案执行" in body and "已登记" in body
    item = db.session.scalar(select(Item))
    assert item.origin == ItemOrigin.RECEPTION and item.origin_id == reception.id
    assert item.received_on == date(2025, 3, 1) and item.kind == ItemKind.CONCERNED_CASE
    assert item.case_number == "（2024）桂0981执123号"
    assert {d.name for d in item.deputies} == {"张三", "李四"}
    bad = client.post(f"/reception/{reception.id}/followups", data={"kind": "suggestion", "title": ""},
                      headers={**HX, "HX-Target": "followups"})
    assert bad.status_code == 422 and "请填写标题" in bad.get_data(as_text=True)
    for data, message in (({"kind": "referral", "title": "交办"}, "请选择类别。"),
                          ({"kind": "letter", "title": "长" * 201}, "不能超过 200 个字。")):
        refused = client.post(f"/reception/{reception.id}/followups", data=data, headers={**HX, "HX-Target": "followups"})
        assert refused.status_code == 422 and message in errors_in(refused)
    assert db.session.scalar(select(func.count(Item.id))) == 1


def test_a_concerned_case_entered_with_the_reception_needs_its_case_number(client, login_as, people):
    login_as(Role.LIAISON)
    data = form_data(people, followup_kind="concerned_case", followup_title="关注某案执行")
    refused = client.post("/reception/new", data=data)
    assert refused.status_code == 422 and "关注案件请填写案号" in refused.get_data(as_text=True)
    data["followup_case_number"] = "（2024）桂0981民初1234号"
    assert client.post("/reception/new", data=data).status_code == 303
    assert db.session.scalar(select(Item.case_number)) == "（2024）桂0981民初1234号"


def test_followup_entered_with_the_reception(client, login_as, people):
    login_as(Role.LIAISON)
    data = form_data(people, followup_kind="proposal", followup_title="关于加强普法宣传的建议")
    assert client.post("/reception/new", data=data).status_code == 303
    item = db.session.scalar(select(Item))
    reception = db.session.scalar(select(Reception))
    assert item.title == "关于加强普法宣传的建议" and item.content == "希望加大执行力度。"
    assert item.origin_id == reception.id and item.kind == ItemKind.PROPOSAL


def test_delete_is_refused_once_items_exist(client, login_as, people, make_reception):
    kept = make_reception(deputies=[people["张三"]], hosts=[people["leader"]])
    add_followup(kept, ItemKind.SUGGESTION, "建议")
    gone = make_reception(deputies=[people["张三"]], hosts=[people["leader"]])
    db.session.commit()
    login_as(Role.LIAISON)
    response = client.post(f"/reception/{kept.id}/delete", follow_redirects=True)
    assert "已登记跟踪事项，不能删除" in response.get_data(as_text=True)
    assert client.post(f"/reception/{gone.id}/delete").status_code == 303
    assert list(db.session.scalars(select(Reception.id))) == [kept.id]
    assert db.session.scalar(select(func.count()).select_from(ReceptionDeputy)) == 1


# --- who sees what ----------------------------------------------------------------------------------------------------

def test_court_scope(client, login_as, people, make_court, make_user, make_reception, court):
    lower = make_court(parent=court, level=CourtLevel.BASIC, name="某某区人民法院")
    sibling = make_court(name="另一市中级人民法院")
    lower_leader = make_user(Role.LEADER, court=lower)
    below = make_reception(deputies=[people["张三"]], hosts=[lower_leader], court_id=lower.id, subject="区法院接待")
    elsewhere = make_reception(deputies=[people["张三"]], hosts=[], court_id=sibling.id, subject="外市接待")
    login_as(Role.LIAISON)  # intermediate court's liaison: sees the courts below
    assert client.get(f"/reception/{below.id}").status_code == 200
    assert client.get(f"/reception/{elsewhere.id}").status_code == 404
    page = client.get("/reception/?from=&to=").get_data(as_text=True)
    assert "区法院接待" in page and "外市接待" not in page
    client.post("/logout")
    login_as(Role.HANDLER, court=lower)
    assert client.get(f"/reception/{below.id}").status_code == 200
    client.post("/logout")
    login_as(Role.HANDLER)  # a handler of the intermediate court sees only their own court
    assert client.get(f"/reception/{below.id}").status_code == 404
    client.post("/logout")
    login_as(Role.LIAISON, court=lower)
    assert client.get(f"/reception/{below.id}/edit").status_code == 200
    assert client.get(f"/reception/{elsewhere.id}/edit").status_code == 404


def test_deputies_see_only_their_own_visits(client, login_as, people, make_reception):
    mine = make_reception(deputies=[people["张三"], people["李四"]], hosts=[people["leader"]], subject="我的来访",
                          requests="希望加快执行")
    add_followup(mine, ItemKind.SUGGESTION, "关于加快执行的建议")
    make_reception(deputies=[people["王五"]], hosts=[people["leader"]], subject="别人的来访")
    db.session.commit()
    login_as(Role.DEPUTY, deputy=people["张三"])
    page = client.get("/reception/mine").get_data(as_text=True)
    assert "我的来访" in page and "别人的来访" not in page
    assert "关于加快执行的建议" in page and "已登记" in page and "1 件未答复" in page and "希望加快执行" in page
    assert client.get(f"/reception/{mine.id}").status_code == 403
    assert client.get("/reception/").status_code == 403


def test_register_detail_lists_the_deputys_visits(client, login_as, people, make_reception):
    make_reception(deputies=[people["张三"]], hosts=[people["leader"]], subject="第一次来访")
    make_reception(deputies=[people["张三"]], hosts=[people["leader"]], subject="第二次来访", at="2025-04-01T10:00")
    login_as(Role.LEADER)
    page = client.get(f"/register/{people['张三'].id}").get_data(as_text=True)
    assert "来访接待记录" in page and "共 2 次" in page
    assert page.index("第二次来访") < page.index("第一次来访")
    other = client.get(f"/register/{people['王五'].id}").get_data(as_text=True)
    assert "暂无来访接待记录" in other


def test_a_followup_names_its_reception_as_origin(app, people, make_reception):
    from portal import areas

    visit = make_reception(deputies=[people["张三"]], hosts=[people["leader"]])
    item = add_followup(visit, ItemKind.SUGGESTION, "建议")
    db.session.commit()
    with app.test_request_context():
        assert areas.first("item_origin_url", item) == f"/reception/{visit.id}"
        item.origin = ItemOrigin.MAILBOX  # no area owns letters to the mailbox
        assert areas.first("item_origin_url", item) is None


def test_deputy_workspace_panel(app, people, make_reception):
    from portal.reception.contributions import deputy_panel

    this_year = clock.local_now().year
    visit = make_reception(deputies=[people["张三"]], hosts=[people["leader"]], at=f"{this_year}-01-02T10:00")
    add_followup(visit, ItemKind.SUGGESTION, "建议")
    make_reception(deputies=[people["张三"]], hosts=[people["leader"]], at=f"{this_year - 1}-05-02T10:00")
    db.session.commit()
    with app.test_request_context():
        panel = deputy_panel(people["张三"], this_year)
        assert panel.archive == [("来访接待", 1), ("来访中提出事项", 1)]
        assert len(panel.rows) == 1 and panel.rows[0][1].state == "open"
        everything = deputy_panel(people["张三"], None)
        assert everything.archive[0] == ("来访接待", 2) and len(everything.rows) == 2
        visits, total = receptions_of_deputy(people["王五"].id, None)
        assert visits == [] and total == 0


def test_person_count_is_deputies_plus_named_others(client, login_as, court, people):
    login_as(Role.LIAISON)
    data = {"received_at": "2025-03-01 10:00", "channel": "来访", "court_id": str(court.id),
            "deputy_ids": [str(people["张三"].id), str(people["张三"].id)], "other_visitors": "赵六，钱七 孙八",
            "host_ids": [str(people["leader"].id)], "subject": "座谈"}
    response = client.post("/reception/new", data=data)
    assert response.status_code == 303, errors_in(response)
    reception = db.session.scalar(select(Reception))
    assert [d.name for d in reception.deputies] == ["张三"]  # the same deputy twice is one 人次
    assert reception.other_visitors == "赵六、钱七、孙八" and reception.other_count == 3
    assert reception.person_count == 4 and reception.channel == Channel.VISIT


# --- documents and the CLI --------------------------------------------------------------------------------------------

def cell_texts(document) -> list[str]:
    return [cell.text for table in document.tables for row in table.rows for cell in row.cells]


def test_reception_record_document(client, login_as, people, make_reception):
    reception = make_reception(deputies=[people["张三"]], hosts=[people["leader"]], others="赵六",
                               liaison_officer_id=people["liaison"].id, content="谈到\x0b执行\x1f问题",
                               requests="加快执行", handling="当场解答")
    add_followup(reception, ItemKind.SUGGESTION, "关于加快执行的建议")
    db.session.commit()
    login_as(Role.HANDLER)
    response = client.get(f"/reception/{reception.id}/record.docx")
    assert response.status_code == 200 and "来访接待登记表" in response.headers["Content-Disposition"] or \
        "filename*=UTF-8''" in response.headers["Content-Disposition"]
    document = docx.Document(io.BytesIO(response.data))
    texts = cell_texts(document)
    assert document.paragraphs[0].text == "来访接待登记表"
    for expected in ("接待时间", "2025年3月1日 14:30", "接待方式", "来访", "来访代表委员", "接待领导/人员", "周院长",
                     "联络员", "郑联络", "事由", "反映执行难问题", "谈话内容", "谈到执行问题", "反映诉求", "加快执行",
                     "办理情况", "赵六", "2"):
        assert expected in texts, expected
    assert any("张三（市级人大代表，云岭市第一人民医院院长）" in t for t in texts)
    assert any("关于加快执行的建议（已登记）" in t and "当场解答" in t for t in texts)
    body = "\n".join(p.text for p in document.paragraphs)
    assert "接待人签字" in body and "记录人签字" in body
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.PORTRAIT
    header = document.tables[0].rows[0]._tr
    assert header.trPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader") is None


def test_period_register_document_with_totals(client, login_as, people, make_reception):
    first = make_reception(deputies=[people["张三"], people["李四"]], hosts=[people["leader"]], others="赵六",
                           at="2025-03-01T09:00")
    make_reception(deputies=[people["王五"]], hosts=[people["vp"]], at="2025-05-10T15:00", channel=Channel.PHONE)
    make_reception(deputies=[people["王五"]], hosts=[people["vp"]], at="2024-05-10T15:00")
    add_followup(first, ItemKind.SUGGESTION, "建议").state = ItemState.CLOSED
    db.session.commit()
    login_as(Role.LEADER)
    response = client.get("/reception/export.docx?from=2025-01-01&to=2025-12-31")
    document = docx.Document(io.BytesIO(response.data))
    assert document.sections[0].orientation == WD_ORIENT.LANDSCAPE
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells][:5] == ["序号", "接待时间", "方式", "来访代表委员", "人次"]
    assert len(table.rows) == 4  # header, two visits, totals
    total = [c.text for c in table.rows[-1].cells]
    assert total[0] == "合计" and total[1] == "2 次" and total[4] == "4"
    assert "跟踪事项 1 件，已答复 1 件" in total[7]
    assert [c.text for c in table.rows[1].cells][3] == "李四、张三、赵六"
    text = "\n".join(p.text for p in document.paragraphs)
    assert "某某市中级人民法院" in text and "（2025年1月1日至2025年12月31日）" in text
    assert "共接待 2 次、4 人次" in text


def test_the_registers_name_each_visits_people_with_queries_that_do_not_grow(client, login_as, people,
                                                                             make_reception):
    from openpyxl import load_workbook

    login_as(Role.LIAISON)
    make_reception(deputies=[people["王五"]], hosts=[people["vp"]], at="2025-02-01T09:00")
    urls = ["/reception/export.docx?from=2025-01-01&to=2025-12-31", "/reception/export.xlsx?from=2025-01-01&to=2025-12-31"]

    def queries(url: str) -> int:
        with sql_statements() as sent:
            assert client.get(url).status_code == 200
        return len(sent)

    few = [queries(url) for url in urls]
    for n in range(1, 8):
        make_reception(deputies=[people["张三"], people["李四"]], hosts=[people["vp"], people["leader"]],
                       others="赵六", at=f"2025-03-0{n}T10:00")
    assert [queries(url) for url in urls] == few
    sheet = load_workbook(io.BytesIO(client.get(urls[1]).data)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    line = dict(zip(rows[0], rows[2]))  # the first visit of March
    assert line["来访代表委员"] == "李四、张三" and line["手机号码"] == "13800000002、13800000001"
    assert line["接待人员"] == "周院长、吴副院长" and line["人次"] == 3 and line["其他来访人员"] == "赵六"
    row = [c.text for c in docx.Document(io.BytesIO(client.get(urls[0]).data)).tables[0].rows[2].cells]
    assert row[3] == "李四、张三、赵六" and row[4] == "3" and row[5] == "周院长、吴副院长"


def test_a_register_download_hands_its_memory_back_once_sent(client, login_as, people, make_reception, monkeypatch):
    import portal.documents

    trims = []
    monkeypatch.setattr(portal.documents, "_LIBC", SimpleNamespace(malloc_trim=trims.append))
    login_as(Role.LIAISON)
    make_reception(deputies=[people["张三"]], hosts=[people["leader"]], at="2025-03-01T09:00")
    url = "/reception/export.docx?from=2025-01-01&to=2025-12-31"
    client.get(url).close()
    assert trims == []  # a small file: nothing much to give back
    monkeypatch.setattr(portal.documents, "LARGE_BYTES", 1)
    response = client.get(url)
    assert docx.Document(io.BytesIO(response.data)).tables[0].rows[1].cells[3].text == "张三"
    response.close()
    assert trims == [0]  # malloc_trim(0): every freed page back to the system


def test_cli_exports_the_period_register(runner, people, make_reception, tmp_path):
    make_reception(deputies=[people["张三"], people["李四"]], hosts=[people["leader"]], at="2025-03-01T09:00")
    make_reception(deputies=[people["王五"]], hosts=[people["leader"]], at="2025-07-01T09:00")
    out = tmp_path / "汇总.docx"
    result = runner.invoke(args=["export", "receptions", "--from", "2025-01-01", "--to", "2025-06-30", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "1 次来访接待（2 人次）" in result.output
    rows = docx.Document(io.BytesIO(out.read_bytes())).tables[0].rows
    assert len(rows) == 3 and rows[1].cells[3].text == "李四、张三"
    bad = runner.invoke(args=["export", "receptions", "--from", "2025-06-30", "--to", "2025-01-01", "-o", str(out)])
    assert bad.exit_code != 0 and "开始日期不能晚于结束日期" in bad.output
    assert runner.invoke(args=["export", "receptions", "--from", "2025-01-01", "--to", "2025-06-30",
                               "-o", str(tmp_path / "x.pdf")]).exit_code != 0
    unknown = runner.invoke(args=["export", "receptions", "--from", "2025-01-01", "--to", "2025-06-30",
                                  "-o", str(out), "--court", "nope"])
    assert "找不到法院代码" in unknown.output


# --- demo data ----------------------------------------------------------------------------------------------------------

@pytest.mark.seeded_demo
def test_demo_seeds_receptions_in_proportion(app, demo_seeded):
    assert re.search(r"来访接待 \d+", demo_seeded.output)
    per_court = db.session.execute(select(Reception.court_id, func.count(Reception.id))
                                   .group_by(Reception.court_id)).all()
    assert len(per_court) == 6  # the intermediate court and 5 basic courts; tribunals receive through them
    assert all(18 <= n <= 24 for _, n in per_court)
    persons = db.session.scalar(select(func.count()).select_from(ReceptionDeputy))
    others = db.session.scalar(select(func.sum(Reception.other_count)))
    assert 18 * 6 <= persons + others <= 32 * 6  # about 22 人次 a court a year
    states = set(db.session.scalars(select(Item.state).where(Item.origin == ItemOrigin.RECEPTION)))
    assert ItemState.CLOSED in states and len(states) >= 4
    assert db.session.scalar(select(func.count()).select_from(ReceptionHost)) >= len(per_court) * 18
    assert all(clock.to_local(r.received_at).weekday() < 5 for r in db.session.scalars(select(Reception)))
