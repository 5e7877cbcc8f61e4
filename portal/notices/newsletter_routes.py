"""Pages of 《法院工作信息》: for the liaison office the list (/notices/newsletters), a new issue (/new), an
issue with its comments (/<id>, turning a comment into a 督办件), correcting it (/<id>/edit) and deleting it
(/<id>/delete); leaders and handlers read the list and the
issues; a deputy reads an issue and comments on it (/<id>/read); the issue's file for all of them."""
from flask import flash, redirect, request, url_for
from flask_login import current_user

from portal import clock, params
from portal.access import court_scope, require_editor, require_role, require_staff, visible_court_ids
from portal.attachments import get_file, send
from portal.auth.models import BUSINESS_ROLES, Role
from portal.errors import ServiceError
from portal.htmx import render
from portal.notices import bp, newsletters
from portal.notices.forms import NewsletterCommentForm, NewsletterEditForm, NewsletterForm
from portal.versioning import save_unless_stale


@bp.get("/newsletters")
@require_staff
def newsletter_list():
    scope = court_scope(current_user)
    published = {key: params.parse_date(request.args.get(key)) for key in ("published_from", "published_to")}
    page = newsletters.list_newsletters(scope.court_ids, **published, **params.page_args())
    return render("notices/newsletters.html", block="results", page=page, scope=scope, published=published,
                  published_args={key: day.isoformat() if day else "" for key, day in published.items()},
                  year_count=newsletters.year_count(scope.court_ids, clock.today().year),
                  comments=newsletters.comment_counts([n.id for n in page.items]))


@bp.route("/newsletters/new", methods=["GET", "POST"])
@require_editor
def new_newsletter():
    form = NewsletterForm()
    if request.method == "GET":
        form.published_on.data = clock.today()  # most issues are registered the day they are printed
    status = 200
    if form.validate_on_submit():
        draft = newsletters.NewsletterDraft(title=form.title.data, published_on=form.published_on.data,
                                            summary=form.summary.data or "", notify=form.notify.data)
        try:
            newsletter = newsletters.create_newsletter(draft, request.files.getlist("file"), current_user.court_id)
        except ServiceError as error:
            form.set_errors(error.errors)
            flash(error.message, "error")
            status = error.status
        else:
            flash(f"已登记{newsletter.issue_label}。", "success")
            return redirect(url_for("notices.newsletter_detail", newsletter_id=newsletter.id), 303)
    elif form.errors:
        status = 422
    return render("notices/newsletter_form.html", block="content", form=form, newsletter=None), status


@bp.get("/newsletters/<int:newsletter_id>")
@require_staff
def newsletter_detail(newsletter_id: int):
    newsletter = newsletters.get_newsletter(newsletter_id, visible_court_ids(current_user))
    return render("notices/newsletter.html", block="content", newsletter=newsletter,
                  file=newsletters.file_of(newsletter))


@bp.route("/newsletters/<int:newsletter_id>/edit", methods=["GET", "POST"])
@require_editor
def edit_newsletter(newsletter_id: int):
    """Correct an issue; a save on a copy someone else changed since it was opened is refused, with what was
    typed kept."""
    newsletter = newsletters.get_newsletter(newsletter_id, visible_court_ids(current_user))
    form = NewsletterEditForm(obj=newsletter) if request.method == "GET" else NewsletterEditForm()
    status, conflict = 200, None
    if form.validate_on_submit():
        draft = newsletters.NewsletterDraft(title=form.title.data, published_on=form.published_on.data,
                                            summary=form.summary.data or "", notify=False)
        files = request.files.getlist("file")
        try:
            conflict = save_unless_stale(newsletter, form.version,
                                         lambda: newsletters.update_newsletter(newsletter, draft, files))
        except ServiceError as error:
            form.set_errors(error.errors)
            flash(error.message, "error")
            status = error.status
        else:
            if conflict is None:
                newsletters.replace_file(newsletter, files)
                flash(f"已保存{newsletter.issue_label}的修改。", "success")
                return redirect(url_for("notices.newsletter_detail", newsletter_id=newsletter.id), 303)
            if any(f and f.filename for f in files):
                form.set_errors({"file": "文件未保存，请重新选择文件。"})
            status = 409
    elif form.errors:
        status = 422
    return render("notices/newsletter_form.html", block="content", form=form, newsletter=newsletter,
                  conflict=conflict, file=newsletters.file_of(newsletter)), status


@bp.post("/newsletters/<int:newsletter_id>/delete")
@require_editor
def delete_newsletter(newsletter_id: int):
    newsletter = newsletters.get_newsletter(newsletter_id, visible_court_ids(current_user))
    label = newsletter.issue_label
    try:
        newsletters.delete_newsletter(newsletter)
    except ServiceError as error:
        flash(error.message, "warning")
        return redirect(url_for("notices.newsletter_detail", newsletter_id=newsletter.id), 303)
    flash(f"已删除{label}，可在回收站恢复。", "success")
    return redirect(url_for("notices.newsletter_list"), 303)


@bp.post("/newsletters/<int:newsletter_id>/comments/<int:comment_id>/item")
@require_editor
def comment_to_item(newsletter_id: int, comment_id: int):
    newsletter = newsletters.get_newsletter(newsletter_id, visible_court_ids(current_user))
    item = newsletters.comment_to_item(newsletter, comment_id)
    flash(f"已转为督办件 {item.number}。", "success")
    return redirect(url_for("notices.newsletter_detail", newsletter_id=newsletter.id), 303)


@bp.route("/newsletters/<int:newsletter_id>/read", methods=["GET", "POST"])
@require_role(Role.DEPUTY)
def read_newsletter(newsletter_id: int):
    newsletter = newsletters.get_newsletter(newsletter_id)
    form = NewsletterCommentForm()
    status = 200
    if form.validate_on_submit():
        newsletters.add_comment(newsletter, current_user.deputy_id, form.text.data)
        flash("意见已提交，法院联络部门将认真研究。", "success")
        return redirect(url_for("notices.read_newsletter", newsletter_id=newsletter.id), 303)
    if form.errors:
        status = 422
    return render("notices/newsletter_read.html", block="content", newsletter=newsletter, form=form,
                  file=newsletters.file_of(newsletter),
                  comments=newsletters.comments_of_deputy(newsletter, current_user.deputy_id)), status


@bp.get("/newsletters/<int:newsletter_id>/files/<int:attachment_id>/<path:filename>")
@require_role(*BUSINESS_ROLES)
def newsletter_file(newsletter_id: int, attachment_id: int, filename: str):
    """The issue's file: staff of the issue's court (or above) and every deputy (issues are sent to all)."""
    staff = current_user.role != Role.DEPUTY
    newsletter = newsletters.get_newsletter(newsletter_id, visible_court_ids(current_user) if staff else None)
    return send(get_file(newsletters.OWNER_TYPE, newsletter.id, attachment_id))
