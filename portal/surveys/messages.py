"""What the surveys area tells people through notices: a survey sent, or a reminder to answer it
(``survey.opened``, ``survey.reminded``), to each deputy named in the event, on their channels. The text is
composed where the survey is sent (``services._announce``: heading, body with {称呼}, link)."""
from sqlalchemy import select

from portal import events
from portal.extensions import db
from portal.notices import services as notices
from portal.register.models import Deputy
from portal.surveys.models import Survey


@events.on("survey.opened", in_transaction=True)
@events.on("survey.reminded", in_transaction=True)
def survey_notice(event: events.Event) -> None:
    survey = db.session.get(Survey, event.subject_id)
    deputies = db.session.scalars(select(Deputy).where(Deputy.id.in_(event.data["deputy_ids"]))).all()
    notices.tell_deputies(deputies, event.data["heading"], lambda deputy: notices.fill(event.data["body"], deputy),
                          court_id=survey.court_id, link=event.data["link"], about=survey)
