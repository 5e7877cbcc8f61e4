"""Pages of the voter-work area (联系选民).

The deputy's own (/voters/mine: the year's activities and letters; new and edit forms for both; the quarter's
letters as Word), and for staff the list of the register's NPC deputies with the year's count (/voters/), one
deputy's page (/voters/deputy/<id>) and that deputy's quarter as Word. Only the deputy edits their entries.
"""
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal import clock, params
from portal.access import require_role, require_staff
from portal.auth.models import Role
from portal.documents import send_download
from portal.errors import ServiceError
from portal.htmx import render
from portal.versioning import save_unless_stale
from portal.voters import bp, documents, services
from portal.voters.forms import ContactForm, LetterForm
from portal.voters.models import MIN_CONTACTS, QUARTERS, LetterState

deputies = require_role(Role.DEPUTY)
YEARS_SHOWN = 5


def _years() -> list[int]:
    return list(range(clock.today().year, clock.today().year - YEARS_SHOWN, -1))


def _deputy_page(template: str, deputy, year: int, **context):
    return render_template(template, deputy=deputy, year=year, years=_years(), quarters=QUARTERS,
                           quarter=services.parse_quarter(None), counts=services.year_counts(deputy.id, year),
                           contacts=services.contacts_of(deputy.id, year), letters=services.letters_of(deputy.id, year),
                           minimum=MIN_CONTACTS, **context)


# --- the deputy's own --------------------------------------------------------------------------------------------

@bp.get("/mine")
@deputies
def mine():
    deputy = current_user.deputy
    year = services.parse_year(request.args.get("year"))
    try:
        deputy = services.own_deputy(current_user)
    except ServiceError as error:  # a CPPCC member: the page says why there is nothing here
        return render_template("voters/mine.html", deputy=deputy, refused=error.message, year=year, years=_years())
    return _deputy_page("voters/mine.html", deputy, year, refused="")


def _form_page(template: str, form, record, *, status: int = 200, conflict=None):
    return render_template(template, form=form, record=record, conflict=conflict), status


def _save(form, record, save, template: str, done: str):
    """Validate and save (an edit unless stale: 409 with what was typed), or re-render with the errors (422)."""
    if not form.validate_on_submit():
        return _form_page(template, form, record, status=422)
    values = {name: field.data for name, field in form._fields.items() if name not in ("csrf_token", "version")}
    if record.id is None:
        save(record, values)
        conflict = None
    else:
        conflict = save_unless_stale(record, form.version, lambda: save(record, values))
    if conflict:
        return _form_page(template, form, record, status=409, conflict=conflict)
    flash(done, "success")
    day = values.get("held_on") or values.get("received_on")
    return redirect(url_for("voters.mine", year=day.year), 303)  # the year of what was saved


@bp.route("/mine/contacts/new", methods=["GET", "POST"])
@deputies
def contact_new():
    deputy = services.own_deputy(current_user)
    contact = services.new_contact(deputy, current_user.court_id)
    form = ContactForm(data={"held_on": clock.today()} if request.method == "GET" else None)
    if request.method == "GET":
        return _form_page("voters/contact_form.html", form, contact)
    return _save(form, contact, services.save_contact, "voters/contact_form.html", "联系选民活动已登记。")


@bp.route("/mine/contacts/<int:contact_id>", methods=["GET", "POST"])
@deputies
def contact_edit(contact_id: int):
    contact = services.own_contact(services.own_deputy(current_user), contact_id)
    form = ContactForm(obj=contact if request.method == "GET" else None)
    if request.method == "GET":
        return _form_page("voters/contact_form.html", form, contact)
    return _save(form, contact, services.save_contact, "voters/contact_form.html", "联系选民活动已保存。")


@bp.route("/mine/letters/new", methods=["GET", "POST"])
@deputies
def letter_new():
    deputy = services.own_deputy(current_user)
    letter = services.new_letter(deputy, current_user.court_id)
    form = LetterForm(data={"received_on": clock.today(), "state": LetterState.PENDING.value}
                      if request.method == "GET" else None)
    if request.method == "GET":
        return _form_page("voters/letter_form.html", form, letter)
    return _save(form, letter, services.save_letter, "voters/letter_form.html", "来信已登记。")


@bp.route("/mine/letters/<int:letter_id>", methods=["GET", "POST"])
@deputies
def letter_edit(letter_id: int):
    letter = services.own_letter(services.own_deputy(current_user), letter_id)
    form = LetterForm(obj=letter if request.method == "GET" else None)
    if request.method == "GET":
        return _form_page("voters/letter_form.html", form, letter)
    return _save(form, letter, services.save_letter, "voters/letter_form.html", "来信办理情况已保存。")


def _quarter_docx(deputy):
    year, quarter = services.parse_year(request.args.get("year")), services.parse_quarter(request.args.get("quarter"))
    data = documents.build_quarter_docx(deputy, year, quarter, services.letters_of(deputy.id, year, quarter))
    return send_download(data, f"{deputy.name}代表信箱{documents.quarter_title(year, quarter)}来信及办理情况.docx")


@bp.get("/mine/letters.docx")
@deputies
def mine_docx():
    return _quarter_docx(services.own_deputy(current_user))


# --- staff -------------------------------------------------------------------------------------------------------

@bp.get("/")
@require_staff
def index():
    year = services.parse_year(request.args.get("year"))
    q = params.clean_query(request.args.get("q"))
    paging = params.page_args()
    staff = services.staff_page(year, q, number=paging["number"], per_page=paging["per_page"])
    return render("voters/index.html", block="results", year=year, years=_years(), q=q, page=staff.page,
                  minimum=MIN_CONTACTS, too_few=staff.too_few, no_account=staff.no_account)


@bp.get("/deputy/<int:deputy_id>")
@require_staff
def deputy(deputy_id: int):
    deputy = services.deputy_for_staff(deputy_id)
    return _deputy_page("voters/deputy.html", deputy, services.parse_year(request.args.get("year")))


@bp.get("/deputy/<int:deputy_id>/letters.docx")
@require_staff
def deputy_docx(deputy_id: int):
    return _quarter_docx(services.deputy_for_staff(deputy_id))

