"""Tables of the web feature (see its migration in ezd/migrations/versions/0003_web.py).

Sessions are server-side: the browser holds a random token, the database only its SHA-256, so a
leaked database does not hand out live sessions and logout/lockout revoke them at once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ezd.db.base import Base, utcnow


class WebSession(Base):
    __tablename__ = "web_session"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    auth_method: Mapped[str] = mapped_column(String(10), default="local")  # local | oidc
    user_agent: Mapped[str | None] = mapped_column(String(200))
