"""Pages: the outbox for the liaison office (/notices/, resend), batch notices (/notices/batches: compose,
preview, queue), everyone's in-portal messages (/notices/inbox) and a deputy's channels (/notices/preferences)."""
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal import params
from portal.access import court_scope, require_editor, require_role
from portal.auth.models import Duty, Role
from portal.errors import NotFound, ServiceError
from portal.htmx import render
from portal.notices import bp, services
from portal.notices.contributions import header_panel
from portal.notices.forms import BatchForm, PreferenceForm
from portal.notices.models import Channel, MessageState
from portal.register.services import RegisterFilters, filter_choices

everyone = require_role(*Role, *Duty)


@bp.get("/")
@require_editor
def index():
    scope = court_scope(current_user)
    filters = services.OutboxFilters(state=params.parse_choice(request.args.get("state"), MessageState),
                                     channel=params.parse_choice(request.args.get("channel"), Channel),
                                     sent_from=params.parse_date(request.args.get("sent_from")),
                                     sent_to=params.parse_date(request.args.get("sent_to")))
    counts = services.state_counts(scope.court_ids)
    page = services.outbox(filters, scope.court_ids, counts, **params.page_args())
    return render("notices/index.html", block="results", page=page, filters=filters, scope=scope,
                  counts=counts, states=MessageState,
                  state_options=[(s.value, s.label) for s in MessageState],
                  channel_options=[(c.value, c.label) for c in (Channel.SMS, Channel.EMAIL)])


@bp.post("/<int:message_id>/resend")
@require_editor
def resend(message_id: int):
    message = services.resend(message_id, court_scope(current_user).court_ids)
    flash(f"已重新排队发送：{message.address}", "success")
    return redirect(request.referrer if (request.referrer or "").startswith(request.host_url)
                    else url_for("notices.index"))


@bp.get("/batches")
@require_editor
def batches():
    scope = court_scope(current_user)
    page = services.list_batches(scope.court_ids, **params.page_args())
    return render("notices/batches.html", block="results", page=page, scope=scope, states=MessageState,
                  counts=services.batch_states([b.id for b in page.items]))


@bp.route("/batches/new", methods=["GET", "POST"])
@require_editor
def new_batch():
    """Compose; 预览 shows the count, the SMS parts and one recipient's text without writing; 发送 queues."""
    form = BatchForm()
    form.set_choices(filter_choices())
    preview, status = None, 200
    if form.validate_on_submit():
        draft = services.BatchDraft(subject=form.subject.data, body=form.body.data, greeting=form.greeting.data,
                                    filters=RegisterFilters(q=form.q.data or "", kind=form.kind.data,
                                                            level=form.level.data, term=form.term.data,
                                                            group=form.group.data))
        if request.form.get("action") == "send":
            try:
                batch = services.send_batch(draft, current_user.court_id)
            except ServiceError as error:
                flash(error.message, "error")
                status = error.status
            else:
                flash(f"已排队发送给 {batch.recipients} 位代表委员。", "success")
                return redirect(url_for("notices.batches"), 303)
        preview = services.preview(draft)
    elif form.errors:
        status = 422
    return render("notices/batch_form.html", block="content", form=form, preview=preview,
                  placeholders=services.PLACEHOLDERS), status


@bp.get("/inbox")
@everyone
def inbox():
    page = services.inbox(current_user.id, **params.page_args())
    return render("notices/inbox.html", block="results", page=page)


@bp.post("/inbox/<int:message_id>/open")
@everyone
def open_message(message_id: int):
    """Mark the message read and go to the page it is about (reading a page never marks anything)."""
    message = services.open_message(current_user.id, message_id)
    return redirect(message.link or url_for("notices.inbox"), 303)


@bp.post("/inbox/read")
@everyone
def mark_all_read():
    count = services.mark_all_read(current_user.id)
    flash(f"已将 {count} 条消息标为已读。", "success")
    return redirect(url_for("notices.inbox"), 303)


@bp.route("/preferences", methods=["GET", "POST"])
@require_role(Role.DEPUTY)
def preferences():
    deputy_id = current_user.deputy_id
    if deputy_id is None:
        raise NotFound("您的账户尚未关联代表委员名册。")
    chosen = services.preference(deputy_id)
    form = PreferenceForm(obj=chosen)
    status = 200
    if form.validate_on_submit():
        try:
            services.save_preference(deputy_id, sms=form.sms.data, email=form.email.data,
                                     greetings=form.greetings.data)
        except ServiceError as error:
            form.set_errors(error.errors)
            flash(error.message, "error")
            status = error.status
        else:
            flash("通知方式已保存。", "success")
            return redirect(url_for("notices.preferences"), 303)
    return render("notices/preferences.html", block="content", form=form, deputy=current_user.deputy), status


@bp.after_app_request
def refresh_badge(response):
    """An htmx answer that swaps part of a page also brings the header's badge up to date (out of band), so the
    count stays right while someone works, with no polling that would keep an idle session alive."""
    if (request.headers.get("HX-Request") == "true" and response.status_code == 200 and current_user.is_authenticated
            and response.mimetype == "text/html" and not response.direct_passthrough):
        badge = render_template("notices/_badge.html", oob=True, panel=header_panel(current_user))
        response.set_data(response.get_data() + badge.encode())
    return response
