"""The annual work summary (portal/summary): the draft's sentences carry exactly the dashboard's figures for the court
scope (hand-built records in tests.test_figures' three courts; the third court's never leak in), a staff edit keeps
its prose while a refresh brings the numbers up to date, two people editing one section never overwrite each other,
versions and restore, the Word file read back, and the command line."""
import io
import re
from datetime import date

import docx
import pytest
from sqlalchemy import func, select

from portal import clock
from portal.auth.models import Role
from portal.extensions import db
from portal.reception.models import Channel, Reception
from portal.summary.models import AnnualSummary, SummarySection
from tests.conftest import log_in, sql_statements
from tests.test_figures import YEAR, at, groups_of, world  # noqa: F401 - the hand-built records

HX = {"HX-Request": "true"}


def text_of(html: str) -> str:
    """What a reader sees of a page: the text without tags and spaces."""
    return re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", html))


def page(client, world, scope="lower") -> str:
    response = client.get(f"/summary/?year={YEAR}&court={world['a'].id}&scope={scope}")
    assert response.status_code == 200
    return text_of(response.get_data(as_text=True))


def create(client, world, scope="lower") -> AnnualSummary:
    response = client.post(f"/summary/?year={YEAR}&court={world['a'].id}&scope={scope}")
    assert response.status_code == 303
    summary_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    return db.session.get(AnnualSummary, summary_id)


def section(summary: AnnualSummary, key: str) -> SummarySection:
    db.session.expire_all()
    return next(s for s in db.session.get(AnnualSummary, summary.id).sections if s.key == key)


def save(client, summary, found, text, *, version=None, title=None, headers=HX):
    return client.post(f"/summary/{summary.id}/sections/{found.id}", headers={**headers, "HX-Target": f"section-{found.id}"},
                       data={"title": title or found.title, "text": text,
                             "version": found.version if version is None else version})


def test_the_draft_quotes_the_dashboards_figures_for_the_court_and_the_courts_below(client, world):
    log_in(client, world["liaison"].username)
    groups = groups_of(world)  # the dashboard's figure groups of A and B for YEAR
    shown = page(client, world)
    assert f"某某市中级人民法院及下级法院{YEAR}年度代表委员联络工作总结" in shown
    assert "显示：某某市中级人民法院（含下级法院）" in shown and f"统计截至{YEAR}-12-31" in shown
    persons = groups["reception"].get("persons").shown()
    assert persons == "5"
    assert f"共接待来访的人大代表、政协委员{persons}人次（接待3次），其中人大代表3人次、政协委员1人次" in shown
    hearings = groups["hearings"]
    assert (f"共邀请人大代表、政协委员{hearings.get('attended').shown()}人次参加旁听{hearings.get('held').shown()}起"
            f"案件的庭审，发出邀请5人次，出席率为60%") in shown
    # the two groups of items, each with its own totals and rates (受理, 办结, 在办, 办结率, 按期, 满意率)
    assert "政协委员提案3件，已办结3件，办结率为100%，代表委员对办理工作满意率为100%" in shown
    assert "关注的案件4件，已办结1件，办结率为25%，剩余3件正在办理" in shown
    assert "全年共开展联络活动3次，代表委员参加4人次，其中座谈会2次、走访1次、视察0次" in shown
    assert "全年代表提交述职报告3份，其中当面述职1人、书面述职2人，已备案2份" in shown
    assert "发送短信3条、电子邮件1封，编发《法院工作信息》1期" in shown
    # the items' table by kind, with the totals row
    assert "类别受理办结在办办结率满意率" in shown and "合计7435" in shown
    assert "尚未保存工作总结草稿" in shown


def test_another_courts_records_do_not_leak_in(client, world, make_user):
    log_in(client, world["liaison"].username)
    shown = page(client, world, scope="own")  # court A alone
    assert "共接待来访的人大代表、政协委员4人次（接待2次）" in shown
    assert "显示：某某市中级人民法院（本院）" in shown
    other = make_user(Role.LIAISON, court=world["c"])
    summary = create(client, world)
    client.post("/logout")
    log_in(client, other.username)
    assert client.get(f"/summary/{summary.id}").status_code == 404  # A's summary is not C's to see
    shown = text_of(client.get(f"/summary/?year={YEAR}").get_data(as_text=True))
    assert "另一市中级人民法院" in shown and "共接待来访的人大代表、政协委员2人次（接待1次）" in shown


