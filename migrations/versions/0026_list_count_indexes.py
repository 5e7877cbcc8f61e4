"""indexes for the counts over a province: the reception log's 人次 and open follow-ups, the outbox, messages sent

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06 21:30:00

Each list page counts what its filters select, and over a province's year those counts read tens of thousands of
rows; these indexes let them read the index alone instead of every row:

- ``ix_reception_court_received`` gains ``other_count``: the log's 人次 sums it over the period's receptions;
  ``ix_reception_received`` (received_at, id): the newest page of many courts' log is read in the index's order
  (PostgreSQL sorted every reception of the period for it), as the items' ``ix_item_received``.
- ``ix_item_origin`` gains ``state``: the log's open follow-ups are the items raised at those receptions not yet
  answered.
- ``ix_message_court_state`` (court_id, state, channel, sent_at) in place of ``ix_message_court_id``: the outbox
  counts the courts' messages by state (it read every message through the due-index before), the figures the
  messages sent in a period by channel.

Then ANALYZE of those tables on SQLite, which keeps no statistics by itself.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None

WIDER = [("reception", "ix_reception_court_received", ["court_id", "received_at", "id"], ["other_count"]),
         ("item", "ix_item_origin", ["origin", "origin_id"], ["state"])]


def upgrade():
    for table, name, columns, added in WIDER:
        op.drop_index(name, table_name=table)
        op.create_index(name, table, columns + added)
    op.create_index("ix_reception_received", "reception", ["received_at", "id"])
    op.create_index("ix_message_court_state", "message", ["court_id", "state", "channel", "sent_at"])
    op.drop_index("ix_message_court_id", table_name="message")
    if op.get_bind().dialect.name == "sqlite":
        for table in ("reception", "item", "message"):
            op.execute(f"ANALYZE {table}")


def downgrade():
    op.create_index("ix_message_court_id", "message", ["court_id"])
    op.drop_index("ix_message_court_state", table_name="message")
    op.drop_index("ix_reception_received", table_name="reception")
    for table, name, columns, _ in WIDER:
        op.drop_index(name, table_name=table)
        op.create_index(name, table, columns)
