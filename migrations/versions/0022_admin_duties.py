"""three separated administrators (三员分立): user.admin_duty beside the business role; admins become system admins

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-02 04:40:00

Every account of role "admin" becomes a system administrator (admin_duty "system") with no business role (role
"none"): they keep every page they administered (users, departments, courts, the court's name) and the first
of them creates the security and audit administrators (README, Roles). What the old admin also did — the liaison
office's work, the audit log — now needs a business role or the other duties, given by another administrator.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

OLD_ROLES = ("admin", "liaison", "leader", "handler", "deputy")
NEW_ROLES = ("none", "liaison", "leader", "handler", "deputy")
DUTIES = ("system", "security", "audit")


def _listed(values) -> str:
    return ", ".join(f"'{v}'" for v in values)


def _roles(values) -> None:
    """Let ``user.role`` hold exactly ``values`` (its CHECK constraint; SQLite rebuilds the table)."""
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_user_user_role"), type_="check")
        batch_op.create_check_constraint(op.f("ck_user_user_role"), sa.text(f"role IN ({_listed(values)})"))


def upgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("admin_duty", sa.Enum(*DUTIES, name="admin_duty", native_enum=False,
                                                            create_constraint=True, length=20), nullable=True))
    _roles(OLD_ROLES + ("none",))  # both, while the rows move
    user = sa.table("user", sa.column("role", sa.String), sa.column("admin_duty", sa.String))
    op.execute(user.update().where(user.c.role == "admin").values(role="none", admin_duty="system"))
    _roles(NEW_ROLES)


def downgrade():
    _roles(OLD_ROLES + ("none",))
    user = sa.table("user", sa.column("role", sa.String), sa.column("admin_duty", sa.String))
    # An administrator without a business role was an admin; a business role with a duty keeps the role.
    op.execute(user.update().where(user.c.role == "none").values(role="admin"))
    _roles(OLD_ROLES)
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("admin_duty")
