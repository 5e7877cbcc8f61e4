"""One person, several mandates: the register keeps people apart from the seats they hold (see
portal/register/models.py), a mobile number belongs to one person, and the old one-row-per-seat register is
migrated into people."""
import random
import re
from datetime import date

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from portal.auth.models import Role
from portal.duty.services import plan
from portal.extensions import db
from portal.hearings.draw import Candidate, draw
from portal.register.excel import parse_import
from portal.register.models import Deputy, DeputyKind, DeputyLevel, DeputyStatus, Gender, Mandate
from portal.register.services import import_deputies
from tests.conftest import PASSWORD, log_in, make_app
from tests.test_register import names_in, valid_form
from tests.test_register_excel import person, workbook_bytes


def provincial(**overrides) -> dict:
    return {"kind": "npc", "level": "provincial", "term": "第十四届", "group_name": "云岭市代表团",
            "constituency": "云岭市", **overrides}


def test_a_mobile_number_belongs_to_one_person(client, login_as, make_deputy):
    make_deputy(name="赵六", mobile="13912345678")
    login_as(Role.LIAISON)

    response = client.post("/register/new", data=valid_form(name="钱七"))

    assert response.status_code == 422
    assert "手机号码 13912345678 已是名册中“赵六”的号码：一个手机号码只能属于一人。" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Deputy.id))) == 1


