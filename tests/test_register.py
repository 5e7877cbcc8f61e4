"""The deputy register: list, search, filters, pagination, forms, status, exports, and the deputy picker of other
areas' forms."""
import html
import io
import re

import pytest
from docx import Document
from sqlalchemy import func, select

from portal.audit import AuditLog
from portal.auth.models import Duty, Role
from portal.extensions import db
from portal.register.models import Deputy, DeputyKind, DeputyLevel, DeputyStatus, Gender
from portal.register.services import RegisterFilters, list_deputies, search_condition
from tests.conftest import sql_statements

HX = {"HX-Request": "true", "HX-Target": "results"}


def names_in(response) -> list[str]:
    return re.findall(r'href="/register/\d+">([^<]+)</a>', response.get_data(as_text=True))


@pytest.fixture
def people(make_deputy):
    return {
        "张三": make_deputy(name="张三", work_unit="云岭市第一人民医院", mobile="13800000001"),
        "李四": make_deputy(name="李四", work_unit="云岭市教育局", mobile="13800000002", kind=DeputyKind.CPPCC,
                          group_name="教育界"),
        "曾小明": make_deputy(name="曾小明", work_unit="长江农业合作社", mobile="13800000003",
                            level=DeputyLevel.COUNTY),
        "单田芳": make_deputy(name="单田芳", work_unit="曲艺团", mobile="13800000004"),
        "解放": make_deputy(name="解放", work_unit="云岭市律师协会", mobile="13900000005"),
        "王五": make_deputy(name="王五", mobile="13800000006", status=DeputyStatus.RETIRED),
    }


@pytest.mark.parametrize("query, expected", [
    ("zs", ["张三"]), ("zhang", ["张三"]), ("zhangsan", ["张三"]), ("ZS", ["张三"]),
    ("zeng", ["曾小明"]), ("zxm", ["曾小明"]), ("shan", ["单田芳"]), ("xie", ["解放"]),
    ("张", ["张三"]), ("张三", ["张三"]), ("人民医院", ["张三"]), ("云岭市", ["张三", "李四", "解放"]),
    ("律师协会", ["解放"]), ("教育", ["李四"]), ("13900000005", ["解放"]), ("139000", ["解放"]),
    ("不存在的人", []), ('"引号', []), ("%", []),
    # spaces typed between Chinese characters, full-width digits and numbers with a country code
    ("张 三", ["张三"]), ("单 田 芳", ["单田芳"]), ("云岭市 律师协会", ["解放"]), ("１３９０００", ["解放"]),
    ("+86 139 0000 0005", ["解放"]), ("＋８６１３９００００００05", ["解放"]), ("86-139-0000-0005", ["解放"]),
    ("139 0000", ["解放"]), ("ｚｓ", ["张三"]),
])
def test_search(app, people, query, expected):
    found = db.session.scalars(select(Deputy.name).where(search_condition(query)))
    assert sorted(found) == sorted(expected)


def test_search_index_follows_edits(app, people):
    deputy = people["张三"]
    deputy.work_unit = "云岭市气象局"
    db.session.commit()
    assert list(db.session.scalars(select(Deputy.name).where(search_condition("气象局")))) == ["张三"]
    assert list(db.session.scalars(select(Deputy.name).where(search_condition("人民医院")))) == []


def test_list_sorted_by_pinyin_and_hides_retired_by_default(client, login_as, people):
    login_as(Role.LEADER)
    response = client.get("/register/")
    assert names_in(response) == ["李四", "单田芳", "解放", "曾小明", "张三"]  # li, shan, xie, zeng, zhang
    assert "共 <strong>5</strong> 条" in response.get_data(as_text=True)
    assert "王五" in names_in(client.get("/register/?status=retired"))


def test_filters(client, login_as, people):
    login_as(Role.LIAISON)
    assert names_in(client.get("/register/?kind=cppcc")) == ["李四"]
    assert names_in(client.get("/register/?level=county")) == ["曾小明"]
    assert names_in(client.get("/register/?group=教育界")) == ["李四"]
    assert names_in(client.get("/register/?term=第九届")) == []
    assert "没有符合条件的代表委员" in client.get("/register/?q=nobody").get_data(as_text=True)


def test_htmx_search_returns_only_the_results_fragment(client, login_as, people):
    login_as(Role.LIAISON)
    response = client.get("/register/?q=zs", headers=HX)
    body = response.get_data(as_text=True)
    assert "<html" not in body and "<form" not in body
    assert names_in(response) == ["张三"]
    assert "HX-Request" in response.headers["Vary"]
    boosted = client.get("/register/?q=zs", headers={**HX, "HX-Boosted": "true"})
    assert "<html" in boosted.get_data(as_text=True)
    restore = client.get("/register/?q=zs", headers={**HX, "HX-History-Restore-Request": "true"})
    assert "<html" in restore.get_data(as_text=True)


