"""Pages of the annual summary: the year's draft of the court scope (``/summary/?year=``: saved, or a preview of
the draft the records give now), a saved summary (``/<id>``) with each section viewed or edited in place (htmx),
the refresh of its figures, a section's versions (``/<id>/sections/<sid>/versions``) and the Word export."""
from flask import flash, make_response, redirect, render_template, request, session, url_for
from flask_login import current_user

from portal import clock, params, periods
from portal.access import court_scope, require_role
from portal.documents import send_download
from portal.figures.definitions import NOTES
from portal.htmx import is_partial
from portal.summary import EDITORS, READERS, bp, documents, services
from portal.summary.forms import RestoreForm, SectionForm
from portal.versioning import save_unless_stale

require_reader = require_role(*READERS)
require_editor = require_role(*EDITORS)


def _year() -> int:
    """The year asked for, which then applies to the other pages' period pickers too; else the year of the period
    remembered in the session (the current year at first). A bad year is the remembered one."""
    chosen = params.parse_year(request.args.get("year"))
    if chosen:
        session[periods.SESSION_KEY] = [f"{chosen:04d}-01-01", f"{chosen:04d}-12-31"]
        return chosen
    period = periods.from_request({})
    return (period.end or period.start or clock.today()).year


def _can_edit() -> bool:
    return current_user.role in EDITORS


def _page(draft, scope=None, status: int = 200, **context):
    return render_template("summary/index.html", draft=draft, scope=scope, can_edit=_can_edit(),
                           years=services.years(), legend=services.field_legend(), notes=NOTES, **context), status


@bp.get("/")
@require_reader
def index():
    """The year's summary of the chosen court scope: the saved one, else the draft the records give now."""
    scope, year = court_scope(current_user), _year()
    summary = services.find(scope, year)
    draft = services.draft_of(summary) if summary else services.fresh_draft(scope, year)
    return _page(draft, scope)


@bp.post("/")
@require_editor
def create():
    """Save the generated draft of the scope and year, to edit it."""
    scope, year = court_scope(current_user), _year()
    summary = services.create(scope, year, current_user.id)
    flash(f"已生成{year}年度工作总结草稿，可逐节编辑。", "success")
    return redirect(url_for("summary.detail", summary_id=summary.id), 303)


@bp.get("/<int:summary_id>")
@require_reader
def detail(summary_id: int):
    summary = services.load(summary_id, current_user)
    return _page(services.draft_of(summary))


@bp.post("/<int:summary_id>/refresh")
@require_editor
def refresh(summary_id: int):
    """Recompute the figures from the records; the sections' texts stay as saved."""
    summary = services.load(summary_id, current_user)
    changed = services.refresh(summary)
    if changed:
        flash("已按最新记录刷新数字，正文未改动。有变化的数字：" + "；".join(
            f"{name} {before} → {after}" for name, before, after in changed) + "。", "success")
    else:
        flash("已按最新记录刷新数字，正文引用的数字没有变化。", "success")
    return redirect(url_for("summary.detail", summary_id=summary.id), 303)


# --- one section, in place ----------------------------------------------------------------------------------------

def _section(summary, section, *, form=None, conflict=None, saved=False, status: int = 200):
    """The section's card: read (``form`` None) or its edit form. A full page unless the card itself asked."""
    draft = services.draft_of(summary)
    shown = next(s for s in draft.sections if s.id == section.id)
    number = [s.id for s in draft.sections].index(section.id) + 1
    if not is_partial(f"section-{section.id}"):
        if form is None:
            return redirect(url_for("summary.detail", summary_id=summary.id, _anchor=f"section-{section.id}"), 303)
        # without htmx (or a form posted without it): the page with this section's form open
        return _page(draft, editing=section.id, form=form, conflict=conflict, status=status)
    response = make_response(render_template("summary/_section.html", draft=draft, section=shown, number=number,
                                             can_edit=_can_edit(), form=form, conflict=conflict, saved=saved))
    response.vary.add("HX-Target")
    return response, status


@bp.get("/<int:summary_id>/sections/<int:section_id>")
@require_reader
def section(summary_id: int, section_id: int):
    """A section's card; ``?edit=1`` its edit form (editors)."""
    summary = services.load(summary_id, current_user)
    found = services.section_of(summary, section_id)
    form = None
    if request.args.get("edit") == "1" and _can_edit():
        form = SectionForm(formdata=None, obj=found)
    return _section(summary, found, form=form)


