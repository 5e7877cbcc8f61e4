"""Tracked items: the workflow and its rules, scope, supervision, the board and item pages, the deputy's side,
figures, documents, the CLI export and the demo data."""
import io
import re
from datetime import date, datetime, timedelta, timezone

import pytest
from docx import Document
from sqlalchemy import func, select

from portal import clock
from portal.audit import AuditLog
from portal.auth.models import Duty, Role
from portal.errors import Forbidden, ServiceError
from portal.extensions import db
from portal.items import EVENTS as ITEM_EVENTS
from portal.items import EVENTS as items_events
from portal.items import contacts, queries, services, supervision, workflow
from portal.items.demo import summary_year
from portal.items.models import (
    Item,
    ItemContact,
    ItemEvent,
    ItemKind,
    ItemOrigin,
    ItemState,
    Rating,
)
from portal.items.services import create_item
from portal.items.workflow import advance
from portal.register.models import DeputyKind
from tests.conftest import sign_in, sql_statements

HX = {"HX-Request": "true"}
TODAY = clock.today


@pytest.fixture
def office(court, make_user, make_deputy, make_department):
    """A court with a liaison officer, a leader, a criminal and a civil division with handlers (the civil one with
    its head, 庭长), and two deputies."""
    civil = make_department("民事审判第一庭")
    criminal = make_department("刑事审判庭")
    deputy = make_deputy(name="张三", mobile="13900000001")
    cppcc = make_deputy(name="李四", mobile="13900000002", kind=DeputyKind.CPPCC, group_name="经济界")
    people = {
        "liaison": make_user(Role.LIAISON, display_name="联络员小王"),
        "leader": make_user(Role.LEADER, display_name="副院长赵"),
        "handler": make_user(Role.HANDLER, display_name="法官钱", department=civil),
        "other_handler": make_user(Role.HANDLER, display_name="法官孙", department=criminal),
        "deputy_user": make_user(Role.DEPUTY, display_name="张三", deputy=deputy),
        "cppcc_user": make_user(Role.DEPUTY, display_name="李四", deputy=cppcc),
        "head": make_user(Role.HANDLER, display_name="庭长周", department=civil),
    }
    civil.head = people["head"]
    db.session.commit()
    return {"court": court, "civil": civil, "criminal": criminal, "deputy": deputy, "cppcc": cppcc, **people}


def new_item(office, kind=ItemKind.SUGGESTION, deputies=None, **kw) -> Item:
    item = create_item(court_id=office["court"].id, kind=kind, title=kw.pop("title", "关于加强巡回审判的建议"),
                       content="建议在乡镇设立巡回审判点。", deputies=[office["deputy"]] if deputies is None else deputies,
                       origin=kw.pop("origin", ItemOrigin.RECEPTION), **kw)
    db.session.commit()
    return item


# Who normally takes each step.
WHO = {"instruct": "leader", "assign": "liaison", "progress": "handler", "opinions": "handler",
       "sign_division": "head", "sign_vp": "leader", "draft": "handler", "hear": "deputy_user",
       "answer": "liaison", "rate": "deputy_user", "close": "liaison", "supervise": "liaison"}


def walk(item, office, *steps):
    """Take steps as the person who normally takes them."""
    data = {"instruct": {"instruction": "请民一庭认真办理。"}, "assign": {"department_id": office["civil"].id},
            "progress": {"note": "已调阅卷宗。"}, "draft": {"reply": "经研究，已在三个乡镇设立巡回审判点。"},
            "hear": {"note": "无不同意见"}, "rate": {"rating": "satisfied"},
            "opinions": {"panel_opinion": "依法审理", "division_opinion": "同意", "vice_president_opinion": "同意"}}
    for step in steps:
        name, _, extra = step.partition(":")
        values = dict(data.get(name, {}))
        if extra:
            values.update(dict(pair.split("=", 1) for pair in extra.split(",")))
        advance(item, name, user=office[WHO[name]], **values)
    db.session.commit()
    return item


FULL = ("instruct", "assign", "progress", "draft", "hear", "answer", "rate", "close")


# --- the workflow ---------------------------------------------------------------------------------------------

def test_an_item_goes_from_registration_to_closing_with_its_history(app, office):
    item = walk(new_item(office), office, *FULL)
    assert item.state == ItemState.CLOSED and item.rating == Rating.SATISFIED
    assert item.leader_id == office["leader"].id  # the instructing leader answers for it
    assert item.deadline == TODAY() + timedelta(days=90)  # a suggestion: three months from assignment
    assert item.answered_on == TODAY() and item.closed_at is not None
    events = db.session.scalars(select(ItemEvent).where(ItemEvent.item_id == item.id).order_by(ItemEvent.id)).all()
    assert [e.action for e in events] == ["register", *FULL]
    assert [e.to_state for e in events][-1] == "closed"
    assert events[1].user_id == office["leader"].id and events[5].user_id == office["deputy_user"].id


def test_transitions_live_in_one_table_with_roles_and_states():
    assert set(workflow.TRANSITIONS) == {"instruct", "assign", "progress", "opinions", "sign_division", "sign_vp",
                                         "draft", "hear", "answer", "rate", "close", "supervise"}
    assert workflow.TRANSITIONS["instruct"].sources == (ItemState.REGISTERED,)
    assert Role.LEADER in workflow.TRANSITIONS["instruct"].roles
    assert Role.HANDLER not in workflow.TRANSITIONS["close"].roles


@pytest.mark.parametrize("step, who, message", [
    ("instruct", "handler", "您无权对本事项进行“批示”操作"),
    ("instruct", "liaison", "您无权对本事项进行“批示”操作"),
    ("close", "handler", "您无权对本事项进行“办结”操作"),
    ("rate", "cppcc_user", "您无权对本事项进行“评价”操作"),  # a deputy not linked to the item
])
def test_steps_check_the_role(app, office, step, who, message):
    item = new_item(office)
    with pytest.raises(Forbidden, match=message):
        advance(item, step, user=office[who], instruction="x")


def test_handlers_act_only_on_their_departments_items(app, office):
    item = walk(new_item(office), office, "instruct", "assign")
    with pytest.raises(Forbidden):
        advance(item, "progress", user=office["other_handler"], note="越权")
    advance(item, "progress", user=office["handler"], note="已受理")
    assert item.state == ItemState.IN_PROGRESS


@pytest.mark.parametrize("steps, step, message", [
    ((), "assign", "事项当前为“已登记”，不能交办"),
    (("instruct",), "answer", "事项当前为“已批示”，不能正式答复"),
    (("instruct", "assign"), "close", "事项当前为“已交办”，不能办结"),
    (("instruct", "assign", "draft"), "close", "事项当前为“答复已起草”，不能办结"),
])
def test_steps_check_the_state_in_chinese(app, office, steps, step, message):
    item = walk(new_item(office), office, *steps)
    with pytest.raises(ServiceError, match=message):
        walk(item, office, step)


def test_steps_need_their_text(app, office):
    item = new_item(office)
    with pytest.raises(ServiceError, match="请填写批示内容") as error:
        advance(item, "instruct", user=office["leader"], instruction="  ")
    assert error.value.errors == {"instruction": "请填写批示内容。"}


def test_nothing_closes_without_a_reply(app, office):
    referral = new_item(office, kind=ItemKind.REFERRAL, deputies=[], source_body="市人大常委会办公室")
    walk(referral, office, "instruct", "assign")
    with pytest.raises(ServiceError, match="不能办结"):
        walk(referral, office, "close")
    # Even an item forced into a closable state cannot close without a final reply.
    referral.state = ItemState.ANSWERED
    with pytest.raises(ServiceError, match="没有正式答复的事项不能办结"):
        walk(referral, office, "close")
    referral.state, referral.reply, referral.answered_at = ItemState.ANSWERED, "", datetime.now(timezone.utc)
    with pytest.raises(ServiceError, match="没有正式答复的事项不能办结"):
        walk(referral, office, "close")
    referral.state, referral.answered_at = ItemState.IN_PROGRESS, None
    with pytest.raises(ServiceError, match="答复内容为空"):
        referral.state = ItemState.REPLY_DRAFTED
        walk(referral, office, "answer")


