"""Pure grade rules: the AGS score payload, the retry schedule, and which failures are worth retrying.

AGS 2.0 §3.4 (Score publish service). Standard library only: unit-tested without an app. The payload
is built from numbers and ids alone, so no web score or reflection text can reach the gradebook.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from lti_tool.learning_modules.domain.modules import COMPLETION_TAG

SCORE_MEDIA_TYPE = "application/vnd.ims.lis.v1.score+json"
LINEITEM_MEDIA_TYPE = "application/vnd.ims.lis.v2.lineitem+json"
LINEITEM_CONTAINER_MEDIA_TYPE = "application/vnd.ims.lis.v2.lineitemcontainer+json"
SCORE_SCOPE_SUFFIX = "/scope/score"
LINEITEM_SCOPE_SUFFIX = "/scope/lineitem"

# Seconds to wait after the 1st, 2nd, … failed attempt; the last value repeats.
BACKOFF_SECONDS = (60, 300, 900, 3600, 14400)
MAX_ATTEMPTS = 8  # about 17 hours of trying, then the record is `failed` until someone retries it
ERROR_LIMIT = 300
# How long a worker may hold a record it is sending: longer than its LMS calls can take (token,
# line item search, creation and score, each with its timeout), short enough that a killed
# worker's record is tried again soon.
CLAIM_SECONDS = 120
# A score whose module's column another worker is creating waits this long, uncounted.
COLUMN_WAIT_SECONDS = 3


class Status(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


@dataclass(frozen=True)
class Score:
    """What a gradebook may learn: who, how much out of how much, and when. Nothing else."""

    user_id: str
    score_given: float
    score_maximum: float
    timestamp: datetime
    activity_progress: str = "Completed"
    grading_progress: str = "FullyGraded"


def score_payload(score: Score) -> dict[str, object]:
    """The AGS score JSON (`application/vnd.ims.lis.v1.score+json`). Never carries a comment."""
    if score.score_maximum <= 0 or not 0 <= score.score_given <= score.score_maximum:
        raise ValueError("scoreGiven must be between 0 and a positive scoreMaximum")
    return {
        "userId": score.user_id,
        "scoreGiven": score.score_given,
        "scoreMaximum": score.score_maximum,
        "activityProgress": score.activity_progress,
        "gradingProgress": score.grading_progress,
        "timestamp": iso_timestamp(score.timestamp),
    }


def iso_timestamp(moment: datetime) -> str:
    """ISO 8601 with a time zone, as AGS requires; naive datetimes are UTC (the database's)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def line_item_payload(
    label: str, resource_link_id: str | None, resource_id: str
) -> dict[str, object]:
    """A completion column: 1 point, tagged so the tool finds it again (Brightspace makes none)."""
    payload: dict[str, object] = {
        "label": label,
        "scoreMaximum": 1,
        "tag": COMPLETION_TAG,
        "resourceId": resource_id,
    }
    if resource_link_id:
        payload["resourceLinkId"] = resource_link_id
    return payload


def scores_url(lineitem_url: str) -> str:
    """`<line item>/scores`, keeping any query string (Moodle: `…/lineitems/7/lineitem?type_id=3`)."""
    parts = urlsplit(lineitem_url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/scores"))


def with_query(url: str, params: dict[str, str]) -> str:
    """`url` with `params` added to whatever query it already has."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True) + list(params.items())
    return urlunsplit(parts._replace(query=urlencode(query)))


@dataclass(frozen=True)
class DeliveryPolicy:
    """How long one worker holds a score, how long to wait after each failed attempt, and when to
    give up (settings GRADE_CLAIM_SECONDS, GRADE_RETRY_BACKOFF_SECONDS, GRADE_MAX_ATTEMPTS)."""

    claim_seconds: int = CLAIM_SECONDS
    backoff_seconds: tuple[int, ...] = BACKOFF_SECONDS
    max_attempts: int = MAX_ATTEMPTS
    max_retry_after_seconds: int = 24 * 3600  # an LMS's Retry-After beyond this is capped


DEFAULT_POLICY = DeliveryPolicy()


def next_attempt_delay(attempts: int, policy: DeliveryPolicy = DEFAULT_POLICY) -> timedelta:
    """The wait after `attempts` failed attempts (1 → 1 min, 2 → 5 min, … capped at 4 h)."""
    backoff = policy.backoff_seconds or BACKOFF_SECONDS
    index = min(max(attempts, 1), len(backoff)) - 1
    return timedelta(seconds=backoff[index])


def is_retryable(status: int | None) -> bool:
    """Network errors (None), 408, 429 and 5xx may pass later; other 4xx answers will not."""
    return status is None or status in (408, 429) or status >= 500


def after_failure(
    attempts: int,
    status: int | None,
    now: datetime,
    policy: DeliveryPolicy = DEFAULT_POLICY,
    *,
    retry_after: int | None = None,
) -> tuple[Status, datetime | None]:
    """Status and next attempt time once the `attempts`-th attempt failed with `status`.

    The wait is the backoff's, or longer when the LMS said how long to wait (`Retry-After`).
    """
    if not is_retryable(status) or attempts >= policy.max_attempts:
        return Status.FAILED, None
    delay = next_attempt_delay(attempts, policy)
    if retry_after is not None:
        delay = max(delay, timedelta(seconds=min(retry_after, policy.max_retry_after_seconds)))
    return Status.PENDING, now + delay


def short_error(status: int | None, reason: str) -> str:
    """What the facilitator page and the CLI show: the status and a one-line reason, bounded."""
    reason = " ".join(reason.split())
    text = f"HTTP {status}: {reason}" if status is not None else reason
    return text[:ERROR_LIMIT]


def has_scope(scopes: tuple[str, ...] | list[str], suffix: str) -> bool:
    return any(scope.endswith(suffix) for scope in scopes)


LINE_ITEM_PAGES = 20  # pages of a line item search followed before giving up


def is_modules_own_link(module_slug: str, linked_module: str | None) -> bool:
    """Whether a launch's link is `module_slug`'s own (deep-linked with `custom.module`).

    Only then are the launch's `lineitem` and resource link the module's: any other link — the
    web builder, another module, a plain tool link — has a column of its own that this module's
    score must never reach.
    """
    return bool(linked_module) and linked_module == module_slug


def choose_line_item(items: object, module_slug: str) -> str | None:
    """The id of `module_slug`'s column in a line item container page, or None.

    A column is the module's when its `resourceId` is the slug; the tool's completion tag breaks a
    tie (an LMS may keep the deep link's `resourceId` and drop its tag). LMSs that ignore the
    search filters send every column, so the check is made here again.
    """
    candidates = [
        item
        for item in (items if isinstance(items, list) else ())
        if isinstance(item, dict)
        and isinstance(item.get("id"), str)
        and item.get("resourceId") == module_slug
    ]
    tagged = [item for item in candidates if item.get("tag") == COMPLETION_TAG]
    chosen = (tagged or candidates)[:1]
    return chosen[0]["id"] if chosen else None