def test_keyset_pagination_walks_forward_and_back(app, make_deputy):
    for i in range(25):
        make_deputy(name=f"测试{i:02d}")
    filters = RegisterFilters(sort="name")
    first = list_deputies(filters, cursor=None, per_page=10, total=None, number=1)
    second = list_deputies(filters, cursor=first.next_cursor, per_page=10, total=first.total, number=2)
    third = list_deputies(filters, cursor=second.next_cursor, per_page=10, total=first.total, number=3)
    assert first.total == 25 and len(third.items) == 5 and third.next_cursor is None
    seen = [d.id for d in first.items + second.items + third.items]
    assert len(set(seen)) == 25
    back = list_deputies(filters, cursor=third.prev_cursor, per_page=10, total=25, number=2)
    assert [d.id for d in back.items] == [d.id for d in second.items]
    assert first.prev_cursor is None


@pytest.mark.parametrize("sort", ["name", "level", "updated"])
def test_every_sort_paginates_without_gaps(app, make_deputy, sort):
    for i in range(12):
        make_deputy(level=list(DeputyLevel)[i % 5], group_name=f"组{i % 3}")
    filters = RegisterFilters(sort=sort)
    page = list_deputies(filters, cursor=None, per_page=5, total=None, number=1)
    ids = [d.id for d in page.items]
    while page.next_cursor:
        page = list_deputies(filters, cursor=page.next_cursor, per_page=5, total=12, number=2)
        ids += [d.id for d in page.items]
    assert sorted(ids) == sorted(d for d in db.session.scalars(select(Deputy.id)))


def test_bad_cursor_falls_back_to_first_page(client, login_as, people):
    login_as(Role.LIAISON)
    response = client.get("/register/?cursor=garbage&n=999&page=7")
    assert response.status_code == 200 and len(names_in(response)) == 5


def test_list_query_count_does_not_grow_with_rows(app, client, login_as, make_deputy, make_user):
    login_as(Role.LIAISON)
    leader = make_user(Role.LEADER)

    def queries_for_list() -> int:
        with sql_statements() as sent:
            client.get("/register/")
        return len(sent)

    make_deputy(paired_with=leader)
    few = queries_for_list()
    for _ in range(15):
        make_deputy(paired_with=make_user(Role.LEADER))
    assert queries_for_list() == few


def valid_form(**overrides) -> dict:
    data = {"name": "赵六", "gender": "female", "kind": "npc", "level": "city", "term": "第十六届",
            "group_name": "城区代表组", "mobile": "13912345678", "work_unit": "云岭市妇幼保健院", "post": "院长",
            "court_roles": ["人民陪审员", "特约监督员"]}
    data.update(overrides)
    return data


def test_create_deputy(client, login_as):
    login_as(Role.LIAISON)
    response = client.post("/register/new", data=valid_form())
    assert response.status_code == 303, re.findall(r'invalid-feedback d-block">([^<]+)', response.get_data(as_text=True))
    deputy = db.session.scalar(select(Deputy).where(Deputy.name == "赵六"))
    assert deputy.gender == Gender.FEMALE and deputy.name_initials == "zl"
    assert deputy.court_roles == "特约监督员、人民陪审员"
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "赵六" in detail and "13912345678" in detail and "已登记代表委员" in detail


@pytest.mark.parametrize("field, value, message", [
    ("name", "", "请填写姓名"),
    ("mobile", "12345", "手机号码应为 11 位"),
    ("mobile", "", "请填写手机号码"),
    ("kind", "", "请选择类别"),
    ("level", "bogus", "层级应为"),
    ("email", "not-an-email", "电子邮箱格式不正确"),
    ("term", "", "请填写届次"),
])
def test_create_rejects_bad_input_and_keeps_what_was_typed(client, login_as, field, value, message):
    login_as(Role.LIAISON)
    response = client.post("/register/new", data=valid_form(**{field: value}))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert "云岭市妇幼保健院" in page  # nothing typed is lost
    assert db.session.scalar(select(func.count(Deputy.id))) == 0


@pytest.mark.parametrize("typed", ["+86 139 1234 5678", "１３９１２３４５６７８", "86-139-1234-5678", "0086 13912345678",
                                   "139－1234－5678"])
def test_mobile_is_normalised_on_input(client, login_as, typed):
    login_as(Role.LIAISON)
    response = client.post("/register/new", data=valid_form(mobile=typed))
    assert response.status_code == 303
    assert db.session.scalar(select(Deputy.mobile)) == "13912345678"


def test_duplicate_name_and_mobile_is_refused(client, login_as, make_deputy):
    make_deputy(name="赵六", mobile="13912345678")
    login_as(Role.LIAISON)
    response = client.post("/register/new", data=valid_form())
    assert response.status_code == 422
    assert "已有同名且手机号码相同" in response.get_data(as_text=True)
    assert client.post("/register/new", data=valid_form(mobile="13912345679")).status_code == 303