def test_the_database_refuses_a_second_person_with_the_same_mobile(app, make_deputy):
    make_deputy(mobile="13912345678")
    db.session.add(Deputy(name="钱七", gender=Gender.MALE, mobile="13912345678"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_provincial_and_city_deputy_is_one_person_with_two_mandates(client, login_as):
    login_as(Role.LIAISON)
    response = client.post("/register/new", data=valid_form())  # a city deputy
    detail_url = response.headers["Location"]
    deputy_id = int(detail_url.rstrip("/").rsplit("/", 1)[1])

    response = client.post(f"/register/{deputy_id}/mandates/new", data=provincial())
    assert response.status_code == 303
    again = client.post(f"/register/{deputy_id}/mandates/new", data=provincial())
    assert again.status_code == 422 and "已登记第十四届省级人大代表的任职" in again.get_data(as_text=True)

    page = client.get(detail_url).get_data(as_text=True)
    table = page[page.index('id="mandates"'):]
    assert "省级" in table and "市级" in table and "云岭市代表团" in table and "城区代表组" in table
    assert names_in(client.get("/register/?level=provincial")) == ["赵六"]
    assert names_in(client.get("/register/?level=city")) == ["赵六"]
    assert names_in(client.get("/register/")) == ["赵六"]  # one person, listed once

    city = db.session.scalar(select(Mandate).where(Mandate.level == DeputyLevel.CITY))
    client.post(f"/register/mandates/{city.id}/status", data={"status": "retired"})
    deputy = db.session.get(Deputy, deputy_id)
    assert deputy.status == DeputyStatus.ACTIVE and deputy.level == DeputyLevel.PROVINCIAL
    assert names_in(client.get("/register/?level=city")) == []
    assert names_in(client.get("/register/?level=city&status=retired")) == ["赵六"]


def test_editing_a_mandate(client, login_as, make_deputy):
    login_as(Role.LIAISON)
    deputy = make_deputy(name="孙八")
    mandate = deputy.mandates[0]
    form = client.get(f"/register/mandates/{mandate.id}/edit").get_data(as_text=True)
    assert "第十六届" in form

    response = client.post(f"/register/mandates/{mandate.id}/edit",
                           data=provincial(level="city", term="第十六届", group_name="东城代表组"))

    assert response.status_code == 303
    assert db.session.get(Mandate, mandate.id).group_name == "东城代表组"


def test_the_workspace_shows_all_of_a_persons_mandates(client, make_deputy, make_user):
    deputy = make_deputy(name="周九", level=DeputyLevel.CITY, term="第十六届", group_name="城区代表组")
    db.session.add(Mandate(deputy_id=deputy.id, kind=DeputyKind.CPPCC, level=DeputyLevel.COUNTY, term="第十届",
                           group_name="经济界"))
    db.session.commit()
    user = make_user(Role.DEPUTY, deputy=deputy)
    log_in(client, user.username, PASSWORD)

    page = client.get("/workspace/").get_data(as_text=True)

    mandates = page[page.index('id="my-mandates"'):page.index("</ul>", page.index('id="my-mandates"'))]
    assert "第十六届市级人大代表" in mandates and "第十届县（区）级政协委员" in mandates and "经济界" in mandates


def test_the_draw_invites_a_person_with_two_mandates_once():
    both = [Candidate(1, "赵六", DeputyLevel.PROVINCIAL, DeputyKind.NPC, None),
            Candidate(1, "赵六", DeputyLevel.CITY, DeputyKind.NPC, None)]
    others = [Candidate(n, f"代表{n}", level, DeputyKind.NPC, None)
              for n, level in ((2, DeputyLevel.PROVINCIAL), (3, DeputyLevel.CITY), (4, DeputyLevel.CITY))]
    for seed in range(20):
        result = draw(both + others, 4, rng=random.Random(seed), today=date(2026, 6, 1))
        ids = [d.candidate.deputy_id for d in result.drawn]
        assert sorted(ids) == [1, 2, 3, 4]


def test_duty_groups_count_each_mandate(app, make_deputy):
    deputy = make_deputy(name="吴十", level=DeputyLevel.CITY, term="第十六届", group_name="城区代表组")
    db.session.add(Mandate(deputy_id=deputy.id, kind=DeputyKind.NPC, level=DeputyLevel.COUNTY, term="第十一届",
                           group_name="城东代表组"))
    make_deputy(level=DeputyLevel.COUNTY, term="第十一届", group_name="城东代表组")
    db.session.commit()

    members = {(p.key.level, p.key.name): p.members for p in plan(2026, with_unreported=False)}

    assert members == {(DeputyLevel.CITY, "城区代表组"): 1, (DeputyLevel.COUNTY, "城东代表组"): 2}


def test_import_adds_mandates_to_the_person_its_mobile_names(app, make_deputy):
    make_deputy(name="张三", mobile="13812345678", level=DeputyLevel.CITY, term="第十六届")
    data = workbook_bytes([
        person(层级="省级", 届次="第十四届"),                                    # 2 a second seat of 张三
        person(姓名="李四", 层级="省级", 届次="第十四届"),                         # 3 张三's number
        person(层级="市级", 届次="第十六届"),                                    # 4 a seat 张三 holds already
        person(姓名="王五", 手机号码="13987654321", 层级="县（区）级", 届次="第十一届"),  # 5 new person
        person(姓名="王五", 手机号码="13987654321", 类别="政协委员", 层级="县（区）级",
               届次="第十届", 代表组="经济界"),                                   # 6 王五's second seat
        person(姓名="王六", 手机号码="13987654321"),                              # 7 王五's number
    ])

    result = parse_import(data)

    reasons = {e.row: e.reason for e in result.errors}
    assert sorted(reasons) == [3, 4, 7]
    assert "已是名册中“张三”的号码" in reasons[3]
    assert "请勿重复登记" in reasons[4]
    assert "与第 5 行的“王五”相同" in reasons[7]

    import_deputies(result.rows)
    db.session.commit()
    people = {d.name: d for d in db.session.scalars(select(Deputy))}
    assert sorted(people) == ["张三", "王五"]
    assert sorted(m.level.label for m in people["张三"].mandates) == ["市级", "省级"]
    assert sorted(m.kind.label for m in people["王五"].mandates) == ["人大代表", "政协委员"]


@pytest.mark.skipif(make_app().config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"),
                    reason="migrates a database of its own, on SQLite")
def test_migration_makes_rows_sharing_a_mobile_one_person(tmp_path):
    from flask_migrate import upgrade

    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/old.db")
    directory = app.extensions["migrate"].directory
    columns = ("name, name_pinyin, name_initials, gender, kind, level, level_rank, term, group_name, constituency, "
               "work_unit, post, mobile, email, address, court_roles, status, left_on, note")

    def row(name, kind, level, rank, term, group, mobile, status="active", left_on=None):
        return (f"('{name}', '', '', 'male', '{kind}', '{level}', {rank}, '{term}', '{group}', '', '某单位', '', "
                f"'{mobile}', '', '', '', '{status}', {repr(left_on) if left_on else 'NULL'}, '')")

    with app.app_context():
        upgrade(directory=directory, revision="0006")
        with db.engine.begin() as connection:
            connection.execute(text(f"INSERT INTO deputy ({columns}) VALUES "
                                    + ", ".join([row("张三", "npc", "city", 2, "第十六届", "城区代表组", "13800000001"),
                                                 row("李四", "npc", "city", 2, "第十六届", "城区代表组", "13800000002"),
                                                 row("张三", "npc", "provincial", 1, "第十四届", "云岭市代表团",
                                                     "13800000001"),
                                                 row("张三", "cppcc", "county", 3, "第九届", "经济界", "13800000001",
                                                     "retired", "2021-12-31")])))
            connection.execute(text("INSERT INTO court (id, name, code, level) VALUES (1, '法院', 'c', 'basic')"))
            connection.execute(text(
                "INSERT INTO user (username, display_name, role, court_id, deputy_id, phone, active, password_hash,"
                " session_token) VALUES ('13800000001', '张三', 'deputy', 1, 3, '', 1, 'x', 'x')"))
            connection.execute(text("INSERT INTO reception (id, court_id, received_at, channel, place, subject, "
                                    "other_visitors, other_count, content, requests, handling) VALUES "
                                    "(1, 1, '2026-03-01', 'visit', '联络之家', '来访', '', 0, '', '', '')"))
            connection.execute(text("INSERT INTO reception_deputy (reception_id, deputy_id) VALUES (1, 3)"))
        upgrade(directory=directory, revision="heads")

        people = list(db.session.scalars(select(Deputy).order_by(Deputy.id)))
        assert [(d.id, d.name) for d in people] == [(1, "张三"), (2, "李四")]
        zhang = people[0]
        assert sorted((m.kind.value, m.level.value, m.status.value) for m in zhang.mandates) == [
            ("cppcc", "county", "retired"), ("npc", "city", "active"), ("npc", "provincial", "active")]
        assert zhang.level == DeputyLevel.PROVINCIAL and zhang.level_rank == DeputyLevel.PROVINCIAL.rank
        assert db.session.execute(text("SELECT deputy_id FROM user")).scalar() == 1
        assert db.session.execute(text("SELECT deputy_id FROM reception_deputy")).scalar() == 1
        found = db.session.execute(text("SELECT rowid FROM deputy_fts WHERE deputy_fts MATCH '\"13800000001\"'"))
        assert [r[0] for r in found] == [1]
        with pytest.raises(IntegrityError):
            with db.engine.begin() as connection:
                connection.execute(text("INSERT INTO deputy (name, name_pinyin, name_initials, gender, level_rank,"
                                        " work_unit, post, mobile, email, address, court_roles, note) VALUES"
                                        " ('王五', '', '', 'male', 0, '', '', '13800000002', '', '', '', '')"))
        db.session.remove()
        db.engine.dispose()


def test_people_and_their_mandates_export_a_row_per_mandate(client, login_as, make_deputy):
    from io import BytesIO

    from openpyxl import load_workbook

    deputy = make_deputy(name="郑一", level=DeputyLevel.CITY)
    db.session.add(Mandate(deputy_id=deputy.id, kind=DeputyKind.NPC, level=DeputyLevel.PROVINCIAL, term="第十四届",
                           group_name="云岭市代表团"))
    db.session.commit()
    login_as(Role.LIAISON)

    sheet = load_workbook(BytesIO(client.get("/register/export.xlsx").data)).active

    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert [(r[0], r[3]) for r in rows] == [("郑一", "省级"), ("郑一", "市级")]
    text_of_docx = client.get("/register/export.docx").data
    assert text_of_docx.startswith(b"PK")
    assert re.search(r"共 1 人", _docx_text(text_of_docx))


def _docx_text(data: bytes) -> str:
    from io import BytesIO

    from docx import Document

    return "\n".join(p.text for p in Document(BytesIO(data)).paragraphs)


def _upload_new_term(client, data: bytes, began_on: str):
    from io import BytesIO

    return client.post("/register/new-term", data={"file": (BytesIO(data), "第十七届.xlsx"), "began_on": began_on},
                       content_type="multipart/form-data")


def test_a_new_term_opens_its_mandates_and_ends_the_old_ones(client, login_as, make_deputy):
    from portal import clock

    login_as(Role.LIAISON)
    again = make_deputy(name="张三", mobile="13812345678", level=DeputyLevel.CITY, term="第十六届")
    gone = make_deputy(name="李四", mobile="13812345679", level=DeputyLevel.CITY, term="第十六届")
    county = make_deputy(name="王五", mobile="13812345670", level=DeputyLevel.COUNTY, term="第十一届")
    began = clock.today().isoformat()
    data = workbook_bytes([person(届次="第十七届"), person(姓名="赵六", 手机号码="13912345678", 届次="第十七届")])

    response = _upload_new_term(client, data, began)

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "换届：第十七届市级人大代表" in page
    assert "将新开任职 <strong>2</strong> 项（连任或已在名册中的 1 人，新登记 1 人）" in page
    closing = page[page.index('id="term-closing"'):]
    assert "张三" in closing and "李四" in closing and "王五" not in closing
    assert db.session.scalar(select(func.count(Mandate.id))) == 3  # nothing written before the confirmation

    confirm = re.search(r'action="(/register/new-term/[0-9a-f]{32})"', page).group(1)
    response = client.post(confirm, data={"began_on": began})
    assert response.status_code == 303
    db.session.expire_all()
    zhang = db.session.get(Deputy, again.id)
    assert [(m.term, m.status) for m in zhang.mandates] == [("第十六届", DeputyStatus.RETIRED),
                                                            ("第十七届", DeputyStatus.ACTIVE)]
    assert zhang.mandates[0].left_on == clock.today()
    assert db.session.get(Deputy, gone.id).status == DeputyStatus.RETIRED
    assert db.session.get(Deputy, county.id).status == DeputyStatus.ACTIVE
    assert names_in(client.get("/register/?term=第十七届")) == ["张三", "赵六"]
    assert client.post(confirm, data={"began_on": began}).status_code == 303  # the upload is gone
    assert db.session.scalar(select(func.count(Mandate.id))) == 5


def test_a_new_term_file_with_two_terms_or_a_future_date_changes_nothing(client, login_as, make_deputy):
    login_as(Role.LIAISON)
    make_deputy(name="张三", mobile="13812345678", level=DeputyLevel.CITY, term="第十六届")
    data = workbook_bytes([person(届次="第十七届"), person(姓名="赵六", 手机号码="13912345678", 届次="第十八届")])

    response = _upload_new_term(client, data, "2000-01-01")
    assert response.status_code == 422
    assert "市级人大代表只能换为一个届次，文件中有：第十七届、第十八届" in response.get_data(as_text=True)

    response = _upload_new_term(client, workbook_bytes([person(届次="第十七届")]), "2099-01-01")
    assert response.status_code == 422 and "换届日期不能晚于今天" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Mandate.id))) == 1
