"""《法院工作信息》: numbering under simultaneous saves, editing with a stale copy refused, deleting, the demo year."""
import io
import threading

from sqlalchemy import select

from portal import clock
from portal.auth.models import Role
from portal.extensions import db
from portal.notices.models import Newsletter

from .conftest import log_in


def _form(**kw):
    data = {"title": "第二季度审判执行工作情况", "published_on": clock.today().isoformat(), "summary": "上半年收案情况",
            "file": (io.BytesIO(b"%PDF-1.4 x"), "本期.pdf")}
    data.update(kw)
    return data


def test_twenty_issues_registered_at_once_are_numbered_one_to_twenty(app, court, make_user):
    """Real concurrent requests: 20 threads, each with its own client and session, post at the same moment."""
    clients = []
    for _ in range(20):
        c = app.test_client()
        assert log_in(c, make_user(Role.LIAISON).username).status_code == 302
        clients.append(c)
    barrier, statuses = threading.Barrier(20), []

    def register(c, n):
        barrier.wait()
        statuses.append(c.post("/notices/newsletters/new", data=_form(title=f"同时登记的第{n}份"),
                               content_type="multipart/form-data").status_code)

    threads = [threading.Thread(target=register, args=(c, n)) for n, c in enumerate(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [303] * 20
    db.session.expire_all()
    numbers = sorted(db.session.scalars(select(Newsletter.number).where(Newsletter.court_id == court.id)))
    assert numbers == list(range(1, 21))


def _register(client, **kw) -> Newsletter:
    assert client.post("/notices/newsletters/new", data=_form(**kw), content_type="multipart/form-data"
                       ).status_code == 303
    return db.session.scalars(select(Newsletter).order_by(Newsletter.id.desc())).first()


def _edit_form(newsletter, version, **kw):
    data = {"title": newsletter.title, "published_on": newsletter.published_on.isoformat(),
            "summary": newsletter.summary, "version": str(version)}
    data.update(kw)
    return data


def test_an_issue_is_corrected_with_a_new_file_and_keeps_its_number(app, client, court, make_user):
    from portal.audit import AuditLog

    log_in(client, make_user(Role.LIAISON).username)
    newsletter = _register(client)
    form = client.get(f"/notices/newsletters/{newsletter.id}/edit").get_data(as_text=True)
    assert 'value="第二季度审判执行工作情况"' in form and "现有文件：本期.pdf" in form and "同时通知代表委员" not in form
    response = client.post(f"/notices/newsletters/{newsletter.id}/edit", content_type="multipart/form-data",
                           data=_edit_form(newsletter, 1, title="上半年审判执行工作情况", summary="更正后的摘要",
                                           file=(io.BytesIO(b"%PDF-1.4 y"), "更正版.pdf")))
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "上半年审判执行工作情况" in page and "更正版.pdf" in page and "本期.pdf" not in page
    assert f"{clock.today().year}年第1期" in page and "更正后的摘要" in page
    db.session.expire_all()
    assert (newsletter.number, newsletter.version) == (1, 2)
    entry = db.session.scalars(select(AuditLog).where(AuditLog.entity == "newsletter", AuditLog.action == "update")
                               ).one()
    assert entry.changes["title"] == ["第二季度审判执行工作情况", "上半年审判执行工作情况"]


def test_a_save_on_a_copy_changed_meanwhile_is_refused_with_what_was_typed(app, client, court, make_user):
    other = app.test_client()
    log_in(client, make_user(Role.LIAISON).username)
    log_in(other, make_user(Role.LIAISON, display_name="王管理").username)
    newsletter = _register(client)
    url = f"/notices/newsletters/{newsletter.id}/edit"
    assert 'name="version" type="hidden" value="1"' in client.get(url).get_data(as_text=True)
    assert other.post(url, data=_edit_form(newsletter, 1, title="他人改的标题"),
                      content_type="multipart/form-data").status_code == 303
    response = client.post(url, data=_edit_form(newsletter, 1, title="我改的标题",
                                                file=(io.BytesIO(b"%PDF-1.4 z"), "我的.pdf")),
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "您打开此页面后，其他人修改了这条记录" in page
    assert 'value="我改的标题"' in page and "他人改的标题" in page and "文件未保存，请重新选择文件。" in page
    db.session.expire_all()
    assert newsletter.title == "他人改的标题"
    assert 'name="version" type="hidden" value="2"' in page  # saving again keeps this person's text
    assert client.post(url, data=_edit_form(newsletter, 2, title="我改的标题"),
                       content_type="multipart/form-data").status_code == 303
    db.session.expire_all()
    assert newsletter.title == "我改的标题"


def test_an_issue_stays_in_its_year_and_a_bad_date_comes_back_with_what_was_typed(app, client, court, make_user):
    log_in(client, make_user(Role.LIAISON).username)
    newsletter = _register(client)
    url = f"/notices/newsletters/{newsletter.id}/edit"
    last_year = clock.today().replace(year=clock.today().year - 1, month=12, day=1).isoformat()
    response = client.post(url, data=_edit_form(newsletter, 1, title="改年度", published_on=last_year),
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and f"印发日期应在{clock.today().year}年内" in page
    assert 'value="改年度"' in page
    response = client.post(url, data=_edit_form(newsletter, 1, title="", file=(io.BytesIO(b"x"), "a.txt")),
                           content_type="multipart/form-data")
    assert response.status_code == 422 and "请填写标题。" in response.get_data(as_text=True)
    db.session.expire_all()
    assert newsletter.title == "第二季度审判执行工作情况" and newsletter.version == 1


def test_deleting_an_issue_withdraws_its_unsent_notices_and_frees_the_last_number(app, client, court, make_user,
                                                                                   make_deputy):
    from portal.attachments import Attachment
    from portal.audit import AuditLog
    from portal.notices.models import Channel, Message, MessageState

    make_deputy(name="张三", email="")
    make_deputy(name="李四", email="")
    log_in(client, make_user(Role.LIAISON).username)
    first, second = _register(client), _register(client, title="第二份", notify="y")
    sms = db.session.scalars(select(Message).where(Message.about_id == second.id, Message.channel == Channel.SMS)
                             ).all()
    assert len(sms) == 2
    sms[0].state = MessageState.SENT
    db.session.commit()
    sent_id, second_id = sms[0].id, second.id
    page = client.get(f"/notices/newsletters/{second_id}").get_data(as_text=True)
    assert 'data-confirm="确定删除' in page
    response = client.post(f"/notices/newsletters/{second_id}/delete")
    assert response.status_code == 303 and response.headers["Location"].endswith("/notices/newsletters")
    assert f"已删除{clock.today().year}年第2期" in client.get("/notices/newsletters").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Newsletter, second_id) is None
    left = db.session.scalars(select(Message).where(Message.about_type == "newsletter")).all()
    assert [m.id for m in left] == [sent_id]  # what went out stays on record
    assert db.session.scalars(select(Attachment).where(Attachment.owner_id == second_id,
                                                       Attachment.owner_type == "newsletter")).all() == []
    assert db.session.scalars(select(AuditLog.summary).where(AuditLog.entity == "newsletter",
                                                             AuditLog.action == "delete")).all()
    assert _register(client, title="重新登记").number == 2 and first.number == 1


def test_an_issue_deputies_commented_on_is_not_deleted(app, client, court, make_user, make_deputy):
    from portal.notices.models import NewsletterComment

    log_in(client, make_user(Role.LIAISON).username)
    newsletter = _register(client)
    db.session.add(NewsletterComment(newsletter_id=newsletter.id, deputy_id=make_deputy().id, text="建议"))
    db.session.commit()
    assert "已有代表委员意见，不能删除" in client.get(f"/notices/newsletters/{newsletter.id}").get_data(as_text=True)
    response = client.post(f"/notices/newsletters/{newsletter.id}/delete")
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已有 1 条代表委员意见，不能删除" in page
    db.session.expire_all()
    assert db.session.get(Newsletter, newsletter.id) is not None
