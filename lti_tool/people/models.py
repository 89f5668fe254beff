"""The people and courses launches and rosters tell us about, and each person's place in a course.

Contexts are keyed per deployment, as LTI Core §5.4 scopes `context.id` to the deployment. Users
are keyed by (issuer, sub).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lti_tool.db import utcnow
from lti_tool.extensions import db
from lti_tool.lti.models import Deployment
from lti_tool.lti.names import person_name, search_key

# Keys compare by code point on both databases (SQLite's BINARY is byte order, which for UTF-8 is
# code point order; PostgreSQL's default collation would sort "jean francois" after "jeanette").
KEY_TYPE = String(600).with_variant(String(600, collation="C"), "postgresql")


class User(db.Model):
    """A person, keyed by (issuer, sub).

    `name_key` and `search_text` are `search_key` of the display name, and of it and the email: lists of a course sort and search by them in SQL, so a search typed
    without accents still matches, and a page of a big course never loads its other members.
    They are kept in step by the flush listener below; a bulk insert must set them itself.
    """

    __tablename__ = "lti_user"
    __table_args__ = (UniqueConstraint("issuer", "sub"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer: Mapped[str] = mapped_column(String(255))
    sub: Mapped[str] = mapped_column(String(255))
    name: Mapped[str | None] = mapped_column(String(255))
    given_name: Mapped[str | None] = mapped_column(String(255))
    family_name: Mapped[str | None] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(320))
    locale: Mapped[str | None] = mapped_column(String(35))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_launch_at: Mapped[datetime | None]
    name_key: Mapped[str] = mapped_column(KEY_TYPE, default="", server_default="")
    search_text: Mapped[str] = mapped_column(KEY_TYPE, default="", server_default="")

    @property
    def display_name(self) -> str:
        """How the LMS named the person; "" when no launch or roster carried a name."""
        return person_name(self.name, self.given_name, self.family_name)

    def refresh_search_keys(self) -> None:
        self.name_key, self.search_text = user_search_keys(
            self.name, self.given_name, self.family_name, self.email
        )


def user_search_keys(
    name: str | None, given_name: str | None, family_name: str | None, email: str | None
) -> tuple[str, str]:
    """(name_key, search_text) of a user, as the column docstring of `User` describes them."""
    display = person_name(name, given_name, family_name)
    return search_key(display)[:600], search_key(f"{display} {email or ''}")[:600]


@event.listens_for(User, "before_insert")
@event.listens_for(User, "before_update")
def _keep_search_keys(_mapper: Any, _connection: Any, user: User) -> None:
    user.refresh_search_keys()


class Context(db.Model):
    """A course (or other LTI context) in one deployment."""

    __tablename__ = "lti_context"
    __table_args__ = (UniqueConstraint("deployment_id", "context_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deployment_id: Mapped[int] = mapped_column(ForeignKey("lti_deployment.id", ondelete="CASCADE"))
    context_id: Mapped[str] = mapped_column(String(255))
    title: Mapped[str | None] = mapped_column(String(255))
    label: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    deployment: Mapped[Deployment] = relationship()


MEMBER_ACTIVE = "active"
MEMBER_INACTIVE = "inactive"
MEMBER_DELETED = "deleted"
MEMBER_STATUSES = (MEMBER_ACTIVE, MEMBER_INACTIVE, MEMBER_DELETED)


class Membership(db.Model):
    """A user's place in a context: the LTI roles as sent, and the tool role they map to.

    A membership comes from a launch or from the course roster (Names and Role Provisioning): a
    person the roster lists who never launched has `last_launch_at` None. `status` is the roster's
    word for them (NRPS 2.0 §2.3: Active, Inactive, Deleted; a full roster that no longer lists
    someone counts as Deleted). Rows are never deleted for it, so a learner's work survives being
    dropped from a course and re-enrolled; lists of the course show active members.
    """

    __tablename__ = "lti_membership"
    __table_args__ = (
        UniqueConstraint("context_id", "user_id"),
        # The roster's counts by status and its status filter read the course's rows by status.
        Index("ix_lti_membership_context_id_status", "context_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    context_id: Mapped[int] = mapped_column(ForeignKey("lti_context.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("lti_user.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))  # facilitator | mentor | learner
    lti_roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    mentee_subs: Mapped[list[str]] = mapped_column(JSON, default=list)
    last_launch_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(20), default=MEMBER_ACTIVE, server_default="active")
    roster_seen_at: Mapped[datetime | None]  # when the LMS roster last listed them

    context: Mapped[Context] = relationship()
    user: Mapped[User] = relationship()
