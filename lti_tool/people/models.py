"""The people and courses launches and rosters tell us about, and each person's place in a course.

Contexts are keyed per deployment, as LTI Core §5.4 scopes `context.id` to the deployment. Users
are keyed by (issuer, sub).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, event
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import Mapped, Mapper, mapped_column, relationship

from lti_tool.db import utcnow
from lti_tool.extensions import db
from lti_tool.lti.models import Deployment
from lti_tool.lti.names import person_name, search_key

# Code-point order on PostgreSQL, as Python sorts: a database's default collation (en_US, say)
# orders by language rules, and the grid's pages must not depend on the server's locale.
KEY_TYPE = Text().with_variant(Text(collation="C"), "postgresql")
_NAME_PARTS = ("name", "given_name", "family_name", "email")


def name_keys(
    name: str | None, given_name: str | None, family_name: str | None, email: str | None
) -> dict[str, str]:
    """The stored search columns of a person, from the fields they derive from.

    `name_key` is the shown name folded (`search_key(person_name(...))`), what pages sort by;
    `search_text` the folded shown name, given and family names and email, space separated, what a
    search's words are looked for in. Stored, so the database filters and sorts a course of
    thousands without reading every name into Python: no database folds accents as `search_key`
    does (PostgreSQL's unaccent is an extension, SQLite has nothing).
    """
    shown = person_name(name, given_name, family_name)
    parts = (shown, given_name, family_name, email)
    return {
        "name_key": search_key(shown),
        "search_text": " ".join(search_key(part) for part in parts),
    }


def _key_default(column: str) -> Any:
    """A column default computed from the row's own name fields, so every INSERT (ORM or a bulk
    Core insert of many rows) stores the keys."""

    def compute(context: DefaultExecutionContext) -> str:
        values = context.get_current_parameters()
        return name_keys(*(values.get(part) for part in _NAME_PARTS))[column]

    return compute


class User(db.Model):
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
    # Derived from the four name fields on every write (`name_keys`); never set by hand.
    name_key: Mapped[str] = mapped_column(
        KEY_TYPE, default=_key_default("name_key"), server_default=""
    )
    search_text: Mapped[str] = mapped_column(
        KEY_TYPE, default=_key_default("search_text"), server_default=""
    )

    @property
    def display_name(self) -> str:
        """How the LMS named the person; "" when no launch or roster carried a name."""
        return person_name(self.name, self.given_name, self.family_name)

    def refresh_keys(self) -> None:
        """Recompute the stored search columns from the name fields."""
        for column, value in name_keys(*(getattr(self, part) for part in _NAME_PARTS)).items():
            setattr(self, column, value)


@event.listens_for(User, "before_insert")
@event.listens_for(User, "before_update")
def _refresh_keys(_mapper: Mapper[User], _connection: Any, user: User) -> None:
    """Launches and roster syncs change names through the ORM: the keys follow on every flush."""
    user.refresh_keys()


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
    # Their latest progress, draft or submission in this course: written by database triggers
    # (`course_progress.models`), never by the app; the progress grid sorts by it.
    activity_at: Mapped[datetime | None]

    context: Mapped[Context] = relationship()
    user: Mapped[User] = relationship()
