"""What the duty area tells people through notices: a deputy whose duty report was returned for changes or filed
(``report.returned``, ``report.filed``), inside the transaction of the review."""
from portal import events
from portal.duty.models import DutyReport
from portal.extensions import db
from portal.notices import services as notices
from portal.register.models import Deputy

REPORT_TEXTS = {"report.returned": ("述职报告退回修改", "您的{year}年度述职报告已退回修改：{comment}"),
                "report.filed": ("述职报告已备案", "您的{year}年度述职报告已审查备案，感谢您的履职。")}


@events.on("report.returned", in_transaction=True)
@events.on("report.filed", in_transaction=True)
def report_reviewed(event: events.Event) -> None:
    report = db.session.get(DutyReport, event.subject_id)
    deputy = db.session.get(Deputy, report.deputy_id)
    subject, text = REPORT_TEXTS[event.name]
    notices.tell_deputy(deputy, subject, f"{notices.salutation(deputy)}："
                                         + text.format(year=report.year, comment=event.data.get("comment") or ""),
                        court_id=report.court_id, about=report,
                        link=notices.link_to("duty.mine_report", year=report.year))