def test_an_edit_keeps_its_prose_when_the_figures_are_refreshed(client, world):
    log_in(client, world["liaison"].username)
    summary = create(client, world)
    reception = section(summary, "reception")
    response = save(client, summary, reception, "我院今年热情接待代表委员{接待人次}人次，听取意见建议，效果良好。")
    assert response.status_code == 200 and "<html" not in response.get_data(as_text=True)
    assert "热情接待代表委员5人次" in text_of(response.get_data(as_text=True))
    pairing = section(summary, "pairing")
    assert save(client, summary, pairing, "院领导与代表委员结对联络，全年走访二十余次。").status_code == 200  # no fields

    # a new visit of two deputies to court B, registered after the draft was made
    visit = Reception(court_id=world["b"].id, received_at=at(date(YEAR, 11, 3)), channel=Channel.VISIT,
                      subject="补登来访", other_count=2, other_visitors="群众、群众")
    db.session.add(visit)
    db.session.commit()
    assert "热情接待代表委员5人次" in text_of(client.get(f"/summary/{summary.id}").get_data(as_text=True))

    response = client.post(f"/summary/{summary.id}/refresh", follow_redirects=True)
    shown = text_of(response.get_data(as_text=True))
    assert "我院今年热情接待代表委员7人次，听取意见建议，效果良好。" in shown  # the prose kept, the number new
    assert "接待人次5→7" in shown  # the flash says which numbers moved
    assert "院领导与代表委员结对联络，全年走访二十余次。" in shown  # a section rewritten without fields stays theirs
    assert section(summary, "reception").text == "我院今年热情接待代表委员{接待人次}人次，听取意见建议，效果良好。"


def test_two_people_editing_one_section_never_overwrite_each_other(app, client, world, make_user):
    log_in(client, world["liaison"].username)
    summary = create(client, world)
    other = app.test_client()
    log_in(other, make_user(Role.LIAISON, display_name="王联络").username)
    opened = section(summary, "hearings")
    opened_version = opened.version  # the section object reloads after each save: keep the number opened
    for c in (client, other):  # both open the edit form at the same version
        form = c.get(f"/summary/{summary.id}/sections/{opened.id}?edit=1",
                     headers={**HX, "HX-Target": f"section-{opened.id}"}).get_data(as_text=True)
        assert f'name="version" type="hidden" value="{opened_version}"' in form
    assert save(other, summary, opened, "王联络改写的旁听庭审一节。", version=opened_version).status_code == 200
    response = save(client, summary, opened, "我写的旁听庭审一节，共{旁听人次}人次。", version=opened_version)
    html = response.get_data(as_text=True)
    assert response.status_code == 422  # htmx swaps it; without htmx 409
    assert "未保存：您打开此页面后，其他人修改了这条记录" in html and "王联络" in html
    assert "我写的旁听庭审一节，共{旁听人次}人次。" in html  # what was typed is kept in the form
    assert section(summary, "hearings").text == "王联络改写的旁听庭审一节。"
    # without htmx: 409, the whole page with the form
    plain = save(client, summary, opened, "我写的旁听庭审一节。", version=opened_version, headers={})
    assert plain.status_code == 409 and "<html" in plain.get_data(as_text=True)
    # saving again from the refreshed form (it now holds the current version) is deliberate: it wins
    version = re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)
    assert save(client, summary, opened, "我写的旁听庭审一节，共{旁听人次}人次。", version=int(version)).status_code == 200
    assert section(summary, "hearings").text == "我写的旁听庭审一节，共{旁听人次}人次。"


def test_bad_input_is_refused_with_what_was_typed(client, world):
    log_in(client, world["liaison"].username)
    summary = create(client, world)
    found = section(summary, "notices")
    response = save(client, summary, found, "发送短信{短信总数}条。")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "无法识别的数字字段：{短信总数}" in html and "发送短信{短信总数}条。" in html
    response = save(client, summary, found, "正文", title=" ")
    assert response.status_code == 422 and "请填写本节标题。" in response.get_data(as_text=True)
    assert section(summary, "notices").text == found.text


def test_every_save_is_a_version_and_a_restore_is_a_new_one(client, world):
    log_in(client, world["liaison"].username)
    summary = create(client, world)
    found = section(summary, "duty")
    generated = found.text
    save(client, summary, found, "第二稿：述职{述职报告份数}份。")
    found = section(summary, "duty")
    save(client, summary, found, "第三稿。")
    listing = text_of(client.get(f"/summary/{summary.id}/sections/{found.id}/versions").get_data(as_text=True))
    assert "共3个版本" in listing and "第1版" in listing and "系统生成" in listing and "保存" in listing
    old = text_of(client.get(f"/summary/{summary.id}/sections/{found.id}/versions?v=2").get_data(as_text=True))
    assert "第二稿：述职3份。" in old
    found = section(summary, "duty")
    response = client.post(f"/summary/{summary.id}/sections/{found.id}/versions/1/restore",
                           data={"version": found.version})
    assert response.status_code == 303
    found = section(summary, "duty")
    assert found.text == generated
    assert [(v.number, v.note) for v in found.versions] == [(4, "恢复第1版"), (3, "保存"), (2, "保存"), (1, "系统生成")]
    # a restore from a stale versions page is refused
    response = client.post(f"/summary/{summary.id}/sections/{found.id}/versions/2/restore",
                           data={"version": found.version - 1}, follow_redirects=True)
    assert "未恢复" in response.get_data(as_text=True) and section(summary, "duty").text == generated
    assert client.get(f"/summary/{summary.id}/sections/{found.id}/versions?v=99").status_code == 404


