"""indexes for the province's figures and supervision: item.supervised_due (generated), covering indexes

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-02 11:30:00

- ``item.supervised_due``: a generated column (the database computes it on every insert and update, bulk ones
  included) holding the date an item still owed a reply is supervised against (its deadline, else a letter's
  proposed-handling date), NULL in the other states. The supervision counts, the queue's flagged items and the
  board's deadline filter read a range of it through ``ix_item_supervised_due`` instead of computing a CASE for
  every item. SQLite adds it as a VIRTUAL column (the index stores it), PostgreSQL as STORED.
- ``ix_item_figures``: the figures' columns, so the counts by court, kind and department of a period read the index
  and not the items' long texts; ``ix_item_closed`` for the month-by-month 办结 trend.
- ``ix_hearing_invitation_hearing_status`` (hearing_id, status) in place of (hearing_id): the hearings' figures
  count invitations by status from the index alone.

Then ANALYZE of those tables on SQLite, which keeps no statistics by itself (``flask --app portal supervise`` does
it again nightly).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None

SUPERVISED = ("registered", "instructed", "assigned", "in_progress", "reply_drafted", "reply_heard")
SUPERVISED_DUE_SQL = ("CASE WHEN state IN (" + ", ".join(f"'{s}'" for s in SUPERVISED) + ") "
                      "THEN coalesce(deadline, proposal_due) END")
FIGURE_COLUMNS = ["received_on", "court_id", "kind", "department_id", "closed_at", "answered_on", "deadline",
                  "rating", "rated_at"]


def upgrade():
    sqlite = op.get_bind().dialect.name == "sqlite"
    # SQLite can add a generated column only as VIRTUAL; PostgreSQL only as STORED
    op.add_column("item", sa.Column("supervised_due", sa.Date(),
                                    sa.Computed(SUPERVISED_DUE_SQL, persisted=False if sqlite else True)))
    op.create_index("ix_item_supervised_due", "item", ["supervised_due", "court_id", "state"])
    op.create_index("ix_item_figures", "item", FIGURE_COLUMNS)
    op.create_index("ix_item_closed", "item", ["closed_at", "court_id"])
    op.create_index("ix_hearing_invitation_hearing_status", "hearing_invitation", ["hearing_id", "status"])
    op.drop_index("ix_hearing_invitation_hearing_id", table_name="hearing_invitation")
    if sqlite:
        op.execute("ANALYZE item")
        op.execute("ANALYZE hearing_invitation")


def downgrade():
    op.create_index("ix_hearing_invitation_hearing_id", "hearing_invitation", ["hearing_id"])
    op.drop_index("ix_hearing_invitation_hearing_status", table_name="hearing_invitation")
    op.drop_index("ix_item_closed", table_name="item")
    op.drop_index("ix_item_figures", table_name="item")
    op.drop_index("ix_item_supervised_due", table_name="item")
    with op.batch_alter_table("item") as batch:  # SQLite drops a column by copying the table
        batch.drop_column("supervised_due")
