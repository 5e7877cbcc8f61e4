"""Notices' routes in the role matrix. Everyone opens only their own in-portal messages, but the matrix logs in a
new user after the records are made: the record message is handed to each user created afterwards. An issue of
《法院工作信息》 of the test court comes with its stored file and a deputy's comment."""
from datetime import date

from sqlalchemy import update

from portal.attachments import Attachment
from portal.auth.models import Role
from portal.extensions import db
from portal.notices.models import Channel, Message, MessageState, Newsletter, NewsletterComment
from portal.uploads import upload_dir
from tests.route_matrix import BUSINESS, EDITORS, EVERYONE, STAFF, hand_to_next_users

ROUTES = {
    "notices.index": ("GET", "/notices/?state=dead", EDITORS),
    "notices.resend": ("POST", "/notices/{dead_message}/resend", EDITORS),
    "notices.batches": ("GET", "/notices/batches", EDITORS),
    "notices.new_batch": ("GET", "/notices/batches/new", EDITORS),
    "notices.inbox": ("GET", "/notices/inbox", EVERYONE),
    "notices.open_message": ("POST", "/notices/inbox/{inbox_message}/open", EVERYONE),
    "notices.mark_all_read": ("POST", "/notices/inbox/read", EVERYONE),
    "notices.preferences": ("GET", "/notices/preferences", {Role.DEPUTY}),
    "notices.newsletter_list": ("GET", "/notices/newsletters", STAFF),
    "notices.new_newsletter": ("GET", "/notices/newsletters/new", EDITORS),
    "notices.newsletter_detail": ("GET", "/notices/newsletters/{newsletter}", STAFF),
    "notices.edit_newsletter": ("GET", "/notices/newsletters/{newsletter}/edit", EDITORS),
    "notices.delete_newsletter": ("POST", "/notices/newsletters/{newsletter}/delete", EDITORS),
    "notices.comment_to_item": ("POST", "/notices/newsletters/{newsletter}/comments/{newsletter_comment}/item", EDITORS),
    "notices.read_newsletter": ("GET", "/notices/newsletters/{newsletter}/read", {Role.DEPUTY}),
    "notices.newsletter_file": ("GET", "/notices/newsletters/{newsletter}/files/{newsletter_file}/工作信息.docx",
                                BUSINESS),
}



def records(court, make_user, make_deputy, make_department) -> dict:
    deputy = make_deputy(name="短信代表")
    dead = Message(court_id=court.id, channel=Channel.SMS, deputy_id=deputy.id, address=deputy.mobile, body="提醒",
                   state=MessageState.DEAD, tries=5, answer="9 rejected")
    owner = make_user(Role.LIAISON)
    inbox = Message(court_id=court.id, channel=Channel.PORTAL, user_id=owner.id, body="新件待办",
                    state=MessageState.SENT, link="/items/")
    newsletter = Newsletter(court_id=court.id, year=2025, number=1, title="第一季度审判执行工作情况",
                            published_on=date(2025, 4, 1), summary="")
    db.session.add_all([dead, inbox, newsletter])
    db.session.flush()
    comment = NewsletterComment(newsletter_id=newsletter.id, deputy_id=deputy.id, text="建议增加执行数据")
    # a Word file: test_pages skips downloads by the URL's suffix, and .pdf is not among them
    path = upload_dir("attachments") / f"matrix-newsletter{newsletter.id}.docx"
    path.write_bytes(b"PK\x03\x04 test")
    attachment = Attachment(owner_type="newsletter", owner_id=newsletter.id, stored_name=path.name,
                            original_name="工作信息.docx", size=9,
                            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    db.session.add_all([comment, attachment])
    db.session.commit()
    inbox_id = inbox.id
    hand_to_next_users("notices", lambda connection, user: connection.execute(
        update(Message).where(Message.id == inbox_id).values(user_id=user.id)))
    return {"dead_message": dead.id, "inbox_message": inbox_id, "newsletter": newsletter.id,
            "newsletter_comment": comment.id, "newsletter_file": attachment.id}
