from datetime import date

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.access import require_role
from portal.admin import bp, services
from portal.admin.forms import CourtForm, DepartmentForm, UserForm
from portal.audit import ACTION_LABELS, entity_label, shown
from portal.auth.models import Court, CourtLevel, Department, Role, User
from portal.auth.services import create_user, generate_password, username_taken
from portal.extensions import db
from portal.htmx import render
from portal.register.models import Deputy

admin_only = require_role(Role.ADMIN)


def _page_args() -> dict:
    return {"cursor": request.args.get("cursor"), "per_page": current_app.config["PAGE_SIZE"],
            "total": request.args.get("n", type=int), "number": request.args.get("page", 1, type=int)}


def _user_form(user: User | None) -> UserForm:
    form = UserForm(obj=user)
    form.court_id.choices = [(c.id, c.name) for c in services.courts()]
    form.department_id.choices = [("", "（无）")] + [(d.id, f"{d.court.name} · {d.name}")
                                                    for d in services.departments() if d.active]
    return form


@bp.get("/users")
@admin_only
def users():
    q, role = request.args.get("q", "").strip(), request.args.get("role", "")
    court_id = request.args.get("court_id", type=int)
    page = services.list_users(q=q, role=role, court_id=court_id, **_page_args())
    return render("admin/users.html", block="results", page=page, q=q, role=role, court_id=court_id,
                  courts=services.courts())


@bp.route("/users/new", methods=["GET", "POST"])
@admin_only
def user_new():
    form = _user_form(None)
    if form.validate_on_submit():
        if username_taken(form.username.data):
            form.username.errors.append("该用户名已被使用。")
        else:
            password = form.password.data or generate_password()
            user = create_user(username=form.username.data, display_name=form.display_name.data,
                               role=Role(form.role.data), court=db.session.get(Court, form.court_id.data),
                               password=password, phone=form.phone.data or "",
                               department=db.session.get(Department, form.department_id.data)
                               if form.department_id.data else None)
            user.active = form.active.data
            return render_template("admin/password_shown.html", user=user,
                                   password=None if form.password.data else password)
    return render_template("admin/user_form.html", form=form, user=None), 422 if form.errors else 200


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@admin_only
def user_edit(user_id: int):
    user = db.get_or_404(User, user_id)
    form = _user_form(user)
    if form.validate_on_submit():
        if username_taken(form.username.data, exclude_id=user.id):
            form.username.errors.append("该用户名已被使用。")
        elif user.id == current_user.id and (not form.active.data or form.role.data != Role.ADMIN):
            form.active.errors.append("不能停用自己的账户或取消自己的管理员角色。")
        else:
            was_active = user.active
            form.populate_obj(user)
            user.role = Role(form.role.data)
            if form.password.data:
                user.set_password(form.password.data)
            if form.password.data or (was_active and not user.active):
                user.rotate_session_token()  # a disabled account or a new password ends its sessions
            flash("已保存用户信息。", "success")
            return redirect(url_for("admin.users"), 303)
    return render_template("admin/user_form.html", form=form, user=user), 422 if form.errors else 200


@bp.post("/users/<int:user_id>/reset-password")
@admin_only
def user_reset_password(user_id: int):
    user = db.get_or_404(User, user_id)
    password = generate_password()
    user.set_password(password)
    user.rotate_session_token()
    return render_template("admin/password_shown.html", user=user, password=password)


@bp.post("/deputy-account/<int:deputy_id>")
@admin_only
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
@admin_only
def departments():
    return render("admin/departments.html", block="results", page=services.list_departments(**_page_args()))


@bp.route("/departments/new", methods=["GET", "POST"])
@bp.route("/departments/<int:department_id>", methods=["GET", "POST"])
@admin_only
def department_form(department_id: int | None = None):
    department = db.get_or_404(Department, department_id) if department_id else None
    form = DepartmentForm(obj=department)
    form.court_id.choices = [(c.id, c.name) for c in services.courts()]
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
@admin_only
def courts():
    return render("admin/courts.html", block="results", page=services.list_courts(**_page_args()))


@bp.route("/courts/new", methods=["GET", "POST"])
@bp.route("/courts/<int:court_id>", methods=["GET", "POST"])
@admin_only
def court_form(court_id: int | None = None):
    court = db.get_or_404(Court, court_id) if court_id else None
    form = CourtForm(obj=court)
    form.parent_id.choices = [("", "（无，最高一级）")] + [(c.id, c.name) for c in services.courts() if c is not court]
    if form.validate_on_submit():
        problem = services.court_problem(court, form.parent_id.data)
        duplicate = db.session.scalar(db.select(Court).where(Court.code == form.code.data))
        if problem:
            form.parent_id.errors.append(problem)
        elif duplicate and duplicate is not court:
            form.code.errors.append("该法院代码已被使用。")
        else:
            if court is None:
                court = Court()
                db.session.add(court)
            form.populate_obj(court)
            court.level = CourtLevel(form.level.data)
            db.session.flush()
            flash(f"已保存“{court.name}”。", "success")
            return redirect(url_for("admin.courts"), 303)
    return render_template("admin/court_form.html", form=form, court=court), 422 if form.errors else 200


@bp.get("/audit")
@admin_only
def audit():
    args = request.args
    filters = {"entity": args.get("entity", ""), "actor": args.get("actor", "").strip(),
               "action": args.get("action", ""), "record_id": args.get("record_id", type=int),
               "day_from": _date_arg("from"), "day_to": _date_arg("to")}
    page = services.list_audit(**filters, **_page_args())
    return render("admin/audit.html", block="results", page=page, entries=shown(page.items), filters=filters,
                  entities=[(e, entity_label(e)) for e in services.audit_entities()], action_labels=ACTION_LABELS)


def _date_arg(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None
