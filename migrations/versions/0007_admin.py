"""the first court without a name: init-db's old placeholder name “人民法院” becomes an empty name

An unnamed court is one whose admin has not named it yet (init-db was given no name); the admin is asked to
name it at their next login. Before, init-db stored the placeholder “人民法院”, which no real court is called.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 22:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

PLACEHOLDER = "人民法院"


def upgrade():
    op.execute(f"UPDATE court SET name = '' WHERE name = '{PLACEHOLDER}' AND code = 'court' AND parent_id IS NULL")


def downgrade():
    op.execute(f"UPDATE court SET name = '{PLACEHOLDER}' WHERE name = '' AND parent_id IS NULL")