def docx_text(data: bytes) -> tuple[list[str], list[list[str]]]:
    document = docx.Document(io.BytesIO(data))
    return ([p.text for p in document.paragraphs],
            [[cell.text for cell in row.cells] for table in document.tables for row in table.rows])


def test_the_word_file_holds_the_edited_text_and_the_refreshed_numbers(client, world):
    log_in(client, world["liaison"].username)
    summary = create(client, world)
    save(client, summary, section(summary, "reception"), "全年接待{接待人次}人次，院长亲自接待。")
    db.session.add(Reception(court_id=world["a"].id, received_at=at(date(YEAR, 11, 5)), channel=Channel.VISIT,
                             subject="补登", other_count=1, other_visitors="群众"))
    db.session.commit()
    client.post(f"/summary/{summary.id}/refresh")
    response = client.get(f"/summary/{summary.id}/export.docx")
    assert response.status_code == 200
    paragraphs, cells = docx_text(response.data)
    assert paragraphs[0] == f"某某市中级人民法院及下级法院{YEAR}年度代表委员联络工作总结"
    assert f"（数字统计截至{YEAR}年12月31日）" in paragraphs
    assert "一、热情接待代表委员来访，认真听取意见建议" in paragraphs
    assert "全年接待6人次，院长亲自接待。" in paragraphs
    assert "九、下一步工作打算" in paragraphs and "（一）继续坚持定期邀请代表委员座谈、视察和旁听庭审制度，进一步拓宽联络渠道。" in paragraphs
    assert ["类别", "受理", "办结", "在办", "办结率", "满意率"] in cells and ["合计", "7", "4", "3", "57%", "75%"] in cells
    assert "某某市中级人民法院" in paragraphs[-2] and paragraphs[-1].startswith(f"{clock.today().year}年")
    # the same export by the year's address gives the saved draft
    assert "全年接待6人次，院长亲自接待。" in docx_text(client.get(
        f"/summary/export.docx?year={YEAR}&court={world['a'].id}&scope=lower").data)[0]