def test_edit_deputy_and_audit_records_each_change(client, login_as, make_deputy):
    user = login_as(Role.LIAISON)
    deputy = make_deputy(name="钱七", mobile="13700000000")
    page = client.get(f"/register/{deputy.id}/edit").get_data(as_text=True)
    assert 'value="钱七"' in page
    response = client.post(f"/register/{deputy.id}/edit",
                           data=valid_form(name="钱七", mobile="13700000001", post="主任"))
    assert response.status_code == 303
    entry = db.session.scalars(select(AuditLog).where(AuditLog.entity == "deputy", AuditLog.action == "update")).one()
    assert entry.user_id == user.id and entry.actor == user.username and entry.record_id == deputy.id
    assert entry.changes["mobile"] == ["13700000000", "13700000001"]
    assert entry.changes["post"] == ["", "主任"]
    assert entry.changes["gender"] == ["男", "女"]
    assert "name_pinyin" not in entry.changes


def test_edit_keeps_own_mobile_without_duplicate_error(client, login_as, make_deputy):
    login_as(Role.LIAISON)
    deputy = make_deputy(name="赵六", mobile="13912345678")
    assert client.post(f"/register/{deputy.id}/edit", data=valid_form()).status_code == 303


def test_retire_and_reinstate(client, login_as, make_deputy):
    login_as(Role.LIAISON)
    deputy = make_deputy()
    mandate = deputy.mandates[0]
    response = client.post(f"/register/mandates/{mandate.id}/status", data={"status": "retired"})
    assert response.status_code == 303
    assert db.session.get(Deputy, deputy.id).status == DeputyStatus.RETIRED
    assert db.session.get(Deputy, deputy.id).left_on is not None
    client.post(f"/register/mandates/{mandate.id}/status", data={"status": "active"})
    assert db.session.get(Deputy, deputy.id).status == DeputyStatus.ACTIVE
    assert client.post(f"/register/mandates/{mandate.id}/status", data={"status": "deleted"}).status_code == 400


def test_register_has_no_delete_route(app):
    assert not [r for r in app.url_map.iter_rules() if r.endpoint.startswith("register.") and "DELETE" in r.methods]


def test_export_docx_of_filtered_list(client, login_as, people):
    login_as(Role.LEADER)
    response = client.get("/register/export.docx?kind=npc")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    document = Document(io.BytesIO(response.data))
    text = "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "张三" in text and "解放" in text and "李四" not in text and "王五" not in text
    assert "共 4 人" in "\n".join(p.text for p in document.paragraphs)


def test_export_survives_control_characters(client, login_as, make_deputy):
    login_as(Role.LIAISON)
    make_deputy(name="控\x01制", work_unit="单位\x08\x0b名称", note="\x1f")
    assert client.get("/register/export.docx").status_code == 200
    assert client.get("/register/export.xlsx").status_code == 200


def test_deputy_reaches_only_own_record(client, login_as, make_deputy):
    other = make_deputy(name="别人")
    user = login_as(Role.DEPUTY)
    home = client.get("/", follow_redirects=True).get_data(as_text=True)  # the deputy's home: /workspace/
    assert user.deputy.mobile in home
    assert "别人" not in home
    assert client.get(f"/register/{other.id}").status_code == 403
    assert client.get("/register/").status_code == 403


def test_admin_opens_a_login_for_a_deputy(client, login_as, make_deputy):
    login_as(Duty.SYSTEM)
    deputy = make_deputy(name="孙八", mobile="13600000000")
    response = client.post(f"/admin/deputy-account/{deputy.id}")
    page = response.get_data(as_text=True)
    password = re.search(r'id="new-password">([^<]+)<', page).group(1)
    client.post("/logout")
    assert client.post("/login", data={"username": "13600000000", "password": password}).status_code == 302
    assert "孙八" in client.get("/", follow_redirects=True).get_data(as_text=True)


def test_nul_characters_typed_into_forms_are_dropped(client, login_as):
    login_as(Role.LIAISON)
    assert client.post("/register/new", data=valid_form(name="赵\x00六", note="备\x00注")).status_code == 303
    deputy = db.session.scalar(select(Deputy))
    assert deputy.name == "赵六" and deputy.note == "备注"


def test_home_page_shows_the_registers_counts(client, login_as, people, make_deputy):
    leader = login_as(Role.LEADER)
    make_deputy(name="结对代表", mobile="13800000009", paired_with=leader)
    home = client.get("/").get_data(as_text=True)
    cards = dict(re.findall(r'<div class="text-muted small">([^<]+)</div><div class="fs-3">(\d+)</div>', home))
    assert cards == {"在任人大代表": "5", "在任政协委员": "1", "已离任": "1", "与我结对的代表委员": "1"}
    assert 'href="/register/"' in home


