"""Command-line interface."""
import io

from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select

from portal.auth.models import Role, User
from portal.extensions import db
from portal.register.models import DeputyKind


def test_init_db_creates_the_first_admin_once(runner):
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert "已创建管理员账户：用户名 admin，初始密码" in result.output
    password = result.output.split("初始密码 ")[1].split("（")[0]
    admin = db.session.scalar(select(User).where(User.role == Role.ADMIN))
    assert admin.check_password(password)
    again = runner.invoke(args=["init-db"])
    assert "管理员账户已存在" in again.output
    assert len(list(db.session.scalars(select(User)))) == 1


def test_init_db_takes_the_admin_password_from_config(app, runner):
    app.config["ADMIN_PASSWORD"] = "Given-Passw0rd"
    result = runner.invoke(args=["init-db"])
    assert "密码取自 PORTAL_ADMIN_PASSWORD" in result.output and "Given-Passw0rd" not in result.output
    assert db.session.scalar(select(User)).check_password("Given-Passw0rd")


def test_create_user_from_password_file(runner, court, tmp_path, make_department):
    make_department("立案庭")
    secret = tmp_path / "pw"
    secret.write_text("Str0ng-enough\n")
    result = runner.invoke(args=["create-user", "wanger", "--role", "handler", "--name", "王二", "--court", "main",
                                 "--department", "立案庭", "--password-file", str(secret)])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.username == "wanger"))
    assert user.display_name == "王二" and user.department.name == "立案庭" and user.check_password("Str0ng-enough")


def test_create_user_prompts_and_rejects_bad_input(runner, court):
    result = runner.invoke(args=["create-user", "li", "--role", "leader"], input="Str0ng-enough\nStr0ng-enough\n")
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["create-user", "li", "--role", "leader"], input="x\nx\n").exit_code != 0
    weak = runner.invoke(args=["create-user", "zhao", "--role", "leader"], input="short\nshort\n")
    assert weak.exit_code != 0 and "密码至少需要 8 位" in weak.output
    assert runner.invoke(args=["create-user", "qian", "--role", "boss"]).exit_code != 0
    missing = runner.invoke(args=["create-user", "sun", "--role", "leader", "--court", "nope"], input="Str0ng-enough\n")
    assert "找不到法院代码" in missing.output


def test_export_register(runner, make_deputy, tmp_path, court):
    make_deputy(name="张三")
    make_deputy(name="李四", kind=DeputyKind.CPPCC)
    xlsx, docx = tmp_path / "r.xlsx", tmp_path / "r.docx"
    result = runner.invoke(args=["export", "register", "-o", str(xlsx)])
    assert result.exit_code == 0 and "已导出 2 名" in result.output
    names = [row[0] for row in load_workbook(xlsx).active.iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == ["张三", "李四"]
    assert runner.invoke(args=["export", "register", "-o", str(docx), "--kind", "cppcc"]).exit_code == 0
    document = Document(io.BytesIO(docx.read_bytes()))
    text = "".join(cell.text for row in document.tables[0].rows for cell in row.cells)
    assert "李四" in text and "张三" not in text
    assert runner.invoke(args=["export", "register", "-o", str(tmp_path / "r.pdf")]).exit_code != 0
