"""Assignment and Grade Services 2.0: line items, scores and results for the demo course.

Media types, scopes and the score rules follow AGS 2.0 §3.2 to §3.4. The platform is strict where a
real gradebook would be (content types, Accept headers, known users, progress vocabularies) so a
tool that passes here passes on Canvas, Brightspace and Moodle.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, jsonify, request
from flask_babel import gettext as _

from lti_tool.devplatform.oauth import require_scope
from lti_tool.devplatform.runtime import (
    accepts,
    current_platform,
    json_error,
    link_header,
    no_content,
    paginate,
)
from lti_tool.devplatform.signer import (
    SCOPE_LINEITEM,
    SCOPE_LINEITEM_READONLY,
    SCOPE_RESULT_READONLY,
    SCOPE_SCORE,
)
from lti_tool.devplatform.state import LineItem, ScoreRecord

blueprint = Blueprint("dev_ags", __name__, url_prefix="/contexts/<context_id>")

LINEITEM = "application/vnd.ims.lis.v2.lineitem+json"
LINEITEM_CONTAINER = "application/vnd.ims.lis.v2.lineitemcontainer+json"
SCORE = "application/vnd.ims.lis.v1.score+json"
RESULT_CONTAINER = "application/vnd.ims.lis.v2.resultcontainer+json"
ACTIVITY_PROGRESS = frozenset({"Initialized", "Started", "InProgress", "Submitted", "Completed"})
GRADING_PROGRESS = frozenset({"FullyGraded", "Pending", "PendingManual", "Failed", "NotReady"})
OPTIONAL_TEXT_FIELDS = ("resourceId", "tag", "resourceLinkId", "startDateTime", "endDateTime")
DEFAULT_LINEITEMS_PAGE = 50


class AgsError(ValueError):
    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status, self.error, self.description = status, error, description


@blueprint.errorhandler(AgsError)
def _ags_error(error: AgsError) -> Response:
    return json_error(error.status, error.error, error.description)


@blueprint.get("/lineitems")
@require_scope(SCOPE_LINEITEM, SCOPE_LINEITEM_READONLY)
def list_line_items(context_id: str) -> Response:
    _require_accept(LINEITEM_CONTAINER)
    items = current_platform().state.find_line_items(
        _course_id(context_id),
        resourceLinkId=request.args.get("resource_link_id"),
        resourceId=request.args.get("resource_id"),
        tag=request.args.get("tag"),
    )
    base = current_platform().settings.lineitems_url(context_id)
    chunk, links = paginate(items, base, DEFAULT_LINEITEMS_PAGE)
    response = _json([_line_item_json(item) for item in chunk], LINEITEM_CONTAINER)
    if links:
        response.headers["Link"] = link_header(links)
    return response


@blueprint.post("/lineitems")
@require_scope(SCOPE_LINEITEM)
def create_line_item(context_id: str) -> Response:
    fields = _line_item_fields(_body(LINEITEM))
    item = current_platform().state.create_line_item(_course_id(context_id), fields)
    response = _json(_line_item_json(item), LINEITEM, status=201)
    response.headers["Location"] = _line_item_url(item)
    return response


@blueprint.get("/lineitems/<int:number>")
@require_scope(SCOPE_LINEITEM, SCOPE_LINEITEM_READONLY)
def get_line_item(context_id: str, number: int) -> Response:
    _require_accept(LINEITEM)
    return _json(_line_item_json(_line_item(context_id, number)), LINEITEM)


@blueprint.put("/lineitems/<int:number>")
@require_scope(SCOPE_LINEITEM)
def update_line_item(context_id: str, number: int) -> Response:
    item = _line_item(context_id, number)
    body = _body(LINEITEM)
    if "id" in body and body["id"] != _line_item_url(item):
        raise AgsError(400, "invalid_request", _("The line item id cannot be changed."))
    updated = current_platform().state.replace_line_item(item, _line_item_fields(body))
    return _json(_line_item_json(updated), LINEITEM)


@blueprint.delete("/lineitems/<int:number>")
@require_scope(SCOPE_LINEITEM)
def delete_line_item(context_id: str, number: int) -> Response:
    current_platform().state.delete_line_item(_line_item(context_id, number))
    return no_content()


@blueprint.post("/lineitems/<int:number>/scores")
@require_scope(SCOPE_SCORE)
def post_score(context_id: str, number: int) -> Response:
    item = _line_item(context_id, number)
    score = _body(SCORE)
    timestamp = _check_score(score)
    current_platform().state.record_score(item, score, timestamp)
    return no_content()


@blueprint.get("/lineitems/<int:number>/results")
@require_scope(SCOPE_RESULT_READONLY)
def list_results(context_id: str, number: int) -> Response:
    _require_accept(RESULT_CONTAINER)
    item = _line_item(context_id, number)
    results = current_platform().state.results(item, request.args.get("user_id"))
    return _json([_result_json(item, record) for record in results], RESULT_CONTAINER)


def _course_id(context_id: str) -> str:
    if context_id != current_platform().settings.course.id:
        raise AgsError(404, "not_found", _("No such course."))
    return context_id


def _line_item(context_id: str, number: int) -> LineItem:
    item = current_platform().state.line_item(_course_id(context_id), number)
    if item is None:
        raise AgsError(404, "not_found", _("No such line item."))
    return item


def _line_item_url(item: LineItem) -> str:
    return current_platform().settings.lineitem_url(item.context_id, item.number)


def _line_item_json(item: LineItem) -> dict[str, Any]:
    return {"id": _line_item_url(item), **item.fields}


def _result_json(item: LineItem, record: ScoreRecord) -> dict[str, Any]:
    url = _line_item_url(item)
    result: dict[str, Any] = {
        "id": f"{url}/results/{quote(record.user_id, safe='')}",
        "scoreOf": url,
        "userId": record.user_id,
    }
    if "scoreGiven" in record.score:
        result["resultScore"] = record.score["scoreGiven"]
        result["resultMaximum"] = record.score["scoreMaximum"]
    if "comment" in record.score:
        result["comment"] = record.score["comment"]
    return result


def _json(body: Any, media_type: str, status: int = 200) -> Response:
    response = jsonify(body)
    response.status_code = status
    response.mimetype = media_type
    return response


def _require_accept(media_type: str) -> None:
    if not accepts(media_type):
        raise AgsError(
            406, "not_acceptable", _("Send Accept: %(media_type)s.", media_type=media_type)
        )


def _body(media_type: str) -> dict[str, Any]:
    if request.mimetype != media_type:
        raise AgsError(
            415,
            "unsupported_media_type",
            _("Send Content-Type: %(media_type)s.", media_type=media_type),
        )
    body = request.get_json(force=True, silent=True)
    if not isinstance(body, dict):
        raise AgsError(400, "invalid_request", _("The body must be a JSON object."))
    return body


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _line_item_fields(body: dict[str, Any]) -> dict[str, Any]:
    label, maximum = body.get("label"), body.get("scoreMaximum")
    if not isinstance(label, str) or not label.strip():
        raise AgsError(400, "invalid_request", _("A line item needs a label."))
    if not _is_number(maximum) or maximum <= 0:
        raise AgsError(400, "invalid_request", _("scoreMaximum must be a number above 0."))
    fields: dict[str, Any] = {"label": label, "scoreMaximum": maximum}
    for name in OPTIONAL_TEXT_FIELDS:
        if body.get(name) is not None:
            if not isinstance(body[name], str):
                raise AgsError(400, "invalid_request", _("%(name)s must be a string.", name=name))
            fields[name] = body[name]
    platform = current_platform()
    link_id = fields.get("resourceLinkId")
    if link_id is not None and platform.state.link(platform.settings.course, link_id) is None:
        raise AgsError(400, "invalid_request", _("resourceLinkId names no link in this course."))
    return fields


def _check_score(score: dict[str, Any]) -> datetime:
    platform = current_platform()
    subs = {m.sub for m in platform.state.members(platform.settings.course)}
    if score.get("userId") not in subs:
        raise AgsError(400, "invalid_score", _("userId is not a member of this course."))
    given, maximum = score.get("scoreGiven"), score.get("scoreMaximum")
    if given is not None:
        if not _is_number(given) or given < 0:
            raise AgsError(400, "invalid_score", _("scoreGiven must be a number, 0 or more."))
        if not _is_number(maximum) or maximum <= 0:
            raise AgsError(400, "invalid_score", _("scoreMaximum must be a number above 0."))
        if given > maximum:
            raise AgsError(400, "invalid_score", _("scoreGiven is above scoreMaximum."))
    if score.get("activityProgress") not in ACTIVITY_PROGRESS:
        raise AgsError(400, "invalid_score", _("activityProgress is missing or unknown."))
    if score.get("gradingProgress") not in GRADING_PROGRESS:
        raise AgsError(400, "invalid_score", _("gradingProgress is missing or unknown."))
    if "comment" in score and not isinstance(score["comment"], str):
        raise AgsError(400, "invalid_score", _("comment must be a string."))
    try:
        timestamp = datetime.fromisoformat(str(score.get("timestamp")))
    except ValueError:
        timestamp = None
    if timestamp is None or timestamp.tzinfo is None:
        raise AgsError(
            400, "invalid_score", _("timestamp must be an ISO 8601 date-time with a time zone.")
        )
    return timestamp
