"""two-factor secrets encrypted at rest with the data key (等保三级 数据保密性)

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-09 10:00:00

``user.totp_secret`` widens to hold the encrypted value (portal.crypto: AES-256-GCM under DATA_KEY, i.e.
PORTAL_DATA_KEY or instance/data_key, bound to the user's id) and every plain base32 secret is encrypted in
place. The downgrade decrypts them again, and stops with a message when one does not decrypt with this server's
data key (another key than the one the upgrade used), rather than leave a value the older version cannot read.
"""
from alembic import op
import sqlalchemy as sa
from flask import current_app


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None

user = sa.table("user", sa.column("id", sa.Integer), sa.column("totp_secret", sa.String))


def _context(user_id: int) -> str:
    return f"user.totp_secret:{user_id}"  # the same as portal.auth.twofactor._context


def _rewrite(change) -> None:
    """Replace each stored secret by ``change(id, value)`` (None: leave it). Every new value is computed before
    the first is written, so a secret that cannot be converted stops the migration with nothing changed (SQLite's
    DDL is not transactional here)."""
    connection = op.get_bind()
    rows = connection.execute(sa.select(user.c.id, user.c.totp_secret)
                              .where(user.c.totp_secret.is_not(None), user.c.totp_secret != "")).all()
    changed = [(user_id, new) for user_id, value in rows if (new := change(user_id, value)) is not None]
    for user_id, new in changed:
        connection.execute(user.update().where(user.c.id == user_id).values(totp_secret=new))


def upgrade():
    from portal import crypto

    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.alter_column("totp_secret", existing_type=sa.String(length=64), type_=sa.String(length=255),
                              existing_nullable=True)
    key = current_app.config["DATA_KEY"]
    _rewrite(lambda user_id, value: None if crypto.is_encrypted(value)
             else crypto.encrypt(value, _context(user_id), key=key))


def downgrade():
    from portal import crypto

    key = current_app.config["DATA_KEY"]

    def plain(user_id, value):
        if not crypto.is_encrypted(value):
            return None
        try:
            return crypto.decrypt(value, _context(user_id), key=key)
        except crypto.DecryptError as error:
            raise RuntimeError(f"user #{user_id}'s two-factor secret does not decrypt with this DATA_KEY ({error}):"
                               " downgrade with the data key the secrets were encrypted with") from error

    _rewrite(plain)
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.alter_column("totp_secret", existing_type=sa.String(length=255), type_=sa.String(length=64),
                              existing_nullable=True)