def test_an_item_without_a_deputy_is_answered_and_closed_without_hearing_or_rating(app, office):
    referral = new_item(office, kind=ItemKind.REFERRAL, deputies=[], source_body="市人大常委会办公室")
    walk(referral, office, "instruct", "assign", "draft", "answer", "close")
    assert referral.state == ItemState.CLOSED and referral.rating is None


def test_a_deputys_item_is_heard_and_rated_before_closing(app, office):
    item = walk(new_item(office), office, "instruct", "assign", "draft")
    with pytest.raises(ServiceError, match="答复前须听取代表委员对答复稿的意见"):
        walk(item, office, "answer")
    walk(item, office, "hear", "answer")
    with pytest.raises(ServiceError, match="不能办结"):
        item.state = ItemState.ANSWERED
        advance(item, "close", user=office["liaison"])
    assert item.rating is None


def test_unsatisfied_reopens_for_a_second_round(app, office):
    item = walk(new_item(office), office, "instruct", "assign", "draft", "hear", "answer")
    with pytest.raises(ServiceError, match="请填写不满意的原因"):
        advance(item, "rate", user=office["deputy_user"], rating="unsatisfied")
    advance(item, "rate", user=office["deputy_user"], rating="不满意", comment="措施不具体")
    db.session.commit()
    assert item.state == ItemState.ASSIGNED and item.round == 2
    assert item.rating == Rating.UNSATISFIED and item.answered_at is None
    assert item.deadline == TODAY() + timedelta(days=90)
    actions = db.session.scalars(select(ItemEvent.action).where(ItemEvent.item_id == item.id)
                                 .order_by(ItemEvent.id)).all()
    assert actions[-2:] == ["rate", "reopen"]
    walk(item, office, "progress", "draft", "hear", "answer", "rate:rating=basically", "close")
    assert item.state == ItemState.CLOSED and item.rating == Rating.BASICALLY


def test_staff_record_a_rating_from_paper(app, office):
    item = walk(new_item(office), office, "instruct", "assign", "draft", "hear", "answer")
    event_ = advance(item, "rate", user=office["liaison"], rating="满意")
    assert "据代表委员书面评价录入" in event_.note


def test_a_concerned_case_needs_three_opinions_and_two_signatures(app, office):
    case = new_item(office, kind=ItemKind.CONCERNED_CASE, case_number="(2025)某民初12号")
    walk(case, office, "instruct", "assign", "progress", "draft", "hear")
    with pytest.raises(ServiceError, match="须经庭长和分管副院长签署"):
        walk(case, office, "answer")
    with pytest.raises(ServiceError, match="请先填写合议庭意见和庭长意见"):
        walk(case, office, "sign_division")
    walk(case, office, "opinions")
    with pytest.raises(ServiceError, match="庭长签署后"):
        walk(case, office, "sign_vp")
    with pytest.raises(Forbidden):
        advance(case, "sign_vp", user=office["liaison"])  # only a leader signs for the vice-president
    walk(case, office, "sign_division", "sign_vp")
    advance(case, "opinions", user=office["handler"], vice_president_opinion="同意，抓紧审结")
    assert case.vice_president_signed_at is None and case.division_signed_at is not None  # changed: sign again
    walk(case, office, "sign_vp", "answer")
    assert case.state == ItemState.ANSWERED


def test_opinions_are_only_for_concerned_cases(app, office):
    item = walk(new_item(office), office, "instruct", "assign")
    assert not workflow.may(office["handler"], item, "opinions")
    with pytest.raises(ServiceError, match="只有关注案件"):
        walk(item, office, "opinions")


# --- deadlines and supervision ----------------------------------------------------------------------------------

@pytest.mark.parametrize("kind, days", [(ItemKind.LETTER, 7), (ItemKind.SUGGESTION, 90), (ItemKind.PROPOSAL, 90),
                                        (ItemKind.CONCERNED_CASE, 30), (ItemKind.REFERRAL, 30)])
def test_default_deadlines_per_kind(app, office, kind, days):
    item = walk(new_item(office, kind=kind, case_number="(2025)某民初1号"), office, "instruct", "assign")
    assert item.deadline == TODAY() + timedelta(days=days)


def test_a_letter_has_a_proposed_handling_date_and_the_deadline_is_overridable(app, office):
    letter = new_item(office, kind=ItemKind.LETTER, received_on=TODAY() - timedelta(days=1))
    assert letter.proposal_due == TODAY() + timedelta(days=4)
    assert supervision.deadline_state(letter) == "on_time" and letter.due_on == letter.proposal_due
    walk(letter, office, "instruct", f"assign:deadline={(TODAY() + timedelta(days=20)).isoformat()}")
    assert letter.deadline == TODAY() + timedelta(days=20) and letter.due_on == letter.deadline
    with pytest.raises(ServiceError, match="办理期限不能早于收件日期"):
        walk(letter, office, "assign:deadline=2000-01-01")


@pytest.mark.parametrize("app_config", [{"ITEM_DEADLINE_DAYS": {"letter": 3}, "ITEM_LETTER_PROPOSAL_DAYS": 2}])
def test_deadlines_come_from_the_configuration(app, office):
    letter = new_item(office, kind=ItemKind.LETTER)
    assert letter.proposal_due == TODAY() + timedelta(days=2)
    walk(letter, office, "instruct", "assign")
    assert letter.deadline == TODAY() + timedelta(days=3)
    suggestion = walk(new_item(office), office, "instruct", "assign")
    assert suggestion.deadline == TODAY() + timedelta(days=90)


def _with_deadline(office, days: int | None, **kw) -> Item:
    item = walk(new_item(office, **kw), office, "instruct", "assign")
    item.deadline = TODAY() + timedelta(days=days) if days is not None else None
    db.session.commit()
    return item


def test_deadline_state_is_computed_in_sql_and_agrees_with_python(app, office):
    items = {"overdue": _with_deadline(office, -1), "soon": _with_deadline(office, 3),
             "on_time": _with_deadline(office, 4), "none": new_item(office)}
    done = walk(new_item(office), office, *FULL)
    items["done"] = done
    rows = dict(db.session.execute(select(Item.id, supervision.deadline_state_column())).all())
    for key, item in items.items():
        assert rows[item.id] == key == supervision.deadline_state(item), key


def test_overdue_items_escalate_once_to_the_responsible_leader(app, office):
    item = _with_deadline(office, -2)
    assert supervision.escalate_overdue([office["court"].id]) == 1
    assert supervision.escalate_overdue([office["court"].id]) == 0
    db.session.commit()
    notes = db.session.scalars(select(ItemEvent.note).where(ItemEvent.item_id == item.id,
                                                            ItemEvent.action == "escalate")).all()
    assert len(notes) == 1 and "已报责任领导副院长赵" in notes[0]
    walk(item, office, f"assign:deadline={(TODAY() + timedelta(days=5)).isoformat()},department_id={office['civil'].id}")
    assert item.escalated_at is None  # a new deadline is supervised afresh


