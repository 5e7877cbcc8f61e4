"""Surveys: building a questionnaire while it is a draft (htmx), choosing recipients by register filters, opening
it (the notices it queues), answering once (in the portal or from a paper form), the refused cases, the results
counted by hand, a text answer becoming a tracked item, reminders, the workspace panel, scope, audit and demo."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal import clock
from portal.audit import AuditLog
from portal.auth.models import Role
from portal.extensions import db
from portal.items.models import Item, ItemKind, ItemOrigin
from portal.notices.models import Channel, Message, MessageState
from portal.register.models import DeputyKind
from portal.summary import services as summaries
from portal.surveys import services
from portal.surveys.contributions import deputy_panel, item_origin_url
from portal.surveys.models import (
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyKind,
    SurveyQuestion,
    SurveyRecipient,
    SurveyResponse,
    SurveyState,
)
from tests.conftest import log_in, sql_statements

HX = {"HX-Request": "true"}


@pytest.fixture
def people(make_deputy):
    return {"张三": make_deputy(name="张三", mobile="13800000001"),
            "李四": make_deputy(name="李四", mobile="13800000002", kind=DeputyKind.CPPCC, group_name="教育界"),
            "王五": make_deputy(name="王五", mobile="13800000003")}


def deadline(days: int = 10) -> str:
    return (clock.today() + timedelta(days=days)).isoformat()


@pytest.fixture
def make_survey(court):
    """An open survey of three questions (satisfaction scale, multiple choice, text) sent to ``deputies``."""

    def factory(deputies=(), *, state=SurveyState.OPEN, court_id=None, days=10, **kw) -> Survey:
        survey = Survey(court_id=court_id or court.id, title=kw.pop("title", "年度民意测评"), kind=SurveyKind.RATING,
                        deadline=clock.today() + timedelta(days=days), state=state, recipient_filters={}, **kw)
        survey.questions = [
            SurveyQuestion(position=1, kind=QuestionKind.SCALE, text="总体评价", options=["满意", "基本满意", "不满意"]),
            SurveyQuestion(position=2, kind=QuestionKind.MULTIPLE, text="需要改进", options=["效率", "执行", "服务"]),
            SurveyQuestion(position=3, kind=QuestionKind.TEXT, text="意见建议", options=[], required=False)]
        db.session.add(survey)
        db.session.flush()
        db.session.add_all(SurveyRecipient(survey_id=survey.id, deputy_id=d.id) for d in deputies)
        db.session.commit()
        return survey

    return factory


def deputy_client(app, make_user, deputy):
    client = app.test_client()
    user = make_user(Role.DEPUTY, deputy=deputy)
    assert log_in(client, user.username).status_code == 302
    return client


# --- building ----------------------------------------------------------------------------------------------------

def test_build_a_survey_with_htmx_and_open_it(client, login_as, people):
    login_as(Role.LIAISON)
    response = client.post("/surveys/new", data={"title": "2025年度民意测评表", "kind": "rating",
                                                 "deadline": deadline(), "intro": "请您评价"})
    assert response.status_code == 303
    survey = db.session.scalars(select(Survey)).one()
    url = f"/surveys/{survey.id}"
    headers = {**HX, "HX-Target": "questions"}
    fragment = client.post(f"{url}/questions", headers=headers,
                           data={"text": "总体评价", "kind": "scale", "scale": "satisfaction", "required": "y"})
    assert fragment.status_code == 200 and "<html" not in fragment.get_data(as_text=True)
    assert "满意 / 基本满意 / 不满意" in fragment.get_data(as_text=True)
    client.post(f"{url}/questions", headers=headers, data={"text": "改进方向", "kind": "multiple", "scale": "",
                                                           "options": "效率\n执行\n\n效率"})
    client.post(f"{url}/questions", headers=headers, data={"text": "意见建议", "kind": "text"})
    questions = db.session.scalars(select(SurveyQuestion).order_by(SurveyQuestion.position)).all()
    assert [(q.text, q.options, q.required) for q in questions] == [
        ("总体评价", ["满意", "基本满意", "不满意"], True), ("改进方向", ["效率", "执行"], False), ("意见建议", [], False)]
    client.post(f"{url}/questions/{questions[2].id}/move", headers=headers, data={"step": "up"})
    client.post(f"{url}/questions/{questions[0].id}/delete", headers=headers)
    page = client.get(url).get_data(as_text=True)
    assert re.findall(r'class="question-text">([^<]+)<', page) == ["意见建议", "改进方向"]

    response = client.post(f"{url}/recipients", data={"kind": "npc", "level": "", "term": "", "group": "", "q": ""})
    assert response.status_code == 303
    assert "发出问卷（2 人）" in client.get(url).get_data(as_text=True)  # 张三 and 王五, not the CPPCC member
    response = client.post(f"{url}/open", follow_redirects=True)
    assert "问卷已发出，已通知 2 位代表委员" in response.get_data(as_text=True)
    db.session.refresh(survey)
    assert survey.state == SurveyState.OPEN
    sent = db.session.scalars(select(Message).where(Message.about_type == "survey",
                                                    Message.channel == Channel.SMS)).all()
    assert sorted(m.address for m in sent) == ["13800000001", "13800000003"]
    assert "张代表：" in next(m.body for m in sent if m.address == "13800000001")
    assert "《2025年度民意测评表》" in sent[0].body and sent[0].link == f"/surveys/mine/{survey.id}"
    # frozen once open
    refused = client.post(f"{url}/questions", data={"text": "新题", "kind": "text"})
    assert refused.status_code == 409 and "题目和发送范围不能再修改" in refused.get_data(as_text=True)


def test_the_recipient_count_follows_the_filters(client, login_as, people, make_survey):
    login_as(Role.LIAISON)
    survey = make_survey(state=SurveyState.DRAFT)
    page = client.get(f"/surveys/{survey.id}/recipients?kind=cppcc&level=&term=&group=&q=",
                      headers={**HX, "HX-Target": "recipient_count"}).get_data(as_text=True)
    assert "<html" not in page and '<strong class="recipient-count">1</strong>' in page
    page = client.get(f"/surveys/{survey.id}/recipients?kind=&q=zs").get_data(as_text=True)
    assert '<strong class="recipient-count">1</strong>' in page  # 张三 by his initials


@pytest.mark.parametrize("data, field, message", [
    ({"title": ""}, "title", "请填写问卷标题"),
    ({"deadline": "2025-13-01"}, "deadline", "请填写截止日期"),
    ({"deadline": "2020-01-01"}, "deadline", "截止日期不能早于今天"),
])
def test_survey_form_mistakes_keep_what_was_typed(client, login_as, data, field, message):
    login_as(Role.LIAISON)
    response = client.post("/surveys/new", data={"title": "民意测评", "kind": "rating", "deadline": deadline(),
                                                 "intro": "说明文字", **data})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page and "说明文字" in page
    assert db.session.scalar(select(func.count()).select_from(Survey)) == 0


def test_a_choice_question_needs_two_options(client, login_as, make_survey):
    login_as(Role.LIAISON)
    survey = make_survey(state=SurveyState.DRAFT)
    response = client.post(f"/surveys/{survey.id}/questions", headers={**HX, "HX-Target": "questions"},
                           data={"text": "单选题", "kind": "single", "options": "只有一个"})
    assert response.status_code == 422 and "请至少填写两个选项" in response.get_data(as_text=True)
    assert 'value="单选题"' in response.get_data(as_text=True)


def test_opening_needs_questions_recipients_and_a_deadline_ahead(client, login_as, court):
    login_as(Role.LIAISON)
    survey = Survey(court_id=court.id, title="空问卷", kind=SurveyKind.SOLICIT, deadline=clock.today(),
                    recipient_filters={})
    db.session.add(survey)
    db.session.commit()
    response = client.post(f"/surveys/{survey.id}/open")
    assert response.status_code == 409
    assert "请先添加题目" in response.get_data(as_text=True) and "没有符合发送范围" in response.get_data(as_text=True)


# --- answering -----------------------------------------------------------------------------------------------------

def test_a_deputy_answers_once_and_sees_their_answers(app, make_user, people, make_survey):
    survey = make_survey([people["张三"], people["王五"]])
    client = deputy_client(app, make_user, people["张三"])
    page = client.get(f"/surveys/mine/{survey.id}").get_data(as_text=True)
    assert "提交答卷" in page and 'name="q1"' in page
    response = client.post(f"/surveys/mine/{survey.id}", data={"q1": "1", "q2": ["0", "2"], "q3": "建议多开座谈会"})
    assert response.status_code == 303
    page = client.get(f"/surveys/mine/{survey.id}").get_data(as_text=True)
    assert "我的答卷" in page and "基本满意" in page and "效率、服务" in page and "建议多开座谈会" in page
    assert "提交答卷" not in page
    again = client.post(f"/surveys/mine/{survey.id}", data={"q1": "0", "q2": "0"})
    assert again.status_code == 409 and "每位代表委员只能提交一次" in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 1
    assert "已填写" in client.get("/surveys/mine").get_data(as_text=True)


def test_required_questions_and_typed_answers_are_kept(app, make_user, people, make_survey):
    survey = make_survey([people["张三"]])
    client = deputy_client(app, make_user, people["张三"])
    response = client.post(f"/surveys/mine/{survey.id}", data={"q2": "1", "q3": "我的意见", "q1": "9"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "请选择此题的答案" in page
    assert 'value="1" checked' in page and "我的意见</textarea>" in page
    assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 0


def test_a_deputy_reaches_only_surveys_sent_to_them(app, make_user, people, make_survey):
    survey = make_survey([people["王五"]])
    client = deputy_client(app, make_user, people["张三"])
    assert client.get(f"/surveys/mine/{survey.id}").status_code == 404
    assert client.post(f"/surveys/mine/{survey.id}", data={"q1": "0", "q2": "0"}).status_code == 404
    assert survey.title not in client.get("/surveys/mine").get_data(as_text=True)
    assert client.get(f"/surveys/{survey.id}/results").status_code == 403


@pytest.mark.parametrize("state, days, message", [(SurveyState.CLOSED, 5, "已结束"),
                                                   (SurveyState.OPEN, -1, "已过截止日期")])
def test_no_answer_after_the_close_or_the_deadline(app, make_user, people, make_survey, state, days, message):
    survey = make_survey([people["张三"]], state=state, days=days)
    client = deputy_client(app, make_user, people["张三"])
    assert message in client.get(f"/surveys/mine/{survey.id}").get_data(as_text=True)
    response = client.post(f"/surveys/mine/{survey.id}", data={"q1": "0", "q2": "0"})
    assert response.status_code == 409 and "不能再提交" in response.get_data(as_text=True)


def test_staff_enter_a_returned_paper_form_with_its_date(client, login_as, people, make_survey):
    user = login_as(Role.LIAISON)
    survey = make_survey([people["张三"], people["王五"]], state=SurveyState.CLOSED)
    page = client.get(f"/surveys/{survey.id}/paper").get_data(as_text=True)
    assert "张三" in page and "王五" in page
    returned = (clock.today() - timedelta(days=4)).isoformat()
    response = client.post(f"/surveys/{survey.id}/paper", data={"deputy_id": str(people["王五"].id),
                                                                "returned_on": returned, "q1": "2", "q2": "1"})
    assert response.status_code == 303
    paper = db.session.scalars(select(SurveyResponse)).one()
    assert (paper.deputy_id, paper.entered_by_id, paper.returned_on.isoformat()) == (people["王五"].id, user.id,
                                                                                     returned)
    page = client.get(f"/surveys/{survey.id}/paper").get_data(as_text=True)
    assert "王五" not in page  # answered: not offered again
    twice = client.post(f"/surveys/{survey.id}/paper", data={"deputy_id": str(people["王五"].id),
                                                             "returned_on": returned, "q1": "0", "q2": "0"})
    assert twice.status_code == 422 and "应为尚未答复的发送对象" in twice.get_data(as_text=True)
    future = client.post(f"/surveys/{survey.id}/paper", data={
        "deputy_id": str(people["张三"].id), "returned_on": (clock.today() + timedelta(days=1)).isoformat(),
        "q1": "0", "q2": "0"})
    assert future.status_code == 422 and "收回日期不能晚于今天" in future.get_data(as_text=True)


# --- results ------------------------------------------------------------------------------------------------------

def answer(survey, deputy, q1=None, q2=(), text=""):
    response = SurveyResponse(survey_id=survey.id, deputy_id=deputy.id)
    first, second, third = survey.questions[:3]
    if q1 is not None:
        response.answers.append(SurveyAnswer(question_id=first.id, option=q1))
    response.answers.extend(SurveyAnswer(question_id=second.id, option=o) for o in q2)
    if text:
        response.answers.append(SurveyAnswer(question_id=third.id, text=text))
    db.session.add(response)
    db.session.commit()
    return response


def test_results_counted_by_hand(client, login_as, people, make_survey, make_deputy):
    fourth = make_deputy(name="赵六")
    survey = make_survey([people["张三"], people["李四"], people["王五"], fourth])
    answer(survey, people["张三"], 0, (0, 1), "建议缩短审理周期")
    answer(survey, people["李四"], 0, (1,))
    answer(survey, people["王五"], 2, ())
    found = services.results(survey)
    assert (found.recipients, found.responses, found.rate) == (4, 3, 75)
    scale, multiple, text = found.questions
    assert [(o.label, o.count, o.percent) for o in scale.options] == [("满意", 2, 67), ("基本满意", 0, 0),
                                                                     ("不满意", 1, 33)]
    assert scale.satisfaction == 67 and multiple.satisfaction is None  # (2 + 0) / 3
    assert multiple.answered == 2  # 王五 skipped it
    assert [(o.count, o.percent) for o in multiple.options] == [(1, 50), (2, 100), (0, 0)]
    assert [a.text for a in text.texts] == ["建议缩短审理周期"]

    login_as(Role.LEADER)
    page = client.get(f"/surveys/{survey.id}/results").get_data(as_text=True)
    assert '<strong class="response-rate">75%</strong>' in page
    assert page.count('class="chart chart-bars"') == 2 and "<title>满意：2</title>" in page  # a bar per option
    assert "<td>满意</td><td class=\"text-end\">2</td><td class=\"text-end\">67%</td>" in page
    assert '<strong class="satisfaction">67%</strong>' in page
    assert "style=" not in page.split("<main")[1]
    assert "转为跟踪事项" not in page  # a leader reads; editors make items


def test_the_grouped_query_is_one_for_every_question(app, people, make_survey):
    """The results take the same number of statements however many questions and answers there are."""
    survey = make_survey([people["张三"], people["王五"]])
    answer(survey, people["张三"], 1, (0, 2), "意见")

    def statements() -> int:
        with sql_statements() as sent:
            db.session.expire_all()
            services.results(db.session.get(Survey, survey.id))
        return len(sent)

    before = statements()
    survey.questions.append(SurveyQuestion(position=4, kind=QuestionKind.SINGLE, text="再一题", options=["是", "否"]))
    db.session.commit()
    given = answer(survey, people["王五"], 0, (1,), "又一条")
    db.session.add(SurveyAnswer(response_id=given.id, question_id=survey.questions[3].id, option=1))
    db.session.commit()
    assert statements() == before
    assert [o.count for o in services.results(survey).questions[3].options] == [0, 1]


def test_a_text_answer_becomes_a_tracked_item(client, login_as, people, make_survey):
    login_as(Role.LIAISON)
    survey = make_survey([people["张三"], people["李四"]])
    given = answer(survey, people["李四"], 0, (0,), "建议加强诉讼服务")
    text_answer = given.answers[-1]
    url = f"/surveys/{survey.id}/answers/{text_answer.id}/item"
    fragment = client.post(url, headers={**HX, "HX-Target": f"answer-{text_answer.id}"})
    body = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in body and "跟踪事项" in body and "转为跟踪事项" not in body
    item = db.session.scalars(select(Item)).one()
    assert (item.origin, item.origin_id, item.kind) == (ItemOrigin.SURVEY, survey.id, ItemKind.PROPOSAL)
    assert item.content == "建议加强诉讼服务" and [d.name for d in item.deputies] == ["李四"]
    assert "该意见已是跟踪事项" in client.post(url, follow_redirects=True).get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Item)) == 1
    item_page = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert f'href="/surveys/{survey.id}/results"' in item_page
    assert item_origin_url(item) is None  # outside a request: no staff to show it to


def test_staff_of_another_court_do_not_see_the_survey(client, login_as, people, make_survey, make_court, court):
    basic = make_court(name="某某区人民法院", parent=court)
    survey = make_survey([people["张三"]], court_id=court.id)
    login_as(Role.LIAISON, court=basic)
    for url in (f"/surveys/{survey.id}", f"/surveys/{survey.id}/results", f"/surveys/{survey.id}/paper"):
        assert client.get(url).status_code == 404
    assert survey.title not in client.get("/surveys/").get_data(as_text=True)


def test_close_and_remind(client, login_as, people, make_survey):
    login_as(Role.LIAISON)
    survey = make_survey([people["张三"], people["王五"]])
    answer(survey, people["张三"], 0, (0,))
    response = client.post(f"/surveys/{survey.id}/remind", follow_redirects=True)
    assert "已向 1 位尚未答复的代表委员发送催填提醒" in response.get_data(as_text=True)
    reminded = db.session.scalars(select(Message).where(Message.subject == "民意测评催填")).all()
    assert [m.deputy_id for m in reminded] == [people["王五"].id]
    assert "您尚未填写" in reminded[0].body
    client.post(f"/surveys/{survey.id}/close")
    db.session.refresh(survey)
    assert survey.state == SurveyState.CLOSED
    refused = client.post(f"/surveys/{survey.id}/remind", follow_redirects=True)
    assert "只有征集中的问卷可以催填" in refused.get_data(as_text=True)


def test_the_deadline_reminder_goes_once(app, people, make_survey, runner):
    soon = make_survey([people["张三"], people["王五"]], days=2, title="即将截止")
    make_survey([people["张三"]], days=9, title="尚早")
    answer(soon, people["张三"], 0, (0,))
    for _ in range(2):  # every pass of the worker looks; a survey is reminded once
        assert runner.invoke(args=["notify", "send-due"]).exit_code == 0
    reminded = db.session.scalars(select(Message).where(Message.subject == "民意测评催填")).all()
    assert {m.deputy_id for m in reminded} == {people["王五"].id}
    assert {m.state for m in reminded} == {MessageState.SENT}  # queued and sent in the same pass


# --- elsewhere -------------------------------------------------------------------------------------------------------

def test_workspace_panel_lists_what_waits_for_an_answer(app, make_user, people, make_survey):
    waiting = make_survey([people["张三"]], title="待填写的测评")
    done = make_survey([people["张三"]], title="已填写的测评")
    make_survey([people["王五"]], title="别人的测评")
    answer(done, people["张三"], 0, (0,))
    client = deputy_client(app, make_user, people["张三"])
    page = client.get("/workspace/").get_data(as_text=True)
    assert "民意测评与征求意见" in page
    assert page.index("待填写的测评") < page.index("已填写的测评") and "别人的测评" not in page
    assert f'href="/surveys/mine/{waiting.id}"' in page
    with app.test_request_context("/"):
        panel = deputy_panel(people["张三"], clock.today().year)
    assert dict(panel.archive) == {"收到民意测评": 2, "填写民意测评": 1}


def test_every_change_is_audited(client, login_as, people, make_survey):
    login_as(Role.LIAISON)
    client.post("/surveys/new", data={"title": "审计测评", "kind": "solicit", "deadline": deadline()})
    survey = db.session.scalars(select(Survey)).one()
    client.post(f"/surveys/{survey.id}/questions", data={"text": "意见", "kind": "text"})
    entities = set(db.session.scalars(select(AuditLog.entity)))
    assert {"survey", "survey_question"} <= entities
    from portal.audit import audited_models

    for name, model in audited_models().items():
        if name.startswith("survey"):
            columns = {c.key for c in model.__table__.columns} - {"id", "created_at", "updated_at"}
            assert columns <= set(model.__audit_labels__), name


@pytest.mark.seeded_demo
def test_demo_seeds_a_closed_and_an_open_survey(app, demo_seeded):
    closed, current = db.session.scalars(select(Survey).order_by(Survey.id)).all()
    assert closed.state == SurveyState.CLOSED and closed.deadline.year == clock.today().year - 1
    assert current.state == SurveyState.OPEN
    found = services.results(closed)
    assert found.responses > 0 and sum(o.count for o in found.questions[0].options) == found.responses
    assert db.session.scalar(select(func.count()).select_from(Item).where(Item.origin == ItemOrigin.SURVEY)) == 1


def test_results_as_word(client, login_as, people, make_survey):
    import io

    import docx

    from portal.surveys.documents import numeral

    survey = make_survey([people["张三"], people["王五"]], title="征求意见")
    answer(survey, people["张三"], 1, (0,), "建议缩短审理周期")
    login_as(Role.LEADER)
    response = client.get(f"/surveys/{survey.id}/results.docx")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    document = docx.Document(io.BytesIO(response.data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "共发送 2 人，收回答卷 1 份，答复率 50%" in text
    assert "一、总体评价" in text and "三、意见建议" in text and "1. 张三：建议缩短审理周期" in text
    first = document.tables[0]
    assert [c.text for c in first.rows[2].cells] == ["基本满意", "1", "100%"]
    assert document.sections[0].top_margin.mm == pytest.approx(37, abs=0.1)
    assert [numeral(n) for n in (1, 10, 12, 20, 23)] == ["一", "十", "十二", "二十", "二十三"]


def test_the_year_summary_cites_the_surveys(client, login_as, people, make_survey, make_court, court):
    now = clock.now()
    rating = make_survey([people["张三"], people["李四"], people["王五"]], title="民意测评表", opened_at=now)
    make_survey([people["张三"]], title="征求意见函", opened_at=now)
    make_survey([people["张三"]], title="草稿", state=SurveyState.DRAFT)
    elsewhere = make_court(name="另一法院")
    make_survey([people["张三"]], title="别院测评", court_id=elsewhere.id, opened_at=now)
    answer(rating, people["张三"], 0, (0,))
    answer(rating, people["李四"], 1, (0,))
    answer(rating, people["王五"], 2, ())
    summary = services.year_summary([court.id], clock.today().year)
    assert [line.survey.title for line in summary.lines] == ["民意测评表", "征求意见函"]
    assert summary.sentence == (f"{clock.today().year}年开展民意测评、征求意见 2 次，发出 4 份，收回 3 份，回收率 75%；"
                                "其中《民意测评表》满意率 67%。")
    assert (summary.recipients, summary.responses, summary.rate) == (4, 3, 75)
    assert summary.lines[0].satisfaction == 67 and summary.lines[1].satisfaction is None
    login_as(Role.LIAISON)
    assert "回收率 75%；其中《民意测评表》满意率 67%。" in client.get("/surveys/").get_data(as_text=True)


def test_the_figures_and_the_annual_summary_count_the_years_surveys(client, login_as, people, make_survey, court):
    rating = make_survey([people["张三"], people["李四"], people["王五"]], title="民意测评表", opened_at=clock.now())
    make_survey([people["张三"]], title="征求意见函", opened_at=clock.now())
    answer(rating, people["张三"], 0, (0,))
    answer(rating, people["李四"], 1, (0,))
    login_as(Role.LIAISON)
    page = client.get("/figures/").get_data(as_text=True)
    section = page[page.index("民意测评"):]
    for key, shown in (("surveys", "2"), ("sent", "4"), ("answered", "2"), ("rate", "50%")):
        row = re.search(rf'<tr data-figure="{key}">(.*?)</tr>', section, re.S).group(1)
        assert re.findall(r'figure-total">([^<]*)<', row) == [shown], key
    assert "民意测评表" in section
    snapshot = summaries.compute([court.id], clock.today().year)
    assert [snapshot.values[f] for f in ("民意测评次数", "测评发出份数", "测评收回份数", "测评回收率")] == ["2", "4", "2", "50%"]
    assert snapshot.tables["surveys"]["rows"] == [["民意测评表", "3", "2", "100%"], ["征求意见函", "1", "0", "—"]]
    assert snapshot.tables["surveys"]["total"] == ["合计", "4", "2", ""]
    assert "座谈会次数" in snapshot.values  # the activities area's fields by type are there too
    month = clock.today().strftime("%Y-%m")
    briefing = client.get(f"/reports/briefing?month={month}").get_data(as_text=True)
    assert "开展民意测评、征求意见2次，发出4份，收回2份，回收率50%。" in briefing
