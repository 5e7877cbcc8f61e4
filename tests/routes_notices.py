"""Notices' routes in the role matrix. Everyone opens only their own in-portal messages, but the matrix logs in a
new user after the records are made: the record message is handed to each user created afterwards."""
from sqlalchemy import event, update

from portal.auth.models import Role, User
from portal.extensions import db
from portal.notices.models import Channel, Message, MessageState
from tests.route_matrix import EDITORS, EVERYONE

ROUTES = {
    "notices.index": ("GET", "/notices/?state=dead", EDITORS),
    "notices.resend": ("POST", "/notices/{dead_message}/resend", EDITORS),
    "notices.batches": ("GET", "/notices/batches", EDITORS),
    "notices.new_batch": ("GET", "/notices/batches/new", EDITORS),
    "notices.inbox": ("GET", "/notices/inbox", EVERYONE),
    "notices.open_message": ("POST", "/notices/inbox/{inbox_message}/open", EVERYONE),
    "notices.mark_all_read": ("POST", "/notices/inbox/read", EVERYONE),
    "notices.preferences": ("GET", "/notices/preferences", {Role.DEPUTY}),
}

_listeners = []


def records(court, make_user, make_deputy, make_department) -> dict:
    deputy = make_deputy(name="短信代表")
    dead = Message(court_id=court.id, channel=Channel.SMS, deputy_id=deputy.id, address=deputy.mobile, body="提醒",
                   state=MessageState.DEAD, tries=5, answer="9 rejected")
    owner = make_user(Role.LIAISON)
    inbox = Message(court_id=court.id, channel=Channel.PORTAL, user_id=owner.id, body="新件待办",
                    state=MessageState.SENT, link="/items/")
    db.session.add_all([dead, inbox])
    db.session.commit()
    inbox_id = inbox.id
    for listener in _listeners:
        if event.contains(User, "after_insert", listener):
            event.remove(User, "after_insert", listener)
    _listeners.clear()

    def hand_over(mapper, connection, user):
        connection.execute(update(Message).where(Message.id == inbox_id).values(user_id=user.id))

    event.listen(User, "after_insert", hand_over)
    _listeners.append(hand_over)
    return {"dead_message": dead.id, "inbox_message": inbox_id}