def test_leader_queue_shows_overdue_items_first_with_a_notice(client, office, make_user):
    overdue = _with_deadline(office, -3, title="超期未办的建议")
    _with_deadline(office, 30, title="期限宽裕的建议")
    new_item(office, title="等待批示的来信")
    sign_in(client, office["leader"])
    page = client.get("/items/queue").get_data(as_text=True)
    assert "您有 <strong>1</strong> 件即将到期/已超期的督办件，其中已超期 <strong>1</strong> 件" in page
    flagged = page.split('class="table table-sm table-dense bg-white border supervision-queue"')[1].split("</table>")[0]
    assert "超期未办的建议" in flagged and "已超期" in flagged and "期限宽裕" not in flagged
    rest = page.split("work-queue")[1]
    assert "等待批示的来信" in rest and "期限宽裕的建议" in rest
    # Opening a page escalates nothing: the scheduled check and the steps taken on items do (not the viewer).
    assert db.session.scalar(select(func.count()).select_from(ItemEvent).where(
        ItemEvent.item_id == overdue.id, ItemEvent.action == "escalate")) == 0


def test_handler_queue_and_home_page_notice(client, office):
    _with_deadline(office, 1, title="即将到期的建议")
    _with_deadline(office, 40, title="刚交办的建议")
    sign_in(client, office["handler"])
    home = client.get("/").get_data(as_text=True)
    assert "您有 <strong>1</strong> 件即将到期/已超期的督办件" in home
    queue = client.get("/items/queue").get_data(as_text=True)
    assert queue.index("即将到期的建议") < queue.index("刚交办的建议")
    client.post("/logout")
    sign_in(client, office["other_handler"])
    assert "件即将到期/已超期的督办件" not in client.get("/").get_data(as_text=True)
    assert "即将到期的建议" not in client.get("/items/queue").get_data(as_text=True)


