"""The course roster as NRPS 2.0 sends it, and what a sync changes. Pure: no Flask, no database.

Names and Role Provisioning Services 2.0: a membership container (§2.2) lists `members`, each with
`user_id` (the launch's `sub`), `roles`, an optional `status` (§2.3: Active, Inactive, Deleted;
Active when absent) and whatever names and email the LMS's privacy settings release. Pages are
linked by RFC 8288 `Link` headers: `rel="next"` until the last page, and `rel="differences"`
(§2.4.2) for a later request that lists only the members changed since, Deleted ones included.

A *full* sync knows the whole course: a member it does not list is no longer in it. A
*differences* sync knows only changes: a member it does not list is unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from lti_tool.lti.names import person_name
from lti_tool.lti.roles import ToolRole, tool_role

MEMBERSHIP_CONTAINER = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
FULL = "full"
DIFFERENCES = "differences"
ACTIVE, INACTIVE, DELETED = "active", "inactive", "deleted"
_STATUSES = {"active": ACTIVE, "inactive": INACTIVE, "deleted": DELETED}
_LINK = re.compile(r"<([^>]*)>\s*((?:;\s*[^;,]*)*)")
_PARAM = re.compile(r';\s*([a-zA-Z*]+)\s*=\s*(?:"([^"]*)"|([^;,\s]*))')


class RosterFormatError(ValueError):
    """The LMS answered with something that is not a membership container."""


@dataclass(frozen=True)
class RosterMember:
    sub: str
    status: str = ACTIVE
    roles: tuple[str, ...] = ()
    name: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    email: str | None = None

    @property
    def tool_role(self) -> ToolRole | None:
        """None when the LMS sent no roles: a launch's roles are then kept, not overwritten."""
        return tool_role(self.roles) if self.roles else None

    @property
    def display_name(self) -> str | None:
        return person_name(self.name, self.given_name, self.family_name) or None


def parse_link_header(value: str | None) -> dict[str, str]:
    """The links of an RFC 8288 header by relation: `<url>; rel="next", <url2>; rel="differences"`.

    Relation names are case-insensitive and a `rel` may list several; URLs are kept exactly as
    sent (some LMSs sign their query strings).
    """
    links: dict[str, str] = {}
    for match in _LINK.finditer(value or ""):
        url, params = match.group(1).strip(), match.group(2)
        for name, quoted, bare in _PARAM.findall(params):
            if name.lower() == "rel":
                for rel in (quoted or bare).split():
                    links.setdefault(rel.lower(), url)
    return links


def _text(value: Any, limit: int) -> str | None:
    return value.strip()[:limit] if isinstance(value, str) and value.strip() else None


def parse_member(raw: Any) -> RosterMember | None:
    """One member of a container; None for an entry without a usable `user_id` (skipped)."""
    if not isinstance(raw, dict):
        return None
    sub = raw.get("user_id")
    if not isinstance(sub, str) or not sub.strip() or len(sub) > 255:
        return None
    status = raw.get("status")
    roles = raw.get("roles")
    return RosterMember(
        sub=sub,
        status=_STATUSES.get(status.strip().lower(), ACTIVE) if isinstance(status, str) else ACTIVE,
        roles=tuple(r for r in roles if isinstance(r, str)) if isinstance(roles, list) else (),
        name=_text(raw.get("name"), 255),
        given_name=_text(raw.get("given_name"), 255),
        family_name=_text(raw.get("family_name"), 255),
        email=_text(raw.get("email"), 320),
    )


def parse_container(body: Any) -> list[RosterMember]:
    """The usable members of one page; RosterFormatError when the page is not a container."""
    if not isinstance(body, dict) or not isinstance(body.get("members"), list):
        raise RosterFormatError("not a membership container (no members list)")
    return [member for member in map(parse_member, body["members"]) if member is not None]


def container_context_id(body: Any) -> str | None:
    """The course a container says it lists (NRPS 2.0 §2.2 `context.id`), when it says."""
    context = body.get("context") if isinstance(body, dict) else None
    value = context.get("id") if isinstance(context, dict) else None
    return value if isinstance(value, str) and value else None


def merge_pages(pages: Iterable[list[RosterMember]]) -> dict[str, RosterMember]:
    """One entry per person: an LMS that repeats someone across pages is read once (last wins)."""
    merged: dict[str, RosterMember] = {}
    for page in pages:
        for member in page:
            merged[member.sub] = member
    return merged


@dataclass(frozen=True)
class RosterChanges:
    """What a sync does to the course's memberships, by `sub`."""

    added: tuple[RosterMember, ...] = ()
    updated: tuple[RosterMember, ...] = ()
    removed: tuple[str, ...] = ()  # no longer listed by a full roster: marked deleted
    unchanged: int = 0


def plan_changes(
    known: Mapping[str, str], listed: Mapping[str, RosterMember], *, kind: str
) -> RosterChanges:
    """Compare the course's memberships (`sub` → status) with what the roster listed.

    A listed person not yet a member is added, even when listed as Deleted by a differences page
    (then added as deleted, so a later relaunch or re-enrolment finds one row). In a full sync, a
    member not listed is removed (status deleted) unless already so.
    """
    added = tuple(member for sub, member in listed.items() if sub not in known)
    updated = tuple(member for sub, member in listed.items() if sub in known)
    removed: tuple[str, ...] = ()
    if kind == FULL:
        removed = tuple(
            sub for sub, status in known.items() if sub not in listed and status != DELETED
        )
    unchanged = len(known) - len(updated) - len(removed)
    return RosterChanges(added, updated, removed, unchanged)


def is_stale(synced_at: datetime | None, now: datetime, max_age_seconds: int) -> bool:
    """A roster never synced, or synced longer ago than the board's configured age."""
    return synced_at is None or now - synced_at >= timedelta(seconds=max_age_seconds)


@dataclass(frozen=True)
class SyncProgress:
    """What the roster page says about the sync: waiting for a worker, running, next due."""

    requested_at: datetime | None  # asked for, no worker has started it yet
    running_since: datetime | None
    next_due_at: datetime | None  # the schedule's next automatic sync; None: due now


def sync_progress(
    *,
    synced_at: datetime | None,
    attempted_at: datetime | None,
    requested_at: datetime | None,
    running_since: datetime | None,
    failed: bool,
    now: datetime,
    max_age_seconds: int,
    retry_seconds: int,
    lease_seconds: int,
) -> SyncProgress:
    lease = timedelta(seconds=lease_seconds)
    running = running_since if running_since and now - running_since < lease else None
    waiting = (
        requested_at
        if requested_at
        and running is None
        and (attempted_at is None or attempted_at < requested_at)
        and now - requested_at < lease
        else None
    )
    due = None if synced_at is None else synced_at + timedelta(seconds=max_age_seconds)
    if failed and attempted_at is not None:
        retry = attempted_at + timedelta(seconds=retry_seconds)
        due = retry if due is None else max(due, retry)
    return SyncProgress(waiting, running, due if due is not None and due > now else None)


def next_sync(
    *,
    memberships_url: str,
    differences_url: str | None,
    full_synced_at: datetime | None,
    now: datetime,
    full_every_seconds: int,
    want_full: bool = False,
) -> tuple[str, str]:
    """(kind, url) of the next sync: the LMS's differences link when it offered one, unless a full
    sync was asked for or the last one is older than `full_every_seconds` (a chain of
    differences never learns of an LMS that forgot to report a removal)."""
    if differences_url and not want_full and not is_stale(full_synced_at, now, full_every_seconds):
        return DIFFERENCES, differences_url
    return FULL, memberships_url