# --- the deputy picker of other areas' forms (register.pick) ---------------------------------------------------------

RECEPTION_PICKER = {"chips": "visitor-chips", "label": "查找来访代表委员", "others": "其他来访人员"}


def pick(client, target: str | None, **args):
    """The picker's request as the reception form's box (or, ``target`` None, a browser without htmx) sends it."""
    headers = {"HX-Request": "true", "HX-Target": target} if target else {}
    return client.get("/register/pick", query_string={**RECEPTION_PICKER, **args}, headers=headers)


def test_picker_finds_people_in_office_and_leaves_out_those_picked(client, login_as, people):
    login_as(Role.LIAISON)
    found = pick(client, "deputy-results", dq="zs").get_data(as_text=True)
    assert "张三" in found and "李四" not in found and "<html" not in found
    assert 'hx-target="#visitor-chips" hx-swap="beforeend"' in found and "chips=visitor-chips" in found
    assert "picker-option" not in pick(client, "deputy-results", dq="ww").get_data(as_text=True)  # 王五 retired
    chosen = pick(client, "deputy-results", dq="zs", deputy_ids=[people["张三"].id]).get_data(as_text=True)
    assert "张三" not in chosen and "名册中没有在任的“zs”" in chosen and "请填在“其他来访人员”中" in chosen


def test_picker_adds_one_chip_and_empties_the_box(client, login_as, people):
    login_as(Role.LIAISON)
    li = people["李四"].id
    chip = pick(client, "visitor-chips", add=li).get_data(as_text=True)
    assert f'name="deputy_ids" value="{li}"' in chip and "data-remove-closest" in chip and "<html" not in chip
    assert 'id="deputy-results" class="picker-results" hx-swap-oob="true"' in chip  # the results close
    assert 'aria-label="查找来访代表委员"' in chip and 'hx-swap-oob="true" autofocus' in chip  # a fresh box
    again = pick(client, "visitor-chips", add=li, deputy_ids=[li]).get_data(as_text=True)
    assert "deputy_ids" not in again.split('id="deputy-q"')[0]  # no second chip
    huge = pick(client, "visitor-chips", add=2 ** 40)
    assert huge.status_code == 200 and "deputy_ids" not in huge.get_data(as_text=True).split('id="deputy-q"')[0]
    assert "<html" not in huge.get_data(as_text=True)
    other = pick(client, "guest-chips", chips="guest-chips", field="guest_ids", add=li).get_data(as_text=True)
    assert f'name="guest_ids" value="{li}"' in other and 'hx-include="#guest-chips"' in other


def test_picker_without_javascript_is_a_page_of_matches(client, login_as, people):
    login_as(Role.LIAISON)
    page = pick(client, None, dq="李").get_data(as_text=True)
    assert "<html" in page and "李四" in page and "<h1 class=\"h4 mb-3\">查找来访代表委员</h1>" in page
    assert '<input type="hidden" name="chips" value="visitor-chips">' in page  # the search again keeps the settings
    assert "<html" in pick(client, None, add=people["李四"].id).get_data(as_text=True)
    odd = pick(client, "deputy-results", dq="zs", chips='x" onclick="y', field="a b").get_data(as_text=True)
    assert "onclick" not in odd and 'hx-target="#deputy-chips"' in odd  # settings that are no names fall back


@pytest.mark.parametrize("form_url, chips, label, others", [
    ("/reception/new", "visitor-chips", "查找来访代表委员", "其他来访人员"),
    ("/activities/new", "deputy-chips", "查找参加活动的代表委员", "其他参加人员"),
])
def test_the_forms_wire_the_picker_to_their_chips_and_fields(client, login_as, people, form_url, chips, label,
                                                             others):
    login_as(Role.LIAISON)
    form = client.get(form_url).get_data(as_text=True)
    box = re.search(rf'<input id="deputy-q"[^>]*aria-label="{label}"[^>]*hx-get="([^"]+)"[^>]*'
                    rf'hx-include="#{chips}"', form)
    assert box and f'id="{chips}"' in form
    search = html.unescape(box.group(1))
    results = {"HX-Request": "true", "HX-Target": "deputy-results"}
    found = client.get(search + "&dq=zs", headers=results).get_data(as_text=True)
    add = html.unescape(re.search(rf'hx-get="([^"]+)" hx-target="#{chips}"', found).group(1))
    chip = client.get(add, headers={"HX-Request": "true", "HX-Target": chips}).get_data(as_text=True)
    assert f'name="deputy_ids" value="{people["张三"].id}"' in chip
    assert f"请填在“{others}”中" in client.get(search + "&dq=nobody", headers=results).get_data(as_text=True)
