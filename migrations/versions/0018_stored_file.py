"""stored files: uploads kept in the database when UPLOAD_STORAGE is "database", for several app servers

Revision ID: 0018
Revises: 0017
"""
import sqlalchemy as sa
from alembic import op

from portal.models import UTCDateTime

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "stored_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stored_file")),
        sa.UniqueConstraint("area", "name", name="uq_stored_file_area_name"),
    )


def downgrade():
    op.drop_table("stored_file")