@bp.post("/<int:summary_id>/sections/<int:section_id>")
@require_editor
def save_section(summary_id: int, section_id: int):
    """Save the section as typed. A copy opened before someone else's save is refused, with what was typed kept
    and their change shown (409; 422 to htmx, which swaps no 409)."""
    summary = services.load(summary_id, current_user)
    found = services.section_of(summary, section_id)
    form = SectionForm()
    errors = {} if form.validate() else {name: messages[0] for name, messages in form.errors.items()}
    errors.update({k: v for k, v in services.check_section(form.title.data or "", form.text.data or "").items()
                   if k not in errors})
    if errors:
        form.set_errors(errors)
        return _section(summary, found, form=form, status=422)
    conflict = save_unless_stale(found, form.version, lambda: services.save_section(
        found, form.title.data or "", form.text.data or "", current_user.id))
    if conflict:
        summary = services.load(summary_id, current_user)
        found = services.section_of(summary, section_id)
        return _section(summary, found, form=form, conflict=conflict,
                        status=422 if is_partial(f"section-{section_id}") else 409)
    return _section(summary, found, saved=True)


@bp.post("/<int:summary_id>/sections/<int:section_id>/regenerate")
@require_editor
def regenerate(summary_id: int, section_id: int):
    """Put the system's draft of the section back (a new version; the earlier texts stay in the versions)."""
    summary = services.load(summary_id, current_user)
    found = services.section_of(summary, section_id)
    form = RestoreForm()
    conflict = save_unless_stale(found, form.version, lambda: services.regenerate(found, current_user.id))
    if conflict:
        flash("未重新生成：您打开此页面后，其他人修改了这一节。请查看最新内容后再操作。", "warning")
    else:
        flash(f"已重新生成“{found.title}”的系统草稿，原内容保留在版本记录中。", "success")
    return redirect(url_for("summary.detail", summary_id=summary.id, _anchor=f"section-{section_id}"), 303)


# --- versions -------------------------------------------------------------------------------------------------------

@bp.get("/<int:summary_id>/sections/<int:section_id>/versions")
@require_reader
def versions(summary_id: int, section_id: int):
    """Every saved version of a section, the latest first; ``?v=N`` shows version N's text."""
    summary = services.load(summary_id, current_user)
    found = services.section_of(summary, section_id)
    number = params.parse_int(request.args.get("v"), minimum=1)
    chosen = services.version_of(found, number) if number else None
    values = summary.figures.get("values", {})
    return render_template("summary/versions.html", summary=summary, section=found, chosen=chosen,
                           parts=services.drafting.parts(chosen.text, values) if chosen else [],
                           scope_label=services.scope_label(summary), can_edit=_can_edit(),
                           form=RestoreForm(formdata=None, obj=found))


@bp.post("/<int:summary_id>/sections/<int:section_id>/versions/<int:number>/restore")
@require_editor
def restore(summary_id: int, section_id: int, number: int):
    summary = services.load(summary_id, current_user)
    found = services.section_of(summary, section_id)
    services.version_of(found, number)  # 404 before anything else
    form = RestoreForm()
    conflict = save_unless_stale(found, form.version, lambda: services.restore(found, number, current_user.id))
    if conflict:
        flash("未恢复：您打开版本记录后，其他人又修改了这一节。请查看最新版本后再决定。", "warning")
        return redirect(url_for("summary.versions", summary_id=summary.id, section_id=section_id), 303)
    flash(f"已将“{found.title}”恢复为第{number}版（保存为新的版本）。", "success")
    return redirect(url_for("summary.detail", summary_id=summary.id, _anchor=f"section-{section_id}"), 303)


# --- export ---------------------------------------------------------------------------------------------------------

def _send(draft):
    return send_download(documents.build_docx(draft, draft.summary.court.name if draft.summary else
                                              court_scope(current_user).court.name),
                         f"{draft.year}年度代表委员联络工作总结_{clock.today():%Y%m%d}.docx")


@bp.get("/export.docx")
@require_reader
def export_docx():
    """The year's summary of the court scope as Word: the saved draft, else the one the records give now."""
    return _send(services.draft_for(court_scope(current_user), _year()))


@bp.get("/<int:summary_id>/export.docx")
@require_reader
def export_saved(summary_id: int):
    return _send(services.draft_of(services.load(summary_id, current_user)))
