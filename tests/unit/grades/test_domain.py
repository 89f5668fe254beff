"""The grade rules without an app: the score payload, URLs, backoff and retry decisions."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from lti_tool.grades import domain
from lti_tool.grades.domain import Score, Status

NOW = datetime(2026, 3, 2, 14, 30)


def test_score_payload_carries_only_numbers_ids_and_progress():
    payload = domain.score_payload(Score("sub-é", 1, 1, NOW))
    assert payload == {
        "userId": "sub-é",
        "scoreGiven": 1,
        "scoreMaximum": 1,
        "activityProgress": "Completed",
        "gradingProgress": "FullyGraded",
        "timestamp": "2026-03-02T14:30:00.000+00:00",
    }
    assert "comment" not in json.dumps(payload)


def test_score_has_no_place_for_text():
    # The dataclass has no comment or web score field: reflection text cannot be passed in.
    with pytest.raises(TypeError):
        Score("sub", 1, 1, NOW, comment="Ma réflexion")  # type: ignore[call-arg]


def test_timestamp_is_iso_8601_with_a_time_zone():
    toronto = timezone(timedelta(hours=-5))
    stamp = domain.iso_timestamp(datetime(2026, 3, 2, 9, 30, tzinfo=toronto))
    assert stamp == "2026-03-02T14:30:00.000+00:00"
    assert datetime.fromisoformat(domain.iso_timestamp(NOW)).tzinfo is not None


@pytest.mark.parametrize(("given", "maximum"), [(2, 1), (-1, 1), (0, 0)])
def test_impossible_scores_are_refused(given, maximum):
    with pytest.raises(ValueError, match="scoreGiven"):
        domain.score_payload(Score("sub", given, maximum, NOW))


@pytest.mark.parametrize(
    ("line_item", "expected"),
    [
        ("https://lms.test/c/1/lineitems/7", "https://lms.test/c/1/lineitems/7/scores"),
        ("https://lms.test/c/1/lineitems/7/", "https://lms.test/c/1/lineitems/7/scores"),
        (
            "https://moodle.test/mod/lti/services.php/2/lineitems/7/lineitem?type_id=3",
            "https://moodle.test/mod/lti/services.php/2/lineitems/7/lineitem/scores?type_id=3",
        ),
    ],
)
def test_scores_url_goes_before_the_query(line_item, expected):
    assert domain.scores_url(line_item) == expected


def test_with_query_keeps_the_existing_query():
    url = domain.with_query("https://lms.test/lineitems?type_id=3", {"tag": "a b"})
    assert url == "https://lms.test/lineitems?type_id=3&tag=a+b"


def test_line_item_payload_is_a_tagged_one_point_column():
    payload = domain.line_item_payload("Écouter pour comprendre", "rl-1", "active-listening")
    assert payload == {
        "label": "Écouter pour comprendre",
        "scoreMaximum": 1,
        "tag": domain.COMPLETION_TAG,
        "resourceId": "active-listening",
        "resourceLinkId": "rl-1",
    }
    assert "resourceLinkId" not in domain.line_item_payload("x", None, "slug")


def test_backoff_grows_then_caps():
    delays = [domain.next_attempt_delay(n).total_seconds() for n in range(1, 9)]
    assert delays[:5] == [60, 300, 900, 3600, 14400]
    assert delays[5:] == [14400, 14400, 14400]
    assert delays == sorted(delays)


@pytest.mark.parametrize(
    ("status", "retryable"),
    [
        (None, True),
        (500, True),
        (502, True),
        (503, True),
        (429, True),
        (408, True),
        (400, False),
        (401, False),
        (403, False),
        (404, False),
        (415, False),
    ],
)
def test_which_failures_are_retried(status, retryable):
    assert domain.is_retryable(status) is retryable


def test_after_failure_schedules_or_gives_up():
    assert domain.after_failure(1, 503, NOW) == (Status.PENDING, NOW + timedelta(minutes=1))
    assert domain.after_failure(3, None, NOW) == (Status.PENDING, NOW + timedelta(minutes=15))
    assert domain.after_failure(1, 400, NOW) == (Status.FAILED, None)
    assert domain.after_failure(domain.MAX_ATTEMPTS, 503, NOW) == (Status.FAILED, None)


def test_an_lms_that_says_how_long_to_wait_is_waited_for_never_less_than_the_backoff():
    assert domain.after_failure(1, 429, NOW, retry_after=600) == (
        Status.PENDING,
        NOW + timedelta(minutes=10),
    )
    assert domain.after_failure(1, 503, NOW, retry_after=5) == (  # shorter: the backoff wins
        Status.PENDING,
        NOW + timedelta(minutes=1),
    )
    capped = domain.after_failure(1, 503, NOW, retry_after=10**8)  # a year: capped at a day
    assert capped == (Status.PENDING, NOW + timedelta(days=1))


def test_the_board_can_set_its_own_backoff_and_attempts():
    policy = domain.DeliveryPolicy(backoff_seconds=(2, 4), max_attempts=3)
    delays = [domain.after_failure(n, 503, NOW, policy)[1] for n in (1, 2)]
    assert delays == [NOW + timedelta(seconds=2), NOW + timedelta(seconds=4)]
    assert domain.after_failure(3, 503, NOW, policy) == (Status.FAILED, None)


def test_short_error_is_one_bounded_line():
    text = domain.short_error(503, "score:\n  temporarily_unavailable " + "x" * 500)
    assert text.startswith("HTTP 503: score: temporarily_unavailable")
    assert "\n" not in text
    assert len(text) <= domain.ERROR_LIMIT
    assert domain.short_error(None, "ConnectionError") == "ConnectionError"


def test_scope_check_by_suffix():
    scopes = ("https://lms.example/spec/lti-ags/scope/score",)
    assert domain.has_scope(scopes, domain.SCORE_SCOPE_SUFFIX)
    assert not domain.has_scope(scopes, domain.LINEITEM_SCOPE_SUFFIX)


def test_utc_aware_input_is_kept():
    assert domain.iso_timestamp(NOW.replace(tzinfo=UTC)).endswith("+00:00")
