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