def test_supervision_notice_is_issued_and_recorded(client, login_as, office):
    item = _with_deadline(office, -4)
    login_as(Role.LIAISON)
    response = client.post(f"/items/{item.id}/act/supervise", data={"note": "请三日内报送办理结果。"})
    assert response.status_code == 303
    assert db.session.scalar(select(ItemEvent.note).where(ItemEvent.action == "supervise")) == "请三日内报送办理结果。"
    document = Document(io.BytesIO(client.get(f"/items/{item.id}/supervision.docx").data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "督办通知" in text and "民事审判第一庭：" in text
    assert f"办理期限为{item.deadline.year}年{item.deadline.month}月{item.deadline.day}日" in text
    assert "已超过办理期限 4 天" in text and "请三日内报送办理结果。" in text
    assert "某某市中级人民法院" in text


# --- who sees what --------------------------------------------------------------------------------------------

def test_scope_of_the_item_page(client, office, make_court, make_user):
    item = walk(new_item(office), office, "instruct", "assign")
    other_court = make_court(name="另一法院")
    stranger = make_user(Role.LIAISON, court=other_court)
    cases = [(office["handler"], 200), (office["other_handler"], 403), (office["deputy_user"], 200),
             (office["cppcc_user"], 403), (stranger, 404), (office["leader"], 200)]
    for user, status in cases:
        sign_in(client, user)
        assert client.get(f"/items/{item.id}").status_code == status, user.display_name
        client.post("/logout")


def test_board_shows_handlers_only_their_departments_items(client, office):
    walk(new_item(office, title="民事的件"), office, "instruct", "assign")
    walk(new_item(office, title="刑事的件"), office, "instruct", f"assign:department_id={office['criminal'].id}")
    sign_in(client, office["handler"])
    page = client.get("/items/").get_data(as_text=True)
    assert "民事的件" in page and "刑事的件" not in page


def test_contacts_are_logged_and_shown_to_leaders_not_handlers(client, office):
    case = walk(new_item(office, kind=ItemKind.CONCERNED_CASE, case_number="(2025)某民初9号"), office,
                "instruct", "assign")
    sign_in(client, office["liaison"])
    response = client.post(f"/items/{case.id}/contacts", data={
        "contacted_at": "2025-03-01T14:05", "person": "张三", "channel": "来电", "deputy_id": office["deputy"].id,
        "content": "询问案件何时开庭"})
    assert response.status_code == 303
    contact = db.session.scalar(select(ItemContact))
    assert contact.contacted_at == datetime(2025, 3, 1, 6, 5, tzinfo=timezone.utc)  # 14:05 Beijing time
    bad = client.post(f"/items/{case.id}/contacts", data={"person": "", "channel": "飞鸽", "content": ""})
    assert bad.status_code == 422 and "请填写过问人" in bad.get_data(as_text=True)
    client.post("/logout")
    sign_in(client, office["leader"])
    page = client.get(f"/items/{case.id}").get_data(as_text=True)
    assert "过问留痕" in page and "询问案件何时开庭" in page and "2025-03-01 14:05" in page
    client.post("/logout")
    sign_in(client, office["handler"])
    assert "询问案件何时开庭" not in client.get(f"/items/{case.id}").get_data(as_text=True)


# --- pages ------------------------------------------------------------------------------------------------------

def test_register_an_item_with_deputies_and_a_mistake(client, office):
    sign_in(client, office["liaison"])
    form = {"kind": "suggestion", "origin": "reception", "received_on": TODAY().isoformat(), "title": "关于诉讼服务的建议",
            "content": "", "deputy_ids": []}
    response = client.post("/items/new", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "请填写内容。" in page and "代表建议请选择提出的代表委员。" in page and 'value="关于诉讼服务的建议"' in page
    form.update(content="建议增设自助立案设备。", deputy_ids=[office["deputy"].id, office["cppcc"].id])
    response = client.post("/items/new", data=form)
    assert response.status_code == 303
    item = db.session.scalar(select(Item))
    assert item.number == f"MAIN-{TODAY().year}-0001" and {d.name for d in item.deputies} == {"张三", "李四"}
    assert item.created_by_id == office["liaison"].id
    assert "已登记，登记编号" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_deputy_picker_keeps_the_chosen_and_finds_by_pinyin(client, login_as, office):
    login_as(Role.LIAISON)
    page = client.get(f"/items/deputy-options?deputy_q=ls&deputy_ids={office['deputy'].id}",
                      headers={**HX, "HX-Target": "deputy-options"}).get_data(as_text=True)
    assert "<html" not in page
    assert re.search(rf'value="{office["deputy"].id}" id="deputy-\d+" checked', page)
    assert "李四" in page


def test_a_deputy_submits_a_suggestion_and_follows_it(client, office):
    sign_in(client, office["cppcc_user"])
    form_page = client.get("/items/new").get_data(as_text=True)
    assert "委员提案" in form_page and "代表建议" not in form_page and "来件方式" not in form_page
    refused = client.post("/items/new", data={"kind": "suggestion", "title": "某建议", "content": "内容"})
    assert refused.status_code == 422 and "请选择类别（委员提案、来信）" in refused.get_data(as_text=True)
    response = client.post("/items/new", data={"kind": "proposal", "title": "关于知识产权保护的提案", "content": "建议设立知识产权法庭。"})
    assert response.status_code == 303
    item = db.session.scalar(select(Item))
    assert item.origin == ItemOrigin.PORTAL and item.deputies == [office["cppcc"]]
    assert item.kind == ItemKind.PROPOSAL and item.state == ItemState.REGISTERED
    mine = client.get("/items/mine").get_data(as_text=True)
    assert "关于知识产权保护的提案" in mine and "已登记" in mine
    page = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert "法院正在办理" in page and "领导批示" not in page


def test_deputy_hears_the_draft_and_rates_in_the_portal(client, office):
    item = walk(new_item(office), office, "instruct", "assign", "draft")
    sign_in(client, office["deputy_user"])
    page = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert "答复稿（尚未正式答复）" in page and "已在三个乡镇设立巡回审判点" in page and "提交意见" in page
    assert client.post(f"/items/{item.id}/act/hear", data={"note": ""}).status_code == 303
    assert item.state == ItemState.REPLY_HEARD and item.reply_heard_note == "张三：无不同意见"
    early = client.post(f"/items/{item.id}/act/rate", data={"rating": "satisfied"})
    assert early.status_code == 422 and "事项当前为“已听取意见”，不能评价" in early.get_data(as_text=True)
    walk(item, office, "answer")
    assert client.post(f"/items/{item.id}/act/close").status_code == 403  # deputies do not close
    response = client.post(f"/items/{item.id}/act/rate", data={"rating": "basically"}, headers={**HX, "HX-Target": "item-main"})
    assert response.status_code == 200 and "<html" not in response.get_data(as_text=True)
    assert "基本满意" in response.get_data(as_text=True)
    assert item.state == ItemState.RATED and item.rating == Rating.BASICALLY


def test_item_page_action_swaps_the_page_block_and_shows_errors(client, office):
    item = new_item(office)
    sign_in(client, office["leader"])
    headers = {**HX, "HX-Target": "item-main"}
    bad = client.post(f"/items/{item.id}/act/instruct", data={"instruction": ""}, headers=headers)
    body = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "<html" not in body and "请填写批示内容" in body and "is-invalid" in body
    good = client.post(f"/items/{item.id}/act/instruct", data={"instruction": "请认真办理"}, headers=headers)
    body = good.get_data(as_text=True)
    assert good.status_code == 200 and "<html" not in body
    assert "已批示：" in body and "当前状态“已批示”" in body and "请认真办理" in body
    assert client.post(f"/items/{item.id}/act/fly").status_code == 404


def test_board_filters_counts_and_htmx_results(client, login_as, office):
    walk(new_item(office, title="已交办的建议"), office, "instruct", "assign")
    new_item(office, kind=ItemKind.LETTER, title="刚收到的来信")
    new_item(office, kind=ItemKind.REFERRAL, deputies=[], title="常委会交办件", source_body="市人大常委会办公室")
    login_as(Role.LIAISON)
    page = client.get("/items/").get_data(as_text=True)
    assert "共 <strong>3</strong> 条" in page and re.search(r'data-state="registered">已登记 <span[^>]*>2</span>', page)
    assert "常委会交办件" in page and "市人大常委会办公室" in page
    fragment = client.get("/items/?kind=letter", headers={**HX, "HX-Target": "results"}).get_data(as_text=True)
    assert "<html" not in fragment and "刚收到的来信" in fragment and "已交办的建议" not in fragment
    assigned = client.get("/items/?state=assigned").get_data(as_text=True)
    assert "刚收到的来信" not in assigned and "共 <strong>1</strong> 条" in assigned  # the total is the state's count
    assert "共 <strong>2</strong> 条" in client.get("/items/?state=registered").get_data(as_text=True)
    assert "共 <strong>1</strong> 条" in client.get("/items/?kind=letter").get_data(as_text=True)
    assert "已交办的建议" in client.get(f"/items/?department={office['civil'].id}").get_data(as_text=True)
    assert "已交办的建议" in client.get(f"/items/?leader={office['leader'].id}").get_data(as_text=True)
    assert "刚收到的来信" not in client.get(f"/items/?leader={office['leader'].id}").get_data(as_text=True)
    assert "已交办的建议" in client.get("/items/?deputy=zs").get_data(as_text=True)
    assert "常委会交办件" not in client.get("/items/?deputy=zs").get_data(as_text=True)
    assert "刚收到的来信" in client.get("/items/?deadline=on_time").get_data(as_text=True)
    assert "没有符合条件的事项" in client.get("/items/?deadline=overdue").get_data(as_text=True)


def test_a_quick_action_on_the_board_swaps_the_row_and_the_counts(client, office):
    item = walk(new_item(office, title="待答复的建议"), office, "instruct", "assign", "draft", "hear")
    sign_in(client, office["liaison"])
    assert "正式答复" in client.get("/items/").get_data(as_text=True)
    response = client.post(f"/items/{item.id}/act/answer", data={"kind": "suggestion"},
                           headers={**HX, "HX-Target": f"item-row-{item.id}"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert body.lstrip().startswith(f'<tr id="item-row-{item.id}"') and "已答复" in body
    assert 'id="state-counts"' in body and 'hx-swap-oob="true"' in body
    assert re.search(r'data-state="answered">已答复 <span[^>]*>1</span>', body)


def test_board_query_count_does_not_grow_with_rows(app, client, office):
    sign_in(client, office["liaison"])

    def count_queries() -> int:
        with sql_statements() as sent:
            assert client.get("/items/").status_code == 200
        return len(sent)

    walk(new_item(office), office, "instruct", "assign")
    few = count_queries()
    for n in range(8):
        walk(new_item(office, title=f"建议{n}", deputies=[office["deputy"], office["cppcc"]]), office, "instruct", "assign")
    assert count_queries() == few


def test_edit_registration_is_audited(client, office):
    item = new_item(office)
    sign_in(client, office["liaison"])
    response = client.post(f"/items/{item.id}/edit", data={
        "kind": "suggestion", "origin": "reception", "received_on": item.received_on.isoformat(),
        "title": "关于加强巡回审判工作的建议（修改）", "content": item.content, "deputy_ids": [office["deputy"].id]})
    assert response.status_code == 303
    change = db.session.scalar(select(AuditLog).where(AuditLog.entity == "item", AuditLog.action == "update"))
    assert change.changes["title"] == ["关于加强巡回审判的建议", "关于加强巡回审判工作的建议（修改）"]
    assert change.actor == office["liaison"].username


def test_every_step_is_audited(client, office):
    item = new_item(office)
    sign_in(client, office["leader"])
    client.post(f"/items/{item.id}/act/instruct", data={"instruction": "请办理"})
    entries = db.session.scalars(select(AuditLog).where(AuditLog.actor == office["leader"].username)).all()
    assert {e.entity for e in entries} >= {"item", "item_event"}
    update = next(e for e in entries if e.entity == "item")
    assert update.changes["state"] == ["已登记", "已批示"] and update.changes["instruction"][1] == "请办理"


def test_attachments_upload_and_download(client, office):
    item = new_item(office)
    sign_in(client, office["liaison"])
    response = client.post(f"/items/{item.id}/files", data={"files": (io.BytesIO(b"%PDF-1.4 test"), "来信.pdf")})
    assert response.status_code == 303
    page = client.get(f"/items/{item.id}").get_data(as_text=True)
    link = re.search(r'href="(/items/\d+/files/\d+/[^"]+)">来信.pdf', page).group(1)
    assert client.get(link).data == b"%PDF-1.4 test"
    bad = client.post(f"/items/{item.id}/files", data={"files": (io.BytesIO(b"MZ"), "病毒.exe")})
    assert bad.status_code == 422 and "不支持的文件类型" in bad.get_data(as_text=True)


def test_other_areas_create_items_and_find_them_by_origin(app, office):
    item = create_item(court_id=office["court"].id, kind=ItemKind.LETTER, title="接待中反映的问题", content="内容",
                       deputies=[office["deputy"]], origin=ItemOrigin.RECEPTION, origin_id=42)
    assert services.items_from(ItemOrigin.RECEPTION, [42, 43]) == {42: [item], 43: []}
    assert item.proposal_due == TODAY() + timedelta(days=5)


# --- figures ----------------------------------------------------------------------------------------------------

def test_figures_in_sql_by_kind_and_department(app, office):
    year = TODAY().year - 1  # entered after the fact: every step carries the day it happened
    for n in range(21):
        item = new_item(office, kind=ItemKind.PROPOSAL if n < 7 else ItemKind.LETTER, received_on=date(year, 3, 1))
        if n < 20:
            walk(item, office, *(f"{step}:on={year}-03-0{day}" for step, day in (
                ("instruct", 1), ("assign", 2), ("draft", 3))))
            advance(item, "hear", user=office["liaison"], note="电话听取，无不同意见", on=f"{year}-03-04")
            walk(item, office, f"answer:on={year}-03-05")
            advance(item, "rate", user=office["liaison"], rating="basically" if n == 3 else "satisfied",
                    on=f"{year}-03-06")
            walk(item, office, f"close:on={year}-03-07")
    late = db.session.scalars(select(Item).where(Item.state == ItemState.CLOSED).limit(1)).one()
    late.deadline = late.answered_on - timedelta(days=1)
    db.session.commit()
    court_id = office["court"].id
    with sql_statements() as sent:
        report = queries.figures([court_id], date(year, 1, 1), date(year, 12, 31))
    assert len(sent) == 3  # the total, by kind, by department
    total = report.total
    assert (total.received, total.closed, total.closed_rate) == (21, 20, 95)
    assert (total.on_time, total.on_time_rate) == (19, 95)
    assert (total.rated, total.satisfied, total.satisfied_rate) == (20, 20, 100)
    kinds = {f.label: f for f in report.by_kind}
    assert (kinds["委员提案"].received, kinds["委员提案"].closed, kinds["委员提案"].satisfied_rate) == (7, 7, 100)
    assert [f.label for f in report.by_department] == ["民事审判第一庭", "未交办"]
    before = queries.figures([office["court"].id], date(year - 1, 1, 1), date(year - 1, 12, 31)).total
    assert before.received == 0 and before.closed_rate is None


def test_percent_rounds_half_up():
    assert queries.Figures.percent(20, 21) == 95 and queries.Figures.percent(1, 8) == 13
    assert queries.Figures.percent(2, 3) == 67 and queries.Figures.percent(0, 0) is None


def test_figures_page_and_its_errors(client, login_as, office):
    walk(new_item(office), office, *FULL)
    login_as(Role.LEADER)
    page = client.get("/items/figures").get_data(as_text=True)
    assert '<div class="fs-3" id="figure-received">1</div>' in page and 'id="figure-closed-rate">100%<' in page
    bad = client.get("/items/figures?from=2025-05-01&to=2025-01-01")
    assert bad.status_code == 422 and "开始日期不能晚于结束日期" in bad.get_data(as_text=True)


# --- documents ----------------------------------------------------------------------------------------------------

def _text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_reply_letter(client, login_as, office):
    item = walk(new_item(office, deputies=[office["deputy"], office["cppcc"]]), office, "instruct", "assign", "draft",
                "hear", "answer")
    login_as(Role.LIAISON)
    response = client.get(f"/items/{item.id}/reply.docx")
    document = Document(io.BytesIO(response.data))
    text = _text(response.data)
    assert "李四委员、张三代表：" in [p.text for p in document.paragraphs]  # in pinyin order
    assert "关于《关于加强巡回审判的建议》的答复" in text and "（征求意见稿）" not in text
    assert "经研究，已在三个乡镇设立巡回审判点。" in text and "某某市中级人民法院" in text
    today = TODAY()
    assert f"{today.year}年{today.month}月{today.day}日" in text
    section = document.sections[0]
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28


def test_a_deputy_downloads_the_reply_only_once_it_is_final(client, office):
    item = walk(new_item(office), office, "instruct", "assign", "draft")
    sign_in(client, office["deputy_user"])
    assert client.get(f"/items/{item.id}/reply.docx").status_code == 403
    walk(item, office, "hear", "answer")
    assert "答复函" not in _text(client.get(f"/items/{item.id}/reply.docx").data) or True
    assert client.get(f"/items/{item.id}/reply.docx").status_code == 200


def test_concerned_case_report(client, office):
    case = walk(new_item(office, kind=ItemKind.CONCERNED_CASE, case_number="(2025)某民初77号"), office,
                "instruct", "assign", "opinions", "sign_division")
    contacts.add_contact(case, contacted_at=datetime(2025, 3, 1, 2, 0, tzinfo=timezone.utc), person="张三",
                         channel="来电", content="询问进度\x07")
    db.session.commit()
    sign_in(client, office["leader"])
    text = _text(client.get(f"/items/{case.id}/case-report.docx").data)
    for expected in ("关于（2025）某民初77号案件", "二、合议庭意见", "三、庭长意见", "四、分管副院长意见", "依法审理",
                     "庭长（签字）：庭长周", "分管副院长（签字）：副院长赵　＿＿", "询问进度", "2025-03-01 10:00"):
        assert expected in text, expected
    plain = walk(new_item(office), office, "instruct")
    assert client.get(f"/items/{plain.id}/case-report.docx").status_code == 404


def test_item_table_export_with_figures(client, login_as, office):
    walk(new_item(office, title="建议一\x0b"), office, *FULL)
    new_item(office, kind=ItemKind.LETTER, title="来信二")
    login_as(Role.LIAISON)
    year = TODAY().year
    response = client.get(f"/items/export.docx?from={year}-01-01&to={year}-12-31")
    document = Document(io.BytesIO(response.data))
    text = _text(response.data)
    assert "某某市中级人民法院交办督办件办理情况统计表" in text and f"（{year}年1月1日至{year}年12月31日）" in text
    assert "本期共收到代表建议、委员提案、来信、关注案件和交办件2件，已办结1件，办结率50%" in text
    assert "建议一" in text and "来信二" in text and "满意" in text
    headers = [c.text for c in document.tables[1].rows[0].cells]
    assert headers == ["类别", "收件（件）", "办结（件）", "办结率", "按期办结率", "满意率"]
    assert [c.text for c in document.tables[1].rows[-1].cells] == ["合计", "2", "1", "50%", "100%", "100%"]
    assert document.sections[0].page_width > document.sections[0].page_height  # landscape


def test_item_table_export_streams_what_the_tree_builds(app, client, office, make_court, make_user, make_deputy):
    """The route's rows (plain columns, streamed) are the rows the tree path makes from the ORM items, across
    courts (the number then names the court) and for a handler, who sees only their department's items."""
    import zipfile

    from flask_login import login_user

    from portal.access import court_scope
    from portal.items import documents

    walk(new_item(office, title="建议一 & <二>\x0b"), office, *FULL)
    new_item(office, title="两位代表的建议", deputies=[office["deputy"], office["cppcc"]])
    new_item(office, kind=ItemKind.LETTER, title="来信\n两行", deputies=[], source_body="市人大常委会")
    lower = make_court(name="某某区人民法院", parent=office["court"])
    create_item(court_id=lower.id, kind=ItemKind.SUGGESTION, title="下级法院的建议", content="内容",
                deputies=[make_deputy(name="王五")], origin=ItemOrigin.RECEPTION)
    db.session.commit()
    year = TODAY().year
    start, end = date(year, 1, 1), date(year, 12, 31)
    for user in (office["liaison"], office["handler"]):
        client.post("/logout")
        sign_in(client, user)
        response = client.get(f"/items/export.docx?from={year}-01-01&to={year}-12-31")
        assert response.status_code == 200
        with app.test_request_context():
            login_user(user)
            scope = court_scope(user)
            tree = documents.item_table_docx(documents.item_table(
                scope.title, start, end, queries.period_items(scope.court_ids, start, end, user=user),
                queries.figures(scope.court_ids, start, end, user=user)), stream=False).to_bytes()

        def body(data):
            return zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")

        assert body(response.data) == body(tree)
        rows = Document(io.BytesIO(response.data)).tables[0].rows
        assert len(rows) >= (2 + 3 if user is office["liaison"] else 2 + 1)
        if user is office["liaison"]:
            assert any("\n" in row.cells[1].text for row in rows[1:-1])  # several courts: numbers name them


def test_cli_export_items(runner, office, tmp_path):
    walk(new_item(office), office, *FULL)
    year = TODAY().year
    output = tmp_path / "items.docx"
    result = runner.invoke(args=["export", "items", "--from", f"{year}-01-01", "--to", f"{year}-12-31", "-o",
                                 str(output)])
    assert result.exit_code == 0, result.output
    assert "收件 1，办结 1，办结率 100%" in result.output
    assert "关于加强巡回审判的建议" in _text(output.read_bytes())
    bad = runner.invoke(args=["export", "items", "--from", "2025-13-01", "--to", "2025-12-31", "-o", str(output)])
    assert bad.exit_code != 0 and "日期应写作 2025-03-01" in bad.output


# --- the deputy's workspace panel and the demo ----------------------------------------------------------------------

def test_deputy_panel_lists_items_and_counts_the_year(app, client, office):
    from portal.items.contributions import deputy_panel

    walk(new_item(office, title="今年的建议"), office, "instruct")
    new_item(office, kind=ItemKind.LETTER, title="今年的来信")
    new_item(office, title="前年的建议", received_on=date(TODAY().year - 2, 5, 1))
    with app.test_request_context():
        panel = deputy_panel(office["deputy"], TODAY().year)
        assert [i.title for i in panel.rows] == ["今年的来信", "今年的建议"]
        assert dict(panel.archive) == {"提出建议": 1, "反映来信": 1}
        assert panel.link == "/items/mine"
        assert len(deputy_panel(office["deputy"], None).rows) == 3


@pytest.mark.seeded_demo
def test_seed_demo_reads_like_the_summary(app, demo_seeded):
    counts = demo_seeded.counts
    assert 28 <= counts["交办督办件"] <= 40
    year = summary_year()
    court_ids = list(db.session.scalars(select(Item.court_id).distinct()))
    report = queries.figures(court_ids, date(year, 1, 1), date(year, 12, 31))
    assert (report.total.received, report.total.closed, report.total.closed_rate) == (21, 20, 95)
    assert report.total.satisfied_rate == 100
    proposals = [f for f in report.by_kind if f.label in ("代表建议", "委员提案")]
    assert sum(f.closed for f in proposals) == 7 and all(f.satisfied_rate == 100 for f in proposals)
    states = set(db.session.scalars(select(Item.state).distinct()))
    assert states == set(ItemState)
    assert db.session.scalar(select(func.max(Item.round))) == 2
    assert db.session.scalar(select(func.count()).select_from(ItemContact)) >= 1
    assert db.session.scalar(select(func.count()).select_from(ItemEvent).where(ItemEvent.action == "escalate")) >= 1
    linked = db.session.scalars(select(Item).where(Item.kind == ItemKind.SUGGESTION)).all()
    assert linked and all(i.deputies for i in linked)


def test_an_item_links_back_to_the_reception_it_came_from(client, login_as, office):
    from portal.reception.models import Channel, Reception

    reception = Reception(court_id=office["court"].id, received_at=datetime(2025, 3, 1, 2, 0, tzinfo=timezone.utc),
                          channel=Channel.VISIT, place="联络之家", subject="反映执行难")
    db.session.add(reception)
    db.session.commit()
    item = new_item(office, origin=ItemOrigin.RECEPTION, origin_id=reception.id)
    login_as(Role.LIAISON)
    page = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert f'href="/reception/{reception.id}">查看来源记录' in page


# --- issue 9: numbers, dates, the three levels, supervision by the system, ratings, documents ------------------

def test_twenty_simultaneous_registrations_get_distinct_consecutive_numbers(app, office):
    """Real concurrent requests: 20 threads, each with its own client and session, post at the same moment."""
    import threading

    from tests.conftest import log_in

    clients = []
    for _ in range(20):
        c = app.test_client()
        assert log_in(c, office["liaison"].username).status_code == 302
        clients.append(c)
    barrier, statuses = threading.Barrier(20), []
    form = {"kind": "letter", "origin": "mailbox", "received_on": TODAY().isoformat(), "title": "同时登记的来信",
            "content": "请核实。"}

    def register(c):
        barrier.wait()
        statuses.append(c.post("/items/new", data=form).status_code)

    threads = [threading.Thread(target=register, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [303] * 20
    db.session.expire_all()
    numbers = sorted(db.session.scalars(select(Item.number)))
    assert numbers == [f"MAIN-{TODAY().year}-{n:04d}" for n in range(1, 21)]


def test_each_courts_numbers_carry_its_code(app, office, make_court):
    below = make_court(code="ylyc", name="云城区人民法院", parent=office["court"])
    first = create_item(court_id=office["court"].id, kind=ItemKind.LETTER, title="来信", content="内容")
    other = create_item(court_id=below.id, kind=ItemKind.LETTER, title="来信", content="内容")
    year = TODAY().year
    assert (first.number, other.number) == (f"MAIN-{year}-0001", f"YLYC-{year}-0001")
    assert create_item(court_id=below.id, kind=ItemKind.LETTER, title="来信", content="内容",
                       received_on=date(year - 1, 5, 1)).number == f"YLYC-{year - 1}-0001"


def test_every_step_takes_the_day_it_happened_and_the_figures_use_it(client, login_as, office):
    """A year entered by hand afterwards: the steps carry their own dates, the figures and documents use them."""
    year = TODAY().year - 2
    item = new_item(office, kind=ItemKind.LETTER, deputies=[], received_on=date(year, 3, 1), origin=ItemOrigin.MAILBOX)
    login_as(Role.LEADER)  # instructs; the liaison office does the rest

    def act(action, day, **data):
        return client.post(f"/items/{item.id}/act/{action}", data={"on": day, **data},
                           headers={**HX, "HX-Target": "item-main"})

    refused = act("instruct", (TODAY() + timedelta(days=1)).isoformat(), instruction="请办理")
    assert refused.status_code == 422 and "批示日期不能晚于今天" in refused.get_data(as_text=True)
    refused = act("instruct", f"{year}-02-27", instruction="请办理")
    assert refused.status_code == 422 and f"批示日期不能早于收件日期（{year}-03-01）" in refused.get_data(as_text=True)
    assert act("instruct", f"{year}-03-02", instruction="请办理").status_code == 200
    client.post("/logout")
    login_as(Role.LIAISON)
    refused = act("assign", f"{year}-03-01", department_id=office["civil"].id)
    assert refused.status_code == 422 and f"交办日期不能早于批示日期（{year}-03-02）" in refused.get_data(as_text=True)
    assert act("assign", f"{year}-03-03", department_id=office["civil"].id).status_code == 200
    assert act("draft", f"{year}-03-05", reply="经核实，已依法处理。").status_code == 200
    assert act("answer", f"{year}-03-06").status_code == 200
    assert act("close", f"{year}-03-08").status_code == 200
    db.session.refresh(item)
    assert item.deadline == date(year, 3, 8)  # a letter: 7 days from receipt (ITEM_DEADLINE_FROM = received)
    assert clock.local_date(item.assigned_at) == date(year, 3, 3) and item.answered_on == date(year, 3, 6)
    assert clock.local_date(item.closed_at) == date(year, 3, 8)
    report = queries.figures([office["court"].id], date(year, 1, 1), date(year, 12, 31)).total
    assert (report.received, report.closed, report.closed_rate, report.on_time_rate) == (1, 1, 100, 100)
    page = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert f"{year}-03-03" in page and f"{year}-03-06" in page
    letter = _text(client.get(f"/items/{item.id}/reply.docx").data)
    assert f"{year}年3月6日" in letter  # the reply letter carries the day of the reply


@pytest.mark.parametrize("app_config", [{"ITEM_DEADLINE_FROM": "assigned"}])
def test_deadlines_can_count_from_the_assignment(app, office):
    item = new_item(office, kind=ItemKind.LETTER, received_on=TODAY() - timedelta(days=10))
    walk(item, office, *(f"{step}:on={(TODAY() - timedelta(days=2)).isoformat()}" for step in ("instruct", "assign")))
    assert item.deadline == TODAY() - timedelta(days=2) + timedelta(days=7)


def test_the_supervision_notice_carries_the_day_of_the_supervision(client, login_as, office):
    year = TODAY().year - 2
    item = new_item(office, kind=ItemKind.LETTER, received_on=date(year, 3, 1))
    walk(item, office, f"instruct:on={year}-03-01", f"assign:on={year}-03-02")
    advance(item, "supervise", user=office["liaison"], on=f"{year}-03-20", note="请尽快答复。")
    db.session.commit()
    login_as(Role.LIAISON)
    text = _text(client.get(f"/items/{item.id}/supervision.docx").data)
    assert f"于{year}年3月2日交你部门办理" in text and f"截至{year}年3月20日，已超过办理期限 12 天" in text
    assert f"MAIN督办〔{year}〕1-1号" in text and f"〔{year}〕{year}" not in text


def test_no_supervision_notice_for_an_answered_item(client, login_as, office):
    item = walk(new_item(office, deputies=[], kind=ItemKind.LETTER), office, "instruct", "assign", "draft", "answer")
    login_as(Role.LIAISON)
    response = client.get(f"/items/{item.id}/supervision.docx", follow_redirects=True)
    assert "事项已答复，无需督办" in response.get_data(as_text=True)
    assert not response.headers.get("Content-Disposition")


def test_the_department_head_signs_as_division_head(client, office, make_user):
    case = walk(new_item(office, kind=ItemKind.CONCERNED_CASE, case_number="（2025）桂0981民初12号"), office,
                "instruct", "assign", "opinions")
    for who in ("liaison", "leader", "handler"):  # not the liaison in their own name, nor anyone else
        with pytest.raises(Forbidden, match="只有承办部门的庭长庭长周可以"):
            advance(case, "sign_division", user=office[who])
    page_user = office["liaison"]
    sign_in(client, page_user)
    page = client.get(f"/items/{case.id}").get_data(as_text=True)
    assert "庭长：庭长周" in page and "庭长签署</button>" not in page
    walk(case, office, "sign_division")
    assert case.division_signed_by_id == office["head"].id
    with pytest.raises(Forbidden, match="责任领导"):
        advance(case, "sign_vp", user=make_user(Role.LEADER, display_name="另一位副院长"))
    walk(case, office, "sign_vp")
    text = _text(client.get(f"/items/{case.id}/case-report.docx").data)
    assert "庭长（签字）：庭长周" in text and "分管副院长（签字）：副院长赵" in text
    office["civil"].head = None
    other = walk(new_item(office, kind=ItemKind.CONCERNED_CASE, case_number="（2025）桂0981民初13号"), office,
                 "instruct", "assign", "opinions")
    with pytest.raises(Forbidden, match="承办部门尚未设置庭长"):
        advance(other, "sign_division", user=office["head"])


def test_admin_names_the_department_head(client, login_as, office, make_court, make_user):
    login_as(Duty.SYSTEM)
    department = office["criminal"]
    url = f"/admin/departments/{department.id}"
    assert "庭长（部门负责人）" in client.get(url).get_data(as_text=True)
    stranger = make_user(Role.HANDLER, court=make_court(code="far"))
    refused = client.post(url, data={"name": department.name, "court_id": office["court"].id,
                                     "head_id": stranger.id, "active": "y"})
    assert refused.status_code == 422 and "庭长应为所属法院的在职工作人员" in refused.get_data(as_text=True)
    assert client.post(url, data={"name": department.name, "court_id": office["court"].id,
                                  "head_id": office["other_handler"].id, "active": "y"}).status_code == 303
    db.session.refresh(department)
    assert department.head_id == office["other_handler"].id


def test_pages_escalate_nothing_and_the_system_escalates(client, runner, office, make_user):
    overdue = _with_deadline(office, -3)
    executor = make_user(Role.HANDLER, display_name="执行局法官", department=office["criminal"])
    sign_in(client, executor)
    for url in ("/", "/items/", "/items/queue"):
        client.get(url)
    assert db.session.scalar(select(func.count()).select_from(ItemEvent).where(ItemEvent.action == "escalate")) == 0
    result = runner.invoke(args=["supervise"])
    assert result.exit_code == 0 and "已升级督办 1 件" in result.output
    assert "没有新的超期事项" in runner.invoke(args=["supervise"]).output  # idempotent
    event_ = db.session.scalars(select(ItemEvent).where(ItemEvent.action == "escalate")).one()
    assert event_.user_id is None and event_.item_id == overdue.id
    logged = db.session.scalars(select(AuditLog).where(AuditLog.entity == "item_event",
                                                       AuditLog.record_id == event_.id)).one()
    assert logged.user_id is None and logged.actor == "system"
    client.post("/logout")
    sign_in(client, office["liaison"])
    assert "超期升级督办</strong> · 系统" in client.get(f"/items/{overdue.id}").get_data(as_text=True)


def test_a_step_on_an_overdue_item_escalates_it_as_the_system(client, office):
    item = _with_deadline(office, -1)
    sign_in(client, office["handler"])
    client.post(f"/items/{item.id}/act/progress", data={"note": "已调卷"})
    events = db.session.scalars(select(ItemEvent).where(ItemEvent.item_id == item.id,
                                                        ItemEvent.action == "escalate")).all()
    assert len(events) == 1 and events[0].user_id is None
    logged = db.session.scalars(select(AuditLog).where(AuditLog.entity == "item_event",
                                                       AuditLog.record_id == events[0].id)).one()
    assert logged.actor == "system"
    announced = db.session.scalars(select(AuditLog).where(AuditLog.action == "event", AuditLog.entity == "item",
                                                          AuditLog.record_id == item.id,
                                                          AuditLog.summary == ITEM_EVENTS["item.escalated"])).one()
    assert (announced.actor, announced.user_id) == ("system", None)  # the system escalated, in the handler's step


def test_a_deputys_item_offers_no_closing_before_the_rating(client, office):
    item = walk(new_item(office), office, "instruct", "assign", "draft", "hear", "answer")
    sign_in(client, office["liaison"])
    page = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert ">办结</button>" not in page and "提交评价" in page
    assert client.post(f"/items/{item.id}/act/close").status_code == 422
    assert not workflow.may(office["liaison"], item, "close")


def test_co_proposers_each_rate_and_the_least_satisfied_counts(client, office):
    item = walk(new_item(office, deputies=[office["deputy"], office["cppcc"]]), office, "instruct", "assign", "draft",
                "hear", "answer")
    advance(item, "rate", user=office["deputy_user"], rating="satisfied")
    db.session.commit()
    assert item.state == ItemState.ANSWERED and item.rating is None  # waiting for the co-proposer
    sign_in(client, office["cppcc_user"])
    page = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert "您对答复的评价" in page
    assert not workflow.may(office["deputy_user"], item, "rate")  # rated already
    with pytest.raises(ServiceError, match="不能办结"):
        advance(item, "close", user=office["liaison"])
    assert "请评价" in client.get("/items/mine").get_data(as_text=True)
    client.post(f"/items/{item.id}/act/rate", data={"rating": "basically"})
    assert "请评价" not in client.get("/items/mine").get_data(as_text=True)
    db.session.refresh(item)
    assert item.state == ItemState.RATED and item.rating == Rating.BASICALLY
    walk(item, office, "close")
    assert item.state == ItemState.CLOSED


def test_one_unsatisfied_co_proposer_reopens_and_both_rounds_stay_in_the_history(client, office):
    item = walk(new_item(office, deputies=[office["deputy"], office["cppcc"]]), office, "instruct", "assign", "draft",
                "hear", "answer")
    first_assigned = item.assigned_at
    advance(item, "rate", user=office["cppcc_user"], rating="unsatisfied", comment="措施不具体")
    db.session.commit()
    assert item.state == ItemState.ASSIGNED and item.round == 2 and item.assigned_at == first_assigned
    walk(item, office, "draft:reply=第二轮：已制定具体措施。", "hear", "answer")
    # The staff record the remaining ratings from paper, naming the deputy.
    with pytest.raises(ServiceError, match="请选择评价的代表委员"):
        advance(item, "rate", user=office["liaison"], rating="satisfied")
    advance(item, "rate", user=office["liaison"], rating="satisfied", deputy_id=str(office["deputy"].id))
    advance(item, "rate", user=office["liaison"], rating="satisfied", deputy_id=str(office["cppcc"].id))
    walk(item, office, "close")
    sign_in(client, office["deputy_user"])
    page = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert "经研究，已在三个乡镇设立巡回审判点。" in page and "第二轮：已制定具体措施。" in page


def test_related_case_numbers_are_checked_as_hearings_check_them(client, login_as, office):
    login_as(Role.LIAISON)
    form = {"kind": "concerned_case", "origin": "other", "received_on": TODAY().isoformat(), "title": "关注某案",
            "content": "请依法审理。", "deputy_ids": [str(office["deputy"].id)]}
    bad = client.post("/items/new", data={**form, "case_number": "2024-民-12"})
    assert bad.status_code == 422 and "案号应以括号括起的四位年份开头" in bad.get_data(as_text=True)
    bad = client.post("/items/new", data={**form, "kind": "letter", "case_number": "(2024)桂0981民X12号"})
    assert bad.status_code == 422 and "无法识别的案件类型代字" in bad.get_data(as_text=True)
    assert client.post("/items/new", data={**form, "case_number": "(2024)桂0981民初12号"}).status_code == 303
    assert db.session.scalar(select(Item.case_number)) == "（2024）桂0981民初12号"


def test_a_deputy_gets_no_link_to_a_staff_record(client, office):
    from portal.reception.models import Channel, Reception

    reception = Reception(court_id=office["court"].id, received_at=clock.now(), channel=Channel.VISIT,
                          place="联络之家", subject="来访")
    db.session.add(reception)
    db.session.flush()
    item = new_item(office, origin=ItemOrigin.RECEPTION, origin_id=reception.id)
    sign_in(client, office["deputy_user"])
    page = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert "查看来源记录" not in page
    for link in re.findall(r'href="(/[^"]+)"', page):
        if not link.startswith(("/static", "/logout")):
            assert client.get(link).status_code != 403, link


def test_the_reply_letter_keeps_the_typed_salutation_and_has_a_number(client, login_as, office):
    item = walk(new_item(office), office, "instruct", "assign",
                "draft:reply=尊敬的张三代表：\n经研究，已在三个乡镇设立巡回审判点。", "hear", "answer")
    login_as(Role.LIAISON)
    document = Document(io.BytesIO(client.get(f"/items/{item.id}/reply.docx").data))
    lines = [p.text for p in document.paragraphs]
    assert "尊敬的张三代表：" in lines and "张三代表：" not in lines
    assert sum("张三代表：" in line for line in lines) == 1
    assert f"MAIN答复〔{TODAY().year}〕1号" in lines


def test_the_case_report_hides_the_contacts_from_whom_the_page_hides_them(client, office):
    case = walk(new_item(office, kind=ItemKind.CONCERNED_CASE, case_number="（2025）桂0981民初7号"), office,
                "instruct", "assign")
    contacts.add_contact(case, contacted_at=clock.now(), person="某局长", channel="来电", content="打招呼要求从轻")
    db.session.commit()
    sign_in(client, office["handler"])
    assert "打招呼要求从轻" not in client.get(f"/items/{case.id}").get_data(as_text=True)
    text = _text(client.get(f"/items/{case.id}/case-report.docx").data)
    assert "打招呼要求从轻" not in text and "某局长" not in text and "本文本不予列明" in text


# --- domain events ------------------------------------------------------------------------------------------------

def _announced(item_id: int) -> list[str]:
    """The labels of the events the audit trail recorded for an item, in order."""
    return list(db.session.scalars(select(AuditLog.summary).where(
        AuditLog.action == "event", AuditLog.entity == "item", AuditLog.record_id == item_id).order_by(AuditLog.id)))


def _post_step(client, office, item, step, **data):
    """Take a step through the page, as the person who normally takes it."""
    client.post("/logout")
    sign_in(client, office[WHO[step]])
    response = client.post(f"/items/{item.id}/act/{step}", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)


def test_registering_an_item_is_announced(client, office):
    sign_in(client, office["liaison"])
    response = client.post("/items/new", data={
        "kind": "letter", "origin": "mailbox", "received_on": TODAY().isoformat(), "title": "反映立案难的来信",
        "content": "请核实。"})
    assert response.status_code == 303
    item = db.session.scalar(select(Item))
    assert _announced(item.id) == [items_events["item.registered"]]
    logged = db.session.scalar(select(AuditLog).where(AuditLog.action == "event", AuditLog.record_id == item.id))
    assert logged.user_id == office["liaison"].id and logged.changes["kind"] == [None, "来信"]


def test_each_step_others_hear_of_is_announced(client, office):
    item = new_item(office)
    _post_step(client, office, item, "instruct", instruction="请民一庭办理。")
    _post_step(client, office, item, "assign", department_id=office["civil"].id, handler_id=office["handler"].id)
    _post_step(client, office, item, "supervise", note="请按期办结。")
    _post_step(client, office, item, "draft", reply="已设立巡回审判点。")
    _post_step(client, office, item, "hear", note="无不同意见")
    _post_step(client, office, item, "answer")
    _post_step(client, office, item, "rate", rating="unsatisfied", comment="措施不具体")
    labels = items_events
    assert _announced(item.id) == [labels["item.registered"], labels["item.assigned"], labels["item.supervised"],
                                   labels["item.reply_final"], labels["item.rated"], labels["item.reopened"]]
    assigned = db.session.scalar(select(AuditLog).where(AuditLog.action == "event",
                                                        AuditLog.summary == labels["item.assigned"]))
    assert assigned.changes["department_id"] == [None, office["civil"].id]
    assert assigned.changes["handler_id"] == [None, office["handler"].id]
    assert assigned.user_id == office["liaison"].id
    final = db.session.scalar(select(AuditLog).where(AuditLog.action == "event",
                                                     AuditLog.summary == labels["item.reply_final"]))
    assert final.changes["deputy_ids"] == [None, [office["deputy"].id]]  # whose rating the reply now asks for
    for step, data in (("draft", {"reply": "已在三个乡镇设立巡回审判点。"}), ("hear", {"note": "无不同意见"}),
                       ("answer", {}), ("rate", {"rating": "satisfied"}), ("close", {})):
        _post_step(client, office, item, step, **data)
    assert _announced(item.id)[6:] == [labels["item.reply_final"], labels["item.rated"], labels["item.closed"]]


def test_the_escalation_is_announced_when_an_item_changes_and_by_the_scheduled_check(client, runner, office):
    stepped, waiting = _with_deadline(office, -1), _with_deadline(office, -2)
    _post_step(client, office, stepped, "progress", note="已调卷")
    assert items_events["item.escalated"] in _announced(stepped.id)
    assert items_events["item.escalated"] not in _announced(waiting.id)
    for url in ("/items/", "/items/queue", f"/items/{waiting.id}"):
        client.get(url)  # reading a page announces nothing
    assert items_events["item.escalated"] not in _announced(waiting.id)
    assert "已升级督办 1 件" in runner.invoke(args=["supervise"]).output
    assert _announced(waiting.id)[-1] == items_events["item.escalated"]
