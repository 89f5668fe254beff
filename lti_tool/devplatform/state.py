"""Everything the development platform remembers: its gradebook, tokens, deep-link returns, requests.

In memory on purpose: this fakes an external LMS, and tests assert on what "the LMS" received via
`platform_app.extensions["dev_platform_state"]`. The platform server is threaded, so every access
goes through one lock and readers get copies.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from lti_tool.devplatform.course import Course, Member, ResourceLink


@dataclass(frozen=True)
class TokenGrant:
    client_id: str
    scopes: frozenset[str]
    expires_at: float


@dataclass(frozen=True)
class LineItem:
    number: int
    context_id: str
    fields: dict[str, Any]  # the AGS JSON without "id" (label, scoreMaximum, resourceLinkId...)


@dataclass(frozen=True)
class ScoreRecord:
    line_item: int
    user_id: str
    score: dict[str, Any]  # the score JSON as received
    timestamp: datetime
    received_at: datetime


@dataclass(frozen=True)
class DeepLinkReturn:
    content_items: list[dict[str, Any]]
    data: str | None
    messages: dict[str, str]  # msg, log, errormsg, errorlog when present
    received_at: datetime


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: str
    content_type: str | None
    accept: str | None
    authorization_scheme: str | None  # "Bearer" etc.; never the credential itself


@dataclass
class PlatformState:
    """Mutable platform state. Use the methods (they lock); the fields are for reading in tests."""

    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    line_items: dict[int, LineItem] = field(default_factory=dict)
    scores: list[ScoreRecord] = field(default_factory=list)
    tokens: dict[str, TokenGrant] = field(default_factory=dict, repr=False)
    tokens_issued: int = 0
    deep_link_returns: list[DeepLinkReturn] = field(default_factory=list)
    extra_members: list[Member] = field(default_factory=list)
    # The roster's history, for NRPS `differences` (NRPS 2.0 §2.4.2): every change gets the next
    # sequence number; a differences URL carries the number it was issued at.
    roster_version: int = 0
    member_changes: dict[str, int] = field(default_factory=dict)  # sub → version of last change
    member_status: dict[str, str] = field(default_factory=dict)  # sub → Inactive (Active if absent)
    removed_members: dict[str, tuple[Member, int]] = field(default_factory=dict)
    extra_links: list[ResourceLink] = field(default_factory=list)
    requests: list[RecordedRequest] = field(default_factory=list)
    tool_jwks: dict[str, Any] | None = None
    unavailable_status: int | None = None
    failures_left: int = 0
    failure_status: int = 503
    _seen: set[tuple[str, str]] = field(default_factory=set, repr=False)
    _next_line_item: int = 1

    # People and placements ----------------------------------------------------------------------

    def add_member(self, member: Member) -> None:
        """Add someone the LMS knows but who may never have launched the tool (NRPS tests)."""
        self.add_members([member])

    def add_members(self, members: list[Member]) -> None:
        with self.lock:
            for member in members:
                self.extra_members.append(member)
                self.removed_members.pop(member.sub, None)
                self._changed(member.sub)

    def remove_member(self, course: Course, key: str) -> Member:
        """Take someone out of the course: gone from the roster, Deleted in its differences."""
        with self.lock:
            member = self._existing(course, key)
            self.extra_members = [m for m in self.extra_members if m.key != key]
            self._changed(member.sub)
            self.removed_members[member.sub] = (member, self.roster_version)
            return member

    def set_member_status(self, course: Course, key: str, status: str) -> None:
        """Active or Inactive (an enrolment the LMS suspended or concluded)."""
        with self.lock:
            member = self._existing(course, key)
            self.member_status[member.sub] = status
            self._changed(member.sub)

    def update_member(self, course: Course, key: str, **changes: Any) -> None:
        """Change someone's roles or names (an LMS edit), as the next roster will show."""
        with self.lock:
            member = self._existing(course, key)
            updated = replace(member, **changes)
            if member in self.extra_members:
                self.extra_members = [updated if m is member else m for m in self.extra_members]
            else:
                self.extra_members.append(updated)  # overrides the demo course's entry
            self._changed(member.sub)

    def _existing(self, course: Course, key: str) -> Member:
        member = self.member(course, key)
        if member is None:
            raise KeyError(f"no member {key!r} in the course")
        return member

    def _changed(self, sub: str) -> None:
        self.roster_version += 1
        self.member_changes[sub] = self.roster_version

    def members(self, course: Course) -> list[Member]:
        """The course as it stands: demo members (unless removed or overridden), then extras."""
        with self.lock:
            extra_subs = {m.sub for m in self.extra_members}
            base = [
                m
                for m in course.members
                if m.sub not in extra_subs and m.sub not in self.removed_members
            ]
            return [*base, *self.extra_members]

    def status_of(self, member: Member) -> str:
        with self.lock:
            if member.sub in self.removed_members:
                return "Deleted"
            return self.member_status.get(member.sub, "Active")

    def changes_since(self, course: Course, version: int) -> list[Member]:
        """Members changed after `version`, removed ones included (their status says Deleted)."""
        with self.lock:
            current = [
                m for m in self.members(course) if self.member_changes.get(m.sub, 0) > version
            ]
            gone = [m for m, at in self.removed_members.values() if at > version]
            return [*current, *gone]

    def member(self, course: Course, key: str) -> Member | None:
        return next((m for m in self.members(course) if m.key == key), None)

    def add_link(self, link: ResourceLink) -> None:
        with self.lock:
            self.extra_links.append(link)

    def links(self, course: Course) -> list[ResourceLink]:
        with self.lock:
            return [*course.links, *self.extra_links]

    def link(self, course: Course, link_id: str) -> ResourceLink | None:
        return next((link for link in self.links(course) if link.id == link_id), None)

    # Gradebook (AGS) ----------------------------------------------------------------------------

    def create_line_item(self, context_id: str, fields: dict[str, Any]) -> LineItem:
        with self.lock:
            item = LineItem(self._next_line_item, context_id, dict(fields))
            self.line_items[item.number] = item
            self._next_line_item += 1
            return item

    def find_line_items(self, context_id: str, **filters: str | None) -> list[LineItem]:
        """Filter on AGS fields (resourceLinkId, resourceId, tag); None means no filter."""
        with self.lock:
            return [
                item
                for item in self.line_items.values()
                if item.context_id == context_id
                and all(v is None or item.fields.get(k) == v for k, v in filters.items())
            ]

    def line_item(self, context_id: str, number: int) -> LineItem | None:
        with self.lock:
            item = self.line_items.get(number)
            return item if item is not None and item.context_id == context_id else None

    def replace_line_item(self, item: LineItem, fields: dict[str, Any]) -> LineItem:
        with self.lock:
            updated = LineItem(item.number, item.context_id, dict(fields))
            self.line_items[item.number] = updated
            return updated

    def delete_line_item(self, item: LineItem) -> None:
        with self.lock:
            self.line_items.pop(item.number, None)
            self.scores = [s for s in self.scores if s.line_item != item.number]

    def record_score(self, item: LineItem, score: dict[str, Any], timestamp: datetime) -> None:
        with self.lock:
            self.scores.append(
                ScoreRecord(item.number, score["userId"], dict(score), timestamp, datetime.now(UTC))
            )

    def results(self, item: LineItem, user_id: str | None = None) -> list[ScoreRecord]:
        """The current result per user: the score with the latest timestamp (AGS 2.0 §3.4.8)."""
        latest: dict[str, ScoreRecord] = {}
        with self.lock:
            for record in self.scores:
                if record.line_item != item.number:
                    continue
                if user_id is not None and record.user_id != user_id:
                    continue
                current = latest.get(record.user_id)
                if current is None or record.timestamp >= current.timestamp:
                    latest[record.user_id] = record
        return list(latest.values())

    # OAuth2 tokens ------------------------------------------------------------------------------

    def issue_token(self, client_id: str, scopes: frozenset[str], lifetime: int) -> str:
        token = secrets.token_urlsafe(32)
        with self.lock:
            self.tokens[token] = TokenGrant(client_id, scopes, time.time() + lifetime)
            self.tokens_issued += 1
        return token

    def token_grant(self, token: str) -> TokenGrant | None:
        with self.lock:
            grant = self.tokens.get(token)
        if grant is None or grant.expires_at <= time.time():
            return None
        return grant

    def expire_tokens(self) -> None:
        """Make every issued token invalid, as an LMS does when it restarts or revokes them."""
        with self.lock:
            self.tokens.clear()

    def first_use(self, kind: str, value: str) -> bool:
        """True the first time (kind, value) is seen: nonces and assertion jtis are single-use."""
        with self.lock:
            if (kind, value) in self._seen:
                return False
            self._seen.add((kind, value))
            return True

    # Deep linking, requests, outages --------------------------------------------------------------

    def record_deep_link_return(self, received: DeepLinkReturn) -> None:
        with self.lock:
            self.deep_link_returns.append(received)

    def record_request(self, request: RecordedRequest, keep: int = 500) -> None:
        """Remember a service call; only the last `keep`, so a long dev session stays small."""
        with self.lock:
            self.requests.append(request)
            del self.requests[:-keep]

    def set_unavailable(self, status: int | None = 503) -> None:
        """Answer every service call (token, AGS, NRPS) with `status` until called with None."""
        with self.lock:
            self.unavailable_status = status

    def fail_next(self, count: int, status: int = 503) -> None:
        """Answer the next `count` service calls with `status`, then recover (retry tests)."""
        with self.lock:
            self.failures_left = count
            self.failure_status = status

    def take_failure(self) -> int | None:
        with self.lock:
            if self.unavailable_status is not None:
                return self.unavailable_status
            if self.failures_left > 0:
                self.failures_left -= 1
                return self.failure_status
            return None
