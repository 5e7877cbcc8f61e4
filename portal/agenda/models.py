"""A user's private calendar feed: the secret in its address is the only key, so it can be replaced or revoked."""
import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models import UTCDateTime, utcnow


class AgendaFeed(db.Model):
    __audited__ = True
    __audit_label__ = "日历订阅"
    __audit_labels__ = {"user_id": "用户", "token": "订阅密钥", "created_at": "创建时间"}
    __audit_exclude__ = {"token"}

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True, default=lambda: secrets.token_urlsafe(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User")

    def __str__(self) -> str:
        return f"日历订阅：{self.user.display_name if self.user else self.user_id}"