def test_the_command_line_exports_the_saved_draft_else_a_fresh_one(client, runner, world, tmp_path):
    path = tmp_path / "总结.docx"
    result = runner.invoke(args=["export", "annual-summary", "--year", str(YEAR), "--court", "main", "--with-lower",
                                 "-o", str(path)])
    assert result.exit_code == 0, result.output
    assert "按记录新生成的草稿" in result.output and "含下级法院" in result.output
    paragraphs, _ = docx_text(path.read_bytes())
    assert any("共接待来访的人大代表、政协委员5人次" in p for p in paragraphs)

    log_in(client, world["liaison"].username)
    summary = create(client, world)
    save(client, summary, section(summary, "reception"), "命令行导出的是已保存的草稿：{接待人次}人次。")
    result = runner.invoke(args=["export", "annual-summary", "--year", str(YEAR), "--court", "main", "--with-lower",
                                 "-o", str(path)])
    assert result.exit_code == 0 and "已保存的草稿" in result.output
    assert "命令行导出的是已保存的草稿：5人次。" in docx_text(path.read_bytes())[0]
    # court A alone has no saved draft: generated afresh, with A's own figures
    result = runner.invoke(args=["export", "annual-summary", "--year", str(YEAR), "--court", "main", "-o", str(path)])
    assert "（本院）" in result.output
    assert any("政协委员4人次" in p for p in docx_text(path.read_bytes())[0])
    result = runner.invoke(args=["export", "annual-summary", "--year", str(YEAR), "--court", "nope", "-o", str(path)])
    assert result.exit_code != 0 and "找不到法院代码 nope" in result.output
    result = runner.invoke(args=["export", "annual-summary", "--year", str(YEAR), "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code != 0 and ".docx" in result.output


def test_leaders_read_and_export_but_do_not_edit(client, world, make_user):
    log_in(client, world["liaison"].username)
    summary = create(client, world)
    client.post("/logout")
    log_in(client, make_user(Role.LEADER).username)
    shown = client.get(f"/summary/{summary.id}").get_data(as_text=True)
    assert "编辑本节" not in shown and f"/summary/{summary.id}/refresh" not in shown
    assert client.get(f"/summary/{summary.id}/export.docx").status_code == 200
    found = section(summary, "reception")
    assert save(client, summary, found, "改写").status_code == 403


@pytest.mark.parametrize("year", ["abc", "-1", "", "2025.5", "99999999999999999999"])
def test_a_bad_year_falls_back_to_this_year(client, world, year):
    log_in(client, world["liaison"].username)
    response = client.get(f"/summary/?year={year}")
    assert response.status_code == 200
    assert f"{clock.today().year}年度代表委员联络工作总结" in text_of(response.get_data(as_text=True))


def test_the_year_chosen_on_another_page_is_the_summarys(client, world):
    log_in(client, world["liaison"].username)
    client.get(f"/figures/?from={YEAR}-01-01&to={YEAR}-12-31")
    assert f"{YEAR}年度代表委员联络工作总结" in text_of(client.get("/summary/").get_data(as_text=True))
    client.get(f"/summary/?year={YEAR - 1}")  # and the summary's year applies to the other pages
    assert f'value="{YEAR - 1}-01-01"' in client.get("/activities/").get_data(as_text=True)


def test_the_page_runs_the_same_queries_however_many_versions_and_reads_them_at_once(client, world):
    log_in(client, world["liaison"].username)
    summary = create(client, world)

    def queries() -> list[str]:
        with sql_statements() as sent:
            assert client.get(f"/summary/{summary.id}").status_code == 200
        return sent

    for key in ("reception", "hearings", "duty"):
        save(client, summary, section(summary, key), "初稿。")
    before = queries()
    for key in ("reception", "hearings", "duty"):
        for n in range(3):
            save(client, summary, section(summary, key), f"第{n}稿。")
    after = queries()
    assert len(after) == len(before)
    assert sum("FROM summary_section_version" in q for q in after) == 1  # every section's versions in one query


def test_the_pairing_section_quotes_the_pairings_holding_at_the_years_end(client, world, make_user, make_deputy):
    from portal.register.models import Pairing

    president, vice = make_user(Role.LEADER), make_user(Role.LEADER, court=world["b"])
    other = make_user(Role.LEADER, court=world["c"])
    people = [make_deputy(name=f"结对{n}") for n in range(4)]
    db.session.add_all([
        Pairing(leader_id=president.id, deputy_id=people[0].id, since=date(YEAR, 1, 5)),
        Pairing(leader_id=president.id, deputy_id=people[1].id, since=date(YEAR, 2, 5)),
        Pairing(leader_id=vice.id, deputy_id=people[0].id, since=date(YEAR, 3, 5)),  # 三级联动: one more pairing
        Pairing(leader_id=vice.id, deputy_id=people[2].id, since=date(YEAR, 1, 5), ended_on=date(YEAR, 6, 1)),
        Pairing(leader_id=president.id, deputy_id=people[3].id, since=date(YEAR + 1, 1, 2)),  # after the year
        Pairing(leader_id=other.id, deputy_id=people[1].id, since=date(YEAR, 1, 5)),  # court C's
    ])
    db.session.commit()
    pairing = groups_of(world)["pairing"]
    assert (pairing.get("leaders").shown(), pairing.get("pairings").shown()) == ("2", "3")
    log_in(client, world["liaison"].username)
    assert "院领导2人与代表委员结成3对结对联络关系" in page(client, world)
    assert "院领导1人与代表委员结成2对结对联络关系" in page(client, world, scope="own")


def test_two_people_starting_the_same_draft_at_once_get_the_same_one(app, world):
    """Real concurrent requests: both get the one draft (the second finds the first's), neither a 500."""
    import threading

    clients = []
    for _ in range(2):
        c = app.test_client()
        assert log_in(c, world["liaison"].username).status_code == 302
        clients.append(c)
    barrier, answers = threading.Barrier(2), []
    url = f"/summary/?year={YEAR}&court={world['a'].id}&scope=lower"

    def start(c):
        barrier.wait()
        try:
            answers.append(c.post(url))
        except Exception as error:  # noqa: BLE001 - TESTING propagates what would be a 500
            answers.append(error)

    threads = [threading.Thread(target=start, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [getattr(a, "status_code", a) for a in answers] == [303, 303]
    assert answers[0].headers["Location"] == answers[1].headers["Location"]
    db.session.expire_all()
    assert db.session.scalar(select(func.count(AnnualSummary.id))) == 1
