"""What the hearings area does when another area announces something (``portal.events``).

The change notices the portal sends (notices' ``hearing_changed``) empty the board's list of deputies to ring:
once the worker delivered one of them to a deputy by SMS or email (``message.sent``), the deputy heard of the
change. A deputy without a mobile number or email, or whose messages failed, stays on the list for a phone
call and the staff's "已通知" button.
"""
from datetime import datetime

from sqlalchemy import select

from portal import events
from portal.extensions import db
from portal.hearings.models import Hearing, HearingInvitation


@events.on("message.sent", in_transaction=True)
def change_notice_sent(event: events.Event) -> None:
    """Clear the invitation's "to ring" flag, telling when the message went out.

    Only a message about the hearing as it now is: one queued before the hearing's last change (a move that
    came after it, say) told the deputy something out of date, and the newer message is still to go.
    """
    data = event.data
    if data.get("about_type") != Hearing.__tablename__ or not data.get("deputy_id"):
        return
    invitation = db.session.scalar(select(HearingInvitation).where(
        HearingInvitation.hearing_id == data["about_id"], HearingInvitation.deputy_id == data["deputy_id"]))
    if invitation is None or not invitation.needs_notice:
        return
    if datetime.fromisoformat(data["queued_at"]) < invitation.hearing.updated_at:
        return
    invitation.needs_notice = False
    invitation.notified_at = datetime.fromisoformat(data["sent_at"])
    db.session.flush()
