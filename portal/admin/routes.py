"""Administration's pages (/admin/), each for one administrator duty (三员分立): the system administrator's users and
their accounts, a register entry's login, departments (庭室), courts and the first court's name (setup); the
security administrator's login locks, password resets and ends of sessions; the audit administrator's audit log,
whose every reading is itself in the log. No duty opens another's pages, and a business role opens none."""
from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal import audit as audit_trail
from portal import clock, params
from portal.access import require_duty
from portal.admin import TABS, bp, services
from portal.admin.forms import CourtForm, DepartmentForm, SetupForm, UserForm
from portal.audit import ACTION_LABELS, entity_label, shown
from portal.auth.models import Court, CourtLevel, Department, Duty, Role, User
from portal.auth.services import create_user, generate_password, username_taken
from portal.documents import send_download
from portal.extensions import db
from portal.htmx import render
from portal.register.models import Deputy

system_only = require_duty(Duty.SYSTEM)
security_only = require_duty(Duty.SECURITY)
audit_only = require_duty(Duty.AUDIT)


@bp.app_template_global("admin_tabs")
def admin_tabs(user) -> list[tuple[str, str]]:
    """The tabs of ``user``'s duty (templates/admin/_tabs.html)."""
    return TABS.get(user.admin_duty, [])


def _user_form(user: User | None) -> UserForm:
    """The user form; its department list is the chosen court's (a new court chosen asks for its list again)."""
    form = UserForm(user=user)
    courts = services.courts()
    form.court_id.choices = [(c.id, str(c)) for c in courts]
    if not form.is_submitted():
        form.court_id.data = params.parse_id(request.args.get("court_id")) or form.court_id.data or (
            courts[0].id if courts else None)
    form.court_id.render_kw = {"hx-get": request.path, "hx-target": "#department-field", "hx-swap": "outerHTML"}
    form.department_id.choices = [("", "（无）")] + [
        (d.id, d.name if d.active else f"{d.name}（已停用）")
        for d in services.user_departments(form.court_id.data, user)]
    return form


def _user_page(form: UserForm, user: User | None):
    return render("admin/user_form.html", block="department_field", target="department-field", form=form,
                  user=user), 422 if form.errors else 200


@bp.get("/")
@require_duty(*Duty)
def index():
    """The first page of the administrator's duty."""
    return redirect(url_for(TABS[current_user.admin_duty][0][0]))


@bp.route("/setup", methods=["GET", "POST"])
@system_only
def setup():
    """Name the first court, offered at the admin's login while ``init-db`` left it unnamed."""
    court = services.unnamed_court()
    if court is None:
        flash("本院名称已设置，如需修改请在法院设置中编辑。", "info")
        return redirect(url_for("admin.courts"), 303)
    form = SetupForm(court=court)
    if form.validate_on_submit():
        services.name_court(court, name=form.name.data, code=form.code.data, level=form.level.data)
        flash(f"已设置本院名称：{court.name}。", "success")
        return redirect(url_for("main.index"), 303)
    return render_template("admin/setup.html", form=form), 422 if form.errors else 200


@bp.get("/users")
@system_only
def users():
    q, role = params.clean_query(request.args.get("q")), request.args.get("role")
    role = params.parse_choice(role, Role, "") or params.parse_choice(role, Duty, "")  # a role or a duty
    court_id = params.parse_id(request.args.get("court_id"))
    page = services.list_users(q=q, role=role, court_id=court_id, **params.page_args())
    return render("admin/users.html", block="results", page=page, q=q, role=role, court_id=court_id,
                  courts=services.courts(), role_choices=Role.choices() + Duty.choices())


