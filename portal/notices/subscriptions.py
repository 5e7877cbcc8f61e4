"""What the portal tells people by itself, each from a domain event of another area.

Every listener runs inside the transaction of the change (``in_transaction=True``): the messages it queues
commit with the change or not at all. The texts are short enough for one or two SMS parts.
"""
from sqlalchemy import select

from portal import events
from portal.auth.models import Department
from portal.duty.models import DutyReport
from portal.extensions import db
from portal.hearings.models import EXPECTING, Hearing, HearingInvitation
from portal.items.models import Item
from portal.notices import services
from portal.notices.reminders import hearing_line
from portal.register.models import Deputy

# --- hearings ----------------------------------------------------------------------------------------------------

@events.on("invitation.sent", in_transaction=True)
def hearing_invitation(event: events.Event) -> None:
    invitation = db.session.get(HearingInvitation, event.subject_id)
    hearing = invitation.hearing
    services.tell_deputy(invitation.deputy, "庭审旁听邀请",
                         f"{services.salutation(invitation.deputy)}：{hearing_line(hearing)}，诚邀您旁听。"
                         "请登录平台答复是否出席。",
                         court_id=hearing.court_id, about=invitation,
                         link=services.link_to("hearings.mine_detail", invitation_id=invitation.id))


CHANGES = {"hearing.moved": ("庭审变更", "庭审时间或地点有变，现{line}"),
           "hearing.adjourned": ("庭审延期", "原定庭审已延期（{line}），新的时间另行通知"),
           "hearing.cancelled": ("庭审取消", "原定庭审已取消（{line}）")}


@events.on("hearing.moved", in_transaction=True)
@events.on("hearing.adjourned", in_transaction=True)
@events.on("hearing.cancelled", in_transaction=True)
def hearing_changed(event: events.Event) -> None:
    """Every invitee still expected hears of the change (those who declined do not): one batch of messages."""
    hearing = db.session.get(Hearing, event.subject_id)
    subject, text = CHANGES[event.name]
    line = text.format(line=hearing_line(hearing))
    expected = db.session.scalars(select(Deputy).join(HearingInvitation, HearingInvitation.deputy_id == Deputy.id)
                                  .where(HearingInvitation.hearing_id == hearing.id,
                                         HearingInvitation.status.in_(EXPECTING))).all()
    services.tell_deputies(expected, subject,
                           lambda deputy: f"{services.salutation(deputy)}：{line}。给您带来不便，敬请谅解。",
                           court_id=hearing.court_id, about=hearing, link=services.link_to("hearings.mine"))


# --- tracked items -----------------------------------------------------------------------------------------------

def _item_line(item: Item) -> str:
    return f"{item.number}《{item.title[:30]}》"


@events.on("item.assigned", in_transaction=True)
def item_assigned(event: events.Event) -> None:
    """The handler, or else the department's head, learns of the item, in the portal and by SMS."""
    item = db.session.get(Item, event.subject_id)
    receiver = item.handler
    if receiver is None and item.department_id:
        receiver = db.session.get(Department, item.department_id).head
    if receiver is None:
        return
    deadline = f"，办理期限 {item.deadline.isoformat()}" if item.deadline else ""
    services.tell_user(receiver, "新交办件", f"{_item_line(item)}已交办{item.department.name if item.department else ''}"
                                         f"办理{deadline}。请登录平台查看。",
                       link=services.link_to("items.detail", item_id=item.id), about=item, sms=True)


@events.on("item.escalated", in_transaction=True)
def item_overdue(event: events.Event) -> None:
    """Overdue: the handler, then the responsible leader (分管副院长)."""
    item = db.session.get(Item, event.subject_id)
    text = f"{_item_line(item)}已超过办理期限（{item.due_on.isoformat() if item.due_on else ''}），请督促办理。"
    for receiver in dict.fromkeys(u for u in (item.handler, item.leader) if u is not None):
        services.tell_user(receiver, "督办件超期", text, link=services.link_to("items.detail", item_id=item.id),
                           about=item, sms=True)


@events.on("item.reply_final", in_transaction=True)
def item_answered(event: events.Event) -> None:
    """The deputies who raised the item are told, with the page where they rate the reply."""
    item = db.session.get(Item, event.subject_id)
    deputies = db.session.scalars(select(Deputy).where(Deputy.id.in_(event.data.get("deputy_ids") or []))).all()
    link = services.link_to("items.detail", item_id=item.id)
    for deputy in deputies:
        services.tell_deputy(deputy, "办理结果答复",
                             f"{services.salutation(deputy)}：您提出的{_item_line(item)}已办理答复，"
                             "请登录平台查看答复并评价办理结果。",
                             court_id=item.court_id, link=link, about=item)


# --- duty reports ------------------------------------------------------------------------------------------------

REPORT_TEXTS = {"report.returned": ("述职报告退回修改", "您的{year}年度述职报告已退回修改：{comment}"),
                "report.filed": ("述职报告已备案", "您的{year}年度述职报告已审查备案，感谢您的履职。")}


@events.on("report.returned", in_transaction=True)
@events.on("report.filed", in_transaction=True)
def report_reviewed(event: events.Event) -> None:
    report = db.session.get(DutyReport, event.subject_id)
    deputy = db.session.get(Deputy, report.deputy_id)
    subject, text = REPORT_TEXTS[event.name]
    services.tell_deputy(deputy, subject, f"{services.salutation(deputy)}："
                                          + text.format(year=report.year, comment=event.data.get("comment") or ""),
                         court_id=report.court_id, about=report,
                         link=services.link_to("duty.mine_report", year=report.year))


# --- surveys (the survey area composes the text; see portal.surveys.services._announce) -------------------------

@events.on("survey.opened", in_transaction=True)
@events.on("survey.reminded", in_transaction=True)
def survey_notice(event: events.Event) -> None:
    """A survey sent (or a reminder to answer it): each deputy named in the event, on their channels."""
    from portal.surveys.models import Survey

    survey = db.session.get(Survey, event.subject_id)
    deputies = db.session.scalars(select(Deputy).where(Deputy.id.in_(event.data["deputy_ids"]))).all()
    services.tell_deputies(deputies, event.data["heading"], lambda deputy: services.fill(event.data["body"], deputy),
                           court_id=survey.court_id, link=event.data["link"], about=survey)