@bp.route("/users/new", methods=["GET", "POST"])
@system_only
def user_new():
    form = _user_form(None)
    if form.validate_on_submit():
        user, password = services.save_user(None, actor=current_user, password=form.password.data or None,
                                            **_user_fields(form))
        return render_template("admin/password_shown.html", user=user, password=password)
    return _user_page(form, None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@system_only
def user_edit(user_id: int):
    user = db.get_or_404(User, user_id)
    form = _user_form(user)
    del form.password  # set only on a new account; resetting one is the security administrator's
    if form.validate_on_submit():
        services.save_user(user, actor=current_user, **_user_fields(form))
        flash("已保存用户信息。", "success")
        return redirect(url_for("admin.users"), 303)
    return _user_page(form, user)


def _user_fields(form: UserForm) -> dict:
    return {"username": form.username.data, "display_name": form.display_name.data, "role": form.role.data,
            "admin_duty": form.admin_duty.data, "court_id": form.court_id.data,
            "department_id": form.department_id.data, "phone": form.phone.data, "active": form.active.data}


# --- the security administrator ------------------------------------------------------------------------------

@bp.get("/security/accounts")
@security_only
def security():
    """The accounts, to reset a password, end the sessions or reset the second factor of one (the policy and the
    login locks are the security pages of portal.auth)."""
    q = params.clean_query(request.args.get("q"))
    page = services.list_users(q=q, role="", court_id=None, **params.page_args())
    return render("admin/security.html", block="results", page=page, q=q)


@bp.post("/users/<int:user_id>/reset-password")
@security_only
def user_reset_password(user_id: int):
    user = db.get_or_404(User, user_id)
    password = services.reset_password(user, current_user)
    return render_template("admin/password_shown.html", user=user, password=password)


@bp.post("/deputy-account/<int:deputy_id>")
@system_only
def deputy_account(deputy_id: int):
    """Open a login for a register entry: the username is the mobile number, the password shown once."""
    deputy = db.get_or_404(Deputy, deputy_id)
    if db.session.scalar(db.select(User).where(User.deputy_id == deputy.id)):
        flash("该代表委员已有登录账户。", "warning")
        return redirect(url_for("register.detail", deputy_id=deputy.id), 303)
    if username_taken(deputy.mobile):
        flash(f"用户名“{deputy.mobile}”已被占用，请在用户管理中手动创建。", "danger")
        return redirect(url_for("register.detail", deputy_id=deputy.id), 303)
    password = generate_password()
    user = create_user(username=deputy.mobile, display_name=deputy.name, role=Role.DEPUTY,
                       court=current_user.court, password=password, deputy=deputy, phone=deputy.mobile)
    return render_template("admin/password_shown.html", user=user, password=password)


@bp.get("/departments")
@system_only
def departments():
    return render("admin/departments.html", block="results", page=services.list_departments(**params.page_args()))


@bp.route("/departments/new", methods=["GET", "POST"])
@bp.route("/departments/<int:department_id>", methods=["GET", "POST"])
@system_only
def department_form(department_id: int | None = None):
    department = db.get_or_404(Department, department_id) if department_id else None
    form = DepartmentForm(obj=department)
    form.court_id.choices = [(c.id, c.name) for c in services.courts()]
    form.set_heads(services.head_choices())
    if form.validate_on_submit():
        if department is None:
            department = Department()
            db.session.add(department)
        form.populate_obj(department)
        db.session.flush()
        flash(f"已保存部门“{department.name}”。", "success")
        return redirect(url_for("admin.departments"), 303)
    return render_template("admin/department_form.html", form=form, department=department), \
        422 if form.errors else 200


@bp.get("/courts")
@system_only
def courts():
    return render("admin/courts.html", block="results", page=services.list_courts(**params.page_args()))


@bp.route("/courts/new", methods=["GET", "POST"])
@bp.route("/courts/<int:court_id>", methods=["GET", "POST"])
@system_only
def court_form(court_id: int | None = None):
    court = db.get_or_404(Court, court_id) if court_id else None
    form = CourtForm(court=court)
    form.parent_id.choices = [("", "（无，最高一级）")] + [(c.id, c.name) for c in services.courts() if c is not court]
    if form.validate_on_submit():
        if court is None:
            court = Court()
            db.session.add(court)
        form.populate_obj(court)
        court.level = CourtLevel(form.level.data)
        db.session.flush()
        flash(f"已保存“{court.name}”。", "success")
        return redirect(url_for("admin.courts"), 303)
    return render_template("admin/court_form.html", form=form, court=court), 422 if form.errors else 200


# --- the audit administrator ---------------------------------------------------------------------------------

def _audit_filters() -> dict:
    args = request.args
    return {"entity": params.clean_query(args.get("entity")), "actor": params.clean_query(args.get("actor")),
            "action": params.clean_query(args.get("action")), "record_id": params.parse_id(args.get("record_id")),
            "day_from": _date_arg("from"), "day_to": _date_arg("to")}


@bp.get("/audit")
@audit_only
def audit():
    """The audit log, read only by the audit administrator; each reading (every page, every filter) is itself
    recorded, so nobody reads the trail unseen."""
    filters = _audit_filters()
    services.record_audit_read(filters)
    page = services.list_audit(**filters, **params.page_args())
    return render("admin/audit.html", block="results", page=page, entries=shown(page.items), filters=filters,
                  entities=[(e, entity_label(e)) for e in services.audit_entities()], action_labels=ACTION_LABELS)


def _date_arg(name: str) -> date | None:
    return params.parse_date(request.args.get(name))


@bp.get("/audit/export.csv")
@audit_only
def audit_export():
    """The filtered audit trail as CSV (UTF-8 with BOM, opens in Excel and WPS); the export is itself audited."""
    filters = _audit_filters()
    data = services.audit_csv(services.audit_rows(**filters))
    name = f"审计日志_{clock.today():%Y%m%d}.csv"
    audit_trail.security("audit_export", detail={"file": name,
                                                 "filter": request.query_string.decode(errors="replace")[:500]})
    return send_download(data, name, "text/csv; charset=utf-8")
